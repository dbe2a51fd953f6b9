import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/cli/run-command.js';
import type { EvolutionState } from '../../src/core/evolve/state.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { startCli } from '../fixtures/self-harness-cli.js';
import { isHard, tasks, tinyWorldReply } from '../fixtures/tiny-world.js';

/**
 * `--concurrency N` on `run` and `evolve`: N episodes at once, each in its own sandbox thread, and the same
 * results.json outcomes, the same decisions and the same report as one at a time. The tiny world's scripted agent
 * answers over real HTTP after a short delay, so episodes overlap; the server counts how many requests it answered at once.
 */

let server: ScriptedOpenAIServer;
let suiteDir: string;

beforeAll(async () => {
  server = await startScriptedOpenAIServer((request) => ({ ...tinyWorldReply(request), delayMs: request.tools?.length ? 40 : 0 }));
  suiteDir = await mkdtemp(join(tmpdir(), 'suite-'));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
});
afterAll(() => server.close());

const modelFlags = () => ['--base-url', server.baseUrl, '--model', 'tiny-model'];

/** The state without what depends on the clock. */
const withoutTimings = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, item) => (['elapsedMs', 'startedAt', 'createdAt', 'durationMs', 'traceId', 'timestamp', 'id', 'generatedAt'].includes(key) ? undefined : item));

async function measure(concurrency: number) {
  const out = await mkdtemp(join(tmpdir(), `run-${concurrency}-`));
  server.concurrency.most = 0;
  const { code, stdout, stderr } = await startCli(['run', '--suite', suiteDir, ...modelFlags(), '--attempts', '2', '--concurrency', String(concurrency), '--out', out]).done;
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
  return { code, stdout, stderr, results, most: server.concurrency.most };
}

describe('--concurrency', () => {
  it('run: 3 at once gives the same results.json outcomes, in the same order, as 1 at a time', async () => {
    const one = await measure(1);
    const three = await measure(3);
    expect(one.code).toBe(0);
    expect(three.code).toBe(0);
    expect(three.stderr).toBe('');
    expect(one.most).toBe(1);
    expect(three.most).toBeGreaterThan(1);
    expect(three.most).toBeLessThanOrEqual(3);
    const rows = (results: RunResults) => results.results.map(({ task, attempt, outcome, reason, steps, usage }) => ({ task, attempt, outcome, reason, steps, usage }));
    expect(rows(three.results)).toEqual(rows(one.results));
    expect(rows(one.results).map(({ task, outcome }) => [task, outcome])).toEqual(tasks.flatMap((task) => [1, 2].map(() => [task.id, isHard(task.id) ? 'fail' : 'pass'])));
    expect(three.stdout).toMatch(/3 at once/);
    expect(three.stdout.trimEnd().split('\n').at(-1)).toBe('12 passed, 12 failed');
  }, 120_000);

  it('evolve: 3 at once makes the same decisions, state and report as 1 at a time', async () => {
    const evolve = async (concurrency: number) => {
      const out = await mkdtemp(join(tmpdir(), `evolve-${concurrency}-`));
      server.concurrency.most = 0;
      const result = await startCli(['evolve', '--suite', suiteDir, ...modelFlags(), '--concurrency', String(concurrency), '--out', out]).done;
      const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as EvolutionState;
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as unknown;
      return { ...result, state, report, most: server.concurrency.most };
    };
    const one = await evolve(1);
    const three = await evolve(3);
    expect(one.code).toBe(0);
    expect(three.code).toBe(0);
    expect(one.state.status).toBe('done');
    expect(one.most).toBe(1);
    expect(three.most).toBeGreaterThan(1);
    expect(three.state.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason])).toEqual(one.state.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason]));
    expect(three.state.usedRollouts).toEqual(one.state.usedRollouts);
    expect(withoutTimings(three.state)).toEqual(withoutTimings(one.state));
    expect(withoutTimings(three.report)).toEqual(withoutTimings(one.report));
  }, 240_000);

  it('refuses a pool size that is not a whole number from 1 to 16, before touching --out', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'bad-')), 'never');
    for (const value of ['0', '2.5', 'many', '17']) {
      const { code, stderr } = await startCli(['run', '--suite', suiteDir, ...modelFlags(), '--concurrency', value, '--out', out]).done;
      expect(code).toBe(2);
      expect(stderr).toContain(`--concurrency: expected a whole number from 1 to 16, got "${value}"`);
    }
  }, 60_000);
});
