import { describe, expect, it } from 'vitest';
import { connectOriginOf, connectPolicy, connectRefusal, connectSources, isConnectAllowed } from '../../src/core/model/connect-sources.js';
import type { ModelProfile } from '../../src/core/model/profile.js';

const page = 'http://127.0.0.1:5173';
const saved: ModelProfile[] = [
  { id: 'a', provider: 'openai-compatible', label: 'vLLM on the LAN', baseUrl: 'http://user:sk-secret@gpu-box.lan:8000/v1', model: 'qwen', actionProtocol: 'native_tools' },
  { id: 'b', provider: 'anthropic', label: 'claude', apiKey: 'sk-ant', model: 'claude-haiku-4-5' },
  { id: 'c', provider: 'anthropic', label: 'claude via proxy', apiKey: 'sk-ant', model: 'claude-haiku-4-5', baseUrl: 'https://proxy.example/anthropic' },
  { id: 'd', provider: 'wllama', label: 'gguf', source: { kind: 'url', url: 'https://files.example:8443/models/smol.gguf' } },
  { id: 'e', provider: 'wllama', label: 'picked', source: { kind: 'file', name: 'smol.gguf' } },
  { id: 'f', provider: 'webllm', label: 'WebLLM', modelId: 'SmolLM2-360M-Instruct-q4f32_1-MLC' },
  { id: 'g', provider: 'openai-compatible', label: 'ipv6', baseUrl: 'http://[::1]:11434/v1', model: 'x', actionProtocol: 'native_tools' },
];

describe("the page's connect-src", () => {
  const sources = connectSources({ pageOrigin: page, profiles: saved });

  it("lists each saved profile's origin — never its credentials or path — beside the fixed hosts", () => {
    expect(saved.map(connectOriginOf)).toEqual(['http://gpu-box.lan:8000', 'https://api.anthropic.com', 'https://proxy.example', 'https://files.example:8443', undefined, undefined, 'http://[::1]:11434']);
    expect(sources).toEqual(expect.arrayContaining(["'self'", 'ws://127.0.0.1:5173', 'http://127.0.0.1:*', 'https://huggingface.co', 'https://*.hf.co', 'http://gpu-box.lan:8000', 'https://api.anthropic.com', 'https://proxy.example', 'https://files.example:8443']));
    const policy = connectPolicy(sources);
    expect(policy).toMatch(/^connect-src 'self' /);
    expect(policy).not.toContain('sk-secret');
    expect(policy).not.toContain('/v1');
    // The CSP grammar has no IPv6 literals: such a host is left out (and explained, below), never written broken.
    expect(policy).not.toContain('[::1]');
    expect(new Set(sources).size).toBe(sources.length);
  });

  it('allows the saved hosts, this machine, the model download hosts and the page itself, and nothing else', () => {
    const allowed = (url: string) => isConnectAllowed(url, sources, page);
    expect(allowed('http://gpu-box.lan:8000/v1/chat/completions')).toBe(true);
    expect(allowed('https://api.anthropic.com/v1/messages')).toBe(true);
    expect(allowed('http://localhost:11434/v1/models')).toBe(true);
    expect(allowed('http://127.0.0.1:8080/v1')).toBe(true);
    expect(allowed('https://huggingface.co/x/resolve/main/m.gguf')).toBe(true);
    expect(allowed('https://cdn-lfs.hf.co/repos/x')).toBe(true);
    expect(allowed('/harness.schema.json')).toBe(true);
    expect(allowed('blob:http://127.0.0.1:5173/1234')).toBe(true);

    expect(allowed('https://evil.example/steal')).toBe(false);
    // Another port, another scheme or a look-alike host is another origin.
    expect(allowed('http://gpu-box.lan:8001/v1')).toBe(false);
    expect(allowed('https://gpu-box.lan:8000/v1')).toBe(false);
    expect(allowed('https://api.anthropic.com.evil.example/v1')).toBe(false);
    expect(allowed('https://evilhuggingface.co/x')).toBe(false);
    expect(allowed('https://files.example/models/smol.gguf')).toBe(false);
    expect(allowed('http://')).toBe(false);
  });

  it('says why a refused host is refused, in words a user can act on', () => {
    expect(connectRefusal('http://gpu-box.lan:8000/v1', sources, page)).toBeUndefined();
    expect(connectRefusal('https://new-endpoint.example/v1', sources, page)).toBe(
      'This page may connect only to the model hosts that were saved when it loaded (its Content-Security-Policy), and https://new-endpoint.example was not: save the profile, then reload the page to connect to it.',
    );
    expect(connectRefusal('http://[::1]:11434/v1', sources, page)).toMatch(/IPv6 address.*use its host name \(or localhost\)/);
  });
});
