import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardConsole, RESULTS_DIR, ROOT, type StudioUnderTest, startStudio, textOf } from './support.js';

/**
 * A GGUF picked from disk survives a reload: the page copies it into wllama's cache in the origin's private file
 * system, the profile remembers only its name, and after a reload it loads from that copy. Deleted from the Models
 * tab, it is gone, and the Model panel says to pick the file again. (Loading only; the inference path is in
 * real-model.test.ts.) Needs the model from `bash scripts/fetch-test-model.sh`; skipped without it.
 */

const MODEL_FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';
const MODEL_PATH = join(ROOT, '.cache', 'models', MODEL_FILE);
const HAVE_MODEL = existsSync(MODEL_PATH);
if (!HAVE_MODEL) console.log(`wllama local-file test skipped: ${MODEL_PATH} is missing (bash scripts/fetch-test-model.sh fetches it).`);

let studio: StudioUnderTest | undefined;
beforeAll(async () => {
  if (HAVE_MODEL) studio = await startStudio();
});
afterAll(async () => {
  await studio?.close();
});

describe('a GGUF model picked from disk', () => {
  it.skipIf(!HAVE_MODEL)(
    'is kept in the model cache, loads after a reload, is listed and deleted on the Models tab, then must be picked again',
    async () => {
      const page = await studio!.context.newPage();
      page.setDefaultTimeout(60_000);
      forwardConsole(page);
      await page.goto(studio!.url);

      await page.getByTestId('provider-wllama').check();
      await page.getByTestId('wllama-source-file').check();
      await page.getByTestId('wllama-file').setInputFiles(MODEL_PATH);
      await page.locator('[data-testid="wllama-file-status"][data-state="kept"]').waitFor();
      expect(await textOf(page, '[data-testid="wllama-file-status"]')).toContain("is kept in this browser's model cache");
      await page.getByTestId('model-save').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')?.textContent?.includes('Saved'));
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.getByTestId('model-panel').screenshot({ path: join(RESULTS_DIR, 'e2e-model-panel-wllama-file.png') });

      // After a reload the File object is gone; the copy in the cache is what loads.
      await page.reload();
      await page.locator('[data-testid="wllama-file-status"][data-state="checked"]').waitFor();
      expect(await textOf(page, '[data-testid="wllama-file-status"]')).toContain("is in this browser's model cache");
      // "Check this model" says what applies to a picked file: whether its copy is in the cache.
      await page.getByTestId('model-test-connection').click();
      await page.locator('[data-testid="connection-result"][data-state="ok"]').waitFor();
      expect(await textOf(page, '[data-testid="connection-result"]')).toContain(`${MODEL_FILE} is in this browser's model cache (98 MB)`);
      await page.getByTestId('model-load').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="model-load"]')?.textContent === 'Loaded', undefined, { timeout: 120_000 });

      // The Models tab lists it with its size; it cannot be deleted while loaded.
      await page.getByTestId('tab-models').click();
      const row = page.locator('[data-testid="cached-model"][data-runtime="wllama"]');
      await row.waitFor();
      expect(await row.textContent()).toContain(`${MODEL_FILE} (picked file)`);
      expect(await row.textContent()).toContain('98 MB');
      expect(await row.getByTestId('cached-model-delete').isDisabled()).toBe(true);
      expect(await page.getByTestId('models-loaded-state').getAttribute('data-state')).toBe('loaded');
      await page.screenshot({ path: join(RESULTS_DIR, 'e2e-models-tab-cached-wllama.png'), fullPage: true });
      await page.getByTestId('models-unload').click();
      await page.locator('[data-testid="models-loaded-state"][data-state="idle"]').waitFor();
      await row.getByTestId('cached-model-delete').click();
      await page.getByTestId('cached-models-empty').waitFor();

      // Deleted: the Model panel says to pick the file again, and loading says so too.
      await page.getByTestId('tab-run').click();
      await page.locator('[data-testid="wllama-file-status"][data-state="checked"]').waitFor();
      expect(await textOf(page, '[data-testid="wllama-file-status"]')).toContain('pick the file again');
      await page.getByTestId('model-test-connection').click();
      await page.locator('[data-testid="connection-result"][data-state="error"]').waitFor();
      expect(await textOf(page, '[data-testid="connection-result"]')).toContain(`${MODEL_FILE} is not in this browser's model cache: pick the file again`);
      await page.getByTestId('model-load').click();
      await page.getByTestId('model-load-error').waitFor();
      expect(await textOf(page, '[data-testid="model-load-error"]')).toContain('pick the file again');
    },
    240_000,
  );
});
