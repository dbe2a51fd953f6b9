// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { watchWllamaWorker } from '../../src/platform/wllama-worker-watch.js';

/**
 * wllama's worker once could fail (out of memory, a script the browser refused) with the page's load or generation
 * waiting for ever: wllama hands the worker's `error` event only to its logger. The logger the app gives it turns
 * that event into the worker's error text, and passes every line on as before.
 */

function recordingLogger() {
  const lines: unknown[][] = [];
  return { lines, base: { log: (...args: unknown[]) => lines.push(['log', ...args]), error: (...args: unknown[]) => lines.push(['error', ...args]) } };
}

async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'not settled'> {
  return Promise.race([promise, new Promise<'not settled'>((resolve) => setTimeout(() => resolve('not settled'), ms))]);
}

describe("wllama's worker, watched through its logger", () => {
  it('an error event from the worker gives its message', async () => {
    const { base, lines } = recordingLogger();
    const watch = watchWllamaWorker(base);
    const event = new ErrorEvent('error', { message: 'Uncaught RangeError: WebAssembly.Memory(): could not allocate memory' });
    watch.logger.error(event);
    expect(await watch.failed).toBe('Uncaught RangeError: WebAssembly.Memory(): could not allocate memory');
    expect(lines).toEqual([['error', event]]);
  });

  it('a bare error event (a script that could not load) still ends the wait, saying so', async () => {
    const watch = watchWllamaWorker(recordingLogger().base);
    watch.logger.error(new Event('error'));
    expect(await watch.failed).toMatch(/could not be loaded/);
  });

  it('ordinary error lines are only logged', async () => {
    const { base, lines } = recordingLogger();
    const watch = watchWllamaWorker(base);
    watch.logger.error('Failed to parse JSON:', '{');
    watch.logger.log('loading');
    expect(await settledWithin(watch.failed, 50)).toBe('not settled');
    expect(lines).toEqual([
      ['error', 'Failed to parse JSON:', '{'],
      ['log', 'loading'],
    ]);
  });

  it('the installed wllama still hands its worker\'s error events to the logger', () => {
    const require = createRequire(import.meta.url);
    const source = readFileSync(require.resolve('@wllama/wllama/esm/index.js'), 'utf8');
    expect(source).toContain('this.worker.onerror = this.logger.error;');
  });
});
