import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentEvent } from '../../../src/core/agent/events.js';
import { runAgentToEnd } from '../../../src/core/agent/loop.js';
import { createDefaultHarness } from '../../../src/core/harness/index.js';
import { LIMITS } from '../../../src/core/limits.js';
import { OpenAICompatibleModel } from '../../../src/core/model/openai-compatible.js';
import { ScriptedModel, type ScriptedTurn } from '../../../src/core/model/scripted.js';
import type { ChatModel } from '../../../src/core/model/types.js';
import { JustBashSandbox } from '../../../src/core/sandbox/just-bash-sandbox.js';
import { ensure, type Random, type Reliability } from '../reliability.js';

/**
 * Model output: garbage, huge, truncated and stalled answers, and servers that fail (5xx, 429, 401, junk bodies,
 * dropped connections), behind a real HTTP endpoint. Every run ends by itself with a reason, and its trace is sound.
 */

const ENDINGS = new Set(['finished', 'max_steps', 'timeout', 'model_error', 'format_errors', 'limit']);

async function runWith(model: ChatModel, agentTimeoutSec = 4): Promise<{ reason: string; events: AgentEvent[] }> {
  const harness = createDefaultHarness();
  harness.policies.maxSteps = 6;
  const events: AgentEvent[] = [];
  const end = await runAgentToEnd(
    { harness, harnessHash: 'h'.repeat(64), model, sandbox: new JustBashSandbox(3000), task: { id: 't', instruction: 'do it', agentTimeoutSec }, sleep: async () => {}, modelRetries: 1 },
    (event) => {
      events.push(event);
    },
  );
  ensure(ENDINGS.has(end.reason), `ended as ${end.reason}`);
  ensure(end.message.length > 0, 'ended without a message');
  const size = JSON.stringify(events).length;
  ensure(size < 4 * LIMITS.answerChars + 2 * LIMITS.toolOutputCharsPerRun, `the trace is ${size} characters`);
  return { reason: end.reason, events };
}

function garbageTurn(random: Random): ScriptedTurn {
  const pick = random.int(9);
  if (pick === 0) return { text: random.text(random.between(0, 3000)) };
  if (pick === 1) return { toolCalls: [{ name: 'shell', args: random.text(random.between(0, 200)) }] };
  if (pick === 2) return { toolCalls: [{ name: random.pick(['rm_rf', '', 'SHELL', '__proto__', 'finish ']), args: {} }] };
  if (pick === 3) return { toolCalls: [{ name: 'shell', args: { command: 'x'.repeat(random.pick([100_000, 2_000_000])) } }] };
  if (pick === 4) return { text: '' };
  if (pick === 5) return { toolCalls: [{ name: 'write_file', args: { path: random.pick(['../../../x', '/etc/passwd', '', 'a'.repeat(5000)]), content: random.text(100) } }] };
  if (pick === 6) return { toolCalls: Array.from({ length: random.between(2, 40) }, () => ({ name: 'shell', args: { command: 'echo hi' } })) };
  if (pick === 7) return { text: '{"tool": "shell", "args": {"command": ' + '['.repeat(random.between(10, 5000)) };
  return { toolCalls: [{ name: 'read_file', args: { path: random.pick(['/proc/self/environ', '/dev/zero', '/', 'missing']) } }] };
}

type Behaviour = (request: IncomingMessage, response: ServerResponse, random: Random) => void;

const sse = (response: ServerResponse) => response.writeHead(200, { 'Content-Type': 'text/event-stream' });
const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

/** How a hostile or broken server answers a chat completion. */
const BEHAVIOURS: Record<string, Behaviour> = {
  'status 500 with a body': (_request, response) => response.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":{"message":"internal"}}'),
  'status 503 without a body': (_request, response) => response.writeHead(503).end(),
  'status 429 with Retry-After': (_request, response) => response.writeHead(429, { 'Retry-After': '0' }).end('{"error":{"message":"slow down"}}'),
  'status 401': (_request, response) => response.writeHead(401).end('{"error":{"message":"bad key"}}'),
  'status 400 with HTML': (_request, response) => response.writeHead(400, { 'Content-Type': 'text/html' }).end('<html><body>nope</body></html>'),
  'status 200 with junk': (_request, response, random) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(Buffer.from(random.bytes(random.between(0, 2000)))),
  'status 200 with a JSON completion of the wrong shape': (_request, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"choices": "many", "usage": [1]}'),
  'SSE with invalid JSON events': (_request, response) => {
    sse(response);
    response.end('data: {not json\n\ndata: [1,2\n\ndata: [DONE]\n\n');
  },
  'SSE cut off in the middle of an event': (_request, response) => {
    sse(response);
    response.write(chunk('I will run '));
    response.write('data: {"choices": [{"delta": {"content": "ls');
    response.destroy();
  },
  'SSE dropped before any byte': (request, response) => {
    request.socket.destroy();
    void response;
  },
  'one SSE event of 5 MB': (_request, response) => {
    sse(response);
    response.end(`${chunk('z'.repeat(5 * 1024 * 1024))}data: [DONE]\n\n`);
  },
  'an answer that never ends': (request, response) => {
    sse(response);
    const piece = chunk('y'.repeat(64 * 1024));
    const timer = setInterval(() => {
      if (response.destroyed || !response.write(piece)) return;
    }, 1);
    const stop = () => clearInterval(timer);
    request.on('close', stop);
    response.on('close', stop);
  },
  'headers then silence (a stall)': (request, response) => {
    sse(response);
    response.write(chunk('thinking'));
    request.on('close', () => response.destroy());
  },
  'a slow drip of single characters': (request, response) => {
    sse(response);
    let sent = 0;
    const timer = setInterval(() => {
      if (response.destroyed) return clearInterval(timer);
      response.write(chunk('.'));
      if (++sent > 60) {
        clearInterval(timer);
        response.end('data: [DONE]\n\n');
      }
    }, 5);
    request.on('close', () => clearInterval(timer));
  },
};

export async function modelOutputFamily(reliability: Reliability): Promise<void> {
  const { random } = reliability;

  for (let index = 0; index < 45; index++) {
    const turns = Array.from({ length: random.between(1, 6) }, () => garbageTurn(random));
    await reliability.check(`scripted garbage answers ${index}`, 'fault', async () => {
      await runWith(new ScriptedModel(turns));
    });
  }

  let behaviour: Behaviour = BEHAVIOURS['status 500 with a body'];
  const server = createServer((request, response) => {
    request.resume();
    behaviour(request, response, random);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  try {
    const names = Object.keys(BEHAVIOURS);
    for (let index = 0; index < 32; index++) {
      const name = index < names.length ? names[index] : random.pick(names);
      await reliability.check(`server: ${name} (${index})`, 'fault', async () => {
        behaviour = BEHAVIOURS[name];
        const { reason } = await runWith(new OpenAICompatibleModel({ baseUrl, model: 'm', apiKey: 'sk-reliability' }), 1.5);
        ensure(reason !== 'finished', `a broken server's answer was taken as a finished run (${name})`);
      }, 20_000);
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
