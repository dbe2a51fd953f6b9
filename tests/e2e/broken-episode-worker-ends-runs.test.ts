import { describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import { studioWithBrokenWorkerHost } from './broken-worker-host.js';
import { textOf } from './support.js';

/**
 * An episode worker (agent loop, tools and verifier of one episode) that cannot load, dies, or never answers must end
 * its episode, not leave it running: `infra_error` of the environment with the worker's own error text, and a Stop
 * that stops at once. The built app, unchanged, is handed a broken copy of the episode worker's code (the module its
 * entry point loads), as a bad build would break it.
 */

const EPISODE_HOST = /\/assets\/episode-host-[^/]+\.js$/;
const TASK = builtinSuite.tasks.find((task) => !task.requires?.length)!;
const { row, pageWithHost, runAndWaitUntilIdle } = studioWithBrokenWorkerHost(EPISODE_HOST, TASK);

describe('an episode worker that is broken', () => {
  it("cannot load its code: the episode ends infra_error with the worker's own error, and is saved so", async () => {
    const { page, served } = await pageWithHost('export const broken = ;\n');
    await runAndWaitUntilIdle(page);
    expect(await page.locator(row).getAttribute('data-outcome')).toBe('infra_error');
    expect(await textOf(page, `${row} [data-testid="task-progress-reason"]`)).toMatch(/^the episode worker failed: SyntaxError: Unexpected token/);
    await page.locator(`[data-testid="run-row"][data-task-id="${TASK.id}"][data-outcome="infra_error"]`).first().waitFor();
    expect(served()).toBeGreaterThan(0);
    await page.close();
  }, 90_000);

  it('dies after loading: the episode ends infra_error with the error it threw', async () => {
    const { page, served } = await pageWithHost("setTimeout(() => { throw new Error('the episode host crashed'); }, 0);\nexport {};\n");
    await runAndWaitUntilIdle(page);
    expect(await page.locator(row).getAttribute('data-outcome')).toBe('infra_error');
    expect(await textOf(page, `${row} [data-testid="task-progress-reason"]`)).toContain('the episode worker failed: Error: the episode host crashed');
    expect(served()).toBeGreaterThan(0);
    await page.close();
  }, 90_000);

  it('never finishes loading: Stop ends the episode at once, as stopped by the user', async () => {
    const { page, served } = await pageWithHost('await new Promise(() => {});\nexport {};\n');
    await page.getByTestId('run-button').click();
    await page.locator(`${row}[data-status="running"]`).waitFor();
    await expect.poll(served).toBeGreaterThan(0);
    const pressed = Date.now();
    await page.getByTestId('stop-button').click();
    await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();
    expect(Date.now() - pressed).toBeLessThan(1000);
    expect(await page.locator(row).getAttribute('data-outcome')).toBe('agent_error');
    expect(await textOf(page, `${row} [data-testid="task-progress-reason"]`)).toBe('stopped by the user');
    await page.close();
  }, 90_000);
});
