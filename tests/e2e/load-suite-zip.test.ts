import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARBOR_CSV_TOTALS, HARBOR_PYTHON_STATS, ownSolution } from '../fixtures/harbor-task-folders.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, runTasks, saveOpenAIModel, type StudioUnderTest, startStudio } from './support.js';

/**
 * A user drops a zip of Harbor task folders written by someone else: the supported task loads and runs in the
 * browser sandbox (its Dockerfile replayed), the unsupported one is listed with its reason, and the suite survives
 * a reload.
 */
let studio: StudioUnderTest | undefined;
let model: ScriptedOpenAIServer | undefined;
let zipPath = '';

beforeAll(async () => {
  const files = Object.fromEntries(Object.entries({ ...HARBOR_CSV_TOTALS, ...HARBOR_PYTHON_STATS }).map(([path, content]) => [`my-suite/${path}`, strToU8(content)]));
  zipPath = join(await mkdtemp(join(tmpdir(), 'suite-zip-')), 'my-suite.zip');
  await writeFile(zipPath, zipSync(files));
  // The scripted agent solves the imported task with its own solve.sh, which works in the task's WORKDIR, /app.
  const solve = ownSolution(HARBOR_CSV_TOTALS, 'csv-totals');
  model = await startScriptedOpenAIServer((_request, turn) =>
    turn === 0 ? { toolCalls: [{ name: 'shell', args: { command: solve } }] } : { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] },
  );
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await model?.close();
});

describe('loading a suite from a zip', () => {
  it('imports what the sandbox can replay, lists what it cannot with the reason, runs it, and keeps it after a reload', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await page.getByTestId('suite-controls').locator('summary').click();
    await page.getByTestId('suite-loader-zip').setInputFiles(zipPath);
    await page.getByTestId('suite-loader-result').waitFor();
    expect(await page.getByTestId('suite-loader-unsupported').textContent()).toMatch(/apt-get|python|pytest/i);
    await expect.poll(() => page.getByTestId('task-item').count()).toBe(1);
    const taskId = await page.getByTestId('task-item').first().getAttribute('data-task-id');

    await saveOpenAIModel(page, model!.baseUrl, 'scripted-import');
    await runTasks(page, [taskId!]);
    expect(await page.locator(`[data-testid="task-progress"][data-task-id="${taskId}"]`).getAttribute('data-outcome')).toBe('pass');

    await page.reload();
    await expect.poll(() => page.getByTestId('task-item').count()).toBe(1);
    expect(await page.getByTestId('task-item').first().getAttribute('data-task-id')).toBe(taskId);
    await page.getByTestId('suite-controls').locator('summary').click();
    await page.getByTestId('suite-builtin').click();
    await expect.poll(() => page.getByTestId('task-item').count()).toBeGreaterThan(60);
  }, 120_000);
});
