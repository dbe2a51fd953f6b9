import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import { HARBOR_ARCHIVE_LOGS, HARBOR_CSV_TOTALS, HARBOR_PYTHON_STATS } from '../fixtures/harbor-task-folders.js';
import { forwardConsole, SERVE_MODES, type StudioUnderTest, startStudio, textOf } from './support.js';

/**
 * Every built-in task must be sound where users run it: in the browser's sandbox worker, not only in Node.
 * (just-bash's browser build differs: gzip once crashed there while passing in Node.) A task the browser sandbox
 * cannot run is unsupported, with the reason — counted as the CLI counts it, never as a failure. The built-in suite
 * is checked under the dev server too: there the sandbox worker's commands (just-bash loads most of them lazily)
 * come from Vite's pre-bundled dependencies, not the build.
 */
describe.each(SERVE_MODES)('the built-in suite in the browser (%s app)', (serve) => {
  let studio: StudioUnderTest | undefined;
  beforeAll(async () => {
    studio = await startStudio({ serve });
  });
  afterAll(async () => {
    await studio?.close();
  });

  it('every reference solution passes its verifier and every verifier fails on the untouched state', async () => {
    const page = await studio!.context.newPage();
    forwardConsole(page);
    await page.goto(studio!.url);
    await page.getByTestId('suite-check-button').click();
    await page.locator('[data-testid="suite-check"][data-state="done"]').waitFor({ timeout: 240_000 });
    const defects = (await page.getByTestId('suite-check-defects').count()) ? await page.getByTestId('suite-check-defects').innerText() : '';
    expect(defects).toBe('');
    // yq and tar are missing from just-bash's browser build: the tasks that need them say so instead of failing.
    const needsMissingTools = builtinSuite.tasks.filter((task) => task.requires?.some((capability) => capability === 'yq' || capability === 'tar'));
    expect(needsMissingTools.map((task) => task.id).sort()).toEqual(['fix-backup-script', 'yaml-enable-tls']);
    expect(await page.getByTestId('suite-check-summary').textContent()).toBe(`${builtinSuite.tasks.length - 2} passed, 0 failed, 2 unsupported`);
    expect(await page.getByTestId('suite-check-unsupported').textContent()).toMatch(/task needs yq; the just-bash-worker sandbox offers bash, coreutils/);
  }, 300_000);
});

describe('the suite check of an imported suite in the browser', () => {
  let studio: StudioUnderTest | undefined;
  beforeAll(async () => {
    studio = await startStudio();
  });
  afterAll(async () => {
    await studio?.close();
  });

  it('an imported Harbor suite: a task that uses tar and one refused at load are unsupported with their reasons, not failed', async () => {
    const files = Object.fromEntries(
      Object.entries({ ...HARBOR_CSV_TOTALS, ...HARBOR_ARCHIVE_LOGS, ...HARBOR_PYTHON_STATS }).map(([path, content]) => [`my-suite/${path}`, strToU8(content)]),
    );
    const zipPath = join(await mkdtemp(join(tmpdir(), 'suite-check-zip-')), 'my-suite.zip');
    await writeFile(zipPath, zipSync(files));

    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await page.getByTestId('suite-controls').locator('summary').click();
    await page.getByTestId('suite-loader-zip').setInputFiles(zipPath);
    await page.getByTestId('suite-loader-result').waitFor();
    await expect.poll(() => page.getByTestId('task-item').count()).toBe(2);

    await page.getByTestId('suite-check-button').click();
    await page.locator('[data-testid="suite-check"][data-state="done"]').waitFor({ timeout: 120_000 });
    expect(await textOf(page, '[data-testid="suite-check-summary"]')).toBe('1 passed, 0 failed, 2 unsupported');
    expect(await page.getByTestId('suite-check-defects').count()).toBe(0);
    const unsupported = await page.getByTestId('suite-check-unsupported').innerText();
    expect(unsupported).toContain('archive-logs: task needs tar; the just-bash-worker sandbox offers bash, coreutils');
    expect(unsupported).toMatch(/python-stats: .*(apt-get|python|pytest)/i);

    // Still counted so after a reload: the loaded suite keeps what was refused at load.
    await page.reload();
    await expect.poll(() => page.getByTestId('task-item').count()).toBe(2);
    await page.getByTestId('suite-check-button').click();
    await page.locator('[data-testid="suite-check"][data-state="done"]').waitFor({ timeout: 120_000 });
    expect(await textOf(page, '[data-testid="suite-check-summary"]')).toBe('1 passed, 0 failed, 2 unsupported');
  }, 300_000);
});
