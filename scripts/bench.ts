// npm run bench — speed figures that tests must not assert (sandbox latency, loop overhead, trace writes, hashing, suite check), then the gate calibration (bench/gate-calibration.ts → bench/gate.json).
import 'fake-indexeddb/auto';
import { runAgentToEnd } from '../src/core/agent/loop.js';
import { createDefaultHarness, harnessHash } from '../src/core/harness/index.js';
import { ScriptedModel } from '../src/core/model/scripted.js';
import { ServerSentEventParser } from '../src/core/model/server-sent-events.js';
import { JustBashSandbox } from '../src/core/sandbox/just-bash-sandbox.js';
import { checkSuite } from '../src/core/tasks/check-suite.js';
import { builtinSuite } from '../src/core/tasks/builtin/index.js';
import { StudioDatabase } from '../src/store/db.js';
import { appendTraceEvents } from '../src/store/studio-store.js';
import type { AgentEvent } from '../src/core/agent/events.js';

async function time<T>(label: string, runs: number, body: () => Promise<T>): Promise<void> {
  await body();
  const started = performance.now();
  for (let index = 0; index < runs; index++) await body();
  const each = (performance.now() - started) / runs;
  console.log(`${label.padEnd(48)} ${each.toFixed(2).padStart(9)} ms/op  (${runs} runs)`);
}

const sandbox = new JustBashSandbox();
await time('sandbox: echo', 200, () => sandbox.exec('echo hi'));
await time('sandbox: ls -la /work', 200, () => sandbox.exec('ls -la /work'));
await sandbox.writeFile('/work/lines.txt', Array.from({ length: 1000 }, (_, index) => `line ${index} ${index * 7}`).join('\n'));
await time('sandbox: awk over 1k lines', 50, () => sandbox.exec("awk '{ s += $3 } END { print s }' lines.txt"));
await time('sandbox: new JustBashSandbox()', 200, async () => new JustBashSandbox());

const harness = createDefaultHarness();
await time('harness: canonical JSON + SHA-256', 500, () => harnessHash(harness));

const steps = 20;
await time(`agent loop: ${steps} scripted shell steps`, 10, async () => {
  const model = new ScriptedModel((_request, index) => (index < steps - 1 ? { toolCalls: [{ name: 'shell', args: { command: 'echo step' } }] } : { toolCalls: [{ name: 'finish', args: {} }] }));
  await runAgentToEnd({ harness, harnessHash: 'h', model, sandbox: new JustBashSandbox(), task: { id: 't', instruction: 'x', agentTimeoutSec: 60 } }, () => {});
});

// Issue 11: one 3.4 MB data line in 1 KB chunks took 7 s when the parser re-split its whole buffer per chunk.
const bigEvent = `data: ${JSON.stringify({ choices: [{ delta: { content: 'x'.repeat(3_400_000) } }] })}\n\n`;
await time('SSE: one 3.4 MB event in 1 KB chunks', 5, async () => {
  const parser = new ServerSentEventParser();
  for (let offset = 0; offset < bigEvent.length; offset += 1024) parser.push(bigEvent.slice(offset, offset + 1024));
  parser.end();
});
const manyEvents = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'abcd' } }] })}\n\n`.repeat(85_000);
await time('SSE: 85,000 token events (3.4 MB) in 1 KB chunks', 5, async () => {
  const parser = new ServerSentEventParser();
  for (let offset = 0; offset < manyEvents.length; offset += 1024) parser.push(manyEvents.slice(offset, offset + 1024));
  parser.end();
});

const db = new StudioDatabase('bench');
const events: AgentEvent[] = Array.from({ length: 200 }, (_, seq) => ({ type: 'tool-result', seq, timestamp: 0, step: seq, callId: 'c', tool: 'shell', ok: true, output: 'x'.repeat(500), durationMs: 1 }));
let run = 0;
await time('store: bulk-write 200 trace events (fake-indexeddb)', 20, () => appendTraceEvents(db, `run-${run++}`, events));

const started = performance.now();
const { report } = await checkSuite(builtinSuite.tasks, async () => new JustBashSandbox());
console.log(`${'tasks check builtin'.padEnd(48)} ${(performance.now() - started).toFixed(0).padStart(9)} ms total (${report.tasks} tasks, ${report.defects.length} defects)`);

// The start page in headless Chromium on the built app (skipped, with the reason, when there is no build or browser).
try {
  const { formatStartPage, measureStartPage } = await import('../bench/start-page.js');
  console.log(formatStartPage(await measureStartPage()));
} catch (error) {
  console.log(`${'start page'.padEnd(48)} not measured: ${(error as Error).message}`);
}

// The gate's calibration (decisions, not speed): printed here and recorded in bench/gate.json.
const { benchGateCalibration } = await import('../bench/gate-calibration.js');
await benchGateCalibration();
