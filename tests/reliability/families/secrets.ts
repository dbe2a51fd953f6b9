import 'fake-indexeddb/auto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import type { ModelProfile } from '../../../src/core/model/profile.js';
import { StudioDatabase } from '../../../src/store/db.js';
import { saveModelProfile } from '../../../src/store/model-profiles.js';
import { useKeyStorage } from '../../../src/store/session-keys.js';
import { tasks, tinyWorldReply } from '../../fixtures/tiny-world.js';
import type { ChatRequest } from '../../fixtures/scripted-openai-server.js';
import { ensure, type Reliability } from '../reliability.js';

/**
 * Secrets: API keys and base-URL passwords given to the CLI, and servers that echo them back every way they can (a
 * 401 body, a 500 body, an SSE error, the model's own text, a tool call that prints it). Afterwards every file the
 * command wrote, its stdout and stderr, and every prompt the proposer received are searched: each place a secret is
 * found counts as leaked. The page's session-only keys are checked against the whole database.
 */

type Echo = 'body 401' | 'body 500' | 'sse error' | 'model text' | 'tool call';
const ECHOES: Echo[] = ['body 401', 'body 500', 'sse error', 'model text', 'tool call'];

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, reply: { text?: string; toolCalls?: Array<{ name: string; args: unknown }> }): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream' });
  const delta: Record<string, unknown> = { role: 'assistant', content: reply.text ?? '' };
  if (reply.toolCalls?.length) delta.tool_calls = reply.toolCalls.map((call, index) => ({ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } }));
  response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: reply.toolCalls?.length ? 'tool_calls' : 'stop' }] })}\n\n`);
  response.end('data: [DONE]\n\n');
}

async function allFiles(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of await readdir(dir).catch(() => [])) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await allFiles(path)));
    else out.push({ path, text: await readFile(path, 'utf8') });
  }
  return out;
}

export async function secretsFamily(reliability: Reliability): Promise<void> {
  const { random } = reliability;
  let echo: Echo = 'body 401';
  /** Every request body the endpoint received: prompts must carry no secret either. */
  const proposerPrompts: string[] = [];
  let secretsInPlay: string[] = [];

  const server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const body = JSON.parse(text) as ChatRequest;
      const authorization = request.headers.authorization ?? '';
      const said = authorization.startsWith('Basic ') ? `${authorization} (${Buffer.from(authorization.slice(6), 'base64').toString('utf8')})` : authorization;
      const isProposer = !body.tools?.length;
      if (isProposer) {
        proposerPrompts.push(text);
        return answer(response, tinyWorldReply(body));
      }
      const acted = body.messages.some((message) => message.role === 'tool');
      if (echo === 'body 401') return response.writeHead(401).end(JSON.stringify({ error: { message: `Incorrect API key provided: ${said}` } }));
      if (echo === 'body 500') return response.writeHead(500).end(`upstream failed for ${said} at ${request.headers.host}`);
      if (echo === 'sse error') {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        return response.end(`data: ${JSON.stringify({ error: { message: `key ${said} revoked` } })}\n\n`);
      }
      if (echo === 'model text') return answer(response, acted ? { toolCalls: [{ name: 'finish', args: { summary: `done with ${said}` } }] } : { text: `My key is ${said}.`, toolCalls: [{ name: 'shell', args: { command: 'echo ok' } }] });
      return answer(response, acted ? { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] } : { toolCalls: [{ name: 'shell', args: { command: `echo '${said.replace(/'/g, '')}' > seen.txt; cat seen.txt` } }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const scratch = await mkdtemp(join(tmpdir(), 'reliability-secrets-'));
  const suite = join(scratch, 'suite.json');
  await writeFile(suite, JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));

  /** Counts the places any secret in play shows up. */
  const leaksIn = (texts: Array<{ path: string; text: string }>) => texts.filter(({ text }) => secretsInPlay.some((secret) => text.includes(secret))).length;

  const command = async (args: string[], env: Record<string, string>): Promise<{ code: number; out: string[]; err: string[] }> => {
    const out: string[] = [];
    const err: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      return { code: await main(args, (line) => out.push(line), (line) => err.push(line)), out, err };
    } finally {
      for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    }
  };

  try {
    for (let index = 0; index < 8; index++) {
      echo = index < ECHOES.length ? ECHOES[index] : random.pick(ECHOES);
      const viaUrl = random.chance(0.4);
      const key = `sk-rel-${random.text(24, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
      secretsInPlay = viaUrl ? [key, Buffer.from(`agent:${key}`).toString('base64')] : [key];
      await reliability.check(`run, key ${viaUrl ? 'in the base URL' : 'from the environment'}, echoed as ${echo}`, 'fault', async () => {
        const out = join(scratch, `run-${index}`);
        const baseUrl = viaUrl ? `http://agent:${key}@127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}/v1`;
        const result = await command(['run', '--suite', suite, '--base-url', baseUrl, '--model', 'm', '--tasks', 'task-00', '--out', out, ...(viaUrl ? [] : ['--api-key-env', 'RELIABILITY_KEY'])], { RELIABILITY_KEY: key });
        ensure(result.code === 0, `run exited ${result.code}: ${result.err.join(' | ')}`);
        return { leaked: leaksIn([{ path: 'stdout', text: result.out.join('\n') }, { path: 'stderr', text: result.err.join('\n') }, ...(await allFiles(out))]) };
      }, 60_000);
    }

    for (let index = 0; index < 1; index++) {
      echo = random.pick(['model text', 'tool call'] as const);
      const key = `sk-evo-${random.text(24, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
      secretsInPlay = [key];
      proposerPrompts.length = 0;
      await reliability.check(`evolve with a key echoed as ${echo}: files, output and the proposer's prompts`, 'fault', async () => {
        const out = join(scratch, `evolve-${index}`);
        const result = await command(
          ['evolve', '--suite', suite, '--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'm', '--api-key-env', 'RELIABILITY_KEY', '--tasks', 'task-00,task-01,task-02,task-03,task-04,task-05', '--iterations', '1', '--out', out],
          { RELIABILITY_KEY: key },
        );
        // 0 done, 1 failed, 3 paused because the model could not be used: all are endings; what matters is where the key went.
        ensure([0, 1, 3].includes(result.code), `evolve exited ${result.code}: ${result.err.join(' | ')}`);
        const places = [{ path: 'stdout', text: result.out.join('\n') }, { path: 'stderr', text: result.err.join('\n') }, ...(await allFiles(out)), ...proposerPrompts.map((text, prompt) => ({ path: `prompt ${prompt}`, text }))];
        return { leaked: leaksIn(places) };
      }, 90_000);
    }

    for (let index = 0; index < 3; index++) {
      const key = `sk-page-${random.text(20, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
      secretsInPlay = [key];
      await reliability.check(`page: a key kept for the session only is in no table (${index})`, 'fault', async () => {
        useKeyStorage();
        const db = new StudioDatabase(`reliability-secrets-${index}-${Date.now()}`);
        await db.open();
        try {
          const profile: ModelProfile = random.chance(0.5)
            ? { id: `p${index}`, provider: 'openai-compatible', label: 'Remote', baseUrl: 'https://api.example.com/v1', model: 'm', apiKey: key, actionProtocol: 'native_tools' }
            : { id: `p${index}`, provider: 'anthropic', label: 'Claude', apiKey: key, model: 'claude-haiku-4-5' };
          const saved = await saveModelProfile(db, profile, { keyForSessionOnly: true });
          ensure(saved.ok, 'the profile was not saved');
          const tables = JSON.stringify(await Promise.all(db.tables.map((table) => table.toArray())));
          return { leaked: tables.includes(key) ? 1 : 0 };
        } finally {
          db.close();
          useKeyStorage();
        }
      });
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(scratch, { recursive: true, force: true });
  }
}
