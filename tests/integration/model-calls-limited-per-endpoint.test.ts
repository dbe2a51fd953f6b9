import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/cli/run-command.js';
import { type CallLimiter, limitModelCalls } from '../../src/core/model/call-limits.js';
import { OpenAICompatibleModel } from '../../src/core/model/openai-compatible.js';
import { callEndpointOf, describeModelProfileProblems, type ModelProfile, parallelRequestsOf } from '../../src/core/model/profile.js';
import { collectResponse, type ModelRequest } from '../../src/core/model/types.js';
import { modelIdentity } from '../../src/core/evolve/model-identity.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { startCli } from '../fixtures/self-harness-cli.js';
import { tasks, tinyWorldReply } from '../fixtures/tiny-world.js';

/**
 * Model calls go through a limit per endpoint: at most N at once (the profile's "parallel requests", `--parallel-requests`;
 * in-page engines one), and a 429 with Retry-After makes every call to that endpoint wait, not only the one that got it.
 * A local HTTP server counts the requests it answers at once and when each arrived.
 */

const request: ModelRequest = { messages: [{ role: 'user', content: 'hello' }], tools: [] };
let server: ScriptedOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const model = (baseUrl: string) => new OpenAICompatibleModel({ baseUrl, model: 'tiny-model', actionProtocol: 'json_action' });

describe('per-endpoint call limits', () => {
  it('sends at most "parallel requests" calls at once; the rest wait their turn and all are answered', async () => {
    server = await startScriptedOpenAIServer(() => ({ text: '{"action":"finish"}', delayMs: 120 }));
    for (const limit of [1, 2, 4]) {
      server.concurrency.most = 0;
      const limited = limitModelCalls(model(server.baseUrl), server.baseUrl, limit, new Map<string, CallLimiter>());
      const answers = await Promise.all(Array.from({ length: 8 }, () => collectResponse(limited, request)));
      expect(answers.every((answer) => answer.ok)).toBe(true);
      expect(server.concurrency.most).toBe(limit);
    }
  });

  it('a 429 with Retry-After makes every call to that endpoint wait that long, also calls that did not get it', async () => {
    let rateLimited = false;
    server = await startScriptedOpenAIServer(() => {
      if (!rateLimited) {
        rateLimited = true;
        return { fault: { status: 429, message: 'slow down', retryAfterSeconds: 1 } };
      }
      return { text: 'ok' };
    });
    const registry = new Map<string, CallLimiter>();
    const first = await collectResponse(limitModelCalls(model(server.baseUrl), server.baseUrl, 4, registry), request);
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.error).toMatchObject({ kind: 'rate_limit', retryAfterMs: 1000 });
    const refusedAt = server.arrivals[0];
    // Two other calls (another model object on the same endpoint, as a proposer beside its agent) start at once.
    const others = await Promise.all([1, 2].map(() => collectResponse(limitModelCalls(model(server!.baseUrl), server!.baseUrl, 4, registry), request)));
    expect(others.every((answer) => answer.ok)).toBe(true);
    expect(server.arrivals).toHaveLength(3);
    for (const arrival of server.arrivals.slice(1)) expect(arrival - refusedAt).toBeGreaterThanOrEqual(950);

    // Without the shared limit the same calls go out at once and meet the server's 429 themselves.
    rateLimited = false;
    const plain = model(server.baseUrl);
    await collectResponse(plain, request);
    const started = Date.now();
    await Promise.all([1, 2].map(() => collectResponse(plain, request)));
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('a call waiting for its turn ends as aborted when stopped, and frees nothing it did not take', async () => {
    server = await startScriptedOpenAIServer(() => ({ text: 'ok', delayMs: 400 }));
    const registry = new Map<string, CallLimiter>();
    const limited = limitModelCalls(model(server.baseUrl), server.baseUrl, 1, registry);
    const running = collectResponse(limited, request);
    const controller = new AbortController();
    const waiting = collectResponse(limited, request, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const stopped = await waiting;
    expect(stopped.ok).toBe(false);
    if (!stopped.ok) expect(stopped.error.kind).toBe('aborted');
    expect((await running).ok).toBe(true);
    expect(limited.limiter.inFlight).toBe(0);
    expect(server.arrivals).toHaveLength(1);
  });

  it('keeps the model it wraps: same id and identity, so caches and resumes see no difference', () => {
    const inner = model('http://127.0.0.1:9/v1');
    const limited = limitModelCalls(inner, 'x', 2, new Map());
    expect(limited.id).toBe(inner.id);
    expect(modelIdentity(limited)).toEqual(modelIdentity(inner));
    expect(modelIdentity(limited.withActionProtocol!('native_tools'))).toEqual(modelIdentity(inner.withActionProtocol!('native_tools')));
  });

  it('profiles: in-page engines take one call at a time; API profiles their "parallel requests" (default 4), checked', () => {
    const api: ModelProfile = { id: 'a', provider: 'openai-compatible', label: 'local', baseUrl: 'http://user:pw@localhost:8080/v1/', model: 'm', actionProtocol: 'native_tools' };
    expect(parallelRequestsOf(api)).toBe(4);
    expect(parallelRequestsOf({ ...api, parallelRequests: 2 })).toBe(2);
    expect(callEndpointOf(api)).toBe('openai-compatible:http://localhost:8080/v1');
    expect(parallelRequestsOf({ id: 'w', provider: 'wllama', label: 'cpu', source: { kind: 'url', url: 'http://x/m.gguf' } })).toBe(1);
    expect(parallelRequestsOf({ id: 'g', provider: 'webllm', label: 'gpu', modelId: 'SmolLM2-360M-Instruct-q4f16_1-MLC' })).toBe(1);
    expect(describeModelProfileProblems({ ...api, parallelRequests: 0 })).toContain('parallel requests must be a whole number from 1 to 64');
    expect(describeModelProfileProblems({ ...api, parallelRequests: 2.5 })).toContain('parallel requests must be a whole number from 1 to 64');
    expect(describeModelProfileProblems({ ...api, parallelRequests: 8 })).toEqual([]);
  });

  it('CLI: --concurrency 3 with --parallel-requests 1 runs three episodes but sends one model call at a time', async () => {
    server = await startScriptedOpenAIServer((chat) => ({ ...tinyWorldReply(chat), delayMs: chat.tools?.length ? 60 : 0 }));
    const suiteDir = await mkdtemp(join(tmpdir(), 'suite-'));
    await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
    const run = async (parallel: string) => {
      const out = await mkdtemp(join(tmpdir(), 'run-'));
      server!.concurrency.most = 0;
      const result = await startCli(['run', '--suite', suiteDir, '--base-url', server!.baseUrl, '--model', 'tiny-model', '--tasks', 'task-00,task-01,task-02,task-03,task-04,task-05', '--concurrency', '3', '--parallel-requests', parallel, '--out', out]).done;
      return { ...result, results: JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults, most: server!.concurrency.most };
    };
    const serial = await run('1');
    expect(serial.code).toBe(0);
    expect(serial.most).toBe(1);
    const parallel = await run('3');
    expect(parallel.most).toBeGreaterThan(1);
    expect(parallel.results.results.map((item) => item.outcome)).toEqual(serial.results.results.map((item) => item.outcome));
    const bad = await startCli(['run', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'tiny-model', '--parallel-requests', '0', '--out', join(suiteDir, 'never')]).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--parallel-requests must be a whole number from 1 to 64, got "0"');
  }, 120_000);
});
