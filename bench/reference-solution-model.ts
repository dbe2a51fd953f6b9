import type { ActionProtocol, ChatModel, ModelRequest, ModelStreamPart } from '../src/core/model/types.js';
import type { Task } from '../src/core/tasks/types.js';

/**
 * A scripted model for many tasks at once: it finds the task by its instruction in the system prompt and plays the
 * task's reference solution as one shell call, then finishes (Harbor's oracle agent, for a whole batch). No latency
 * of its own. A bench instrument, never offered as a model.
 */
export class ReferenceSolutionModel implements ChatModel {
  readonly id = 'bench:reference-solutions';
  readonly provider = 'bench';
  readonly actionProtocol: ActionProtocol = 'native_tools';

  constructor(private readonly tasks: readonly Task[]) {}

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
    const task = this.tasks.filter((candidate) => system.includes(candidate.instruction)).sort((a, b) => b.instruction.length - a.instruction.length)[0];
    const turn = request.messages.filter((message) => message.role === 'assistant').length;
    const call = turn === 0 && task?.solution ? { id: 'solution', name: 'shell', argumentsText: JSON.stringify({ command: task.solution }) } : { id: `finish_${turn}`, name: 'finish', argumentsText: '{"summary":"done"}' };
    yield { type: 'tool-call', call };
    yield { type: 'usage', usage: { inputTokens: 0, outputTokens: 0 } };
    yield { type: 'response-end', finishReason: 'tool_calls' };
  }
}
