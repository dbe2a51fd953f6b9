import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ChatRequest, type ScriptedOpenAIServer, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { RESULTS_DIR, runTasks, saveOpenAIModel, type StudioUnderTest, startStudio, textOf } from './support.js';

/**
 * The workbench for sharing and teaching, as two people would use it. A newcomer takes the tour, runs tasks, edits
 * the harness, compares traces and versions, runs a cross-model matrix, exports a harness snapshot and a run bundle,
 * backs up and restores the workspace. Someone else, in a fresh browser profile, imports both, sees the lineage,
 * replays the traces without any model call, and runs that harness on their own model. Every page is visited,
 * screenshotted at 1280 px, and no page logs an error.
 */

function taskById(id: string): Task {
  const task = builtinSuite.tasks.find((candidate) => candidate.id === id);
  if (!task?.solution) throw new Error(`built-in task "${id}" with a reference solution is missing`);
  return task;
}
const TASK_PASS = taskById('organize-inbox-by-extension');
const TASK_FAIL = taskById('dedupe-by-content');
const RULE_TEXT = 'Sort files by their lowercased extension.';

const systemText = (request: ChatRequest) => request.messages.find((message) => message.role === 'system')?.content ?? '';

function script(request: ChatRequest, turn: number): ScriptedReply {
  if (systemText(request).includes(TASK_PASS.instruction.slice(0, 80))) {
    const steps: ScriptedReply[] = [
      { text: 'Write a script that moves each file by its extension.', toolCalls: [{ name: 'write_file', args: { path: '/tmp/solve.sh', content: TASK_PASS.solution } }] },
      { text: 'Run it and list the result.', toolCalls: [{ name: 'shell', args: { command: 'bash /tmp/solve.sh && find sorted -type f | sort' } }] },
      { text: 'All files are sorted.', toolCalls: [{ name: 'finish', args: { summary: 'Moved every inbox file to sorted/<ext>/.' } }] },
    ];
    return steps[Math.min(turn, steps.length - 1)];
  }
  return { text: 'Nothing to do here.', toolCalls: [{ name: 'finish', args: { summary: 'Done without changes.' } }] };
}

let studioA: StudioUnderTest | undefined;
let studioB: StudioUnderTest | undefined;
let model: ScriptedOpenAIServer | undefined;
const files: { snapshot?: string; bundle?: string; backup?: string; agents?: string; csv?: string } = {};
let downloads = '';

beforeAll(async () => {
  model = await startScriptedOpenAIServer(script);
  studioA = await startStudio();
  downloads = await mkdtemp(join(tmpdir(), 'workbench-downloads-'));
  mkdirSync(RESULTS_DIR, { recursive: true });
});

afterAll(async () => {
  await studioA?.close();
  await studioB?.close();
  await model?.close();
});

