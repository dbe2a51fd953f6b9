import { describe, expect, it } from 'vitest';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { collectResponse, type ModelRequest } from '../../src/core/model/types.js';
import { WebLLMModel } from '../../src/core/model/webllm.js';
import { WllamaModel } from '../../src/core/model/wllama.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { runTask } from '../../src/core/tasks/run-task.js';
import type { Task } from '../../src/core/tasks/types.js';
import { WorkerFailedError } from '../../src/core/worker-failure.js';
import { rejectWhenFailed, untilFailed } from '../../src/platform/watch-worker.js';

/**
 * The in-page model runtimes (WebLLM, wllama) run in workers. When such a worker could not load or died, every wait
 * on it used to hang; now the wait ends with the worker's own error text, as a model error of kind `engine_failed`,
 * and the run ends as an infrastructure error — not as a fault of the agent.
 */

const request: ModelRequest = { messages: [{ role: 'user', content: 'hi' }], tools: [] };
const DEATH = 'the WebLLM worker failed: RangeError: WebAssembly.Memory(): could not allocate memory';

const chunk = (content: string) => ({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

describe('a model worker that fails', () => {
  it('a chunk stream whose worker dies ends with the death after the chunks that came before it', async () => {
    let die: (text: string) => void = () => {};
    const failure = rejectWhenFailed(new Promise<string>((resolve) => (die = resolve)), 'WebLLM');
    async function* stalls() {
      yield chunk('Hel');
      await new Promise(() => {});
    }
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const item of untilFailed(stalls(), failure)) seen.push(item);
    })();
    setTimeout(() => die('RangeError: WebAssembly.Memory(): could not allocate memory'), 20);
    await expect(reading).rejects.toThrow(DEATH);
    expect(seen).toEqual([chunk('Hel')]);
  });

  it('WebLLM: a failed worker is reported as engine_failed with its text', async () => {
    const engine = { chat: { completions: { create: () => Promise.reject(new WorkerFailedError(DEATH)) } } };
    const response = await collectResponse(new WebLLMModel(engine, 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC'), request);
    expect(response).toMatchObject({ ok: false, error: { kind: 'engine_failed', message: DEATH, retryable: false } });
  });

  it('wllama: a failed worker is reported as engine_failed with its text', async () => {
    const text = 'the wllama worker failed: Uncaught RuntimeError: unreachable';
    const engine = { createChatCompletion: () => Promise.reject(new WorkerFailedError(text)) };
    const response = await collectResponse(new WllamaModel(engine, 'SmolLM2-135M-Instruct.Q4_1.gguf'), request);
    expect(response).toMatchObject({ ok: false, error: { kind: 'engine_failed', message: text } });
  });

  it('the run ends as infra_error with the worker\'s text, and the verifier does not run', async () => {
    const task: Task = {
      id: 'write-hi',
      title: 'Write hi',
      instruction: 'Write hi to /work/out.txt',
      initialFiles: {},
      // Would pass if it ran: a run that ended for the runtime's sake must not be judged.
      verifier: { script: 'true' },
      agentTimeoutSec: 60,
      verifierTimeoutSec: 10,
      category: 'files',
      difficulty: 'easy',
      tags: [],
    };
    const model = new ScriptedModel([{ error: { kind: 'engine_failed', message: DEATH, retryable: false } }]);
    const result = await runTask({ task, harness: createDefaultHarness(), harnessHash: 'h', model, createSandbox: async () => new JustBashSandbox() });
    expect(result).toMatchObject({ outcome: 'infra_error', reason: DEATH, agentEndReason: 'model_unavailable' });
    expect(result.verifier).toBeUndefined();
    expect(model.calls).toHaveLength(1);
  });
});
