// Record real llama.cpp `llama-server` response streams into tests/fixtures/llama-server/ (see the README there).
//
//   npx tsx scripts/record-llama-server-fixtures.ts --server <path/to/llama-server> --model <SmolLM2-135M-Instruct.Q4_1.gguf> \
//     --tool-template <llama.cpp/models/templates/Qwen-Qwen2.5-7B-Instruct.jinja> [--only name,name]
//
// Starts three servers (-t 1, as a busy 2-core machine needs): with --jinja and the model's own template (which has no
// tool support), with --jinja and a tool-capable ChatML template, and with --no-jinja. Every request body is built
// by the project's own code, so the fixtures show what the server answers to what the app really sends.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { miningDecodingSchema, miningPrompt } from '../src/core/evolve/mining.js';
import { DEFAULT_MINING_ANSWER_TOKENS } from '../src/core/evolve/mining.js';
import { DEFAULT_PROPOSAL_ANSWER_TOKENS, proposalDecodingSchema, proposalPrompt } from '../src/core/evolve/proposal.js';
import { actionResponseSchema } from '../src/core/agent/prompt.js';
import { createDefaultHarness } from '../src/core/harness/index.js';
import { OpenAICompatibleModel, type StructuredOutputMode } from '../src/core/model/openai-compatible.js';
import { toolCallingProbeRequest } from '../src/core/model/probe-tool-calling.js';
import type { ActionProtocol, ModelRequest } from '../src/core/model/types.js';
import type { RecordedExchange } from '../tests/fixtures/recorded-llama-server.js';
import { agentTools, firstAgentTurn, SAMPLE_DIGESTS, SAMPLE_WEAKNESS } from '../tests/fixtures/llama-server-sample-prompts.js';
import { type RunningServer, startLlamaServer } from './llama-server/servers.js';

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    model: { type: 'string' },
    'tool-template': { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: new URL('../tests/fixtures/llama-server/', import.meta.url).pathname },
  },
});
if (!values.server || !values.model || !values['tool-template']) {
  console.error('usage: --server <llama-server> --model <gguf> --tool-template <tool-capable ChatML .jinja> [--only a,b] [--out dir]');
  process.exit(2);
}
const only = values.only ? new Set(values.only.split(',')) : undefined;

const common = ['-m', values.model, '-t', '1', '-c', '4096', '--no-warmup'];
const serverConfigs = {
  jinja: [...common, '--jinja'],
  toolTemplate: [...common, '--jinja', '--chat-template-file', values['tool-template']],
  // Jinja is on by default in this llama.cpp; --no-jinja is how a server without it is started.
  noJinja: [...common, '--no-jinja'],
} as const;
type ServerName = keyof typeof serverConfigs;

/** A request as the app builds it: provider, protocol and how the schema is sent. */
function bodyOf(request: ModelRequest, protocol: ActionProtocol, mode: StructuredOutputMode = 'json_schema'): Record<string, unknown> {
  const model = new OpenAICompatibleModel({ baseUrl: 'http://unused/v1', model: basename(values.model!), actionProtocol: protocol, structuredOutput: mode });
  return model.buildRequestBody(request);
}

const harness = createDefaultHarness();
const probeRequest = toolCallingProbeRequest();
const chat = (content: string, maxOutputTokens: number): ModelRequest => ({ messages: [{ role: 'user', content }], tools: [], maxOutputTokens, temperature: 0 });
const mining = miningPrompt(SAMPLE_DIGESTS);
const miningRequest = (maxOutputTokens = DEFAULT_MINING_ANSWER_TOKENS): ModelRequest => ({
  messages: [
    { role: 'system', content: mining.system },
    { role: 'user', content: mining.user },
  ],
  tools: [],
  responseSchema: miningDecodingSchema([...new Set(SAMPLE_DIGESTS.map((digest) => digest.taskId))], SAMPLE_DIGESTS.length),
  maxOutputTokens,
  temperature: 0,
});
const proposal = proposalPrompt(harness, SAMPLE_WEAKNESS, SAMPLE_DIGESTS.filter((digest) => SAMPLE_WEAKNESS.evidenceTaskIds.includes(digest.taskId)), { passed: 3, total: 6 }, 2);

