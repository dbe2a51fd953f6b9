import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../src/core/model/types.js';
import { type ChatRequest, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { agentTurn, proposerTurn, tasks } from '../fixtures/tiny-world.js';

/**
 * Issue 13 on the command line: every answer is capped (`--max-answer-tokens`, `--proposer-max-answer-tokens`), and a
 * server that drops native tools (as llama.cpp does with a template without tool support) is found by one probe and
 * the run switches to json_action, saying why on stderr.
 */
const root = new URL('../..', import.meta.url).pathname;
let server: Awaited<ReturnType<typeof startScriptedOpenAIServer>>;
let suiteDir: string;

/** Drops tools like llama-server with SmolLM2's template: the probe gets text; agent and proposer get the tiny world. */
function reply(request: ChatRequest): ScriptedReply {
  const system = request.messages[0]?.content ?? '';
  if (system.startsWith('You are testing a tool')) return { text: 'Sure, I can help with that.' };
  const asModelRequest: ModelRequest = { messages: request.messages.map((message) => ({ role: message.role as 'user', content: message.content ?? '' })), tools: [] };
  const agent = system.startsWith('You are an agent working in');
  // Once the agent has acted, its observation comes back as user text in json_action mode.
  if (agent && request.messages.some((message) => message.role === 'user' && (message.content ?? '').startsWith('Observation from'))) return { toolCalls: [{ name: 'finish', args: {} }] };
  const turn = agent ? agentTurn(asModelRequest) : proposerTurn(asModelRequest);
  if ('error' in turn) throw new Error(turn.error.message);
  return { text: turn.text, toolCalls: turn.toolCalls as ScriptedReply['toolCalls'] };
}

beforeAll(async () => {
  server = await startScriptedOpenAIServer((request) => reply(request));
  suiteDir = await mkdtemp(join(tmpdir(), 'suite-'));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
});
afterAll(() => server.close());

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'bin/self-harness.mjs'), ...args], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npx self-harness evolve with answer caps against a server without native tools', () => {
  it('caps every answer, switches to json_action after the probe and says why', async () => {
    const out = await mkdtemp(join(tmpdir(), 'evolve-caps-'));
    const result = await cli(['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'small', '--out', out, '--attempts', '1', '--iterations', '1', '--max-answer-tokens', '300', '--proposer-max-answer-tokens', '700']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^Switched to json_action: the endpoint returned no native tool call when one was required/);

    const [probe, ...rest] = server.requests;
    expect(probe.tools?.[0].function.name).toBe('finish');
    const agentRequests = rest.filter((request) => (request.messages[0]?.content ?? '').startsWith('You are an agent working in'));
    const proposerRequests = rest.filter((request) => !agentRequests.includes(request));
    expect(agentRequests.length).toBeGreaterThan(0);
    expect(proposerRequests.length).toBeGreaterThan(0);
    for (const request of agentRequests) {
      expect(request.tools).toBeUndefined();
      expect(request.response_format?.type).toBe('json_schema');
      expect(request.max_tokens).toBe(300);
    }
    for (const request of proposerRequests) expect(request.max_tokens).toBe(700);
    // The cap is harness data: part of the stored base version.
    const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as { versions: Record<string, { kind: string; harness: { policies: { maxAnswerTokens: number } } }> };
    expect(Object.values(state.versions).find((version) => version.kind === 'base')?.harness.policies.maxAnswerTokens).toBe(300);

    // The same command again resumes with the protocol the evolution runs with, without a second probe: the agent's
    // identity (json_action) is the one its rollouts are cached under, so nothing is refused or run twice.
    const requestsBefore = server.requests.length;
    const again = await cli(['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'small', '--out', out, '--attempts', '1', '--iterations', '1']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/Resumed with json_action, the action protocol this evolution runs with/);
    expect(server.requests.slice(requestsBefore).filter((request) => (request.messages[0]?.content ?? '').startsWith('You are testing a tool'))).toEqual([]);
  }, 120_000);

  it('refuses a cap that is not a whole number of tokens', async () => {
    const result = await cli(['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'small', '--out', '/tmp/never', '--max-answer-tokens', '0.5']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--max-answer-tokens must be a whole number of tokens from 16 to 131072, got "0.5"/);
  }, 60_000);
});
