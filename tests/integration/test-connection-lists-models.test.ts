import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModelFileUrl, findConfiguredModel, listAnthropicModels, listModelsOfProfile, listOpenAICompatibleModels } from '../../src/core/model/list-models.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';

/**
 * "Test connection" against real local HTTP servers: the model list of an OpenAI-compatible server and of an
 * Anthropic-shaped one (with its headers and pages), and each way it fails, with the kind and the server's words.
 */

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    seen.push(request);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
};

let openai: ScriptedOpenAIServer;
const servers: Server[] = [];

beforeAll(async () => {
  openai = await startScriptedOpenAIServer(() => ({ text: 'unused' }), { models: ['qwen2.5:7b', 'llama3.2:latest', 'gpt-4o-mini'] });
});

afterAll(async () => {
  await openai.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function started(handler: Handler) {
  const running = await serve(handler);
  servers.push(running.server);
  return running;
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const { server } = await serve(() => undefined);
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Test connection, OpenAI-compatible', () => {
  it('lists the models the endpoint offers, sends the key as chat requests do, and finds the configured model', async () => {
    const listing = await listOpenAICompatibleModels({ baseUrl: `${openai.baseUrl}/`, apiKey: ' sk-local ', model: 'gpt-4o-mini' });
    expect(listing).toMatchObject({ ok: true, url: `${openai.baseUrl}/models`, configuredModelMatch: 'gpt-4o-mini' });
    if (!listing.ok) return;
    expect(listing.models.map((model) => model.id)).toEqual(['gpt-4o-mini', 'llama3.2:latest', 'qwen2.5:7b']);
    expect(openai.modelListRequests.at(-1)?.authorization).toBe('Bearer sk-local');
  });

  it('says when the configured model is not among them, and sends no Authorization without a key', async () => {
    const listing = await listOpenAICompatibleModels({ baseUrl: openai.baseUrl, model: 'mistral:7b' });
    expect(listing).toMatchObject({ ok: true, configuredModel: 'mistral:7b', configuredModelMatch: undefined });
    expect(openai.modelListRequests.at(-1)?.authorization).toBeUndefined();
    // Ollama resolves a name without a tag to :latest.
    expect(await listOpenAICompatibleModels({ baseUrl: openai.baseUrl, model: 'llama3.2' })).toMatchObject({ ok: true, configuredModelMatch: 'llama3.2:latest' });
  });

  it('reports a refused key with the kind, the status and the server message', async () => {
    const { url } = await started((_request, response) => json(response, 401, { error: { message: 'Incorrect API key provided: sk-wr***ng', type: 'invalid_request_error' } }));
    const listing = await listOpenAICompatibleModels({ baseUrl: `${url}/v1`, apiKey: 'sk-wrong', model: 'gpt-4o' });
    expect(listing).toMatchObject({ ok: false, error: { kind: 'auth', status: 401, serverMessage: 'Incorrect API key provided: sk-wr***ng' } });
    if (!listing.ok) expect(listing.error.message).toContain('check the API key');
    const keyless = await listOpenAICompatibleModels({ baseUrl: `${url}/v1`, model: 'gpt-4o' });
    if (!keyless.ok) expect(keyless.error.message).toContain('this endpoint needs an API key');
  });

  it('reports 404 and hints at /v1 when the base URL lacks it', async () => {
    const { url } = await started((_request, response) => json(response, 404, { detail: 'Not Found' }));
    const listing = await listOpenAICompatibleModels({ baseUrl: url, model: 'm' });
    expect(listing).toMatchObject({ ok: false, url: `${url}/models`, error: { kind: 'not_found', status: 404, serverMessage: 'Not Found' } });
    if (!listing.ok) expect(listing.error.message).toContain('usually end in /v1');
  });

  it('reports a server error and a rate limit by kind', async () => {
    let status = 503;
    const { url } = await started((_request, response) => {
      response.writeHead(status, { 'Content-Type': 'text/plain' });
      response.end(status === 503 ? 'model is loading, retry later' : 'slow down');
    });
    expect(await listOpenAICompatibleModels({ baseUrl: `${url}/v1`, model: 'm' })).toMatchObject({ ok: false, error: { kind: 'server_error', status: 503, serverMessage: 'model is loading, retry later' } });
    status = 429;
    expect(await listOpenAICompatibleModels({ baseUrl: `${url}/v1`, model: 'm' })).toMatchObject({ ok: false, error: { kind: 'rate_limit', status: 429, serverMessage: 'slow down' } });
  });

  it('says a web page is not the API, and an unknown JSON shape is not a model list', async () => {
    let body = '<!doctype html><title>Open WebUI</title>';
    const { url } = await started((_request, response) => {
      response.writeHead(200, { 'Content-Type': body.startsWith('<') ? 'text/html' : 'application/json' });
      response.end(body);
    });
    const page = await listOpenAICompatibleModels({ baseUrl: url, model: 'm' });
    expect(page).toMatchObject({ ok: false, error: { kind: 'bad_response', serverMessage: '<!doctype html><title>Open WebUI</title>' } });
    if (!page.ok) expect(page.error.message).toContain('not with JSON');
    body = JSON.stringify({ status: 'ok' });
    const other = await listOpenAICompatibleModels({ baseUrl: url, model: 'm' });
    if (!other.ok) expect(other.error.message).toContain('an object with status, not a model list');
    expect(other.ok).toBe(false);
  });

  it('accepts the `models` list some local servers send, without listing a model twice', async () => {
    const { url } = await started((_request, response) => json(response, 200, { models: [{ name: 'smollm2', model: 'smollm2' }], data: [{ id: 'smollm2' }, { id: 'smollm2' }] }));
    expect(await listOpenAICompatibleModels({ baseUrl: `${url}/v1`, model: 'smollm2' })).toMatchObject({ ok: true, models: [{ id: 'smollm2' }], configuredModelMatch: 'smollm2' });
  });

  it('reports a dead endpoint as unreachable, with the reason Node gives', async () => {
    const port = await deadPort();
    const listing = await listOpenAICompatibleModels({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' }, { corsApplies: false });
    expect(listing).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    if (!listing.ok) expect(listing.error.message).toMatch(/nothing answered at http:\/\/127\.0\.0\.1:\d+\/v1\/models.*ECONNREFUSED/);
  });

  it('gives up on a server that never answers, and on the caller cancelling', async () => {
    const { url } = await started(() => undefined);
    expect(await listOpenAICompatibleModels({ baseUrl: `${url}/v1`, model: 'm' }, { timeoutMs: 200 })).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    const controller = new AbortController();
    const pending = listOpenAICompatibleModels({ baseUrl: `${url}/v1`, model: 'm' }, { signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'aborted' } });
  });

  it('in a page, tells CORS from a dead endpoint when the no-cors probe gets through, and says it cannot tell otherwise', async () => {
    // A browser's fetch: the CORS request fails the same way for both causes; only the probe differs.
    const browserFetch = (probeReaches: boolean): typeof fetch =>
      (async (_url: RequestInfo | URL, init?: RequestInit) => {
        if (init?.mode === 'no-cors' && probeReaches) return new Response(null, { status: 200 });
        throw new TypeError('Failed to fetch');
      }) as typeof fetch;
    const cors = await listOpenAICompatibleModels({ baseUrl: 'http://localhost:11434/v1', model: 'm' }, { fetch: browserFetch(true), corsApplies: true });
    expect(cors).toMatchObject({ ok: false, error: { kind: 'cors' } });
    if (!cors.ok) expect(cors.error.message).toContain('OLLAMA_ORIGINS');
    const unknown = await listOpenAICompatibleModels({ baseUrl: 'http://localhost:11434/v1', model: 'm' }, { fetch: browserFetch(false), corsApplies: true });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'unreachable_or_cors' } });
    if (!unknown.ok) expect(unknown.error.message).toContain('the browser does not say which');
  });
});