interface Scenario {
  name: string;
  description: string;
  server: ServerName;
  path?: string;
  body: Record<string, unknown>;
  /** Cancel the stream after this many content deltas. */
  cancelAfterDeltas?: number;
}

const longText = 'The sandbox runs bash commands and keeps files between steps. '.repeat(520);

const scenarios: Scenario[] = [
  { name: 'stream-text', description: 'A streamed text answer that stops by itself, with usage in the last chunk.', server: 'jinja', body: bodyOf(chat('Name three Linux commands that work with files.', 64), 'native_tools') },
  { name: 'non-stream-json', description: 'The same kind of request with stream: false: one JSON completion.', server: 'jinja', body: { ...bodyOf(chat('Name three Linux commands that work with files.', 64), 'native_tools'), stream: false, stream_options: undefined } },
  { name: 'finish-length', description: 'An answer cut off at max_tokens: finish_reason "length".', server: 'jinja', body: bodyOf(chat('Explain in detail how a shell pipeline works.', 12), 'native_tools') },
  { name: 'context-overflow', description: 'A prompt longer than the 4096-token context: HTTP 400 with the server\'s message.', server: 'jinja', body: bodyOf(chat(`${longText}\nSummarise the text above.`, 64), 'native_tools') },
  { name: 'tools-dropped', description: 'The tool-calling probe against --jinja with a chat template without tool support: tools are dropped silently and the answer is text.', server: 'jinja', body: bodyOf(probeRequest, 'native_tools') },
  { name: 'tool-call', description: 'The tool-calling probe against --jinja with a tool-capable ChatML template: a native tool call, streamed in pieces.', server: 'toolTemplate', body: bodyOf(probeRequest, 'native_tools') },
  { name: 'agent-native-turn', description: 'A first agent turn with the default harness in native_tools mode, tool-capable template.', server: 'toolTemplate', body: bodyOf({ messages: firstAgentTurn('native_tools'), tools: agentTools(), maxOutputTokens: 256, temperature: 0 }, 'native_tools') },
  { name: 'tools-without-jinja', description: 'The probe against a server started with --no-jinja: HTTP 500 "tools param requires --jinja flag".', server: 'noJinja', body: bodyOf(probeRequest, 'native_tools') },
  { name: 'json-schema-action', description: 'A first agent turn in json_action mode with the action schema as response_format json_schema.', server: 'jinja', body: bodyOf({ messages: firstAgentTurn('json_action'), tools: [], responseSchema: actionResponseSchema(harness), maxOutputTokens: 256, temperature: 0 }, 'json_action') },
  { name: 'json-schema-mining', description: 'Weakness mining with the mining schema as response_format json_schema.', server: 'jinja', body: bodyOf(miningRequest(), 'json_action') },
  { name: 'json-object-mining', description: 'The same mining request with only response_format json_object, as the app sent it before.', server: 'jinja', body: bodyOf(miningRequest(), 'json_action', 'json_object') },
  {
    name: 'json-schema-proposal',
    description: 'A proposal with the typed-edit schema as response_format json_schema.',
    server: 'jinja',
    body: bodyOf({ messages: [{ role: 'system', content: proposal.system }, { role: 'user', content: proposal.user }], tools: [], responseSchema: proposalDecodingSchema(harness, 2, SAMPLE_WEAKNESS.evidenceTaskIds), maxOutputTokens: DEFAULT_PROPOSAL_ANSWER_TOKENS, temperature: 0 }, 'json_action'),
  },
  { name: 'invalid-schema', description: 'A response_format json_schema the server cannot turn into a grammar.', server: 'jinja', body: { ...bodyOf(chat('Answer with JSON.', 32), 'json_action'), response_format: { type: 'json_schema', json_schema: { name: 'broken', schema: { type: 'object', properties: { a: { $ref: '#/$defs/missing' } }, required: ['a'] } } } } },
  { name: 'cancelled-stream', description: 'A long streamed answer the client cancelled after a few tokens; the replay holds the connection open.', server: 'jinja', body: bodyOf(chat('Write a long story about a terminal.', 512), 'native_tools'), cancelAfterDeltas: 6 },
  { name: 'wrong-path', description: 'A request to a path the server does not serve: HTTP 404.', server: 'jinja', path: '/v2/chat/completions', body: bodyOf(chat('hi', 8), 'native_tools') },
];

