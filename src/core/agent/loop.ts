import type { HarnessDocument, HookPoint } from '../harness/schema.js';
import { retryDelayMs, waitUnlessAborted } from '../model/errors.js';
import { type ChatMessage, type ChatModel, collectResponse, isCutOff, type ModelError, type ModelRequest, type ModelResponse, type TokenUsage } from '../model/types.js';
import { capText, formatCount, LIMITS, setClampedTimeout } from '../limits.js';
import { isSandboxUnavailable, SANDBOX_WORKDIR, type Sandbox } from '../sandbox/types.js';
import { type Action, parseActions } from './action-parser.js';
import { withAnswerLimit } from './answer-limit.js';
import { type AgentEndReason, type AgentEvent, type AgentEventInput, type RunEndEvent, TRACE_FORMAT_VERSION } from './events.js';
import { buildPolicies, type Intervention, type LoopState, type Policy } from './policies/index.js';
import { runProcessor } from './processors/index.js';
import { actionResponseSchema, enabledToolNames, renderSystemPrompt, toolSpecs } from './prompt.js';
import { AGENT_TOOLS, type ToolContext, type ToolOutcome } from './tools/index.js';

export interface AgentTask {
  id: string;
  instruction: string;
  agentTimeoutSec: number;
  /** Where the agent starts, `{{cwd}}` in the prompt, and where relative paths and hooks resolve; default /work. */
  workdir?: string;
  /** Variables every command of the agent and its hooks sees (a Docker image's ENV); default none. */
  env?: Record<string, string>;
}

export interface RunAgentOptions {
  harness: HarnessDocument;
  /** Version id of the harness, recorded in the trace. */
  harnessHash: string;
  model: ChatModel;
  sandbox: Sandbox;
  task: AgentTask;
  signal?: AbortSignal;
  /** Malformed answers in a row before the run ends. */
  maxConsecutiveFormatErrors?: number;
  /** Retries of a transient model error (rate limit, network, timeout, 5xx); waits honour `Retry-After`. */
  modelRetries?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Streamed model text, for a live view; not part of the trace. */
  onTextDelta?: (delta: string) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setClampedTimeout(resolve, ms));

/**
 * The agent loop: one model turn per step, tools run in the sandbox, harness policies and hooks consulted at fixed points.
 * Yields every event as it happens and returns the run-end event. It never throws for what a model or a command does;
 * those end the run with a reason.
 */
export async function* runAgent(options: RunAgentOptions): AsyncGenerator<AgentEvent, RunEndEvent> {
  const runEnd = yield* agentSteps(options);
  yield runEnd;
  return runEnd;
}

