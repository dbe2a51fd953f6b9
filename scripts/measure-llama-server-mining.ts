// Measure weakness mining against a live llama.cpp `llama-server`: the mining schema sent as response_format json_schema
// (what the app sends now) against json_object alone (what it sent before), same digests, same answer cap.
//
//   npx tsx scripts/measure-llama-server-mining.ts --server <path/to/llama-server> --model <a.gguf> [--model <b.gguf>] [--runs 3]
//
// Prints one line per call and a summary per model and mode. Needs no network beyond 127.0.0.1.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MINING_ANSWER_TOKENS, mineWeaknesses } from '../src/core/evolve/mining.js';
import { OpenAICompatibleModel, type StructuredOutputMode } from '../src/core/model/openai-compatible.js';
import { SAMPLE_DIGESTS } from '../tests/fixtures/llama-server-sample-prompts.js';
import { startLlamaServer } from './llama-server/servers.js';

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    model: { type: 'string', multiple: true },
    runs: { type: 'string', default: '3' },
    modes: { type: 'string', default: 'json_schema,json_object' },
  },
});
if (!values.server || !values.model?.length) {
  console.error('usage: --server <llama-server> --model <gguf> [--model <gguf>] [--runs 3] [--modes json_schema,json_object]');
  process.exit(2);
}
const runs = Number(values.runs);
const modes = values.modes!.split(',') as StructuredOutputMode[];

interface Outcome {
  model: string;
  mode: StructuredOutputMode;
  ok: boolean;
  weaknesses: number;
  attempts: number;
  outputTokens: number;
  seconds: number;
  error?: string;
}
const outcomes: Outcome[] = [];

for (const modelPath of values.model) {
  const server = await startLlamaServer(values.server, basename(modelPath), ['-m', modelPath, '-t', '1', '-c', '4096', '--jinja', '--no-warmup']);
  try {
    for (const mode of modes) {
      for (let run = 1; run <= runs; run++) {
        const model = new OpenAICompatibleModel({ baseUrl: `${server.baseUrl}/v1`, model: basename(modelPath), actionProtocol: 'json_action', structuredOutput: mode });
        const started = performance.now();
        const result = await mineWeaknesses(model, SAMPLE_DIGESTS, { maxAnswerTokens: DEFAULT_MINING_ANSWER_TOKENS });
        const outcome: Outcome = {
          model: basename(modelPath),
          mode,
          ok: result.ok,
          weaknesses: result.ok ? result.weaknesses.length : 0,
          attempts: result.attempts,
          outputTokens: result.usage.outputTokens,
          seconds: Math.round((performance.now() - started) / 100) / 10,
          ...(result.ok ? {} : { error: result.error.slice(0, 160) }),
        };
        outcomes.push(outcome);
        console.log(`${outcome.model} ${mode.padEnd(11)} run ${run}: ${outcome.ok ? `ok, ${outcome.weaknesses} weaknesses` : `FAILED (${outcome.error})`} — ${outcome.attempts} call(s), ${outcome.outputTokens} output tokens, ${outcome.seconds} s`);
      }
    }
  } finally {
    await server.stop();
  }
}

console.log('\nmodel | response_format | succeeded | calls | output tokens (mean) | seconds (mean)');
for (const model of new Set(outcomes.map((outcome) => outcome.model))) {
  for (const mode of modes) {
    const group = outcomes.filter((outcome) => outcome.model === model && outcome.mode === mode);
    if (!group.length) continue;
    const mean = (pick: (outcome: Outcome) => number) => Math.round(group.reduce((sum, outcome) => sum + pick(outcome), 0) / group.length);
    console.log(`${model} | ${mode} | ${group.filter((outcome) => outcome.ok).length} of ${group.length} | ${group.reduce((sum, outcome) => sum + outcome.attempts, 0)} | ${mean((outcome) => outcome.outputTokens)} | ${mean((outcome) => outcome.seconds)}`);
  }
}
