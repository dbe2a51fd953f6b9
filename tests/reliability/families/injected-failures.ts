import type { AgentEvent } from '../../../src/core/agent/events.js';
import { runAgentToEnd } from '../../../src/core/agent/loop.js';
import { createDefaultHarness } from '../../../src/core/harness/index.js';
import type { ChatModel, ModelStreamPart } from '../../../src/core/model/types.js';
import { JustBashSandbox } from '../../../src/core/sandbox/just-bash-sandbox.js';
import type { ExecResult, Sandbox } from '../../../src/core/sandbox/types.js';
import { runTask } from '../../../src/core/tasks/run-task.js';
import type { Task } from '../../../src/core/tasks/types.js';
import { ensure, type Random, type Reliability } from '../reliability.js';

/**
 * Failures injected where the code meets the outside world: a model whose stream throws, breaks its own protocol or
 * reports nonsense; a sandbox whose calls throw or answer malformed results at a random moment (a worker that died,
 * a disk that filled). One task attempt, end to end: it always ends with an outcome and a reason, never a throw.
 */

const task: Task = {
  id: 'write-hello',
  title: 'Write hello',
  instruction: 'Write hello into out.txt',
  initialFiles: { 'in.txt': 'input' },
  setupScript: 'mkdir -p data',
  verifier: { script: 'grep -q hello out.txt', files: { 'expected.txt': 'hello' } },
  // Short, so a model that never ends its stream is stopped by the task's own time limit.
  agentTimeoutSec: 2,
  verifierTimeoutSec: 5,
  category: 'files',
  difficulty: 'easy',
  tags: [],
};

const OUTCOMES = new Set(['pass', 'fail', 'timeout', 'agent_error', 'infra_error']);

function brokenModel(random: Random): { model: ChatModel; name: string } {
  const shell = (command: string): ModelStreamPart => ({ type: 'tool-call', call: { id: `c${random.int(1000)}`, name: 'shell', argumentsText: JSON.stringify({ command }) } });
  const faults: Array<[string, (call: number) => AsyncIterable<ModelStreamPart>]> = [
    ['throws before the first part', async function* () {
      throw new Error('socket hang up');
    }],
    ['throws after some text', async function* () {
      yield { type: 'text-delta', text: 'let me see' };
      throw new TypeError('Cannot read properties of undefined');
    }],
    ['throws a non-Error', async function* () {
      yield { type: 'text-delta', text: 'x' };
      throw 'a string';
    }],
    ['keeps streaming after its error part', async function* (call) {
      yield { type: 'error', error: { kind: 'network', message: 'reset', retryable: true } };
      yield shell(`echo after-error-${call}`);
      yield { type: 'response-end', finishReason: 'stop' };
    }],
    ['reports nonsense usage', async function* () {
      yield shell('echo hello > out.txt');
      yield { type: 'usage', usage: { inputTokens: Number.NaN, outputTokens: -5 } };
      yield { type: 'response-end', finishReason: 'stop' };
    }],
    ['repeats one tool-call id', async function* () {
      yield { type: 'tool-call', call: { id: 'same', name: 'shell', argumentsText: '{"command":"echo a"}' } };
      yield { type: 'tool-call', call: { id: 'same', name: 'finish', argumentsText: '{}' } };
      yield { type: 'response-end', finishReason: 'tool_calls' };
    }],
    ['sends parts of unknown types', async function* () {
      yield { type: 'mystery', value: 1 } as unknown as ModelStreamPart;
      yield { type: 'text-delta', text: undefined } as unknown as ModelStreamPart;
      yield { type: 'response-end', finishReason: 'stop' };
    }],
    ['a tool call with a missing name and arguments', async function* () {
      yield { type: 'tool-call', call: { id: 'x' } } as unknown as ModelStreamPart;
      yield { type: 'response-end', finishReason: 'tool_calls' };
    }],
    ['errors of every kind in turn', async function* (call) {
      const kinds = ['rate_limit', 'auth', 'network', 'bad_response', 'context_overflow', 'aborted'] as const;
      yield { type: 'error', error: { kind: kinds[call % kinds.length], message: `fault ${call}`, retryable: call % 2 === 0 } };
    }],
    ['never ends its stream until aborted', async function* (_call) {
      yield { type: 'text-delta', text: 'thinking' };
      await new Promise(() => undefined);
    }],
  ];
  const [name, stream] = random.pick(faults);
  let calls = 0;
  return { name, model: { id: 'broken:model', provider: 'test', actionProtocol: 'native_tools', stream: () => stream(calls++) } };
}