describe('Test connection, Anthropic', () => {
  it('sends the key, the version and the direct-browser header, follows pages, and matches an alias to its dated id', async () => {
    const { url, seen } = await started((request, response) => {
      const after = new URL(request.url ?? '/', 'http://x').searchParams.get('after_id');
      if (!after) return json(response, 200, { data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5' }], has_more: true, first_id: 'claude-sonnet-4-5-20250929', last_id: 'claude-sonnet-4-5-20250929' });
      return json(response, 200, { data: [{ type: 'model', id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5' }], has_more: false, last_id: 'claude-haiku-4-5-20251001' });
    });
    const listing = await listAnthropicModels({ apiKey: 'sk-ant-test', model: 'claude-sonnet-4-5', baseUrl: `${url}/v1/` });
    expect(listing).toMatchObject({ ok: true, url: `${url}/v1/models?limit=1000`, configuredModelMatch: 'claude-sonnet-4-5-20250929' });
    if (listing.ok) expect(listing.models).toEqual([{ id: 'claude-haiku-4-5-20251001', displayName: 'Claude Haiku 4.5' }, { id: 'claude-sonnet-4-5-20250929', displayName: 'Claude Sonnet 4.5' }]);
    expect(seen.map((request) => request.url)).toEqual(['/v1/models?limit=1000', '/v1/models?limit=1000&after_id=claude-sonnet-4-5-20250929']);
    expect(seen[0].headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01', 'anthropic-dangerous-direct-browser-access': 'true' });
    expect(seen[0].method).toBe('GET');
  });

  it('reports a refused key with Anthropic\'s own message', async () => {
    const { url } = await started((_request, response) => json(response, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    const profile = { id: 'p', provider: 'anthropic' as const, label: 'claude', apiKey: 'bad', model: 'claude-haiku-4-5', baseUrl: url };
    expect(await listModelsOfProfile(profile)).toMatchObject({ ok: false, error: { kind: 'auth', status: 401, serverMessage: 'invalid x-api-key' } });
  });
});

describe('matching the configured model', () => {
  it('matches exact ids, Ollama :latest and Anthropic dated ids, and nothing looser', () => {
    const models = [{ id: 'claude-opus-4-1-20250805' }, { id: 'qwen2.5:latest' }, { id: 'gpt-4o' }];
    expect(findConfiguredModel(models, 'gpt-4o')).toBe('gpt-4o');
    expect(findConfiguredModel(models, 'qwen2.5')).toBe('qwen2.5:latest');
    expect(findConfiguredModel(models, 'claude-opus-4-1')).toBe('claude-opus-4-1-20250805');
    expect(findConfiguredModel(models, 'gpt-4')).toBeUndefined();
    expect(findConfiguredModel(models, 'claude-opus-4')).toBeUndefined();
    expect(findConfiguredModel(models, '')).toBeUndefined();
  });
});

describe('checking a GGUF URL for wllama', () => {
  it('says a file can be downloaded and how big it is, without downloading it, or why not', async () => {
    const { url, seen } = await started((request, response) => {
      if (request.url === '/models/smol.gguf') {
        response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '98000000' });
        response.end(request.method === 'HEAD' ? undefined : 'x'.repeat(10));
        return;
      }
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('Entry not found');
    });
    expect(await checkModelFileUrl(`${url}/models/smol.gguf`)).toEqual({ ok: true, url: `${url}/models/smol.gguf`, sizeBytes: 98_000_000 });
    expect(seen.at(-1)?.method).toBe('HEAD');
    const missing = await checkModelFileUrl(`${url}/models/other.gguf`);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'not_found', status: 404 } });
    if (!missing.ok) expect(missing.error.message).toContain('resolve/main');
  });
});