/** Content deltas in the chunks so far. */
function countDeltas(text: string): number {
  return (text.match(/"delta":\{"(content|tool_calls)"/g) ?? []).length;
}

async function record(server: RunningServer, scenario: Scenario, build: string): Promise<RecordedExchange> {
  const controller = new AbortController();
  const started = performance.now();
  const path = scenario.path ?? '/v1/chat/completions';
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream, application/json' },
    body: JSON.stringify(scenario.body),
    signal: controller.signal,
  });
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'retry-after']) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  let cancelled = false;
  let serverIdleAfterCancelMs: number | undefined;
  const reader = response.body!.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value, { stream: true }));
      if (scenario.cancelAfterDeltas !== undefined && countDeltas(chunks.join('')) >= scenario.cancelAfterDeltas) {
        cancelled = true;
        const cancelledAt = performance.now();
        controller.abort();
        serverIdleAfterCancelMs = await waitUntilIdle(server, cancelledAt);
        break;
      }
    }
  } catch (error) {
    if (!cancelled) throw error;
  }
  const tail = decoder.decode();
  if (tail) chunks.push(tail);
  return {
    name: scenario.name,
    description: scenario.description,
    server: { model: basename(values.model!), flags: server.flags.map((flag) => (flag.includes('/') ? basename(flag) : flag)), build },
    request: { path, body: JSON.parse(JSON.stringify(scenario.body)) as Record<string, unknown> },
    response: { status: response.status, headers, chunks, ...(cancelled ? { cancelled: true } : {}) },
    measured: { responseMs: Math.round(performance.now() - started), ...(serverIdleAfterCancelMs !== undefined ? { serverIdleAfterCancelMs } : {}) },
  };
}

/** Poll /slots until no slot is processing: how long the server kept generating after the client went away. */
async function waitUntilIdle(server: RunningServer, since: number): Promise<number | undefined> {
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      const slots = (await (await fetch(`${server.baseUrl}/slots`)).json()) as Array<{ is_processing?: boolean }>;
      if (Array.isArray(slots) && slots.every((slot) => !slot.is_processing)) return Math.round(performance.now() - since);
    } catch {
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

await mkdir(values.out!, { recursive: true });
const running = new Map<ServerName, RunningServer>();
try {
  for (const scenario of scenarios) {
    if (only && !only.has(scenario.name)) continue;
    let server = running.get(scenario.server);
    if (!server) {
      server = await startLlamaServer(values.server, scenario.server, [...serverConfigs[scenario.server]]);
      running.set(scenario.server, server);
    }
    const props = (await (await fetch(`${server.baseUrl}/props`)).json().catch(() => ({}))) as { build_info?: string };
    const exchange = await record(server, scenario, props.build_info ?? 'unknown');
    await writeFile(new URL(`${scenario.name}.json`, `file://${values.out!.replace(/\/?$/, '/')}`), `${JSON.stringify(exchange, null, 2)}\n`);
    console.log(`${scenario.name.padEnd(24)} HTTP ${exchange.response.status}  ${exchange.response.chunks.length} chunks  ${exchange.measured.responseMs} ms${exchange.measured.serverIdleAfterCancelMs !== undefined ? `  server idle ${exchange.measured.serverIdleAfterCancelMs} ms after cancel` : ''}`);
  }
} finally {
  for (const server of running.values()) await server.stop();
}
