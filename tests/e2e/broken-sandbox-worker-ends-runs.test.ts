import { describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import { studioWithBrokenWorkerHost } from './broken-worker-host.js';
import { textOf } from './support.js';

/**
 * A sandbox worker that cannot load, dies, or never answers must not leave a run "running · step 0" for ever, a Stop
 * that does nothing, or "Check every task" at 0 %. The app is the built one, unchanged: the browser is handed a
 * broken copy of the sandbox worker's code (the module its entry point loads), the way a bad build or a dev server
 * serving a dependency wrongly would break it. Everything else — the worker, its entry point, the page — is what
 * users run.
 */

const SANDBOX_HOST = /\/assets\/sandbox-host-[^/]+\.js$/;
const TASK = builtinSuite.tasks.find((task) => Object.keys(task.initialFiles).length > 0)!;
const { row, model, pageWithHost, runAndWaitUntilIdle } = studioWithBrokenWorkerHost(SANDBOX_HOST, TASK);

describe('a sandbox worker that is broken', () => {
  it('cannot load its code: the run ends as infra_error with the worker\'s own error, and the suite check stops with it', async () => {
    const requestsBefore = model().requests.length;
    const { page, served } = await pageWithHost('export const broken = ;\n');
    await runAndWaitUntilIdle(page);
    expect(await page.locator(row).getAttribute('data-outcome')).toBe('infra_error');
    expect(await textOf(page, `${row} [data-testid="task-progress-reason"]`)).toMatch(/^could not prepare the task: the sandbox worker failed: SyntaxError: Unexpected token/);
    // The task never reached the model: the only request is the run's tool-calling probe, sent before any task starts.
    const sent = model().requests.slice(requestsBefore);
    expect(sent.every((request) => JSON.stringify(request.messages).includes('Call the finish tool now.'))).toBe(true);
    // The run is saved with its outcome, not left running.
    await page.locator(`[data-testid="run-row"][data-task-id="${TASK.id}"][data-outcome="infra_error"]`).first().waitFor();

    await page.getByTestId('suite-check-button').click();
    await page.locator('[data-testid="suite-check"][data-state="done"]').waitFor();
    expect(await textOf(page, '[data-testid="suite-check-error"]')).toMatch(/stopped after 1 of \d+ tasks because the sandbox could not run: the sandbox worker failed: SyntaxError: Unexpected token/);
    expect(await textOf(page, '[data-testid="suite-check-summary"]')).toBe('0 passed, 0 failed, 0 unsupported');
    expect(served()).toBeGreaterThan(0);
    await page.close();
  }, 90_000);

  it('dies after loading: the run ends as infra_error with the error it threw', async () => {
    const { page, served } = await pageWithHost("setTimeout(() => { throw new Error('the sandbox host crashed'); }, 0);\nexport {};\n");
    await runAndWaitUntilIdle(page);
    expect(await page.locator(row).getAttribute('data-outcome')).toBe('infra_error');
    expect(await textOf(page, `${row} [data-testid="task-progress-reason"]`)).toContain('the sandbox worker failed: Error: the sandbox host crashed');
    // The sandbox's crash is handled by the episode's worker, which goes on: it is not taken for a crash of its own.
    expect(await textOf(page, `${row} [data-testid="task-progress-reason"]`)).not.toContain('episode worker');
    expect(served()).toBeGreaterThan(0);
    await page.close();
  }, 90_000);

  it('never finishes loading and never answers: Stop stops the run at once', async () => {
    const { page, served } = await pageWithHost('await new Promise(() => {});\nexport {};\n');
    await page.getByTestId('run-button').click();
    await page.locator(`${row}[data-status="running"]`).waitFor();
    // The episode's worker has started its sandbox worker, which now loads for ever.
    await expect.poll(served).toBeGreaterThan(0);
    await page.getByTestId('stop-button').click();
    await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();
    // Stopped by the user, not ended by the sandbox giving up on its silent worker (an infra_error after 60 s).
    expect(await page.locator(row).getAttribute('data-outcome')).toBe('agent_error');
    expect(await textOf(page, `${row} [data-testid="task-progress-reason"]`)).toBe('stopped by the user');
    expect(served()).toBeGreaterThan(0);
    await page.close();
  }, 90_000);
});