/** Page errors and console errors, collected so the test can say none happened. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message} @ ${page.url()}\n${error.stack ?? ''}`));
  return errors;
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(RESULTS_DIR, `workbench-${name}.png`), fullPage: true });
}

async function download(page: Page, act: () => Promise<unknown>, name: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), act()]);
  const path = join(downloads, name || file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

async function openTab(page: Page, tab: string, ready: string) {
  await page.getByTestId(`tab-${tab}`).click();
  await page.getByTestId(ready).waitFor();
}

describe('sharing and teaching', () => {
  it('a newcomer takes the tour, runs, compares, diffs, runs the matrix, exports a snapshot and a bundle, and backs up and restores', async () => {
    const page = await studioA!.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    const errors = watchErrors(page);
    await page.goto(studioA!.url);

    // First visit: a welcome offers the tour; every page is a link.
    await page.getByTestId('welcome-card').waitFor();
    expect(await page.locator('nav.page-tabs a[href^="#/"]').count()).toBe(7);
    await shot(page, 'run-first-visit');

    // The tour: seven steps, each on the page of its element, ending on the version tree.
    await page.getByTestId('welcome-start-tour').click();
    const titles: string[] = [];
    const hashes: string[] = [];
    for (let step = 0; step < 7; step++) {
      await page.locator('.driver-popover-title').waitFor();
      await page.waitForFunction((n) => document.querySelector('.driver-popover-progress-text')?.textContent?.startsWith(`step ${n} of 7`), step + 1);
      titles.push(await textOf(page, '.driver-popover-title'));
      hashes.push(new URL(page.url()).hash);
      if (step === 3) {
        await page.waitForTimeout(500); // the popover fades in
        await shot(page, 'tour-weakness-step');
      }
      await page.locator('.driver-popover-next-btn').click();
    }
    await page.locator('.driver-popover').waitFor({ state: 'detached' });
    expect(titles.map((title) => title.replace(/^\d · /, ''))).toEqual(['The harness', 'A run', 'The trace', 'A weakness', 'A proposal', 'The validation gate', 'A new version']);
    expect(hashes).toEqual(['#/run', '#/run', '#/run', '#/evolve', '#/evolve', '#/evolve', '#/versions']);
    // Skippable and reopenable: from Learn, and closed at once.
    await openTab(page, 'learn', 'learn-page');
    await page.getByTestId('learn-start-tour').click();
    await page.locator('.driver-popover-close-btn').click();
    await page.locator('.driver-popover').waitFor({ state: 'detached' });
    expect(await page.getByTestId('welcome-card').count()).toBe(0);
    await openTab(page, 'learn', 'learn-page');

    // Learn: the paper by title and arXiv id, the glossary from the schema.
    expect(await textOf(page, '[data-testid="paper-citation"]')).toContain('Self-Harness: Harnesses That Improve Themselves');
    expect(await page.getByTestId('paper-link').getAttribute('href')).toBe('https://arxiv.org/abs/2606.09498');
    await page.getByTestId('glossary-filter').fill('loop');
    expect(await textOf(page, '[data-testid="glossary-policy-loopBreaker"]')).toMatch(/every N tool calls/i);
    await page.getByTestId('glossary-filter').fill('');
    expect(await page.locator('[data-testid^="glossary-edit-"]').count()).toBe(7);
    await shot(page, 'learn');

    // Run two tasks; the whole batch has one progress bar.
    await openTab(page, 'run', 'run-panel');
    await saveOpenAIModel(page, model!.baseUrl, 'scripted-a', { name: 'Model A' });
    await runTasks(page, [TASK_PASS.id, TASK_FAIL.id]);
    expect(await page.getByTestId('batch-progress').getAttribute('aria-valuenow')).toBe('100');

    // A trace has its own URL; search finds the command; replay steps through stored events.
    await page.locator(`[data-testid="run-row"][data-task-id="${TASK_PASS.id}"] [data-testid="run-open"]`).first().click();
    await page.getByTestId('trace-events').waitFor();
    expect(new URL(page.url()).hash).toMatch(/^#\/run\/trace\/run-/);
    await page.getByTestId('trace-search').fill('solve.sh');
    expect(await textOf(page, '[data-testid="trace-search-count"]')).toMatch(/^1 of [2-9]/);
    await page.getByTestId('trace-replay-start').click();
    expect(await textOf(page, '[data-testid="trace-replay-position"]')).toMatch(/^event 1 of \d+/);
    await page.getByTestId('trace-replay-next').click();
    expect(await textOf(page, '[data-testid="trace-replay-position"]')).toMatch(/^event 2 of/);
    expect(await page.locator('[data-testid="trace-events"] [data-testid="trace-event"]').count()).toBe(2);
    // The URL opens the same trace after a reload.
    await page.reload();
    await page.getByTestId('trace-viewer').waitFor();
    expect(await page.getByTestId('trace-viewer').getAttribute('data-task-id')).toBe(TASK_PASS.id);
    await shot(page, 'run-trace');

    // A second harness version (a rule), the same task again under it, and both traces side by side.
    await page.getByTestId('harness-plain-toggle').check();
    const draft = JSON.parse(await page.getByTestId('harness-textarea').inputValue());
    draft.rules = [{ id: 'lowercase-extensions', text: RULE_TEXT, source: { kind: 'human' } }];
    await page.getByTestId('harness-textarea').fill(JSON.stringify(draft, null, 2));
    await page.getByTestId('harness-label').fill('with extension rule');
    await page.getByTestId('harness-save').click();
    await page.getByTestId('harness-saved').waitFor();
    await page.getByTestId('harness-plain-toggle').uncheck();
    await page.getByTestId('harness-open-editor').click();
    await page.getByTestId('editor-tab-hint').waitFor();
    await runTasks(page, [TASK_PASS.id]);
    await page.waitForFunction((taskId) => document.querySelectorAll(`[data-testid="run-row"][data-task-id="${taskId}"]`).length === 2, TASK_PASS.id);
    const passRows = page.locator(`[data-testid="run-row"][data-task-id="${TASK_PASS.id}"] [data-testid="run-tick"]`);
    await passRows.nth(0).check();
    await passRows.nth(1).check();
    await page.getByTestId('runs-compare').click();
    await page.getByTestId('compare-grid').waitFor();
    expect(new URL(page.url()).hash).toMatch(/^#\/compare\/run-.+\/run-.+$/);
    const compared = await page.locator('[data-testid="compare-grid"] [data-testid="trace-viewer"]').evaluateAll((viewers) => viewers.map((viewer) => viewer.getAttribute('data-harness-hash')));
    expect(compared).toHaveLength(2);
    expect(compared[0]).not.toBe(compared[1]);
    await shot(page, 'compare');

    // Export the first batch as a run bundle.
    await page.getByTestId('compare-close').click();
    await page.getByTestId('batch-list').waitFor();
    const firstBatch = page.locator('[data-testid="batch-row"]').last();
    files.bundle = await download(page, () => firstBatch.getByTestId('batch-export').click(), 'first-batch.bundle.zip');
    expect(await textOf(page, '[data-testid="batch-exported"]')).toContain('2 runs');

    // Versions: the tree with run scores, a diff in words and side by side, and the exports.
    await openTab(page, 'versions', 'versions-tree');
    const edited = page.locator('[data-testid="versions-node"][data-label="with extension rule"]');
    const defaultNode = page.locator('[data-testid="versions-node"]').first();
    expect(await edited.getAttribute('data-active')).toBe('true');
    expect(await edited.getByTestId('versions-run-score').first().textContent()).toContain('1/1 passed');
    await defaultNode.getByTestId('versions-pick-left').first().check();
    await edited.getByTestId('versions-pick-right').first().check();
    await page.getByTestId('versions-diff').click();
    await page.getByTestId('versions-changes').waitFor();
    expect(await page.locator('[data-testid="versions-change"][data-area="rule"][data-change="added"]').textContent()).toContain(RULE_TEXT);
    await page.locator('[data-testid="versions-monaco-diff"] .monaco-diff-editor').waitFor();
    expect(new URL(page.url()).hash).toMatch(/^#\/versions\/diff\/[0-9a-f]{64}\/[0-9a-f]{64}$/);
    files.snapshot = await download(page, () => edited.getByTestId('versions-export').first().selectOption('snapshot'), 'with-extension-rule.harness.json');
    files.agents = await download(page, () => edited.getByTestId('versions-export').first().selectOption('agents'), 'AGENTS.md');
    expect(readFileSync(files.agents, 'utf8')).toContain(`- ${RULE_TEXT}`);
    const snapshot = JSON.parse(readFileSync(files.snapshot, 'utf8'));
    expect(snapshot).toMatchObject({ format: 'self-harness-snapshot', formatVersion: 1, label: 'with extension rule' });
    expect(snapshot.lineage.steps.map((step: { kind: string }) => step.kind)).toEqual(['default', 'edit']);
    await shot(page, 'versions');
    // Revert to the default (an ancestor of the active version), then branch from the edited one.
    await defaultNode.getByTestId('versions-revert').first().click();
    expect(await textOf(page, '[data-testid="versions-notice"]')).toContain('Reverted');
    await edited.getByTestId('versions-branch').first().click();
    await page.getByTestId('harness-panel').waitFor();
    expect(await page.getByTestId('harness-label').inputValue()).toBe('branch of with extension rule');
    expect(await textOf(page, '[data-testid="harness-active-label"]')).toBe('with extension rule');

    // The cross-model matrix: both versions × Model A × the passing task, then its CSV.
    await openTab(page, 'matrix', 'matrix-setup');
    for (const box of await page.locator('[data-testid^="matrix-harness-"]').all()) await box.check();
    await page.locator('[data-testid^="matrix-profile-"]').first().check();
    await page.getByTestId(`matrix-task-${TASK_PASS.id}`).check();
    await page.getByTestId('matrix-run').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="matrix-progress"]') && document.querySelector('[data-testid="matrix-run"]')?.textContent?.includes('2 runs'));
    const totals = await page.getByTestId('matrix-total').allTextContents();
    // Each version had one passing run of this task already (the first batch, the run after the edit); now two.
    expect(totals.map((total) => total.replace(/\s*\(.*\)/, ''))).toEqual(['2/2', '2/2']);
    files.csv = await download(page, () => page.getByTestId('matrix-csv').click(), 'matrix.csv');
    expect(readFileSync(files.csv, 'utf8').split('\n')[0]).toBe(`harness,harness_hash,model,model_id,${TASK_PASS.id},passed,attempts,pass_rate`);
    await shot(page, 'matrix');

    // Workspace: back up, refuse a foreign file without touching anything, delete a batch, restore it back.
    await openTab(page, 'run', 'batch-list');
    const batchesBefore = await page.locator('[data-testid="batch-row"]').count();
    await openTab(page, 'workspace', 'workspace-backup');
    files.backup = await download(page, () => page.getByTestId('backup-button').click(), 'workspace-backup.json');
    await page.getByTestId('backup-done').waitFor();
    const backupText = readFileSync(files.backup, 'utf8');
    expect(backupText).toContain('"databaseName":"self-harness-studio"');
    await page.getByTestId('restore-file').setInputFiles(files.agents);
    await page.getByTestId('restore-confirm').click();
    expect(await textOf(page, '[data-testid="restore-error"]')).toContain('your workspace is unchanged');
    await shot(page, 'workspace');

    await openTab(page, 'run', 'batch-list');
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="batch-row"]').length === count, batchesBefore);
    await page.locator('[data-testid="batch-row"]').last().getByTestId('batch-delete').click();
    // The confirmation says what goes and how much storage it frees.
    await page.waitForFunction(() => /Delete this batch: 2 runs and their traces, about [\d.]+ kB/.test(document.querySelector('[data-testid="batch-delete-confirm-box"]')?.textContent ?? ''));
    await page.getByTestId('batch-delete-confirm').click();
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="batch-row"]').length === count - 1, batchesBefore);

    await openTab(page, 'workspace', 'workspace-backup');
    await page.getByTestId('restore-file').setInputFiles(files.backup);
    await page.getByTestId('restore-confirm').click();
    await page.getByTestId('restore-done').waitFor();
    await page.getByTestId('restore-reload').click();
    await page.getByTestId('workspace-backup').waitFor();
    await openTab(page, 'run', 'batch-list');
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="batch-row"]').length === count, batchesBefore);

    // The remaining pages render; the Evolve page keeps its form across a reload.
    await openTab(page, 'evolve', 'evolve-config');
    await page.getByTestId('evolve-attempts').fill('3');
    await page.reload();
    await page.getByTestId('evolve-config').waitFor();
    expect(await page.getByTestId('evolve-attempts').inputValue()).toBe('3');
    await shot(page, 'evolve');
    await openTab(page, 'models', 'models-browser');
    await shot(page, 'models');
    await openTab(page, 'run', 'task-picker');
    await shot(page, 'run');

    // An example harness to start from becomes the active version.
    await openTab(page, 'learn', 'learn-examples');
    await page.getByTestId('example-use-plan-first').click();
    await page.getByTestId('harness-panel').waitFor();
    expect(await textOf(page, '[data-testid="harness-active-label"]')).toBe('Plan first');

    // The task list fits a 1280-px screen: no row is wider than its list.
    const overflow = await page.locator('.task-list').evaluate((list) => list.scrollWidth - list.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  }, 300_000);

  it('someone else, in a fresh browser, imports the snapshot and the bundle, sees the lineage, replays at zero model cost and runs the harness on their own model', async () => {
    if (!files.snapshot || !files.bundle) throw new Error('the first test did not export a snapshot and a bundle');
    studioB = await startStudio();
    const page = await studioB.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    const errors = watchErrors(page);
    await page.goto(studioB.url);
    await page.getByTestId('welcome-card').waitFor();
    await page.getByTestId('welcome-dismiss').click();

    // The snapshot: imported by file picker, with where it came from and its lineage.
    await openTab(page, 'versions', 'versions-tree');
    await page.getByTestId('snapshot-import').setInputFiles(files.snapshot!);
    expect(await textOf(page, '[data-testid="versions-notice"]')).toContain('Imported "with extension rule"');
    const imported = page.locator('[data-testid="versions-node"][data-label="with extension rule"]');
    expect(await imported.getByTestId('versions-origin').first().textContent()).toContain('imported from with-extension-rule.harness.json');
    await page.getByTestId('lineage').waitFor();
    expect(await page.locator('[data-testid="lineage-step"]').evaluateAll((steps) => steps.map((step) => step.getAttribute('data-kind')))).toEqual(['default', 'edit']);
    // A broken file is refused with a clear message and stores nothing.
    const count = await page.getByTestId('versions-node').count();
    await page.getByTestId('snapshot-import').setInputFiles({ name: 'broken.harness.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "self-harness-snapshot", "formatVersion": 9}') });
    expect(await textOf(page, '[data-testid="versions-error"]')).toMatch(/format version 9/);
    expect(await page.getByTestId('versions-node').count()).toBe(count);
    await shot(page, 'versions-imported');

    // The bundle: imported, and a trace replayed from stored events with no model request.
    const requestsBefore = model!.requests.length;
    await openTab(page, 'workspace', 'workspace-bundle');
    await page.getByTestId('bundle-import').setInputFiles(files.bundle!);
    expect(await textOf(page, '[data-testid="bundle-imported"]')).toMatch(/2 runs with their traces/);
    await page.getByTestId('bundle-open-trace').click();
    await page.getByTestId('trace-events').waitFor();
    await page.getByTestId('trace-replay-start').click();
    await page.getByTestId('trace-replay-play').click();
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="trace-replay-position"]')?.textContent ?? '';
      const [, at, of] = /event (\d+) of (\d+)/.exec(text) ?? [];
      return at && at === of;
    }, undefined, { timeout: 30_000 });
    expect(await page.locator('[data-testid="run-row"]').count()).toBe(2);
    expect(model!.requests.length).toBe(requestsBefore);
    await shot(page, 'bundle-replay');

    // Their own model runs that harness on the bundle's tasks.
    await openTab(page, 'workspace', 'workspace-bundle');
    await page.getByTestId('bundle-import').setInputFiles(files.bundle!);
    // The bundle's batch ran the default harness; the snapshot's version is the one to try.
    await page.getByTestId('bundle-use-harness').click();
    expect(await textOf(page, '[data-testid="bundle-harness-active"]')).toContain('"Default (minimal start)" is now the active harness');
    await page.getByTestId('bundle-use-suite').click();
    await page.getByTestId('task-picker').waitFor();
    expect(await textOf(page, '[data-testid="task-picker"] h2')).toContain('Tasks');
    expect(await page.getByTestId('task-item').count()).toBe(2);
    await openTab(page, 'versions', 'versions-tree');
    await page.locator('[data-testid="versions-node"][data-label="with extension rule"]').getByTestId('versions-use').first().click();
    await page.getByTestId('versions-notice').waitFor();
    await openTab(page, 'run', 'task-picker');
    expect(await textOf(page, '[data-testid="harness-active-label"]')).toBe('with extension rule');
    await saveOpenAIModel(page, model!.baseUrl, 'scripted-b', { name: 'Model B' });
    await runTasks(page, [TASK_PASS.id]);
    expect(await page.locator(`[data-testid="task-progress"][data-task-id="${TASK_PASS.id}"]`).getAttribute('data-outcome')).toBe('pass');
    const lastRequest = model!.requests.at(-1)!;
    expect(lastRequest.model).toBe('scripted-b');
    expect(systemText(lastRequest)).toContain(RULE_TEXT);
    expect(errors).toEqual([]);
  }, 300_000);
});
