// B10 (issue 12's "done when"): one `self-harness evolve` at pool size 2 against the same evolution at pool size 1 —
// wall time and decisions. The agent is the tiny world's scripted one over real HTTP (tests/fixtures/tiny-world.ts),
// answering after a fixed delay, as a hosted model would; a run with no delay at all shows the CPU-bound floor.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvolutionState } from '../src/core/evolve/state.js';
import { startScriptedOpenAIServer } from '../tests/fixtures/scripted-openai-server.js';
import { startCli } from '../tests/fixtures/self-harness-cli.js';
import { tasks, tinyWorldReply } from '../tests/fixtures/tiny-world.js';
import { type BenchFigure, type Check, judged, percentile } from './figure.js';

const TARGET = { comparison: 'at-most', value: 0.6 } as const;

/** What a hosted model takes to answer a short tool call (time to first token plus a few tokens), in ms. */
const MODEL_LATENCY_MS = 250;

/** The state without what depends on the clock or on ids made at random. */
const decisionsOf = (state: EvolutionState): string =>
  JSON.stringify(JSON.parse(JSON.stringify(state), (key, item) => (['elapsedMs', 'startedAt', 'createdAt', 'durationMs', 'traceId', 'timestamp', 'id', 'generatedAt', 'updatedAt'].includes(key) ? undefined : item)));

export const figure: BenchFigure = {
  id: 'B10',
  title: 'Evolution wall time at pool size 2 vs 1 (CLI, same decisions)',
  target: TARGET,
  unit: '×',
  async measure({ quick, log }) {
    const rounds = quick ? 1 : 3;
    const work = await mkdtemp(join(tmpdir(), 'bench-b10-'));
    const results: Array<{ latency: number; ratios: number[]; one: number[]; two: number[]; same: boolean }> = [];
    try {
      await writeFile(join(work, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
      for (const latency of [MODEL_LATENCY_MS, 0]) {
        const server = await startScriptedOpenAIServer((request) => ({ ...tinyWorldReply(request), delayMs: request.tools?.length ? latency : 0 }));
        const evolve = async (concurrency: number, round: number) => {
          const out = join(work, `evolve-${latency}-${concurrency}-${round}`);
          const started = performance.now();
          const result = await startCli(['evolve', '--suite', work, '--base-url', server.baseUrl, '--model', 'tiny-model', '--concurrency', String(concurrency), '--out', out]).done;
          const seconds = (performance.now() - started) / 1000;
          if (result.code !== 0) throw new Error(`evolve --concurrency ${concurrency} exited ${result.code}: ${result.stderr.slice(-400)}`);
          const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as EvolutionState;
          if (state.status !== 'done') throw new Error(`evolve --concurrency ${concurrency} ended ${state.status}`);
          return { seconds, decisions: decisionsOf(state) };
        };
        const entry = { latency, ratios: [] as number[], one: [] as number[], two: [] as number[], same: true };
        try {
          for (let round = 0; round < rounds; round++) {
            // Interleaved, so a change in the machine's load falls on both.
            const one = await evolve(1, round);
            const two = await evolve(2, round);
            entry.one.push(one.seconds);
            entry.two.push(two.seconds);
            entry.ratios.push(two.seconds / one.seconds);
            entry.same &&= one.decisions === two.decisions;
            log(`model latency ${latency} ms, round ${round + 1}/${rounds}: pool 1 ${one.seconds.toFixed(1)} s, pool 2 ${two.seconds.toFixed(1)} s, same decisions: ${one.decisions === two.decisions}`);
          }
        } finally {
          await server.close();
        }
        results.push(entry);
      }
      const [api, floor] = results;
      const median = (values: number[]) => percentile(values, 50);
      const checks: Check[] = [
        judged(`wall time at pool size 2 ÷ pool size 1, model answering after ${MODEL_LATENCY_MS} ms (median of ${rounds})`, median(api.ratios), TARGET, '×', { value: median(api.one), label: 'pool size 1, seconds' }),
        judged('evolutions whose state (every rollout, candidate, verdict and version) is the same at pool size 2 as at 1', results.every((entry) => entry.same) ? 1 : 0, { comparison: 'at-least', value: 1 }, 'all'),
      ];
      const row = (entry: (typeof results)[number]) => [`${entry.latency} ms`, median(entry.one).toFixed(1), median(entry.two).toFixed(1), median(entry.ratios).toFixed(2), entry.same ? 'yes' : 'NO'];
      return {
        id: 'B10',
        title: figure.title,
        checks,
        tables: [{ title: `Median seconds per evolution over ${rounds} interleaved rounds`, columns: ['model latency', 'pool size 1', 'pool size 2', 'ratio', 'same state'], rows: results.map(row) }],
        notes: [
          `Each round runs \`self-harness evolve\` (a real child process, default budget: the paper's k = 2 attempts, one iteration) on the tiny world's 12 tasks (tests/fixtures/tiny-world.ts: easy tasks solved, hard ones only with a double-check rule the proposer suggests) with \`--concurrency 1\` and then \`2\`, against a scripted OpenAI-compatible server that answers each agent call after ${MODEL_LATENCY_MS} ms — what a hosted model takes for a short tool call — and the proposer at once. The ratio is pool 2 ÷ pool 1 wall time; the state files are compared without timings and ids. The 0 ms row is the CPU-bound floor on this machine (2 cores shared by the agent threads, the sandboxes and the server), shown, not judged.`,
        ],
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};
