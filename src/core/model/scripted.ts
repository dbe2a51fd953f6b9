import type { ActionProtocol, ChatModel, ModelError, ModelRequest, ModelStreamPart, TokenUsage } from './types.js';

/** One scripted turn: text and/or tool calls (arguments as an object or raw text), or an error value. */
export type ScriptedTurn =
  | { text?: string; toolCalls?: Array<{ name: string; args: unknown }>; usage?: TokenUsage; /** e.g. `length` for an answer cut off at its cap. */ finishReason?: string }
  | { error: ModelError };

export type ScriptedStep = ScriptedTurn | ((request: ModelRequest, callIndex: number) => ScriptedTurn);

/**
 * Test double: replays the given turns in order and records every request it received.
 * Tests only; it is never offered as a model in the UI.
 */
export class ScriptedModel implements ChatModel {
  readonly provider = 'scripted';
  readonly calls: ModelRequest[] = [];
  private readonly steps: ScriptedStep[] | ((request: ModelRequest, callIndex: number) => ScriptedTurn);

  /** `steps`: turns in order, or one function that answers every request (for behaviour that depends on the prompt). */
  constructor(
    steps: ScriptedStep[] | ((request: ModelRequest, callIndex: number) => ScriptedTurn),
    readonly id = 'scripted:test',
    readonly actionProtocol: ActionProtocol = 'native_tools',
    /** What to answer once the script is used up. */
    private readonly whenExhausted: ScriptedTurn = { error: { kind: 'bad_response', message: 'scripted model has no more turns', retryable: false } },
  ) {
    this.steps = steps;
  }

  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    const index = this.calls.length;
    this.calls.push(structuredClone(request));
    if (signal?.aborted) {
      yield { type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } };
      return;
    }
    const step = typeof this.steps === 'function' ? this.steps : this.steps[index];
    const turn = step === undefined ? this.whenExhausted : typeof step === 'function' ? step(request, index) : step;
    if ('error' in turn) {
      yield { type: 'error', error: turn.error };
      return;
    }
    if (turn.text) yield { type: 'text-delta', text: turn.text };
    let callIndex = 0;
    for (const call of turn.toolCalls ?? []) {
      const argumentsText = typeof call.args === 'string' ? call.args : JSON.stringify(call.args);
      yield { type: 'tool-call', call: { id: `call_${index}_${callIndex++}`, name: call.name, argumentsText } };
    }
    yield { type: 'usage', usage: turn.usage ?? { inputTokens: 10, outputTokens: 5 } };
    yield { type: 'response-end', finishReason: turn.finishReason ?? (turn.toolCalls?.length ? 'tool_calls' : 'stop') };
  }
}
