import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvolutionState } from '../../src/core/evolve/state.js';
import { startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { startCli } from '../fixtures/self-harness-cli.js';
import { tasks, tinyWorldReply } from '../fixtures/tiny-world.js';

let server: Awaited<ReturnType<typeof startScriptedOpenAIServer>>;

let suiteDir: string;

beforeAll(async () => {
  server = await startScriptedOpenAIServer((request) => tinyWorldReply(request));
  suiteDir = await mkdtemp(join(tmpdir(), 'suite-'));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
});
afterAll(() => server.close());

const cli = startCli;

describe('npx self-harness evolve', () => {
  it('runs the loop against an OpenAI-compatible endpoint, survives a kill -9, resumes and writes a report', async () => {
    const out = await mkdtemp(join(tmpdir(), 'evolve-'));
    const args = ['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'tiny-model', '--api-key-env', 'TINY_KEY', '--out', out];

    const first = cli(args, { TINY_KEY: 'sk-test' });
    // Kill it for real once it has made progress on disk.
    await new Promise<void>((resolve) => {
      const poll = setInterval(async () => {
        const state = await readFile(join(out, 'state.json'), 'utf8').then(JSON.parse, () => undefined);
        if (state && state.usedRollouts.length >= 8) {
          clearInterval(poll);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 50);
    });
    const killed = await first.done;
    expect(killed.code).toBeNull();
    expect(existsSync(join(out, 'report.md'))).toBe(false);

    // kill -9 left the killed process's lock behind; the resume takes it over and says so, and nothing else.
    expect(JSON.parse(await readFile(join(out, '.lock'), 'utf8')).pid).toBe(first.child.pid);
    const second = await cli(args, { TINY_KEY: 'sk-test' }).done;
    expect(second.stderr).toBe(`note: took over ${join(out, '.lock')} from pid ${first.child.pid}, which is no longer running\n`);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/resuming evolution evo-/);
    expect(second.stdout).toMatch(/done: converged: every held-in attempt passes/);

    const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as EvolutionState;
    expect(state.status).toBe('done');
    expect(state.candidates.map((candidate) => candidate.status).sort()).toEqual(['merged', 'rejected']);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Accepted edits/);
    expect(report).toMatch(/double-check/);
    const finalHarness = JSON.parse(await readFile(join(out, 'harness-final.json'), 'utf8'));
    expect(finalHarness.rules[0].id).toBe('double-check');
    expect(server.requests.every((request) => request.model === 'tiny-model')).toBe(true);
    expect(existsSync(join(out, '.lock'))).toBe(false); // released at the end
  }, 120_000);

  it('says clearly what is missing', async () => {
    const result = await cli(['evolve', '--suite', 'builtin', '--model', 'x', '--out', '/tmp/x']).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--base-url is required/);
    const noKey = await cli(['evolve', '--suite', 'builtin', '--base-url', server.baseUrl, '--model', 'x', '--out', '/tmp/x', '--api-key-env', 'NOT_SET_ANYWHERE']).done;
    expect(noKey.stderr).toMatch(/environment variable NOT_SET_ANYWHERE .* is not set/);
  }, 60_000);

  it('takes settings through the evolution-config schema: --attempts 1.5 and --alpha 5 are refused with its words', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'evolve-')), 'never');
    const result = await cli(['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'tiny-model', '--out', out, '--attempts', '1.5', '--acceptance', 'statistical', '--alpha', '5']).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^self-harness: --attempts: Attempts per task \(k\) must be a whole number of at least 1, not 1\.5\n--alpha: α \(one-sided\) must be a number between 0 and 1 \(both excluded\), not 5\n/,
    );
    const tooFew = await cli(['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'tiny-model', '--out', out, '--tasks', 'task-00,task-01,task-02']).done;
    expect(tooFew.code).toBe(2);
    expect(tooFew.stderr).toMatch(/^self-harness: An evolution needs at least 4 tasks \(held-in, held-out and test\); this suite has 3\.\n/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('--split sets the split, and a suite too small for the rule is warned about before the run starts', async () => {
    const out = await mkdtemp(join(tmpdir(), 'evolve-'));
    const chosen = ['task-00', 'task-01', 'task-02', 'task-03'];
    const result = await cli([
      'evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'tiny-model', '--out', out,
      '--tasks', chosen.join(','), '--split', '0.5,0.5,0', '--acceptance', 'statistical', '--attempts', '1', '--iterations', '1',
    ]).done;
    expect(result.code).toBe(0);
    const warnings = result.stderr.trimEnd().split('\n');
    expect(warnings).toEqual([
      'warning: The statistical rule at α=0.05 can never accept an edit here: with 4 tasks (2 held-in / 2 held-out / 0 test) and 1 attempt each, a candidate that wins all 2 held-in task × attempt pairs still has p=0.250 ≥ α. Use more tasks, at least 3 attempts per task, a larger α, or the paper rule.',
      'warning: With 4 tasks split 2 held-in / 2 held-out / 0 test, no task is kept for the test split: the report cannot compare the first and last harness on tasks no decision saw.',
    ]);
    const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as EvolutionState;
    expect(state.config.splitRatios).toEqual({ heldIn: 0.5, heldOut: 0.5, test: 0 });
    expect([state.splits.heldIn.length, state.splits.heldOut.length, state.splits.test.length]).toEqual([2, 2, 0]);
    expect([...state.splits.heldIn, ...state.splits.heldOut].sort()).toEqual(chosen);
    // As warned: whatever was proposed, nothing could pass the gate.
    expect(state.candidates.length).toBeGreaterThan(0);
    expect(state.candidates.filter((candidate) => candidate.status === 'accepted' || candidate.status === 'merged')).toEqual([]);
  }, 120_000);

  it('takes the gate settings (--tolerance, --full-validation, --final-test-rollouts) through the schema, and a refused resume exits 2, changes nothing and releases the lock', async () => {
    const base = ['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'tiny-model'];
    const never = join(await mkdtemp(join(tmpdir(), 'evolve-')), 'never');
    const fractional = await cli([...base, '--out', never, '--tolerance', '1.5']).done;
    expect(fractional.code).toBe(2);
    expect(fractional.stderr).toMatch(/^self-harness: --tolerance: Passes a held-out task may lose \(tolerance\) must be a whole number of at least 0, not 1\.5\n/);
    const strict = await cli([...base, '--out', never, '--acceptance', 'strict', '--tolerance', '1']).done;
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/^self-harness: --tolerance applies only with --acceptance paper or statistical\n/);
    expect(existsSync(never)).toBe(false);

    const out = await mkdtemp(join(tmpdir(), 'evolve-'));
    const result = await cli([...base, '--out', out, '--tolerance', '1', '--full-validation', '--final-test-rollouts', '4', '--iterations', '1']).done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/gate: paper: held-in rises, no held-out task falls by more than 1; full validation/);
    const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as EvolutionState;
    expect(state.config).toMatchObject({ acceptance: { kind: 'paper', heldOutTolerance: 1 }, adaptiveValidation: false, budget: { maxIterations: 1, maxFinalTestRollouts: 4 } });
    expect(state.finalTest).toMatchObject({ budget: 4 });

    // Another action protocol is another agent: refused with the reason, the state untouched, the lock gone.
    const before = await readFile(join(out, 'state.json'), 'utf8');
    const refused = await cli([...base, '--out', out, '--action-protocol', 'json_action']).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^self-harness: cannot resume from ${out}: this evolution's agent is openai-compatible tiny-model \\(native_tools\\)`));
    expect(await readFile(join(out, 'state.json'), 'utf8')).toBe(before);
    expect(existsSync(join(out, '.lock'))).toBe(false);
  }, 120_000);
});
