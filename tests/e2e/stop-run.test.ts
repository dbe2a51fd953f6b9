import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, saveOpenAIModel, type StudioUnderTest, startStudio, textOf } from './support.js';

/** Stop ends the running task as stopped by the user and skips the tasks still queued. */

let studio: StudioUnderTest | undefined;
let model: ScriptedOpenAIServer | undefined;

beforeAll(async () => {
  // A slow model that never finishes: it keeps looking around.
  model = await startScriptedOpenAIServer(() => ({ text: 'Looking around.', toolCalls: [{ name: 'shell', args: { command: 'ls' } }], delayMs: 150 }));
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await model?.close();
});

describe('stopping a run', () => {
  it('stops the running task and skips the queued one', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);

    const [first, second] = builtinSuite.tasks;
    await saveOpenAIModel(page, model!.baseUrl, 'slow');
    // One episode at a time, so the second task is still queued when Stop is pressed (batch-in-a-pool covers more).
    await page.getByTestId('pool-size').fill('1');
    await page.getByTestId('tasks-select-none').click();
    await page.getByTestId(`task-checkbox-${first.id}`).check();
    await page.getByTestId(`task-checkbox-${second.id}`).check();
    await page.getByTestId('run-button').click();

    // Let the first task take a few steps, then stop.
    await page.waitForFunction((id) => {
      const status = document.querySelector(`[data-testid="task-progress"][data-task-id="${id}"] [data-testid="task-progress-status"]`)?.textContent ?? '';
      return /step [3-9]/.test(status);
    }, first.id);
    await page.getByTestId('stop-button').click();
    await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();

    const row = (id: string) => `[data-testid="task-progress"][data-task-id="${id}"]`;
    expect(await page.locator(row(first.id)).getAttribute('data-outcome')).toBe('agent_error');
    expect(await textOf(page, `${row(first.id)} [data-testid="task-progress-reason"]`)).toContain('stopped by the user');
    expect(await textOf(page, `${row(second.id)} [data-testid="task-progress-status"]`)).toBe('skipped (stopped)');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 1);
  }, 60_000);
});
