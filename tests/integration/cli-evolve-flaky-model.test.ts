import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvolutionState } from '../../src/core/evolve/state.js';
import { seededRandom } from '../../src/core/evolve/splits.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ChatRequest, type ScriptedOpenAIServer, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';

/**
 * A headless evolution against a flaky model: the agent passes each episode by a coin and ignores every edit, and
 * halfway through the server goes away (500s and dropped connections). The CLI pauses, says why and how to resume, and
 * exits non-zero; once the server is back the same command resumes, and the gate adopts none of the no-effect edits:
 * the harness ends as it began.
 */

const root = new URL('../..', import.meta.url).pathname;
const tasks: Task[] = Array.from({ length: 40 }, (_, index) => {
  const id = `coin-${String(index).padStart(2, '0')}`;
  return {
    id,
    title: id,
    instruction: `Create the file out-${id}.txt containing ok. [${id}]`,
    initialFiles: {},
    verifier: { script: `grep -qx ok /work/out-${id}.txt` },
    agentTimeoutSec: 30,
    verifierTimeoutSec: 10,
    category: index % 2 ? 'alpha' : 'beta',
    difficulty: 'easy',
    tags: [],
  };
});

let server: ScriptedOpenAIServer;
let suiteDir: string;
const coin = seededRandom(20261129);
const world = { down: false, agentRequests: 0, goDownAfter: 70, faults: 0 };

function reply(request: ChatRequest, turn: number): ScriptedReply {
  const agent = Boolean(request.tools?.length);
  if (agent) world.agentRequests++;
  if (agent && world.agentRequests === world.goDownAfter) world.down = true;
  if (world.down) {
    world.faults++;
    return { fault: world.faults % 2 ? { status: 500, message: 'upstream model crashed' } : 'drop' };
  }
  const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
  if (agent) {
    const taskId = /\[(coin-\d\d)\]/.exec(system)?.[1] ?? 'unknown';
    if (turn > 0) return { toolCalls: [{ name: 'finish', args: {} }] };
    return { toolCalls: [{ name: 'shell', args: { command: `echo ${coin() < 0.5 ? 'ok' : 'nope'} > out-${taskId}.txt` } }] };
  }
  const user = request.messages.filter((message) => message.role === 'user').map((message) => message.content ?? '').join('\n');
  if (system.includes('find its recurring failure patterns')) {
    const failed = [...new Set([...user.matchAll(/### task (\S+)/g)].map((match) => match[1]))];
    return { text: JSON.stringify({ weaknesses: [{ id: 'unlucky', category: 'other', title: 'writes the wrong word', description: 'sometimes writes nope', evidenceTaskIds: failed, impact: 3 }] }) };
  }
  return {
    text: JSON.stringify({
      candidates: [
        { edits: [{ op: 'add_rule', ruleId: 'say-ok', text: 'Write exactly the word the task asks for.' }], rationale: 'no effect on a coin', predictedFlips: [] },
        { edits: [{ op: 'set_policy', path: 'loopBreaker.enabled', value: true }], rationale: 'no effect either', predictedFlips: [] },
      ],
    }),
  };
}

beforeAll(async () => {
  server = await startScriptedOpenAIServer(reply);
  suiteDir = await mkdtemp(join(tmpdir(), 'coin-suite-'));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'coins', name: 'coins', tasks }));
});
afterAll(() => server.close());

function cli(args: string[]) {
  const child = spawn(process.execPath, [join(root, 'bin/self-harness.mjs'), ...args], { cwd: root, env: { ...process.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('evolve against a flaky model', () => {
  it('pauses with exit code 3 while the server is away, resumes when it is back, and leaves the harness as it was', async () => {
    const out = await mkdtemp(join(tmpdir(), 'evolve-flaky-'));
    // One episode at a time: this world goes down at its 70th request in arrival order and draws its coins in call
    // order, so how many rollouts finish first is only fixed when requests do not interleave.
    const args = ['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'coin-model', '--out', out, '--iterations', '3', '--concurrency', '1'];

    const paused = await cli(args);
    expect(paused.code).toBe(3);
    expect(paused.stderr).toMatch(/paused: the model could not be reached: .*server error \(500\)|paused: the model could not be reached: .*network/);
    expect(paused.stderr).toMatch(/run the same command again/);
    const pausedState = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as EvolutionState;
    expect(pausedState).toMatchObject({ status: 'paused', pause: { kind: 'model_unreachable' } });
    expect(pausedState.currentHash).toBe(pausedState.baseHash);
    // Nothing the unreachable server "did" was kept as a result.
    for (const file of await readdir(join(out, 'rollouts'))) expect(JSON.parse(await readFile(join(out, 'rollouts', file), 'utf8')).outcome).not.toBe('infra_error');
    expect(pausedState.usedRollouts.length).toBe(world.goDownAfter / 2 - 1);

    world.down = false;
    world.goDownAfter = -1;
    const resumed = await cli(args);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resuming evolution evo-/);
    const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as EvolutionState;
    expect(state.status).toBe('done');
    expect(state.candidates.length).toBeGreaterThan(0);
    expect(state.candidates.every((candidate) => candidate.status === 'rejected')).toBe(true);
    expect(state.currentHash).toBe(state.baseHash);
    const finalHarness = JSON.parse(await readFile(join(out, 'harness-final.json'), 'utf8'));
    expect(finalHarness.rules).toEqual([]);
    expect(finalHarness.policies.loopBreaker.enabled).toBe(false);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toMatch(/## Accepted edits\n\nNone\./);
  }, 180_000);
});
