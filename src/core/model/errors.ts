import type { ModelError } from './types.js';

/**
 * Error values every provider shares, classified by meaning rather than by status code alone, with the server's own
 * message and never the API key.
 */

export function abortedError(): ModelError {
  return { kind: 'aborted', message: 'request aborted', retryable: false };
}

export function badResponse(message: string): ModelError {
  return { kind: 'bad_response', message, retryable: false };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Longest wait a `Retry-After` may impose; a server asking for an hour gets this and the retry budget decides. */
export const RETRY_AFTER_CAP_MS = 60_000;

/** `Retry-After` as seconds or an HTTP date, in ms, capped; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, Math.round(ms)));
}

/** How long to wait before retry `attempt` (0-based): exponential backoff, or longer when the server asked for it. */
export function retryDelayMs(error: ModelError, attempt: number, baseMs = 500): number {
  const backoff = Math.min(RETRY_AFTER_CAP_MS, baseMs * 2 ** attempt);
  return error.retryAfterMs !== undefined ? Math.max(backoff, Math.min(RETRY_AFTER_CAP_MS, error.retryAfterMs)) : backoff;
}

/** `sleep(ms)` that ends early when `signal` aborts, so a Stop or a time limit never waits out a `Retry-After`. */
export function waitUnlessAborted(sleep: (ms: number) => Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => resolve();
    signal.addEventListener('abort', done, { once: true });
    void sleep(ms).then(() => {
      signal.removeEventListener('abort', done);
      resolve();
    });
  });
}

/**
 * The message a server put in its error body: OpenAI's `{error: {message}}`, llama.cpp's same shape, Anthropic's
 * `{type: "error", error: {type, message}}`, FastAPI's `{detail}`, or the body's text when it is not JSON.
 */
export function serverMessage(body: string): string {
  const trimmed = body.trim();
  if (trimmed === '') return '';
  try {
    const value: unknown = JSON.parse(trimmed);
    const found = messageIn(value);
    if (found) return found.slice(0, 1000);
  } catch {
    // Not JSON: the text is the message.
  }
  return trimmed.slice(0, 500);
}

function messageIn(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  for (const key of ['error', 'message', 'detail', 'msg']) {
    const inner = value[key];
    if (typeof inner === 'string' && inner.trim() !== '') return inner;
    if (isRecord(inner) || Array.isArray(inner)) {
      const found = Array.isArray(inner) ? inner.map(messageIn).filter(Boolean).join('; ') : messageIn(inner);
      if (found) return found;
    }
  }
  return undefined;
}

const contextOverflowPattern =
  /context[ _-]?(length|window|size)|maximum context|exceeds? (the )?(available )?context|too many tokens|prompt is too long|too long for|n_ctx|kv[ _-]?cache[ _-]?full|reduce the length/i;

/** True when a server's text says the conversation no longer fits the model's context. */
export function isContextOverflowText(text: string): boolean {
  return contextOverflowPattern.test(text);
}

// A 5xx that names a setting or a capability: sending the same request again gives the same answer.
const permanentServerErrorPattern =
  /requires? (the )?--?[a-z]|--jinja|not (supported|implemented|allowed)|unsupported|does not support|doesn't support|unknown (model|parameter|field|argument)|invalid (argument|parameter|request|schema|grammar)|failed to (parse|load)|no such model|model .*not (found|loaded)/i;

/** Classify an HTTP failure the way OpenAI-shaped servers report it; `message` is the server's own, shown to the user. */
export function errorFromHttpStatus(status: number, body: string, retryAfter?: string | null): ModelError {
  const said = serverMessage(body);
  const detail = said === '' ? '' : `: ${said}`;
  if (status === 401 || status === 403) return { kind: 'auth', status, message: `authentication failed (${status})${detail}`, retryable: false };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return { kind: 'rate_limit', status, message: `rate limited (429)${detail}`, retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status === 413 || ((status === 400 || status === 422 || status >= 500) && isContextOverflowText(said))) {
    return { kind: 'context_overflow', status, message: `context window exceeded (${status})${detail}`, retryable: false };
  }
  if (status === 404) return { kind: 'model_not_found', status, message: `not found (404)${detail || ': check the base URL and the model name'}`, retryable: false };
  if (status === 408) return { kind: 'timeout', status, message: `the server timed out (408)${detail}`, retryable: true };
  if (status >= 500) {
    const permanent = status === 501 || status === 505 || permanentServerErrorPattern.test(said);
    const retryAfterMs = parseRetryAfter(retryAfter);
    return {
      kind: 'server_error',
      status,
      message: `server error (${status})${detail}`,
      retryable: !permanent,
      ...(retryAfterMs !== undefined && !permanent ? { retryAfterMs } : {}),
    };
  }
  return { kind: 'invalid_request', status, message: `request rejected (${status})${detail}`, retryable: false };
}

/** A call that ran out of time: no response, no data for too long, or over its total limit. Transient. */
export function timeoutError(message: string): ModelError {
  return { kind: 'timeout', message, retryable: true };
}

/** A fetch that threw: aborted, or a network failure with Node's hidden `cause` (ECONNREFUSED, …) spelled out. */
export function transportError(error: unknown, signal: AbortSignal | undefined, context: string): ModelError {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return abortedError();
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  const message = error instanceof Error ? (cause instanceof Error && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message) : String(error);
  return { kind: 'network', message: `${context}: ${message}`, retryable: true };
}

/**
 * Replace every occurrence of the given secrets (API keys, URL passwords) with `[redacted]`. Servers echo keys back
 * in 401 bodies, and error texts end up in traces, rollout files and the proposer's prompts.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; no real key is that short.
    if (secret.length < 6) continue;
    result = result.split(secret).join('[redacted]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) result = result.split(encoded).join('[redacted]');
  }
  return result;
}

/** The secrets a base URL carries: the password (and user) of `http://user:key@host`. */
export function urlSecrets(baseUrl: string): string[] {
  try {
    const url = new URL(baseUrl);
    return [url.password, url.username].map((part) => decodeURIComponent(part)).filter((part) => part !== '');
  } catch {
    return [];
  }
}

/** The error with every secret taken out of its message. */
export function redactError(error: ModelError, secrets: readonly string[]): ModelError {
  const message = redactSecrets(error.message, secrets);
  return message === error.message ? error : { ...error, message };
}
