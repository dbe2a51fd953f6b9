import { type HarnessDocument, Policies } from '../core/harness/schema.js';
import { AnthropicModel } from '../core/model/anthropic.js';
import { OpenAICompatibleModel } from '../core/model/openai-compatible.js';
import { chooseActionProtocol } from '../core/model/probe-tool-calling.js';
import type { ActionProtocol, ChatModel } from '../core/model/types.js';
import { type CliOutput, UsageError } from './cli-types.js';

/**
 * The flags that choose a model, shared by every command that calls one (`run`, `evolve`). A new model setting is
 * added here once: its flag, a line of usage, and where `createModel` passes it.
 */
export const MODEL_OPTIONS = {
  provider: { type: 'string', default: 'openai-compatible' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'api-key-env': { type: 'string' },
  'action-protocol': { type: 'string', default: 'native_tools' },
  'max-answer-tokens': { type: 'string' },
} as const;

export const MODEL_USAGE = `  --provider openai-compatible|anthropic   which model API (default openai-compatible)
  --base-url <url>          the endpoint, e.g. http://localhost:11434/v1 (required for openai-compatible;
                            optional for anthropic)
  --model <id>              the model id the endpoint knows (required)
  --api-key-env VAR         read the API key from this environment variable (required for anthropic)
  --action-protocol native_tools|json_action   how the agent acts: the API's tool calls (default) or one JSON
                            action per answer, for models without tool calling. With native_tools, one short probe
                            request first checks that the endpoint returns tool calls; if it does not, the run switches
                            to json_action and says why
  --max-answer-tokens N     cap on each agent answer's tokens (the harness's maxAnswerTokens policy, so part of its
                            hash; default the harness's own, 2048 in the default harness; 16 to 131072)`;

export type ModelFlagValues = { [K in keyof typeof MODEL_OPTIONS]?: string };

export type Provider = 'openai-compatible' | 'anthropic';

function apiKeyFrom(variable: string | undefined): string | undefined {
  if (!variable) return undefined;
  const key = process.env[variable];
  if (!key) throw new UsageError(`environment variable ${variable} (from --api-key-env) is not set`);
  return key;
}

/** The provider and action protocol, checked; throws a usage error naming the flag that is wrong or missing. */
export function checkModelFlags(values: ModelFlagValues): { provider: Provider; protocol: ActionProtocol } {
  const provider = values.provider ?? 'openai-compatible';
  if (provider !== 'openai-compatible' && provider !== 'anthropic') throw new UsageError('--provider must be openai-compatible or anthropic');
  if (!values.model) throw new UsageError('--model is required');
  if (provider === 'openai-compatible' && !values['base-url']) throw new UsageError('--base-url is required');
  if (provider === 'anthropic' && !values['api-key-env']) throw new UsageError('--api-key-env is required with --provider anthropic');
  const protocol = values['action-protocol'] ?? 'native_tools';
  if (protocol !== 'native_tools' && protocol !== 'json_action') throw new UsageError('--action-protocol must be native_tools or json_action');
  return { provider, protocol };
}

/** A model of the checked provider; `baseUrl`, `model` and `keyVariable` may differ from the agent's (a proposer). */
export function createModel(values: ModelFlagValues, target: { baseUrl?: string; model: string; keyVariable?: string }): ChatModel {
  const { provider, protocol } = checkModelFlags(values);
  return provider === 'anthropic'
    ? new AnthropicModel({ baseUrl: target.baseUrl, model: target.model, apiKey: apiKeyFrom(target.keyVariable)!, actionProtocol: protocol })
    : new OpenAICompatibleModel({ baseUrl: target.baseUrl!, model: target.model, apiKey: apiKeyFrom(target.keyVariable), actionProtocol: protocol });
}

/** The agent model the flags name. */
export function createAgentModel(values: ModelFlagValues): ChatModel {
  checkModelFlags(values);
  return createModel(values, { baseUrl: values['base-url'], model: values.model!, keyVariable: values['api-key-env'] });
}

/** The harness with `--max-answer-tokens` applied: the agent's cap is harness data (its policy), so part of its hash. */
export function withAnswerTokenCap(harness: HarnessDocument, values: ModelFlagValues): HarnessDocument {
  const value = values['max-answer-tokens'];
  if (value === undefined) return harness;
  const cap = Number(value);
  // The harness schema's own bounds, so the flag accepts what a harness file may hold.
  if (value.trim() === '' || !Policies.shape.maxAnswerTokens.safeParse(cap).success) throw new UsageError(`--max-answer-tokens must be a whole number of tokens from 16 to 131072, got "${value}"`);
  return { ...harness, policies: { ...harness.policies, maxAnswerTokens: cap } };
}

/**
 * The agent model a run uses: a `native_tools` endpoint that returns no native tool calls (llama.cpp with a template
 * without tool support drops `tools` silently) is switched to `json_action` after one probe, and stderr says why.
 */
export async function probedAgentModel(model: ChatModel, { err }: CliOutput, signal?: AbortSignal): Promise<ChatModel> {
  const chosen = await chooseActionProtocol(model, signal);
  if (chosen.notice) err(chosen.notice);
  return chosen.model;
}
