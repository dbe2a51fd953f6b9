import { ANTHROPIC_API_VERSION, ANTHROPIC_DEFAULT_BASE_URL } from './anthropic.js';
import { isRecord } from './http.js';
import type { ModelProfile } from './profile.js';

/**
 * "Test connection": ask an endpoint which models it offers (OpenAI-compatible `GET {baseUrl}/models`, Anthropic
 * `GET /v1/models`), with the headers a chat request would carry. Never throws: a failure is a value with a kind
 * and, when the server said something, its own message.
 */

export type ConnectionErrorKind =
  /** Nothing answered: wrong host or port, server down, or the browser blocked the address. */
  | 'unreachable'
  /** The server answers, but does not allow this page's origin (browser only). */
  | 'cors'
  /**
   * In a browser: nothing could be read, and the browser does not say whether nothing listens or CORS blocked it
   * (a cross-origin-isolated page cannot even probe with `no-cors`: the answer is blocked as well).
   */
  | 'unreachable_or_cors'
  | 'timeout'
  /** 401 or 403: a missing or refused API key. */
  | 'auth'
  /** 404: no model list at this URL (often a base URL without `/v1`). */
  | 'not_found'
  | 'rate_limit'
  /** 5xx */
  | 'server_error'
  /** Any other refused request. */
  | 'http_error'
  /** It answered, but not with a model list. */
  | 'bad_response'
  | 'aborted';

export interface ConnectionError {
  kind: ConnectionErrorKind;
  /** What went wrong and what to try, in words a user can act on. */
  message: string;
  status?: number;
  /** The server's own words: the message of its JSON error body, or the start of its text. */
  serverMessage?: string;
}

export interface ListedModel {
  id: string;
  /** Anthropic's `display_name`. */
  displayName?: string;
}

export type ModelListing =
  | {
      ok: true;
      /** The URL that was asked. */
      url: string;
      models: ListedModel[];
      /** The model the profile is configured with. */
      configuredModel: string;
      /** The listed id that serves the configured model, when there is one (an alias may name a dated id). */
      configuredModelMatch?: string;
    }
  | { ok: false; url: string; error: ConnectionError };

export interface ListModelsOptions {
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Give up after this long; default 15 s. A server that accepts the connection and never answers ends here. */
  timeoutMs?: number;
  /** The caller is a page or worker, where CORS applies; default: true when there is a global `location`. */
  corsApplies?: boolean;
}

export interface OpenAICompatibleEndpoint {
  baseUrl: string;
  apiKey?: string;
  model: string;
}

