import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardConsole, type StudioUnderTest, startStudio } from './support.js';

/**
 * A malformed suite.json (`title: {"x": 1}`) crashed the Tasks panel with "Minified React error #31", and since the
 * loaded suite was kept and the picker lived in the crashed panel, not even a reload helped. Now the bad task is
 * refused with its reason when loaded, a bad suite kept from earlier is checked after a reload, and the suite picker
 * stays usable throughout.
 */

let studio: StudioUnderTest | undefined;
let zipPath = '';

const task = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: `Task ${id}`,
  instruction: 'Write hello into out.txt',
  initialFiles: {},
  verifier: { script: 'grep -q hello out.txt' },
  agentTimeoutSec: 60,
  verifierTimeoutSec: 10,
  category: 'files',
  difficulty: 'easy',
  tags: [],
  ...extra,
});

beforeAll(async () => {
  const suite = { id: 'hostile', name: 'Hostile', tasks: [task('bad-title', { title: { x: 1 } }), task('good-task')] };
  zipPath = join(await mkdtemp(join(tmpdir(), 'bad-suite-')), 'hostile.zip');
  await writeFile(zipPath, zipSync({ 'suite.json': strToU8(JSON.stringify(suite)) }));
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
});

/** Writes a value straight into the app's stored settings, as an older version of the app (or a hand edit) would have. */
async function storeLoadedSuite(page: Page, value: unknown): Promise<void> {
  await page.evaluate(
    (stored) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('self-harness-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const transaction = db.transaction('settings', 'readwrite');
          transaction.objectStore('settings').put({ key: 'loadedSuite', value: stored });
          transaction.oncomplete = () => {
            db.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    value,
  );
}

describe('a malformed suite', () => {
  it('is refused task by task when loaded, checked again after a reload, and never takes the suite picker down', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(studio!.url);
    await expect.poll(() => page.getByTestId('task-item').count()).toBeGreaterThan(60);

    // Loaded from a zip: the bad task is listed with its reason, the good one is offered.
    await page.getByTestId('suite-controls').locator('summary').click();
    await page.getByTestId('suite-loader-zip').setInputFiles(zipPath);
    await page.getByTestId('suite-loader-result').waitFor();
    expect(await page.getByTestId('suite-loader-unsupported').textContent()).toMatch(/bad-title.*title must be text/);
    await expect.poll(() => page.getByTestId('task-item').count()).toBe(1);
    expect(await page.getByTestId('error-boundary').count()).toBe(0);

    // Stored by an older version (unchecked) and reloaded: checked again, the bad task named, the picker usable.
    await storeLoadedSuite(page, { id: 'hostile', name: 'Hostile', tasks: [task('bad-title', { title: { x: 1 } }), task('good-task')] });
    await page.reload();
    await page.getByTestId('stored-suite-problems').waitFor();
    expect(await page.getByTestId('stored-suite-problems').textContent()).toMatch(/bad-title.*title must be text/);
    await expect.poll(() => page.getByTestId('task-item').count()).toBe(1);
    expect(await page.getByTestId('error-boundary').count()).toBe(0);
    await page.getByTestId('suite-builtin').click();
    await expect.poll(() => page.getByTestId('task-item').count()).toBeGreaterThan(60);

    // Not a suite at all: the built-in one is shown, with a word about the stored value.
    await storeLoadedSuite(page, { tasks: 'everything' });
    await page.reload();
    await page.getByTestId('stored-suite-problems').waitFor();
    await expect.poll(() => page.getByTestId('task-item').count()).toBeGreaterThan(60);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
