import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/cli/run-command.js';
import { createDefaultHarness, serializeHarness } from '../../src/core/harness/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { startCli } from '../fixtures/self-harness-cli.js';

/**
 * `run --concurrency 2` records results in plan order, so episodes that end while an earlier one still runs wait to be
 * recorded. A Ctrl-C then must not drop them: what ended before it is in results.json (marked interrupted).
 */

const SPIN = 'printf "b\\na\\n" > /tmp/s; for i in $(seq 1 50000); do sort -c /tmp/s; done';
const FAST = ['fast-1', 'fast-2', 'fast-3', 'fast-4'];

let server: ScriptedOpenAIServer;
let suiteDir: string;
let harnessFile: string;

beforeAll(async () => {
  server = await startScriptedOpenAIServer((request) => {
    const system = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
    const taskId = /\[(slow-0|fast-\d)\]/.exec(system)?.[1];
    const acted = request.messages.some((message) => message.role === 'tool');
    if (!taskId || acted) return { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] };
    return { toolCalls: [{ name: 'shell', args: { command: taskId === 'slow-0' ? SPIN : `echo ok > ${taskId}.txt` } }] };
  });
  suiteDir = await mkdtemp(join(tmpdir(), 'ctrl-c-suite-'));
  const tasks: Task[] = ['slow-0', ...FAST].map((id) => ({
    id,
    title: id,
    instruction: `Write ok into ${id}.txt. [${id}]`,
    initialFiles: {},
    verifier: { script: `grep -qx ok /work/${id}.txt` },
    agentTimeoutSec: 600,
    verifierTimeoutSec: 10,
    category: 'ctrl-c',
    difficulty: 'easy',
    tags: [],
  }));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'ctrl-c', name: 'ctrl-c', tasks }));
  const harness = createDefaultHarness();
  harness.policies.commandTimeout.seconds = 600;
  harnessFile = join(suiteDir, 'harness.json');
  await writeFile(harnessFile, serializeHarness(harness));
});
afterAll(() => server?.close());

const ended = async (out: string, taskId: string) => {
  const file = join(out, 'traces', `${taskId}-1.jsonl`);
  return existsSync(file) && (await readFile(file, 'utf8')).includes('"type":"run-end"');
};

describe('Ctrl-C during `run --concurrency 2`', () => {
  it('keeps the episodes that ended before it, even those still waiting for an earlier one to be recorded', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ctrl-c-run-'));
    const { child, done } = startCli(['run', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'scripted', '--harness', harnessFile, '--concurrency', '2', '--out', out]);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const all = await Promise.all(FAST.map((taskId) => ended(out, taskId)));
      if (all.every(Boolean)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The agent's run-end is written before the verifier runs: give the last verifier time to answer.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    // Nothing is recorded yet: the slow task at the head of the plan still spins.
    expect(before.results).toEqual([]);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.interrupted).toBe(true);
    expect(results.results.map(({ task, outcome }) => [task, outcome])).toEqual(FAST.map((taskId) => [taskId, 'pass']));
    expect(results.passed).toBe(4);
    expect(result.stdout).toContain('4 passed, 0 failed');
  }, 150_000);
});
