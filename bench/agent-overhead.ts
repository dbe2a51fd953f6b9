// B3's episode: the real agent loop (src/core/agent/loop.ts) with the default harness, driven by a model that answers
// at once, in a sandbox whose every call is timed as the loop sees it. Used in Node and, on the bench page, in Chromium.
import { runAgentToEnd } from '../src/core/agent/loop.js';
import { createDefaultHarness } from '../src/core/harness/index.js';
import type { ActionProtocol, ChatModel, ModelStreamPart } from '../src/core/model/types.js';
import type { ExecOptions, ExecResult, FileEntry, Sandbox } from '../src/core/sandbox/types.js';

/**
 * A model with no latency of its own: every answer is ready at once (a shell call, then `finish` on the last step).
 * Unlike the tests' ScriptedModel it keeps no copy of the requests, so what is left of a step is the harness's work.
 * A bench instrument, never offered as a model.
 */
export class ZeroLatencyModel implements ChatModel {
  readonly id = 'bench:zero-latency';
  readonly provider = 'bench';
  readonly actionProtocol: ActionProtocol = 'native_tools';
  private calls = 0;

  constructor(
    private readonly steps: number,
    private readonly command: string,
  ) {}

  async *stream(): AsyncIterable<ModelStreamPart> {
    const index = this.calls++;
    const last = index >= this.steps - 1;
    const argumentsText = last ? '{"summary":"done"}' : JSON.stringify({ command: this.command });
    yield { type: 'tool-call', call: { id: `call_${index}`, name: last ? 'finish' : 'shell', argumentsText } };
    yield { type: 'usage', usage: { inputTokens: 0, outputTokens: 0 } };
    yield { type: 'response-end', finishReason: 'tool_calls' };
  }
}

/** Adds up the time the loop spends waiting for the sandbox: the shell's own time (and, in the page, the worker round trip). */
export class TimedSandbox implements Sandbox {
  readonly kind: string;
  spentMs = 0;

  constructor(private readonly inner: Sandbox) {
    this.kind = inner.kind;
  }

  private async timed<T>(call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } finally {
      this.spentMs += performance.now() - started;
    }
  }

  exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    return this.timed(() => this.inner.exec(command, options));
  }
  readFile(path: string): Promise<string> {
    return this.timed(() => this.inner.readFile(path));
  }
  writeFile(path: string, content: string): Promise<void> {
    return this.timed(() => this.inner.writeFile(path, content));
  }
  exists(path: string): Promise<boolean> {
    return this.timed(() => this.inner.exists(path));
  }
  listFiles(dir: string): Promise<string[]> {
    return this.timed(() => this.inner.listFiles(dir));
  }
  exportTree(dir: string): Promise<FileEntry[]> {
    return this.timed(() => this.inner.exportTree(dir));
  }
  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

export interface EpisodeTiming {
  /** Per step: wall time from one model request to the next (the last step: to the run's end). */
  stepMs: number[];
  /** Per step: time spent inside sandbox calls. */
  shellMs: number[];
  /** Per step: stepMs − shellMs, the harness's share (loop, policies, events, the zero-latency model's plumbing). */
  overheadMs: number[];
  episodeMs: number;
  endReason: string;
}

export const OVERHEAD_COMMAND = 'echo step';

/** One episode of `steps` model turns (the last one finishes); times each step and what of it the shell took. */
export async function timeEpisode(sandbox: Sandbox, steps: number): Promise<EpisodeTiming> {
  const harness = createDefaultHarness();
  harness.policies.maxSteps = Math.min(1000, steps + 1);
  const timed = new TimedSandbox(sandbox);
  const marks: Array<{ at: number; shell: number }> = [];
  const started = performance.now();
  const end = await runAgentToEnd(
    { harness, harnessHash: 'bench', model: new ZeroLatencyModel(steps, OVERHEAD_COMMAND), sandbox: timed, task: { id: 'bench-overhead', instruction: 'Run the command each step.', agentTimeoutSec: 600 } },
    (event) => {
      if (event.type === 'model-request' || event.type === 'run-end') marks.push({ at: performance.now(), shell: timed.spentMs });
    },
  );
  const episodeMs = performance.now() - started;
  const stepMs: number[] = [];
  const shellMs: number[] = [];
  for (let index = 1; index < marks.length; index++) {
    stepMs.push(marks[index].at - marks[index - 1].at);
    shellMs.push(marks[index].shell - marks[index - 1].shell);
  }
  return { stepMs, shellMs, overheadMs: stepMs.map((ms, index) => ms - shellMs[index]), episodeMs, endReason: end.reason };
}
