import { describe, expect, it } from 'vitest';
import { errorFromHttpStatus, parseRetryAfter, redactSecrets, retryDelayMs, RETRY_AFTER_CAP_MS } from '../../src/core/model/errors.js';
import { OpenAICompatibleModel } from '../../src/core/model/openai-compatible.js';
import { AnthropicModel } from '../../src/core/model/anthropic.js';
import { collectResponse, type ModelRequest } from '../../src/core/model/types.js';

/**
 * Issue 13: every HTTP 500 was "network" and retried — including `tools param requires --jinja flag`, retried three
 * times per turn. Each failure now has a kind by meaning, only transient ones are retryable, and the user reads the
 * server's own message.
 */
const llamaError = (code: number, message: string, type: string) => JSON.stringify({ error: { code, message, type } });

describe('HTTP failures classified by meaning', () => {
  it.each([
    [400, llamaError(400, 'the request exceeds the available context size, try increasing it', 'exceed_context_size_error'), 'context_overflow', false],
    [413, 'Payload Too Large', 'context_overflow', false],
    [400, llamaError(400, "Invalid 'messages': a tool message must follow tool_calls", 'invalid_request_error'), 'invalid_request', false],
    [422, '{"detail":[{"msg":"field required"}]}', 'invalid_request', false],
    [401, llamaError(401, 'Invalid API Key', 'authentication_error'), 'auth', false],
    [403, 'forbidden', 'auth', false],
    [404, llamaError(404, 'The model `gpt-9` does not exist', 'invalid_request_error'), 'model_not_found', false],
    [429, llamaError(429, 'Rate limit reached', 'rate_limit_error'), 'rate_limit', true],
    [500, llamaError(500, 'tools param requires --jinja flag', 'server_error'), 'server_error', false],
    [500, llamaError(500, 'Unsupported param: tools', 'server_error'), 'server_error', false],
    [501, 'Not Implemented', 'server_error', false],
    [500, 'internal error', 'server_error', true],
    [502, '<html>Bad Gateway</html>', 'server_error', true],
    [503, llamaError(503, 'Loading model', 'unavailable_error'), 'server_error', true],
    [504, 'Gateway Timeout', 'server_error', true],
    [408, 'Request Timeout', 'timeout', true],
  ])('HTTP %i %s → %s (retryable %s)', (status, body, kind, retryable) => {
    const error = errorFromHttpStatus(status, body);
    expect(error).toMatchObject({ kind, status, retryable });
  });

  it('shows the server\'s own message, not the JSON around it', () => {
    expect(errorFromHttpStatus(500, llamaError(500, 'tools param requires --jinja flag', 'server_error')).message).toBe('server error (500): tools param requires --jinja flag');
    expect(errorFromHttpStatus(401, JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } })).message).toBe('authentication failed (401): invalid x-api-key');
    expect(errorFromHttpStatus(404, '').message).toBe('not found (404): check the base URL and the model name');
  });

  it('honours Retry-After in seconds or as a date, up to a cap', () => {
    expect(errorFromHttpStatus(429, 'slow down', '7')).toMatchObject({ kind: 'rate_limit', retryAfterMs: 7000 });
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(30_000);
    expect(parseRetryAfter('86400')).toBe(RETRY_AFTER_CAP_MS);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(errorFromHttpStatus(503, 'busy', '2')).toMatchObject({ retryable: true, retryAfterMs: 2000 });
    // The wait is the longer of the backoff and what the server asked for, never more than the cap.
    const rateLimited = errorFromHttpStatus(429, '', '7');
    expect(retryDelayMs(rateLimited, 0)).toBe(7000);
    expect(retryDelayMs(errorFromHttpStatus(429, ''), 2)).toBe(2000);
    expect(retryDelayMs({ ...rateLimited, retryAfterMs: 10 * 60_000 }, 0)).toBe(RETRY_AFTER_CAP_MS);
  });
});

describe('API keys never reach an error text', () => {
  const request: ModelRequest = { messages: [{ role: 'user', content: 'hi' }], tools: [] };
  const key = 'sk-live-0123456789abcdef';
  // A proxy that echoes the key it was given, as some do in 401 bodies.
  const echoingFetch: typeof fetch = async (_input, init) => {
    const headers = new Headers(init?.headers);
    const sent = headers.get('authorization') ?? headers.get('x-api-key') ?? '';
    return new Response(JSON.stringify({ error: { message: `Incorrect API key provided: ${sent.replace('Bearer ', '')}` } }), { status: 401 });
  };

  it('redacts the configured key from an OpenAI-compatible error', async () => {
    const response = await collectResponse(new OpenAICompatibleModel({ baseUrl: 'http://proxy.example/v1', model: 'm', apiKey: key, fetch: echoingFetch }), request);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.kind).toBe('auth');
    expect(response.error.message).toBe('authentication failed (401): Incorrect API key provided: [redacted]');
  });

  it('redacts the key from an Anthropic error, and URL credentials from a transport error', async () => {
    const anthropic = await collectResponse(new AnthropicModel({ model: 'c', apiKey: key, fetch: echoingFetch }), request);
    expect(anthropic.ok || anthropic.error.message).not.toContain(key);
    const refusing: typeof fetch = async () => {
      throw new TypeError('fetch failed for http://user:s3cret-password@127.0.0.1:9/v1');
    };
    const withCredentials = await collectResponse(new OpenAICompatibleModel({ baseUrl: 'http://user:s3cret-password@127.0.0.1:9/v1', model: 'm', fetch: refusing }), request);
    expect(withCredentials.ok).toBe(false);
    if (withCredentials.ok) return;
    expect(withCredentials.error.kind).toBe('network');
    expect(withCredentials.error.message).not.toContain('s3cret-password');
  });

  it('leaves short values alone so ordinary words survive', () => {
    expect(redactSecrets('the key abc was wrong', ['abc'])).toBe('the key abc was wrong');
    expect(redactSecrets(`a ${encodeURIComponent('k/y+z=secret')} b`, ['k/y+z=secret'])).toBe('a [redacted] b');
  });
});
