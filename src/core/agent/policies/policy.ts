import type { PolicyName } from '../../harness/schema.js';
import type { ModelRequest } from '../../model/types.js';
import type { Action } from '../action-parser.js';
import type { ToolContext, ToolOutcome } from '../tools/tool.js';

/** Mutable facts about the run that policies read and update; owned by the loop. */
export interface LoopState {
  step: number;
  toolCalls: number;
  shell: { cwd: string; env: Record<string, string> };
  /** Shell commands whose last run failed, with that run's output. */
  failedCommands: Map<string, string>;
  finishRefusals: Map<string, number>;
}

export interface Intervention {
  action: 'inject' | 'warn' | 'block' | 'truncate' | 'refuse_finish';
  message: string;
}

/**
 * A named runtime policy from the harness. The loop consults every policy at fixed points;
 * each method is optional and returns nothing when the policy has nothing to say.
 */
export interface Policy {
  readonly name: PolicyName;
  /** A reason to stop before the next model turn. */
  shouldStop?(state: LoopState): string | undefined;
  /** Adjust the request before it goes to the model (e.g. cap the answer's tokens). */
  shapeModelRequest?(request: ModelRequest): ModelRequest;
  shapeToolContext?(context: ToolContext, state: LoopState): ToolContext;
  /** `block` means the tool does not run and the message is the observation; `warn` runs it and prepends the message. */
  beforeToolCall?(action: Action, state: LoopState): Intervention | undefined;
  /** `inject` appends the message to the observation. */
  afterToolCall?(action: Action, outcome: ToolOutcome, state: LoopState): Intervention | undefined;
  transformOutput?(output: string): { output: string; intervention?: Intervention };
  /** `refuse_finish` sends the agent back to work with the message. */
  beforeFinish?(state: LoopState): Intervention | undefined;
}
