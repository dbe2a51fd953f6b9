// B5's traces: synthetic but shaped like real ones (a shell call and its output per step), so sizes and counts are
// those of a 1,000-step episode. Pure; used in Node and on the bench page.
import { type AgentEvent, TRACE_FORMAT_VERSION } from '../src/core/agent/events.js';

/** Events per agent step: model-request, model-response, tool-call, tool-result. */
export const EVENTS_PER_STEP = 4;

const OUTPUT = Array.from({ length: 12 }, (_, line) => `-rw-r--r-- 1 user user ${1000 + line * 37} Nov  3 10:0${line % 10} report-${line}.csv`).join('\n');

/** A run of `steps` steps: run-start, 4 events per step, run-end. Timestamps advance 1 s a step. */
export function syntheticTrace(steps: number, runIndex = 0): AgentEvent[] {
  const events: AgentEvent[] = [];
  let seq = 0;
  const timestamp = 1_790_000_000_000 + runIndex * 10_000_000;
  events.push({ type: 'run-start', seq: seq++, timestamp, traceFormat: TRACE_FORMAT_VERSION, taskId: `task-${runIndex}`, harnessHash: 'b'.repeat(64), modelId: 'bench:synthetic', systemPrompt: 'You are an agent in a sandbox. '.repeat(40), instruction: 'Summarise the reports. '.repeat(10) });
  for (let step = 1; step <= steps; step++) {
    const at = timestamp + step * 1000;
    const command = `ls -la reports/ && wc -l reports/report-${step % 12}.csv | sort -n | tail -n 3`;
    events.push({ type: 'model-request', seq: seq++, timestamp: at, step, messageCount: 2 * step, lastMessage: { role: 'tool', toolCallId: `call_${step - 1}`, toolName: 'shell', content: OUTPUT } });
    events.push({ type: 'model-response', seq: seq++, timestamp: at + 600, step, text: `Step ${step}: I will list the reports and count the lines of one of them to see which is largest.`, toolCalls: [{ id: `call_${step}`, name: 'shell', argumentsText: JSON.stringify({ command }) }], usage: { inputTokens: 900 + step, outputTokens: 48 }, durationMs: 600, finishReason: 'tool_calls' });
    events.push({ type: 'tool-call', seq: seq++, timestamp: at + 601, step, callId: `call_${step}`, tool: 'shell', args: { command } });
    events.push({ type: 'tool-result', seq: seq++, timestamp: at + 604, step, callId: `call_${step}`, tool: 'shell', ok: true, output: `${OUTPUT}\n[exit code 0]`, exitCode: 0, durationMs: 3, truncated: false });
  }
  events.push({ type: 'run-end', seq: seq++, timestamp: timestamp + (steps + 1) * 1000, reason: 'finished', message: 'done', steps, toolCalls: steps, formatErrors: 0, usage: { inputTokens: steps * 900, outputTokens: steps * 48 }, durationMs: (steps + 1) * 1000 });
  return events;
}
