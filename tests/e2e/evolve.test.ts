import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPLIT_RATIOS, splitTasks } from '../../src/core/evolve/splits.js';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ChatRequest, type ScriptedOpenAIServer, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, RESULTS_DIR, saveOpenAIModel, type StudioUnderTest, startStudio } from './support.js';

/**
 * The Self-Harness loop in the browser, against a scripted model with one weakness: it gives up on some held-in tasks
 * unless its harness tells it to double-check. One proposed edit fixes that; another breaks a held-out task.
 * The user follows the evolution live, reads the report, reloads, and finds it all still there.
 */

const chosen: Task[] = builtinSuite.tasks.filter((task) => task.solution).slice(0, 8);
const splits = splitTasks(chosen, DEFAULT_SPLIT_RATIOS, 1);
const weakOn = new Set(splits.heldIn.slice(0, 2));
const canary = splits.heldOut[0];
const GOOD_RULE = 'Double-check the result with a command before you finish.';
const BAD_RULE = 'Finish as soon as possible, without extra work.';

const systemText = (request: ChatRequest) => request.messages.find((message) => message.role === 'system')?.content ?? '';
const userText = (request: ChatRequest) => request.messages.filter((message) => message.role === 'user').map((message) => message.content ?? '').join('\n');

function agent(request: ChatRequest, turn: number): ScriptedReply {
  const system = systemText(request);
  const task = chosen.find((candidate) => system.includes(candidate.instruction.slice(0, 80)));
  if (!task) return { toolCalls: [{ name: 'finish', args: { summary: 'unknown task' } }] };
  const givesUp = (weakOn.has(task.id) && !system.includes(GOOD_RULE)) || (task.id === canary && system.includes(BAD_RULE));
  if (givesUp) return { text: 'Looks done already.', toolCalls: [{ name: 'finish', args: { summary: 'nothing to do' } }] };
  const steps: ScriptedReply[] = [
    { toolCalls: [{ name: 'write_file', args: { path: '/tmp/solve.sh', content: task.solution } }] },
    { toolCalls: [{ name: 'shell', args: { command: 'bash /tmp/solve.sh' } }] },
    { toolCalls: [{ name: 'finish', args: { summary: 'solved' } }] },
  ];
  return steps[Math.min(turn, steps.length - 1)];
}

