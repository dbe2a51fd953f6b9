import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { createDefaultHarness, harnessHash, serializeHarness } from '../../src/core/harness/index.js';
import type { RunResults } from '../../src/cli/run-command.js';
import { HARBOR_CSV_TOTALS, HARBOR_PYTHON_STATS, writeFolder } from '../fixtures/harbor-task-folders.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { startCli } from '../fixtures/self-harness-cli.js';
import { GOOD_RULE, isHard, tasks, tinyWorldReply } from '../fixtures/tiny-world.js';

/**
 * `self-harness run`: measure a harness without evolving it, the baseline before an evolution. The tiny world's
 * scripted agent (over real HTTP) solves easy tasks, and hard ones only when its harness says to double-check.
 */

let server: ScriptedOpenAIServer;
let suiteDir: string;
const chosen = ['task-00', 'task-01', 'task-02', 'task-03'];

beforeAll(async () => {
  server = await startScriptedOpenAIServer((request) => tinyWorldReply(request));
  suiteDir = await mkdtemp(join(tmpdir(), 'suite-'));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
});
afterAll(() => server.close());

const modelFlags = () => ['--base-url', server.baseUrl, '--model', 'tiny-model'];

describe('npx self-harness run', () => {
  it('prints a row per attempt as it finishes, a pass count per task, and ends with "N passed, M failed"; writes results.json and traces', async () => {
    const out = await mkdtemp(join(tmpdir(), 'run-'));
    const { code, stdout, stderr } = await startCli(['run', '--suite', suiteDir, ...modelFlags(), '--tasks', chosen.join(','), '--attempts', '2', '--out', out]).done;
    expect(stderr).toBe('');
    expect(code).toBe(0); // it ran: failed attempts are results, not an error
    const lines = stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('4 passed, 4 failed');
    const attemptRows = lines.filter((line) => /^task-\d\d\s+\d\/2\s/.test(line));
    expect(attemptRows).toHaveLength(8);
    for (const id of chosen) {
      const outcome = isHard(id) ? 'fail' : 'pass';
      expect(attemptRows.filter((line) => line.startsWith(id)).map((line) => line.split(/\s+/)[2])).toEqual([outcome, outcome]);
      expect(lines).toContain(`${id.padEnd(40)} ${isHard(id) ? 0 : 2}/2`);
    }

    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results).toMatchObject({ tasks: 4, attempts: 2, passed: 4, failed: 4, interrupted: false, model: `openai-compatible:tiny-model@${server.baseUrl}`, harnessHash: await harnessHash(createDefaultHarness()) });
    expect(results.results.map(({ task, attempt, outcome }) => [task, attempt, outcome])).toEqual(chosen.flatMap((id) => [1, 2].map((attempt) => [id, attempt, isHard(id) ? 'fail' : 'pass'])));
    expect(results.results.every((result) => typeof result.reason === 'string' && result.reason.length > 0)).toBe(true);

    // Each attempt's trace, one event per line, from run-start to run-end, tagged with the harness it measured.
    for (const result of results.results) {
      expect(result.trace).toBe(`traces/${result.task}-${result.attempt}.jsonl`);
      const events = (await readFile(join(out, result.trace), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as AgentEvent);
      expect(events[0]).toMatchObject({ type: 'run-start', taskId: result.task, harnessHash: results.harnessHash });
      expect(events.at(-1)?.type).toBe('run-end');
    }
    expect(existsSync(join(out, '.lock'))).toBe(false);
  }, 120_000);

  it('measures the harness it is given', async () => {
    const out = await mkdtemp(join(tmpdir(), 'run-'));
    const harness = { ...createDefaultHarness(), rules: [{ id: 'double-check', text: GOOD_RULE, source: { kind: 'human' as const } }] };
    const harnessFile = join(out, 'harness.json');
    await writeFile(harnessFile, serializeHarness(harness));
    const { code, stdout } = await startCli(['run', '--suite', suiteDir, ...modelFlags(), '--tasks', chosen.join(','), '--harness', harnessFile, '--out', out]).done;
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('4 passed, 0 failed');
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.harnessHash).toBe(await harnessHash(harness));
  }, 120_000);

  it('lists tasks the sandbox cannot run as unsupported, without counting them', async () => {
    const harbor = await mkdtemp(join(tmpdir(), 'harbor-'));
    await writeFolder(harbor, { ...HARBOR_CSV_TOTALS, ...HARBOR_PYTHON_STATS });
    const out = await mkdtemp(join(tmpdir(), 'run-'));
    const { code, stdout } = await startCli(['run', '--suite', harbor, ...modelFlags(), '--out', out]).done;
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.find((line) => line.startsWith('python-stats'))).toMatch(/unsupported/);
    expect(lines.at(-1)).toBe('0 passed, 1 failed'); // csv-totals: the tiny world's agent does not solve it
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.tasks).toBe(1);
    expect(results.unsupported.map((item) => item.task)).toEqual(['python-stats']);
  }, 120_000);

  it('caps every agent answer at --max-answer-tokens, which is the measured harness\'s policy (and so its hash)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'run-'));
    const before = server.requests.length;
    const { code } = await startCli(['run', '--suite', suiteDir, ...modelFlags(), '--tasks', 'task-00', '--max-answer-tokens', '300', '--out', out]).done;
    expect(code).toBe(0);
    const sent = server.requests.slice(before);
    // The tool-calling probe first (its own small cap), then the agent's turns, each capped.
    expect(sent[0].messages[0].content).toMatch(/^You are testing a tool/);
    expect(sent.length).toBeGreaterThan(1);
    for (const request of sent.slice(1)) expect(request.max_tokens).toBe(300);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    const capped = createDefaultHarness();
    capped.policies.maxAnswerTokens = 300;
    expect(results.harnessHash).toBe(await harnessHash(capped));
    const refused = await startCli(['run', '--suite', suiteDir, ...modelFlags(), '--max-answer-tokens', '8', '--out', join(out, 'never')]).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--max-answer-tokens must be a whole number of tokens from 16 to 131072, got "8"/);
  }, 60_000);

  it('refuses bad flags with the same words as the evolution settings, before touching --out', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'run-')), 'never');
    const fractional = await startCli(['run', '--suite', suiteDir, ...modelFlags(), '--attempts', '1.5', '--out', out]).done;
    expect(fractional.code).toBe(2);
    expect(fractional.stderr).toMatch(/^self-harness: --attempts: Attempts per task \(k\) must be a whole number of at least 1, not 1\.5$/m);
    const unknownTask = await startCli(['run', '--suite', suiteDir, ...modelFlags(), '--tasks', 'task-00,nope', '--out', out]).done;
    expect(unknownTask.code).toBe(2);
    expect(unknownTask.stderr).toMatch(/--tasks: no task "nope" in this suite/);
    const noOut = await startCli(['run', '--suite', suiteDir, ...modelFlags()]).done;
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out is required/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
