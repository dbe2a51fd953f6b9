import { type HarnessDocument, Policies } from '../core/harness/schema.js';
import { AnthropicModel } from '../core/model/anthropic.js';
import { OpenAICompatibleModel } from '../core/model/openai-compatible.js';
import { DEFAULT_PARALLEL_REQUESTS, limitModelCalls, MAX_PARALLEL_REQUESTS } from '../core/model/call-limits.js';
import { chooseActionProtocol } from '../core/model/probe-tool-calling.js';
import type { ActionProtocol, ChatModel } from '../core/model/types.js';
import { basicAuthorization, originOf, splitUrlCredentials } from '../core/redact-secrets.js';
import { type CliOutput, UsageError } from './cli-types.js';
import { rememberSecret } from './secrets.js';

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
  'parallel-requests': { type: 'string' },
} as const;

export const MODEL_USAGE = `  --provider openai-compatible|anthropic   which model API (default openai-compatible)
  --base-url <url>          the endpoint, e.g. http://localhost:11434/v1 (required for openai-compatible;
                            optional for anthropic). Credentials in it (http://user:key@host/v1) are sent as
                            HTTP Basic auth, never written anywhere
  --model <id>              the model id the endpoint knows (required)
  --api-key-env VAR         read the API key from this environment variable (required for anthropic). The key is
                            sent only to the host of --base-url; it is redacted from every file and output
  --action-protocol native_tools|json_action   how the agent acts: the API's tool calls (default) or one JSON
                            action per answer, for models without tool calling. With native_tools, one short probe
                            request first checks that the endpoint returns tool calls; if it does not, the run switches
                            to json_action and says why
  --max-answer-tokens N     cap on each agent answer's tokens (the harness's maxAnswerTokens policy, so part of its
                            hash; default the harness's own, 2048 in the default harness; 16 to 131072)
  --parallel-requests N     model calls sent to the endpoint at once (default ${DEFAULT_PARALLEL_REQUESTS}; 1 to ${MAX_PARALLEL_REQUESTS}); a 429
                            with Retry-After makes every call to it wait that long`;

export type ModelFlagValues = { [K in keyof typeof MODEL_OPTIONS]?: string };

export type Provider = 'openai-compatible' | 'anthropic';

function apiKeyFrom(variable: string | undefined, flag: string): string | undefined {
  if (!variable) return undefined;
  const key = process.env[variable];
  if (!key) throw new UsageError(`environment variable ${variable} (from ${flag}) is not set`);
  rememberSecret(key);
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
  parallelRequestsFrom(values);
  return { provider, protocol };
}

/** --parallel-requests as a number (the default when absent), or a usage error that quotes what was typed. */
export function parallelRequestsFrom(values: ModelFlagValues): number {
  const value = values['parallel-requests'];
  if (value === undefined) return DEFAULT_PARALLEL_REQUESTS;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < 1 || parsed > MAX_PARALLEL_REQUESTS) throw new UsageError(`--parallel-requests must be a whole number from 1 to ${MAX_PARALLEL_REQUESTS}, got "${value}"`);
  return parsed;
}

/** Who a model is: where it is, which model, and the environment variable (and its flag) holding its key. */
export interface ModelTarget {
  baseUrl?: string;
  model: string;
  keyVariable?: string;
  /** The flag that named `keyVariable`, for messages. */
  keyFlag?: string;
}

/**
 * A model of the checked provider; `baseUrl`, `model` and `keyVariable` may differ from the agent's (a proposer).
 * Credentials in the base URL become a Basic auth header (fetch refuses a URL that carries them, and the model id,
 * written into every file, must not), and are remembered as secrets.
 */
export function createModel(values: ModelFlagValues, target: ModelTarget): ChatModel {
  const { provider, protocol } = checkModelFlags(values);
  const apiKey = apiKeyFrom(target.keyVariable, target.keyFlag ?? '--api-key-env');
  const { url, username, password } = splitUrlCredentials(target.baseUrl ?? '');
  rememberSecret(username);
  rememberSecret(password);
  const credentials = basicAuthorization(username, password);
  // A server that echoes the header it got echoes this: base64 of user:password is the password too.
  rememberSecret(credentials?.Authorization.slice('Basic '.length));
  if (credentials && apiKey && provider === 'openai-compatible') {
    throw new UsageError('give the key either in the base URL (http://user:key@host) or with an API-key flag, not both: both would be the Authorization header');
  }
  const baseUrl = target.baseUrl === undefined ? undefined : url;
  const model =
    provider === 'anthropic'
      ? new AnthropicModel({ baseUrl, model: target.model, apiKey: apiKey!, actionProtocol: protocol, headers: credentials })
      : new OpenAICompatibleModel({ baseUrl: baseUrl!, model: target.model, apiKey, actionProtocol: protocol, headers: credentials });
  // Calls to one endpoint share its limit and its Retry-After pauses (an agent and a proposer on the same server).
  const endpoint = `${provider}:${(baseUrl ?? ANTHROPIC_ORIGIN).replace(/\/+$/, '')}`;
  return limitModelCalls(model, endpoint, parallelRequestsFrom(values));
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

/** Where Anthropic's API is when no --base-url names another host. */
const ANTHROPIC_ORIGIN = 'https://api.anthropic.com';

/**
 * Which key a proposer gets. A key goes only to the host it was given for: a proposer on the agent's host shares
 * the agent's `--api-key-env`; one on another host gets only `--proposer-api-key-env` (which may name the same
 * variable, to say so on purpose). Without it an OpenAI-compatible proposer elsewhere gets no key (`note` says so),
 * and an Anthropic one, which needs a key, is a usage error.
 */
export function proposerKey(values: ModelFlagValues & { 'proposer-base-url'?: string; 'proposer-api-key-env'?: string }): { keyVariable?: string; keyFlag?: string; note?: string } {
  if (values['proposer-api-key-env']) return { keyVariable: values['proposer-api-key-env'], keyFlag: '--proposer-api-key-env' };
  if (!values['api-key-env'] || !values['proposer-base-url']) return { keyVariable: values['api-key-env'] };
  const fallback = values.provider === 'anthropic' ? ANTHROPIC_ORIGIN : undefined;
  const agentOrigin = originOf(splitUrlCredentials(values['base-url'] ?? '').url) ?? fallback;
  const proposerOrigin = originOf(splitUrlCredentials(values['proposer-base-url']).url);
  if (agentOrigin === proposerOrigin) return { keyVariable: values['api-key-env'] };
  const why = `the proposer's host (${proposerOrigin ?? values['proposer-base-url']}) is not the agent's (${agentOrigin ?? 'none'}), and --api-key-env is sent only to the agent's`;
  if (values.provider === 'anthropic') throw new UsageError(`--proposer-api-key-env is required: ${why} (it may name the same variable)`);
  return { note: `the proposer gets no API key: ${why}; give --proposer-api-key-env VAR if it needs one (it may name the same variable)` };
}
