import type { PolicyName, HookPoint } from '../harness/schema.js';
import type { ChatMessage, ModelError, TokenUsage, ToolCall } from '../model/types.js';

/**
 * Everything the agent loop does, as an append-only stream of events. The UI, the store and the CLI subscribe;
 * the loop itself keeps no UI state. Names are noun-phase (`run-start`, `run-end`), never abbreviations.
 */

export type AgentEndReason =
  | 'finished' // the agent called finish and every guard let it
  | 'max_steps'
  | 'timeout'
  | 'aborted'
  | 'model_error'
  | 'format_errors' // too many malformed answers in a row
  | 'sandbox_error' // the sandbox itself failed (its worker could not load, died or went silent)
  | 'model_unavailable' // the model's in-page runtime failed (its worker could not load or died)
  | 'limit'; // a safety limit of src/core/limits.ts was passed (tool output of the run, system prompt size)

export const TRACE_FORMAT_VERSION = 1;

interface EventBase {
  /** Position in the run, from 0; unique per run. */
  seq: number;
  /** ms since epoch. */
  timestamp: number;
}

export type AgentEvent = EventBase &
  (
    | { type: 'run-start'; traceFormat: number; taskId: string; harnessHash: string; modelId: string; systemPrompt: string; instruction: string }
    | { type: 'model-request'; step: number; messageCount: number; lastMessage?: ChatMessage }
    | {
        type: 'model-response';
        step: number;
        text: string;
        toolCalls: ToolCall[];
        usage: TokenUsage;
        durationMs: number;
        /** `stop`, `tool_calls`, or `length` when the answer hit its token cap. */
        finishReason?: string;
        /** How the provider served the request, when the user should know (e.g. a refused schema and its fallback). */
        notices?: string[];
      }
    | {
        type: 'model-error';
        step: number;
        error: ModelError;
        /** Text the model produced before the call failed or was cancelled; counted in the run's usage. */
        partialText?: string;
        /** What the failed call cost (server counts, or an estimate). */
        usage?: TokenUsage;
      }
    | { type: 'format-error'; step: number; message: string; rawText: string; consecutive: number }
    | { type: 'tool-call'; step: number; callId: string; tool: string; args: Record<string, unknown> }
    | { type: 'tool-result'; step: number; callId: string; tool: string; ok: boolean; output: string; exitCode?: number; durationMs: number; truncated?: boolean; /** Set when the output passed LIMITS.toolOutputCharsPerCall: its size before the cut. */ fullOutputChars?: number }
    | { type: 'policy-intervention'; step: number; policy: PolicyName; action: 'inject' | 'warn' | 'block' | 'truncate' | 'refuse_finish'; message: string }
    | { type: 'hook-result'; step: number; hookId: string; at: HookPoint; processor: string; ok: boolean; message: string }
    | {
        type: 'run-end';
        reason: AgentEndReason;
        message: string;
        steps: number;
        toolCalls: number;
        formatErrors: number;
        usage: TokenUsage;
        durationMs: number;
        /**
         * The model error that ended the run, when `reason` is `model_error` (its kind says whether it was the model's
         * fault) or `model_unavailable` (kind `engine_failed`: the in-page model's worker could not load or died).
         */
        modelError?: ModelError;
      }
  );

export type AgentEventType = AgentEvent['type'];
/** An event before the loop numbers and stamps it. */
export type AgentEventInput = AgentEvent extends infer E ? (E extends AgentEvent ? Omit<E, 'seq' | 'timestamp'> : never) : never;
export type RunEndEvent = Extract<AgentEvent, { type: 'run-end' }>;