/** A sandbox whose `victim` method throws, or answers malformed results, from its `after`-th call on. */
function brokenSandbox(random: Random): { factory: () => Promise<Sandbox>; name: string } {
  const methods = ['exec', 'readFile', 'writeFile', 'exists', 'listFiles', 'exportTree', 'dispose'] as const;
  const victim = random.pick(methods);
  const after = random.int(6);
  const malformed = victim === 'exec' && random.chance(0.4);
  const name = `${victim} ${malformed ? 'answers malformed results' : 'throws'} from call ${after}`;
  const factory = async () => {
    const inner = new JustBashSandbox(3000);
    let calls = 0;
    return new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== victim || typeof value !== 'function') return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        return async (...args: unknown[]) => {
          if (calls++ < after) return (value as (...parameters: unknown[]) => unknown).apply(target, args);
          if (malformed) return random.pick<unknown>([{ stdout: undefined, stderr: null, exitCode: Number.NaN } as unknown as ExecResult, undefined, 'ok', { exitCode: 0 }]);
          throw random.pick([new Error('the sandbox worker failed: out of memory'), new RangeError('Invalid string length'), 'worker gone']);
        };
      },
    }) as Sandbox;
  };
  return { factory, name };
}

export async function injectedFailuresFamily(reliability: Reliability): Promise<void> {
  const { random } = reliability;
  const harness = createDefaultHarness();
  harness.policies.maxSteps = 5;
  const scripted = (): ChatModel => {
    let call = 0;
    return {
      id: 'steady:model',
      provider: 'test',
      actionProtocol: 'native_tools',
      async *stream() {
        const step = call++;
        const command = step === 0 ? 'echo hello > out.txt; cat in.txt; ls' : undefined;
        yield command ? { type: 'tool-call', call: { id: `s${step}`, name: 'shell', argumentsText: JSON.stringify({ command }) } } : { type: 'tool-call', call: { id: `s${step}`, name: 'finish', argumentsText: '{}' } };
        yield { type: 'response-end', finishReason: 'tool_calls' };
      },
    };
  };

  const attempt = async (model: ChatModel, createSandbox: () => Promise<Sandbox>) => {
    const events: AgentEvent[] = [];
    const result = await runTask({ task, harness, harnessHash: 'h'.repeat(64), model, createSandbox, onEvent: (event) => void events.push(event) });
    ensure(OUTCOMES.has(result.outcome), `outcome ${result.outcome}`);
    ensure(typeof result.reason === 'string' && result.reason.length > 0, 'an outcome without a reason');
    JSON.stringify(events);
    return result;
  };

  // The agent loop straight, with retries that do not wait: a broken model costs no backoff here.
  for (let index = 0; index < 70; index++) {
    const { model, name } = brokenModel(random);
    await reliability.check(`model ${name} (${index})`, 'fault', async () => {
      const events: AgentEvent[] = [];
      const end = await runAgentToEnd(
        { harness, harnessHash: 'h'.repeat(64), model, sandbox: new JustBashSandbox(3000), task: { id: task.id, instruction: task.instruction, agentTimeoutSec: 1 }, sleep: async () => {} },
        (event) => void events.push(event),
      );
      ensure(end.message.length > 0, 'ended without a message');
      JSON.stringify(events);
    }, 20_000);
  }

  for (let index = 0; index < 90; index++) {
    const { factory, name } = brokenSandbox(random);
    await reliability.check(`sandbox ${name} (${index})`, 'fault', async () => {
      const result = await attempt(scripted(), factory);
      // A sandbox that cannot even be prepared cannot pass a task.
      ensure(result.outcome !== 'pass' || !/^(writeFile|exec) throws from call 0/.test(name), `a broken sandbox passed the task (${name})`);
    });
  }
}