export interface AnthropicEndpoint {
  apiKey: string;
  model: string;
  baseUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
// Node fires longer timers at once; nobody waits that long for a model list anyway.
const MAX_TIMER_MS = 2_147_483_647;
// Anthropic pages its list; a few pages cover every model it has ever offered.
const MAX_ANTHROPIC_PAGES = 10;

/** `GET {baseUrl}/models`, with `Authorization: Bearer` when there is a key, as chat requests send it. */
export async function listOpenAICompatibleModels(endpoint: OpenAICompatibleEndpoint, options: ListModelsOptions = {}): Promise<ModelListing> {
  const baseUrl = endpoint.baseUrl.trim().replace(/\/+$/, '');
  const url = `${baseUrl}/models`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  const apiKey = endpoint.apiKey?.trim() ?? '';
  if (apiKey !== '') headers.Authorization = `Bearer ${apiKey}`;
  const notFoundHint = `${/\/v1$/.test(baseUrl) ? '' : ' OpenAI-compatible base URLs usually end in /v1.'} Some servers serve chat without listing models; this check needs GET /models.`;
  const answer = await getJson(url, headers, options, { hasKey: apiKey !== '', notFoundHint });
  if (!answer.ok) return { ok: false, url, error: answer.error };
  const models = modelsOf(answer.body);
  if (!models) return { ok: false, url, error: notAModelList(answer.body) };
  return listing(url, models, endpoint.model.trim());
}

/** `GET /v1/models` with the key, the API version and the header that lets a browser call the API directly. */
export async function listAnthropicModels(endpoint: AnthropicEndpoint, options: ListModelsOptions = {}): Promise<ModelListing> {
  // Same normalisation as the chat provider: a trailing slash or `/v1` is ignored.
  const baseUrl = (endpoint.baseUrl?.trim() || ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
  const firstUrl = `${baseUrl}/v1/models?limit=1000`;
  const headers = {
    Accept: 'application/json',
    'x-api-key': endpoint.apiKey.trim(),
    'anthropic-version': ANTHROPIC_API_VERSION,
    'anthropic-dangerous-direct-browser-access': 'true',
  };
  const models: ListedModel[] = [];
  let url = firstUrl;
  for (let page = 0; page < MAX_ANTHROPIC_PAGES; page++) {
    const answer = await getJson(url, headers, options, { hasKey: endpoint.apiKey.trim() !== '', notFoundHint: ' Check the base URL (default https://api.anthropic.com).' });
    if (!answer.ok) return { ok: false, url: firstUrl, error: answer.error };
    const pageModels = modelsOf(answer.body);
    if (!pageModels) return { ok: false, url: firstUrl, error: notAModelList(answer.body) };
    models.push(...pageModels);
    const body = answer.body as Record<string, unknown>;
    if (body.has_more !== true || typeof body.last_id !== 'string') break;
    url = `${firstUrl}&after_id=${encodeURIComponent(body.last_id)}`;
  }
  return listing(firstUrl, models, endpoint.model.trim());
}

/** A profile whose endpoint can be asked for its models (in-page runtimes have no endpoint). */
export type RemoteModelProfile = Extract<ModelProfile, { provider: 'openai-compatible' | 'anthropic' }>;

export function isRemoteProfile(profile: ModelProfile): profile is RemoteModelProfile {
  return profile.provider === 'openai-compatible' || profile.provider === 'anthropic';
}

/** The models a remote profile's endpoint offers, asked with the profile's own URL and key. */
export function listModelsOfProfile(profile: RemoteModelProfile, options: ListModelsOptions = {}): Promise<ModelListing> {
  return profile.provider === 'anthropic' ? listAnthropicModels(profile, options) : listOpenAICompatibleModels(profile, options);
}

/**
 * The listed id that serves `configured`: the same id, or what a server resolves a short name to — Anthropic's
 * alias `claude-sonnet-4-5` names `claude-sonnet-4-5-20250929`, Ollama's `qwen2.5` names `qwen2.5:latest`.
 */
export function findConfiguredModel(models: readonly ListedModel[], configured: string): string | undefined {
  const wanted = configured.trim();
  if (wanted === '') return undefined;
  return (
    models.find((model) => model.id === wanted)?.id ??
    models.find((model) => model.id === `${wanted}:latest`)?.id ??
    models.find((model) => new RegExp(`^${escapeRegExp(wanted)}-\\d{8}$`).test(model.id))?.id
  );
}

function listing(url: string, models: ListedModel[], configuredModel: string): ModelListing {
  const sorted = [...models].sort((a, b) => a.id.localeCompare(b.id));
  return { ok: true, url, models: sorted, configuredModel, configuredModelMatch: findConfiguredModel(sorted, configuredModel) };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `{data: [{id}]}` (OpenAI, Anthropic, vLLM, Ollama's /v1) or `{models: [{id|name|model}]}` (some local servers). */
function modelsOf(body: unknown): ListedModel[] | undefined {
  if (!isRecord(body)) return undefined;
  const list = Array.isArray(body.data) ? body.data : Array.isArray(body.models) ? body.models : undefined;
  if (!list) return undefined;
  const models: ListedModel[] = [];
  for (const item of list) {
    if (typeof item === 'string') {
      models.push({ id: item });
      continue;
    }
    if (!isRecord(item)) continue;
    const id = [item.id, item.model, item.name].find((value): value is string => typeof value === 'string' && value !== '');
    if (!id) continue;
    models.push(typeof item.display_name === 'string' ? { id, displayName: item.display_name } : { id });
  }
  // De-duplicated: llama.cpp's server lists the same model under `data` and `models`, and a few list it twice.
  return [...new Map(models.map((model) => [model.id, model])).values()];
}

function notAModelList(body: unknown): ConnectionError {
  const shape = isRecord(body) ? `an object with ${Object.keys(body).slice(0, 5).join(', ') || 'no fields'}` : Array.isArray(body) ? 'a list' : typeof body;
  return { kind: 'bad_response', message: `the endpoint answered with ${shape}, not a model list ({"data": [{"id": …}]})` };
}

type JsonAnswer = { ok: true; body: unknown } | { ok: false; error: ConnectionError };
type TextAnswer = { ok: true; status: number; text: string; headers: Headers } | { ok: false; error: ConnectionError };

interface FailureContext {
  hasKey: boolean;
  /** Appended to a 404's message. */
  notFoundHint: string;
}

async function getJson(url: string, headers: Record<string, string>, options: ListModelsOptions, context: FailureContext): Promise<JsonAnswer> {
  const answer = await request(url, 'GET', headers, options, context);
  if (!answer.ok) return answer;
  try {
    return { ok: true, body: JSON.parse(answer.text) };
  } catch {
    return {
      ok: false,
      error: { kind: 'bad_response', status: answer.status, message: `the endpoint answered, but not with JSON: is ${url} the API (not a web page)?`, serverMessage: snippet(answer.text) },
    };
  }
}

/** One request with a time limit; an OK answer's text, or the failure classified. */
async function request(url: string, method: 'GET' | 'HEAD', headers: Record<string, string>, options: ListModelsOptions, context: FailureContext): Promise<TextAnswer> {
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const timeoutMs = Math.min(Math.max(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1), MAX_TIMER_MS);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forwardAbort = () => controller.abort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const stopped = (): ConnectionError | undefined =>
    options.signal?.aborted
      ? { kind: 'aborted', message: 'the check was cancelled' }
      : timedOut
        ? { kind: 'timeout', message: `no answer from ${url} within ${Math.round(timeoutMs / 1000)} s` }
        : undefined;
  try {
    let response: Response;
    try {
      response = await fetchImpl(url, { method, headers, signal: controller.signal });
    } catch (error) {
      const corsApplies = options.corsApplies ?? typeof (globalThis as { location?: unknown }).location !== 'undefined';
      return { ok: false, error: stopped() ?? (await transportFailure(url, error, { fetchImpl, signal: controller.signal, corsApplies })) };
    }
    let text: string;
    try {
      text = method === 'HEAD' ? '' : await response.text();
    } catch (error) {
      return { ok: false, error: stopped() ?? { kind: 'unreachable', message: `the connection to ${url} broke while reading the answer: ${describeThrown(error)}` } };
    }
    if (!response.ok) return { ok: false, error: httpFailure(response.status, text, url, context) };
    return { ok: true, status: response.status, text, headers: response.headers };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forwardAbort);
  }
}

export type ModelFileCheck = { ok: true; url: string; sizeBytes?: number } | { ok: false; url: string; error: ConnectionError };

/**
 * Whether a model file (a wllama GGUF URL) can be downloaded from this page: a HEAD request, redirects followed,
 * and its size when the server says. Nothing is downloaded.
 */
export async function checkModelFileUrl(url: string, options: ListModelsOptions = {}): Promise<ModelFileCheck> {
  const answer = await request(url, 'HEAD', {}, options, { hasKey: false, notFoundHint: ' Check the file URL (on Hugging Face: …/resolve/main/<file>.gguf).' });
  if (!answer.ok) return { ok: false, url, error: answer.error };
  const length = Number(answer.headers.get('content-length'));
  return { ok: true, url, sizeBytes: Number.isFinite(length) && length > 0 ? length : undefined };
}

/**
 * A fetch that threw. Browsers say only "Failed to fetch", both when nothing listens and when the server does not
 * allow this origin. A second, header-less `no-cors` request reaches a live server (its answer is opaque but it
 * arrives) and fails like the first when nothing listens — except in a cross-origin-isolated page, where the opaque
 * answer is blocked too unless the server sends Cross-Origin-Resource-Policy; then the cause stays unknown, and the
 * message names both.
 */
async function transportFailure(url: string, error: unknown, context: { fetchImpl: typeof fetch; signal: AbortSignal; corsApplies: boolean }): Promise<ConnectionError> {
  const detail = describeThrown(error);
  if (!context.corsApplies) return { kind: 'unreachable', message: `nothing answered at ${url}: is the server running, and are the host and port right? (${detail})` };
  let reachable = false;
  try {
    await context.fetchImpl(url, { method: 'GET', mode: 'no-cors', signal: context.signal });
    reachable = true;
  } catch {
    reachable = false;
  }
  if (reachable) {
    return { kind: 'cors', message: `the server at ${url} answers, but does not allow this page to read it (CORS). ${CORS_ADVICE} (${detail})` };
  }
  return {
    kind: 'unreachable_or_cors',
    message: `no answer could be read from ${url}: either nothing answers there (is the server running, are the host and port right?) or the server does not allow this page (CORS) — the browser does not say which. ${CORS_ADVICE} (${detail})`,
  };
}

const CORS_ADVICE = "To allow this page: Ollama needs OLLAMA_ORIGINS=*, LM Studio its CORS switch; llama.cpp's server and vLLM allow every origin by default.";

function httpFailure(status: number, body: string, url: string, context: FailureContext): ConnectionError {
  const serverMessage = serverMessageOf(body);
  const said = serverMessage ? `: ${serverMessage}` : '';
  if (status === 401 || status === 403) {
    const advice = context.hasKey ? 'check the API key' : 'this endpoint needs an API key';
    return { kind: 'auth', status, serverMessage, message: `the endpoint refused the request (HTTP ${status}) — ${advice}${said}` };
  }
  if (status === 404) return { kind: 'not_found', status, serverMessage, message: `nothing at ${url} (HTTP 404)${said}.${context.notFoundHint}` };
  if (status === 429) return { kind: 'rate_limit', status, serverMessage, message: `rate limited (HTTP 429); try again in a moment${said}` };
  if (status >= 500) return { kind: 'server_error', status, serverMessage, message: `the server failed (HTTP ${status})${said}` };
  return { kind: 'http_error', status, serverMessage, message: `the endpoint refused the request (HTTP ${status})${said}` };
}

/** The message of `{"error": {"message"}}`, `{"error": "…"}` or `{"message"}`; else the start of the text. */
function serverMessageOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      const error = parsed.error;
      if (isRecord(error) && typeof error.message === 'string') return error.message;
      if (typeof error === 'string') return error;
      if (typeof parsed.message === 'string') return parsed.message;
      if (typeof parsed.detail === 'string') return parsed.detail;
    }
  } catch {
    // Not JSON: the text itself is the message.
  }
  return snippet(body);
}

function snippet(text: string): string | undefined {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  if (trimmed === '') return undefined;
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}

function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node hides the reason (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== error.message ? `${error.message}: ${cause.message}` : error.message;
}
