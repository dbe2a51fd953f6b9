import { createDefaultHarness } from '../harness/default-harness.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ChatModel, ModelRequest, ModelStreamPart } from '../model/types.js';
import type { Task } from './types.js';

/**
 * Harbor's "oracle" agent: the task's reference solution, played as the agent. Its first answer is one shell call
 * whose command is the whole solution; its second is finish. Without a solution it finishes at once (the agent that
 * does nothing). The soundness check runs tasks through `runTask` with it, so a solution is judged on the path every
 * agent takes — the same sandbox preparation, working directory, environment, shell tool and verifier.
 *
 * Not a model a person can pick: it knows nothing but the solution it was given.
 */
export function createOracleModel(solution: string | undefined): ChatModel {
  return {
    id: 'oracle:reference-solution',
    provider: 'oracle',
    actionProtocol: 'native_tools',
    async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
      if (signal?.aborted) {
        yield { type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } };
        return;
      }
      const turn = request.messages.filter((message) => message.role === 'assistant').length;
      const call =
        turn === 0 && solution
          ? { id: 'oracle_solution', name: 'shell', argumentsText: JSON.stringify({ command: solution }) }
          : { id: `oracle_finish_${turn}`, name: 'finish', argumentsText: JSON.stringify({ summary: 'reference solution ran' }) };
      yield { type: 'tool-call', call };
      yield { type: 'usage', usage: { inputTokens: 0, outputTokens: 0 } };
      yield { type: 'response-end', finishReason: 'tool_calls' };
    },
  };
}

/**
 * The harness the oracle runs under: the default one, with the solution's one command allowed as long as the
 * task gives its agent (commands are otherwise stopped after 30 s).
 */
export function oracleHarness(task: Pick<Task, 'agentTimeoutSec'>): HarnessDocument {
  const harness = createDefaultHarness();
  harness.policies.commandTimeout = { seconds: Math.max(1, Math.min(3600, Math.ceil(task.agentTimeoutSec))) };
  return harness;
}
