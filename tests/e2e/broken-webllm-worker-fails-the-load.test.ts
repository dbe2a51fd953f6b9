import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardConsole, type StudioUnderTest, startStudio } from './support.js';

/**
 * WebLLM's engine waits for its worker's answers; a worker whose code cannot load used to leave the model load
 * waiting for ever. The app's own `createWebLLMModel` is called in the page (the dev server serves its module), and
 * the browser is handed broken code for the module the worker's entry point loads. The load must fail at once with
 * the worker's own error text — before WebLLM would look for a GPU or download anything.
 */

let studio: StudioUnderTest | undefined;
beforeAll(async () => {
  studio = await startStudio({ serve: 'dev' });
});
afterAll(async () => {
  await studio?.close();
});

describe('a WebLLM worker that cannot load its code', () => {
  it('fails the model load with the worker\'s error instead of waiting', async () => {
    const page = await studio!.context.newPage();
    forwardConsole(page);
    let served = 0;
    await page.route(/\/workers\/webllm-host\.ts(\?.*)?$/, async (route) => {
      served += 1;
      await route.fulfill({ status: 200, contentType: 'text/javascript', body: 'export const broken = ;\n' });
    });
    await page.goto(studio!.url);
    await page.getByRole('heading', { name: 'Self-Harness Studio' }).waitFor();
    // Written as text: the test runner would rewrite an `import()` inside a function handed to the page.
    const outcome = (await page.evaluate(`(async () => {
      const { createWebLLMModel } = await import('/src/platform/webllm-engine.ts');
      try {
        await createWebLLMModel('SmolLM2-360M-Instruct-q4f32_1-MLC', () => {});
        return 'loaded';
      } catch (error) {
        return error.name + ': ' + error.message;
      }
    })()`)) as string;
    expect(outcome).toMatch(/^WorkerFailedError: the WebLLM worker failed: SyntaxError: Unexpected token/);
    expect(served).toBeGreaterThan(0);
  }, 120_000);
});