function proposer(request: ChatRequest): ScriptedReply {
  const system = systemText(request);
  if (system.includes('find its recurring failure patterns')) {
    const failed = [...new Set([...userText(request).matchAll(/### task (\S+)/g)].map((match) => match[1]))];
    return { text: JSON.stringify({ weaknesses: [{ id: 'gives-up', category: 'missing_verification', title: 'Finishes without checking the work', description: 'declares done before doing anything', evidenceTaskIds: failed, impact: 4 }] }) };
  }
  return {
    text: JSON.stringify({
      candidates: [
        { edits: [{ op: 'add_rule', ruleId: 'double-check', text: GOOD_RULE }], rationale: 'check before finishing', predictedFlips: [...weakOn] },
        { edits: [{ op: 'add_rule', ruleId: 'hurry', text: BAD_RULE }], rationale: 'save steps', predictedFlips: [] },
      ],
    }),
  };
}

let studio: StudioUnderTest | undefined;
let freshStudio: StudioUnderTest | undefined;
let model: ScriptedOpenAIServer | undefined;
/** The evolution the first test runs to its end, which the last one exports. */
let finishedEvolutionId = '';
/** Milliseconds each agent answer waits, so a test can pause mid-run. */
let agentDelayMs = 0;

beforeAll(async () => {
  model = await startScriptedOpenAIServer((request, turn) => (request.tools?.length ? { ...agent(request, turn), delayMs: agentDelayMs } : proposer(request)));
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await freshStudio?.close();
  await model?.close();
});

describe('evolve the harness in the browser', () => {
  it('accepts the fixing edit, rejects the breaking one, shows the tree and the report, and keeps them after a reload', async () => {
    expect(canary).toBeTruthy();
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await saveOpenAIModel(page, model!.baseUrl, 'scripted-e2e');
    await page.getByTestId('tasks-select-none').click();
    for (const task of chosen) await page.getByTestId(`task-checkbox-${task.id}`).check();

    await page.getByTestId('tab-evolve').click();
    await expect.poll(() => page.getByTestId('evolve-suite').textContent()).toBe('8 selected tasks');
    await page.getByTestId('evolve-attempts').fill('1');
    await page.getByTestId('evolve-start').click();

    // Live progress shows while it runs.
    await page.getByTestId('evolve-progress').waitFor();
    await page.locator('[data-testid="evolution-view"][data-status="done"]').waitFor({ timeout: 120_000 });
    await page.getByTestId('evolution-report').waitFor();

    const good = page.locator('[data-testid^="candidate-"]').filter({ hasText: 'check before finishing' });
    const bad = page.locator('[data-testid^="candidate-"]').filter({ hasText: 'save steps' });
    await expect.poll(() => good.textContent()).toContain('merged into the next version');
    await expect.poll(() => bad.textContent()).toContain('rejected by the gate');
    expect(await bad.textContent()).toContain('held-out task falls');
    await bad.locator('summary').click();
    expect(await bad.getByTestId('flip-matrix').textContent()).toContain('pass→fail');
    expect(await bad.getByTestId('harness-diff').textContent()).toContain(BAD_RULE);

    // Every rollout opens in the trace viewer, from the evolution page.
    await page.getByTestId('evolution-rollouts').locator('summary').click();
    const rows = page.getByTestId('rollout-row');
    await rows.first().waitFor();
    const used = Number(/(\d+) rollouts/.exec((await page.getByTestId('evolution-view').textContent()) ?? '')?.[1]);
    expect(await rows.count()).toBe(used);
    const failed = rows.filter({ hasText: 'fail' }).first();
    const taskId = await failed.locator('[data-testid="rollout-open"]').textContent();
    await failed.getByTestId('rollout-open').click();
    const viewer = page.getByTestId('trace-viewer');
    await viewer.waitFor();
    expect(await viewer.getByTestId('trace-rollout-note').textContent()).toContain('evolution rollout');
    expect(await viewer.locator('h3').first().textContent()).toContain(taskId ?? '');
    expect(await viewer.getByTestId('trace-events').locator('li').count()).toBeGreaterThan(1);
    // It is the run viewer, with its search; and the rollout's trace has its own URL, which opens it again.
    await viewer.getByTestId('trace-search').fill('finish');
    expect(await viewer.getByTestId('trace-search-count').textContent()).toMatch(/^1 of \d+/);
    const [, evolutionId, traceId] = /^#\/evolve\/([^/]+)\/trace\/([^/]+)$/.exec(new URL(page.url()).hash) ?? [];
    expect(traceId).toMatch(/^rollout-/);
    finishedEvolutionId = decodeURIComponent(evolutionId);
    const viewedRunId = await viewer.getAttribute('data-run-id');
    await page.reload();
    await page.getByTestId('trace-viewer').waitFor();
    expect(await page.getByTestId('trace-viewer').getAttribute('data-run-id')).toBe(viewedRunId);
    await page.getByTestId('trace-viewer').getByTestId('trace-close').click();
    expect(new URL(page.url()).hash).toBe(`#/evolve/${evolutionId}`);

    const tree = page.getByTestId('version-tree');
    expect(await tree.locator('.version-adopted').count()).toBe(1);
    expect(await tree.locator('.version-abandoned').count()).toBe(1);
    expect(await page.getByTestId('test-last').textContent()).toContain('2/2');
    expect(await page.getByTestId('accepted-edit').textContent()).toContain('double-check');
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-evolve.png'), fullPage: true });

    // Nothing is lost on reload.
    await page.reload();
    await page.getByTestId('tab-evolve').click();
    await page.locator('[data-testid="evolution-view"][data-status="done"]').waitFor();
    expect(await page.getByTestId('accepted-edit').textContent()).toContain('double-check');

    // No proposer prompt ever saw a held-out or test task's trace.
    const proposerPrompts = model!.requests.filter((request) => !request.tools?.length).map((request) => JSON.stringify(request.messages));
    expect(proposerPrompts.length).toBeGreaterThanOrEqual(2);
    for (const prompt of proposerPrompts) for (const taskId of [...splits.heldOut, ...splits.test]) expect(prompt).not.toContain(`### task ${taskId}`);
  }, 180_000);

  it('pauses, keeps what it did, and resumes to the same end', async () => {
    agentDelayMs = 150;
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await page.getByTestId('tasks-select-none').click();
    for (const task of chosen) await page.getByTestId(`task-checkbox-${task.id}`).check();
    await page.getByTestId('tab-evolve').click();
    // Two attempts: the first test already cached every attempt-1 rollout of these tasks (the cache is shared across
    // evolutions), so with one attempt this evolution could finish from the cache before Pause is pressed.
    await page.getByTestId('evolve-attempts').fill('2');
    await page.getByTestId('evolve-seed').fill('2');
    await page.getByTestId('evolve-start').click();
    await page.waitForFunction(() => /[1-9]\d*\/\d+ rollouts/.test(document.querySelector('[data-testid="evolve-live"]')?.textContent ?? ''));
    await page.getByTestId('evolve-pause').click();
    await page.locator('[data-testid="evolution-view"][data-status="paused"]').waitFor();
    const rolloutsAtPause = Number(/(\d+) rollouts/.exec((await page.getByTestId('evolution-view').textContent()) ?? '')?.[1]);
    expect(rolloutsAtPause).toBeGreaterThan(0);

    agentDelayMs = 0;
    await page.reload();
    await page.getByTestId('tab-evolve').click();
    await page.locator('[data-testid="evolution-view"][data-status="paused"]').waitFor();
    await page.getByTestId('evolve-resume').click();
    await page.locator('[data-testid="evolution-view"][data-status="done"]').waitFor({ timeout: 120_000 });
    expect(Number(/(\d+) rollouts/.exec((await page.getByTestId('evolution-view').textContent()) ?? '')?.[1])).toBeGreaterThan(rolloutsAtPause);
  }, 180_000);

  it('exports the evolution as one bundle that a fresh browser imports and opens — versions, decisions, report, every rollout trace — without calling a model', async () => {
    expect(finishedEvolutionId).not.toBe('');
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(`${studio!.url}#/evolve/${encodeURIComponent(finishedEvolutionId)}`);
    await page.locator('[data-testid="evolution-view"][data-status="done"]').waitFor();
    const used = Number(/(\d+) rollouts/.exec((await page.getByTestId('evolution-view').textContent()) ?? '')?.[1]);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evolution-export-bundle').click()]);
    expect(file.suggestedFilename()).toBe(`evolution-${finishedEvolutionId}.bundle.zip`);
    const bundlePath = join(await mkdtemp(join(tmpdir(), 'evolution-bundle-')), file.suggestedFilename());
    await file.saveAs(bundlePath);
    expect(await page.getByTestId('evolution-export-status').textContent()).toContain(`${used} rollout traces`);

    // Someone else's browser: a fresh profile, no model configured.
    freshStudio = await startStudio();
    const fresh = await freshStudio.context.newPage();
    fresh.setDefaultTimeout(30_000);
    forwardConsole(fresh);
    const pageErrors: string[] = [];
    fresh.on('pageerror', (error) => pageErrors.push(error.message));
    await fresh.goto(freshStudio.url);
    const requestsBefore = model!.requests.length;
    await fresh.getByTestId('tab-workspace').click();
    await fresh.getByTestId('bundle-import').setInputFiles(bundlePath);
    const imported = fresh.locator('[data-testid="bundle-imported"][data-kind="evolution"]');
    await imported.waitFor();
    expect(await imported.textContent()).toContain(`${used} rollouts with their traces`);
    await fresh.getByTestId('bundle-open-evolution').click();

    // Its versions, decisions and report, as in the first browser.
    await fresh.locator('[data-testid="evolution-view"][data-status="done"]').waitFor();
    expect(await fresh.getByTestId('accepted-edit').textContent()).toContain('double-check');
    await expect.poll(() => fresh.locator('[data-testid^="candidate-"]').filter({ hasText: 'check before finishing' }).textContent()).toContain('merged into the next version');
    await expect.poll(() => fresh.locator('[data-testid^="candidate-"]').filter({ hasText: 'save steps' }).textContent()).toContain('rejected by the gate');
    expect(await fresh.getByTestId('version-tree').locator('.version-adopted').count()).toBe(1);
    expect(await fresh.getByTestId('test-last').textContent()).toContain('2/2');

    // Every rollout's trace opens in the trace viewer.
    await fresh.getByTestId('evolution-rollouts').locator('summary').click();
    const rows = fresh.getByTestId('rollout-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(used);
    await rows.filter({ hasText: 'fail' }).first().getByTestId('rollout-open').click();
    const viewer = fresh.getByTestId('trace-viewer');
    await viewer.waitFor();
    expect(await viewer.getByTestId('trace-events').locator('li').count()).toBeGreaterThan(1);
    await fresh.screenshot({ path: join(RESULTS_DIR, 'e2e-evolution-bundle-imported.png'), fullPage: true });

    // Not one model request for any of it.
    expect(model!.requests.length).toBe(requestsBefore);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
