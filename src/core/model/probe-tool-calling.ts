import { type ActionProtocol, type ChatModel, collectResponse, type ModelError, type ModelRequest, type TokenUsage, type ToolSpec } from './types.js';

/**
 * Whether an endpoint returns native tool calls, found with one short request. llama.cpp's server drops `tools`
 * without an error when its chat template has no tool support (and refuses them without `--jinja`), so an agent run
 * in `native_tools` mode would only ever see text.
 */
export type ToolCallingProbe =
  /** The endpoint answered with a native tool call. */
  | { status: 'supported'; message: string; usage: TokenUsage }
  /** The endpoint answered, or refused tools for good, without a native tool call: use `json_action`. */
  | { status: 'unsupported'; message: string; recommendedProtocol: ActionProtocol; answerText: string; error?: ModelError; usage: TokenUsage }
  /** The probe could not tell (no connection, bad key, timeout, cancelled); the run itself will show that error. */
  | { status: 'unknown'; message: string; error: ModelError; usage: TokenUsage };

const PROBE_TOOL: ToolSpec = {
  name: 'finish',
  description: 'Declare the task complete.',
  parameters: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
};

/** Enough for one small tool call after a sentence of prose (small models write one first); more is cut off. */
const PROBE_ANSWER_TOKENS = 160;

/** The probe's one request: a `finish` tool, required where the provider can require one. */
export function toolCallingProbeRequest(): ModelRequest {
  return {
    // Found against llama-server with SmolLM2-135M: "Do not answer with text" made it answer only with text.
    messages: [
      { role: 'system', content: 'You are testing a tool. Call the finish tool with the summary "ready".' },
      { role: 'user', content: 'Call the finish tool now.' },
    ],
    tools: [PROBE_TOOL],
    toolChoice: 'required',
    maxOutputTokens: PROBE_ANSWER_TOKENS,
    temperature: 0,
  };
}

/** One turn that asks for (and, where the provider can, requires) a call of a `finish` tool. */
export async function probeToolCalling(model: ChatModel, signal?: AbortSignal): Promise<ToolCallingProbe> {
  const native = model.actionProtocol === 'native_tools' || !model.withActionProtocol ? model : model.withActionProtocol('native_tools');
  const response = await collectResponse(native, toolCallingProbeRequest(), signal);
  if (response.ok && response.toolCalls.length > 0) {
    return { status: 'supported', message: `native tool calls work (the probe called ${response.toolCalls[0].name})`, usage: response.usage };
  }
  if (response.ok) {
    const said = response.text.trim() === '' ? 'an empty answer' : `text instead (${JSON.stringify(response.text.trim().slice(0, 120))})`;
    return {
      status: 'unsupported',
      message: `the endpoint returned no native tool call when one was required, but ${said}: its chat template may not support tools (llama.cpp: a template without tool support drops them silently). Use the json_action protocol.`,
      recommendedProtocol: 'json_action',
      answerText: response.text,
      usage: response.usage,
    };
  }
  const error = response.error;
  // A permanent refusal that names tools (`tools param requires --jinja flag`, "does not support tools") is an answer.
  if (!error.retryable && error.kind !== 'aborted' && error.kind !== 'auth' && error.kind !== 'model_not_found' && /tool/i.test(error.message)) {
    return {
      status: 'unsupported',
      message: `the endpoint refused native tools: ${error.message}. Use the json_action protocol${/jinja/i.test(error.message) ? ', or start llama-server with --jinja' : ''}.`,
      recommendedProtocol: 'json_action',
      answerText: response.text,
      error,
      usage: response.usage,
    };
  }
  return { status: 'unknown', message: `the tool-calling probe could not tell (${error.kind}): ${error.message}`, error, usage: response.usage };
}

/**
 * The model a run should use: a `native_tools` model whose endpoint returns no native tool calls is switched to
 * `json_action`, and `notice` says why. Only providers that offer both protocols are probed (the HTTP ones); an
 * in-page engine chooses its own protocol, and a model that cannot switch is returned unprobed.
 */
export async function chooseActionProtocol(model: ChatModel, signal?: AbortSignal): Promise<{ model: ChatModel; probe?: ToolCallingProbe; notice?: string }> {
  if (model.actionProtocol !== 'native_tools' || !model.withActionProtocol) return { model };
  const probe = await probeToolCalling(model, signal);
  if (probe.status !== 'unsupported') return { model, probe };
  return { model: model.withActionProtocol('json_action'), probe, notice: `Switched to json_action: ${probe.message}` };
}

/** What "Test connection" says about native tool calls: what the probe found, and which protocol to use. */
export function describeToolCallingProbe(probe: ToolCallingProbe, configured: ActionProtocol): { status: ToolCallingProbe['status']; text: string } {
  if (probe.status === 'supported') {
    const advice = configured === 'native_tools' ? 'The native_tools protocol will work.' : 'This profile uses json_action; native_tools would work too.';
    return { status: 'supported', text: `${probe.message.charAt(0).toUpperCase()}${probe.message.slice(1)}. ${advice}` };
  }
  if (probe.status === 'unsupported') {
    const advice =
      configured === 'native_tools'
        ? 'Recommended: set the action protocol to json_action (runs and evolutions with native_tools switch to it by themselves, and say so).'
        : 'This profile already uses json_action.';
    return { status: 'unsupported', text: `No native tool calls: ${probe.message} ${advice}` };
  }
  return { status: 'unknown', text: `Whether native tool calls work is unknown: ${probe.message}` };
}
