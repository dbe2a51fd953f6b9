import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { runAgentToEnd } from '../../src/core/agent/loop.js';
import { createDefaultHarness, type HarnessDocument } from '../../src/core/harness/index.js';
import { clampTimerMs, LIMITS } from '../../src/core/limits.js';
import { ScriptedModel, type ScriptedStep } from '../../src/core/model/scripted.js';
import type { ChatModel, ModelStreamPart } from '../../src/core/model/types.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import type { ExecOptions, ExecResult } from '../../src/core/sandbox/types.js';

const MB = 1024 * 1024;

/** A just-bash sandbox in which the command `huge N` prints N megabytes at once (just-bash itself would take seconds). */
class HugeOutputSandbox extends JustBashSandbox {
  override async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    const match = /^huge (\d+)$/.exec(command.trim());
    if (!match) return super.exec(command, options);
    return { stdout: 'x'.repeat(Number(match[1]) * MB), stderr: '', exitCode: 0, durationMs: 1, timedOut: false };
  }
}

const shell = (command: string) => ({ toolCalls: [{ name: 'shell', args: { command } }] });
const finish = { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] };

async function run(model: ChatModel, options: { edit?: (harness: HarnessDocument) => void; instruction?: string; agentTimeoutSec?: number } = {}) {
  const harness = createDefaultHarness();
  options.edit?.(harness);
  const events: AgentEvent[] = [];
  const end = await runAgentToEnd(
    { harness, harnessHash: 'h'.repeat(64), model, sandbox: new HugeOutputSandbox(5000), task: { id: 't', instruction: options.instruction ?? 'do it', agentTimeoutSec: options.agentTimeoutSec ?? 60 }, sleep: async () => {} },
    (event) => {
      events.push(event);
    },
  );
  return { end, events };
}

const scripted = (steps: ScriptedStep[]) => new ScriptedModel(steps);

describe('an agent run stays bounded whatever its tools, hooks and model produce', () => {
  it('two 60 MB tool outputs reach the model and the trace cut to the per-call limit, with the full size recorded', async () => {
    const model = scripted([shell('huge 60'), shell('huge 60'), finish]);
    const { end, events } = await run(model);
    expect(end.reason).toBe('finished');
    const results = events.filter((event): event is Extract<AgentEvent, { type: 'tool-result' }> => event.type === 'tool-result' && event.tool === 'shell');
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.output.length).toBeLessThan(LIMITS.toolOutputCharsPerCall + 1000);
      expect(result.truncated).toBe(true);
      expect(result.fullOutputChars).toBeGreaterThan(60 * MB);
      expect(result.output).toMatch(/characters of tool output left out/);
    }
    // The whole trace serializes (it was "Invalid string length" before) and stays small.
    expect(JSON.stringify(events).length).toBeLessThan(2 * MB);
    expect(model.calls[2].messages.at(-1)!.content.length).toBeLessThan(LIMITS.toolOutputCharsPerCall + 1000);
  });

  it('ends with the reason "limit" when one run piles up more tool output than the per-run limit', async () => {
    const calls = Math.ceil(LIMITS.toolOutputCharsPerRun / LIMITS.toolOutputCharsPerCall) + 5;
    const { end, events } = await run(scripted(Array.from({ length: calls }, () => shell('huge 1'))), { edit: (harness) => (harness.policies.maxSteps = 1000) });
    expect(end.reason).toBe('limit');
    expect(end.message).toMatch(/tool output in this run passed 4,000,000 characters/);
    // Each output is in the trace twice (its tool-result, and the next model-request's last message).
    expect(JSON.stringify(events).length).toBeLessThan(2 * (LIMITS.toolOutputCharsPerRun + 2 * LIMITS.toolOutputCharsPerCall));
  });

  it('a model streaming a 200 MB answer is cut off at the answer limit and the stream is closed', async () => {
    let chunksSent = 0;
    let closed = false;
    const endless: ChatModel = {
      id: 'endless:test',
      provider: 'test',
      actionProtocol: 'native_tools',
      async *stream(): AsyncIterable<ModelStreamPart> {
        try {
          const chunk = 'y'.repeat(MB);
          for (let index = 0; index < 200; index++) {
            chunksSent += 1;
            yield { type: 'text-delta', text: chunk };
          }
          yield { type: 'response-end', finishReason: 'stop' };
        } finally {
          closed = true;
        }
      },
    };
    const { end, events } = await run(endless);
    expect(end.reason).toBe('model_error');
    expect(end.message).toMatch(/passed 1,000,000 characters \(the limit of one answer\)/);
    expect(chunksSent).toBeLessThanOrEqual(2);
    expect(closed).toBe(true);
    expect(JSON.stringify(events).length).toBeLessThan(MB);
  });

  it('a system prompt template that renders past the limit ends the run before the model is called', async () => {
    const model = scripted([finish]);
    const { end, events } = await run(model, { instruction: 'i'.repeat(1000), edit: (harness) => (harness.systemPrompt = '{{instruction}}'.repeat(1333)) });
    expect(end.reason).toBe('limit');
    expect(end.message).toMatch(/system prompt has 1,333,\d{3} characters .* the limit is 400,000/);
    expect(model.calls).toHaveLength(0);
    expect(JSON.stringify(events).length).toBeLessThan(100_000);
  });

  it('a run_shell hook printing 60 MB shows the agent only the hook output limit', async () => {
    const model = scripted([shell('echo hi'), finish]);
    const { end, events } = await run(model, {
      edit: (harness) => harness.hooks.push({ id: 'noisy', at: 'afterTool', processor: 'run_shell', params: { command: 'huge 60' } } as HarnessDocument['hooks'][number]),
    });
    expect(end.reason).toBe('finished');
    const hook = events.find((event): event is Extract<AgentEvent, { type: 'hook-result' }> => event.type === 'hook-result');
    expect(hook!.message.length).toBeLessThan(LIMITS.hookOutputChars + 1000);
    expect(model.calls[1].messages.at(-1)!.content.length).toBeLessThan(LIMITS.hookOutputChars + 1000);
  });

  it('an agent time limit above 2^31 ms does not fire at once (it did after a millisecond: Node overflows the timer)', async () => {
    const slow = scripted([shell('echo one'), shell('echo two'), finish]);
    const delayed: ChatModel = {
      ...slow,
      id: slow.id,
      provider: slow.provider,
      actionProtocol: slow.actionProtocol,
      async *stream(request, signal) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        yield* slow.stream(request, signal);
      },
    };
    const { end } = await run(delayed, { agentTimeoutSec: 2_200_000 });
    expect(end.reason).toBe('finished');
  });

  it('the time limit ends a run whose model never finishes its stream and ignores the abort (found by the reliability suite)', async () => {
    const stuck: ChatModel = {
      id: 'stuck:test',
      provider: 'test',
      actionProtocol: 'native_tools',
      async *stream() {
        yield { type: 'text-delta', text: 'thinking' };
        await new Promise(() => undefined);
      },
    };
    const started = performance.now();
    const { end } = await run(stuck, { agentTimeoutSec: 1 });
    expect(end.reason).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('clamps every timer delay into what setTimeout can take', () => {
    expect(clampTimerMs(1e308 * 1000)).toBe(2_147_483_647);
    expect(clampTimerMs(Number.POSITIVE_INFINITY)).toBe(2_147_483_647);
    expect(clampTimerMs(-5)).toBe(0);
    expect(clampTimerMs(Number.NaN)).toBe(0);
    expect(clampTimerMs(1500.4)).toBe(1500);
  });
});
