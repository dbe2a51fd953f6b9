import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/cli/run-command.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { startCli } from '../fixtures/self-harness-cli.js';
import { tasks, tinyWorldReply } from '../fixtures/tiny-world.js';

/**
 * A key goes only to the host it was given for, and no key or URL password is ever written: not in stdout, stderr,
 * results.json, traces, state.json, rollouts or the report — even when the server echoes it back in a 401.
 */

const KEY = 'sk-live-7f3a9c1e5b2d8f4a6c0e';
const URL_PASSWORD = 'pw-basic-31415926535';

/** An endpoint that refuses every call with a 401 whose body repeats the credentials it was sent, as some do. */
interface EchoingServer {
  baseUrl: string;
  authorizations: string[];
  close(): Promise<void>;
}

async function startEchoingServer(): Promise<EchoingServer> {
  const authorizations: string[] = [];
  const server: Server = createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    authorizations.push(authorization);
    request.resume();
    // Both the header as sent (base64 for Basic auth) and what it carries.
    const shown = authorization.startsWith('Basic ') ? `${authorization} = ${Buffer.from(authorization.slice(6), 'base64').toString('utf8')}` : authorization;
    response.writeHead(401, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${shown} (for http://user:${URL_PASSWORD}@example.com)`, type: 'invalid_request_error' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, authorizations, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Every file under `dir`, with its text. */
async function allFiles(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await allFiles(path)));
    else out.push({ path, text: await readFile(path, 'utf8') });
  }
  return out;
}

function expectNoSecretIn(texts: Array<{ path: string; text: string }>) {
  for (const { path, text } of texts) {
    expect(text.includes(KEY), `${path} holds the API key`).toBe(false);
    expect(text.includes(URL_PASSWORD), `${path} holds the URL password`).toBe(false);
  }
}

let echoing: EchoingServer;
let suiteDir: string;

beforeAll(async () => {
  echoing = await startEchoingServer();
  suiteDir = await mkdtemp(join(tmpdir(), 'suite-'));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
});
afterAll(() => echoing.close());

describe('keys and URL credentials are never written', () => {
  it('run: a key echoed in a 401 body is in no output or file, and the reason still says what happened', async () => {
    const out = await mkdtemp(join(tmpdir(), 'run-'));
    const result = await startCli(['run', '--suite', suiteDir, '--base-url', echoing.baseUrl, '--model', 'm', '--api-key-env', 'ECHO_KEY', '--tasks', 'task-00,task-01', '--out', out], { ECHO_KEY: KEY }).done;
    expect(result.code).toBe(0);
    expect(echoing.authorizations).toContain(`Bearer ${KEY}`);
    expectNoSecretIn([{ path: 'stdout', text: result.stdout }, { path: 'stderr', text: result.stderr }, ...(await allFiles(out))]);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.results[0].outcome).not.toBe('pass');
    expect(results.results[0].reason).toMatch(/Incorrect API key provided: Bearer \[redacted\]/);
  }, 120_000);

  it('evolve: credentials in --base-url are sent as Basic auth and appear in no state file, rollout, report or output', async () => {
    const out = await mkdtemp(join(tmpdir(), 'evolve-'));
    const withCredentials = echoing.baseUrl.replace('http://', `http://agent:${URL_PASSWORD}@`);
    const result = await startCli(['evolve', '--suite', suiteDir, '--base-url', withCredentials, '--model', 'm', '--iterations', '1', '--out', out]).done;
    expect(echoing.authorizations).toContain(`Basic ${Buffer.from(`agent:${URL_PASSWORD}`).toString('base64')}`);
    const files = await allFiles(out);
    expect(files.some((file) => file.path.endsWith('state.json'))).toBe(true);
    const everything = [{ path: 'stdout', text: result.stdout }, { path: 'stderr', text: result.stderr }, ...files];
    expectNoSecretIn(everything);
    const base64 = Buffer.from(`agent:${URL_PASSWORD}`).toString('base64');
    expect(everything.some(({ text }) => text.includes(base64))).toBe(false);
    // The server's echo was kept, redacted, where the failure is told (a rollout's reason, the state, the output).
    expect(everything.some(({ text }) => /Incorrect API key provided: Basic \[redacted\] = agent:\[redacted\]/.test(text))).toBe(true);
    // The model id carries the endpoint without its credentials.
    const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as { config: { agentModelId: string } };
    expect(state.config.agentModelId).toBe(`openai-compatible:m@${echoing.baseUrl}`);
  }, 180_000);
});

describe('a key goes only to the host it was given for', () => {
  let agent: ScriptedOpenAIServer;
  let proposer: EchoingServer;
  beforeAll(async () => {
    agent = await startScriptedOpenAIServer((request) => tinyWorldReply(request));
    proposer = await startEchoingServer();
  });
  afterAll(async () => {
    await agent.close();
    await proposer.close();
  });

  const evolveArgs = (out: string, extra: string[] = []) => [
    'evolve', '--suite', suiteDir, '--base-url', agent.baseUrl, '--model', 'tiny-model', '--api-key-env', 'AGENT_KEY',
    '--proposer-base-url', proposer.baseUrl, '--proposer-model', 'big', '--iterations', '1', '--out', out, ...extra,
  ];

  it('a proposer on another host gets no key unless --proposer-api-key-env names one, and the CLI says so', async () => {
    const out = await mkdtemp(join(tmpdir(), 'evolve-'));
    const result = await startCli(evolveArgs(out), { AGENT_KEY: KEY }).done;
    expect(result.stderr).toMatch(/note: the proposer gets no API key: the proposer's host \(http:\/\/127\.0\.0\.1:\d+\) is not the agent's .*give --proposer-api-key-env VAR/);
    expect(proposer.authorizations.length).toBeGreaterThan(0);
    expect(proposer.authorizations.every((authorization) => authorization === '')).toBe(true);
    expectNoSecretIn([{ path: 'stdout', text: result.stdout }, { path: 'stderr', text: result.stderr }, ...(await allFiles(out))]);
  }, 180_000);

  it('an explicit --proposer-api-key-env naming the same variable sends it there', async () => {
    const out = await mkdtemp(join(tmpdir(), 'evolve-'));
    const before = proposer.authorizations.length;
    const result = await startCli(evolveArgs(out, ['--proposer-api-key-env', 'AGENT_KEY']), { AGENT_KEY: KEY }).done;
    expect(result.stderr).not.toMatch(/gets no API key/);
    expect(proposer.authorizations.slice(before)).toContain(`Bearer ${KEY}`);
    expectNoSecretIn([{ path: 'stdout', text: result.stdout }, { path: 'stderr', text: result.stderr }, ...(await allFiles(out))]);
  }, 180_000);

  it('says so in the usage text', async () => {
    const { stdout } = await startCli(['evolve', '--help']).done;
    expect(stdout).toMatch(/A key goes\s+only to the host it was given for/);
  }, 60_000);
});