async function* agentSteps(options: RunAgentOptions): AsyncGenerator<AgentEvent, RunEndEvent> {
  const { harness, sandbox, task } = options;
  // One answer may not stream without end: the cap is a safety limit of the loop, not part of the harness.
  const model = withAnswerLimit(options.model);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const maxFormatErrors = options.maxConsecutiveFormatErrors ?? 3;
  const modelRetries = options.modelRetries ?? 2;
  const started = now();
  let seq = 0;
  const stamp = (event: AgentEventInput): AgentEvent => ({ ...event, seq: seq++, timestamp: now() }) as AgentEvent;

  // One signal for user abort and the task's wall-clock limit; `timedOut` tells them apart.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setClampedTimeout(() => {
    timedOut = true;
    controller.abort();
  }, task.agentTimeoutSec * 1000);
  const onUserAbort = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener('abort', onUserAbort, { once: true });
  const signal = controller.signal;

  const protocol = model.actionProtocol;
  const enabledTools = enabledToolNames(harness);
  const policies: Policy[] = buildPolicies(harness.policies);
  const workdir = task.workdir ?? SANDBOX_WORKDIR;
  const state: LoopState = { step: 0, toolCalls: 0, shell: { cwd: workdir, env: { ...task.env } }, failedCommands: new Map(), finishRefusals: new Map() };
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  let formatErrors = 0;
  let consecutiveFormatErrors = 0;
  /** Characters of tool output this run has shown the model; bounded by LIMITS.toolOutputCharsPerRun. */
  let toolOutputChars = 0;

  const systemPrompt = renderSystemPrompt(harness, task.instruction, workdir, protocol);
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt },
    { role: 'user', content: `Begin working on the task now. ${protocol === 'json_action' ? 'Answer with one JSON action.' : 'Use the tools.'}` },
  ];

  const end = (reason: AgentEndReason, message: string, modelError?: ModelError): RunEndEvent =>
    stamp({ type: 'run-end', reason, message, steps: state.step, toolCalls: state.toolCalls, formatErrors, usage: { ...usage }, durationMs: now() - started, ...(modelError ? { modelError } : {}) }) as RunEndEvent;
  const stoppedReason = (): [AgentEndReason, string] =>
    timedOut ? ['timeout', `agent time limit of ${task.agentTimeoutSec}s reached`] : ['aborted', 'stopped by the user'];

  const baseToolContext = (): ToolContext =>
    policies.reduce<ToolContext>((context, policy) => policy.shapeToolContext?.(context, state) ?? context, {
      sandbox,
      cwd: workdir,
      ...(task.env ? { env: { ...task.env } } : {}),
      timeoutMs: 30_000,
      signal,
    });

  /** Run the harness's hooks at one point; returns what to show the agent and whether a gate refused. */
  async function* runHooks(at: HookPoint): AsyncGenerator<AgentEvent, { messages: string[]; refused: boolean }> {
    const shown: string[] = [];
    let refused = false;
    for (const hook of harness.hooks.filter((candidate) => candidate.at === at)) {
      const result = await runProcessor(hook, { sandbox, state, timeoutMs: baseToolContext().timeoutMs, signal, gatingFinish: at === 'beforeFinish' });
      const message = capText(result.message, LIMITS.hookOutputChars, 'hook output');
      yield stamp({ type: 'hook-result', step: state.step, hookId: hook.id, at, processor: hook.processor, ok: result.ok, message });
      if (message) shown.push(message);
      if (at === 'beforeFinish' && !result.ok) refused = true;
    }
    return { messages: shown, refused };
  }

  // Ids of the native tool calls of the current answer. An action the model wrote as JSON text answers no call, so its
  // observation is a user message: a `tool` message without its `tool_calls` is rejected by strict servers.
  let nativeCallIds = new Set<string>();
  const observe = (action: Action, output: string): ChatMessage =>
    protocol === 'native_tools' && nativeCallIds.has(action.callId)
      ? { role: 'tool', toolCallId: action.callId, toolName: action.tool, content: output }
      : { role: 'user', content: `Observation from ${action.tool}:\n${output}` };

  const baseRequest: ModelRequest = {
    messages,
    tools: protocol === 'native_tools' ? toolSpecs(harness) : [],
    responseSchema: protocol === 'json_action' ? actionResponseSchema(harness) : undefined,
  };
  const shapeRequest = (): ModelRequest => policies.reduce<ModelRequest>((request, policy) => policy.shapeModelRequest?.(request) ?? request, { ...baseRequest, messages });

  try {
    if (systemPrompt.length > LIMITS.systemPromptChars) {
      // Recorded cut, so the trace stays readable; the run does not start.
      yield stamp({ type: 'run-start', traceFormat: TRACE_FORMAT_VERSION, taskId: task.id, harnessHash: options.harnessHash, modelId: model.id, systemPrompt: capText(systemPrompt, 10_000, 'system prompt'), instruction: capText(task.instruction, 10_000, 'instruction') });
      return end('limit', `the system prompt has ${formatCount(systemPrompt.length)} characters after its placeholders are filled; the limit is ${formatCount(LIMITS.systemPromptChars)}`);
    }
    yield stamp({ type: 'run-start', traceFormat: TRACE_FORMAT_VERSION, taskId: task.id, harnessHash: options.harnessHash, modelId: model.id, systemPrompt, instruction: task.instruction });

    const startHooks = yield* runHooks('onStart');
    if (startHooks.messages.length) messages.push({ role: 'user', content: startHooks.messages.join('\n\n') });

    while (true) {
      if (signal.aborted) return end(...stoppedReason());
      const stop = policies.map((policy) => policy.shouldStop?.(state)).find(Boolean);
      if (stop) return end('max_steps', stop);

      state.step += 1;
      yield stamp({ type: 'model-request', step: state.step, messageCount: messages.length, lastMessage: messages[messages.length - 1] });
      const requestStarted = now();
      const request = shapeRequest();
      let response: ModelResponse | undefined;
      let reported = false;
      for (let attempt = 0; attempt <= modelRetries; attempt++) {
        reported = false;
        response = await collectResponse(model, request, signal, options.onTextDelta);
        // Every call counts, failed and cancelled ones too: the server did the work.
        usage.inputTokens += response.usage.inputTokens;
        usage.outputTokens += response.usage.outputTokens;
        if (response.ok || !response.error.retryable || signal.aborted) break;
        yield stamp({ type: 'model-error', step: state.step, error: response.error, ...partialOf(response) });
        reported = true;
        if (attempt < modelRetries) await waitUnlessAborted(sleep, retryDelayMs(response.error, attempt), signal);
        if (signal.aborted) break;
      }
      if (!response) throw new Error('unreachable: no model response');
      if (!response.ok) {
        if (signal.aborted) {
          // The call in flight was cancelled (task time limit or the user): what it produced is still recorded.
          const [reason, message] = stoppedReason();
          // A call cut off in flight; one that had already failed (and was reported) before a retry is not repeated.
          if (!reported) {
            const error = { ...response.error, kind: reason === 'timeout' ? ('timeout' as const) : ('aborted' as const), message: `${message} during a model call`, retryable: false };
            yield stamp({ type: 'model-error', step: state.step, error, ...partialOf(response) });
          }
          return end(reason, message);
        }
        if (!reported) yield stamp({ type: 'model-error', step: state.step, error: response.error, ...partialOf(response) });
        if (response.error.kind === 'engine_failed') return end('model_unavailable', response.error.message, response.error);
        return end('model_error', `model error (${response.error.kind}): ${response.error.message}`, response.error);
      }
      yield stamp({
        type: 'model-response',
        step: state.step,
        text: response.text,
        toolCalls: response.toolCalls,
        usage: response.usage,
        durationMs: now() - requestStarted,
        finishReason: response.finishReason,
        ...(response.notices.length ? { notices: response.notices } : {}),
      });
      nativeCallIds = new Set(response.toolCalls.map((call) => call.id));

      const cutOff = isCutOff(response.finishReason);
      const parsedAnswer = parseActions(response.text, response.toolCalls, enabledTools, protocol);
      // A complete action before the cap is used; an answer the cap cut short is fed back saying so, with how to fit.
      const parsed: typeof parsedAnswer = cutOff && !parsedAnswer.ok
        ? { ok: false, message: `your answer was cut off at the limit of ${request.maxOutputTokens ?? 'the server\'s'} tokens before it was complete. Keep the thought short and give one action; write a long file in several smaller steps.` }
        : parsedAnswer;
      if (!parsed.ok) {
        formatErrors += 1;
        consecutiveFormatErrors += 1;
        yield stamp({ type: 'format-error', step: state.step, message: parsed.message, rawText: response.text.slice(0, 4000), consecutive: consecutiveFormatErrors });
        if (consecutiveFormatErrors >= maxFormatErrors) return end('format_errors', `${consecutiveFormatErrors} malformed answers in a row; last: ${parsed.message}`);
        // Tool calls we could not parse still need answers, or OpenAI-shaped servers reject the next request.
        messages.push({ role: 'assistant', content: response.text, toolCalls: response.toolCalls.length ? response.toolCalls : undefined });
        for (const call of response.toolCalls) messages.push({ role: 'tool', toolCallId: call.id, toolName: call.name, content: `Format error: ${parsed.message}` });
        if (!response.toolCalls.length) messages.push({ role: 'user', content: `Format error: ${parsed.message}` });
        continue;
      }
      consecutiveFormatErrors = 0;
      messages.push({ role: 'assistant', content: response.text, toolCalls: protocol === 'native_tools' && response.toolCalls.length ? response.toolCalls : undefined });

      for (const action of parsed.actions) {
        yield stamp({ type: 'tool-call', step: state.step, callId: action.callId, tool: action.tool, args: action.args });
        const toolStarted = now();

        if (action.tool === 'finish') {
          const hookGate = yield* runHooks('beforeFinish');
          const refusals: Array<{ policy: Policy; intervention: Intervention }> = [];
          for (const policy of policies) {
            const intervention = policy.beforeFinish?.(state);
            if (intervention) refusals.push({ policy, intervention });
          }
          for (const { policy, intervention } of refusals) {
            yield stamp({ type: 'policy-intervention', step: state.step, policy: policy.name, action: intervention.action, message: intervention.message });
          }
          if (hookGate.refused || refusals.length) {
            const output = ['Finish refused.', ...hookGate.messages, ...refusals.map((refusal) => refusal.intervention.message)].join('\n\n');
            yield stamp({ type: 'tool-result', step: state.step, callId: action.callId, tool: action.tool, ok: false, output, durationMs: now() - toolStarted });
            messages.push(observe(action, output));
            continue;
          }
          const outcome = await AGENT_TOOLS.finish.execute(action.args, baseToolContext());
          yield stamp({ type: 'tool-result', step: state.step, callId: action.callId, tool: action.tool, ok: true, output: outcome.output, durationMs: now() - toolStarted });
          return end('finished', typeof action.args.summary === 'string' ? action.args.summary : 'finished');
        }

        const before = yield* runHooks('beforeTool');
        const notes: string[] = [...before.messages];
        let blocked: Intervention | undefined;
        for (const policy of policies) {
          const intervention = policy.beforeToolCall?.(action, state);
          if (!intervention) continue;
          yield stamp({ type: 'policy-intervention', step: state.step, policy: policy.name, action: intervention.action, message: intervention.message });
          if (intervention.action === 'block') blocked = intervention;
          else notes.push(intervention.message);
        }

        let outcome: ToolOutcome;
        if (blocked) {
          outcome = { ok: false, output: blocked.message };
        } else {
          try {
            outcome = await AGENT_TOOLS[action.tool].execute(action.args, baseToolContext());
          } catch (error) {
            const message = `sandbox failed while running ${action.tool}: ${(error as Error).message}`;
            yield stamp({ type: 'tool-result', step: state.step, callId: action.callId, tool: action.tool, ok: false, output: message, durationMs: now() - toolStarted });
            return end('sandbox_error', message);
          }
          state.toolCalls += 1;
        }

        const after: string[] = [];
        for (const policy of policies) {
          if (blocked) break;
          const intervention = policy.afterToolCall?.(action, outcome, state);
          if (!intervention) continue;
          yield stamp({ type: 'policy-intervention', step: state.step, policy: policy.name, action: intervention.action, message: intervention.message });
          after.push(intervention.message);
        }
        const afterHooks = yield* runHooks('afterTool');
        after.push(...afterHooks.messages);

        let output = outcome.output;
        let truncated = false;
        for (const policy of policies) {
          const transformed = policy.transformOutput?.(output);
          if (!transformed) continue;
          output = transformed.output;
          if (transformed.intervention) {
            truncated = true;
            yield stamp({ type: 'policy-intervention', step: state.step, policy: policy.name, action: transformed.intervention.action, message: transformed.intervention.message });
          }
        }
        // A hard cap outside the harness's own truncation policy (off in the minimal harness): one 120 MB output must
        // not become a 240 MB trace. The event keeps the full size.
        const fullOutputChars = output.length;
        if (fullOutputChars > LIMITS.toolOutputCharsPerCall) {
          output = capText(output, LIMITS.toolOutputCharsPerCall, 'tool output');
          truncated = true;
        }
        const shown = capText([...notes, output, ...after].join('\n\n'), LIMITS.toolOutputCharsPerCall + 2 * LIMITS.hookOutputChars, 'tool output and notes');
        toolOutputChars += shown.length;
        yield stamp({
          type: 'tool-result',
          step: state.step,
          callId: action.callId,
          tool: action.tool,
          ok: outcome.ok,
          output: shown,
          exitCode: outcome.exitCode,
          durationMs: now() - toolStarted,
          truncated,
          ...(fullOutputChars > LIMITS.toolOutputCharsPerCall ? { fullOutputChars } : {}),
        });
        messages.push(observe(action, shown));
        if (signal.aborted) return end(...stoppedReason());
        if (toolOutputChars > LIMITS.toolOutputCharsPerRun) {
          return end('limit', `tool output in this run passed ${formatCount(LIMITS.toolOutputCharsPerRun)} characters (the limit of one run)`);
        }
      }
    }
  } catch (error) {
    // A sandbox that is gone (its worker could not load or died) fails hooks and file tools alike; the run ends with
    // its text instead of a crash. Anything else is a bug and is thrown.
    if (isSandboxUnavailable(error)) return end('sandbox_error', error.message);
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onUserAbort);
  }
}

function partialOf(response: ModelResponse): { partialText?: string; usage?: TokenUsage } {
  const hasUsage = response.usage.inputTokens > 0 || response.usage.outputTokens > 0;
  return { ...(response.text !== '' ? { partialText: response.text } : {}), ...(hasUsage ? { usage: response.usage } : {}) };
}

/** Run to the end, handing each event (run-end included) to `onEvent`; returns the run-end event. */
export async function runAgentToEnd(options: RunAgentOptions, onEvent: (event: AgentEvent) => void | Promise<void>): Promise<RunEndEvent> {
  const iterator = runAgent(options);
  while (true) {
    const next = await iterator.next();
    if (next.done) return next.value;
    await onEvent(next.value);
  }
}
