import { describe, expect, it } from 'vitest';
import { isSameModel, legacyModelIdentity, modelIdentity } from '../../src/core/evolve/model-identity.js';
import { rolloutKey } from '../../src/core/evolve/state.js';
import { AnthropicModel } from '../../src/core/model/anthropic.js';
import { OpenAICompatibleModel } from '../../src/core/model/openai-compatible.js';

describe('model identity (what caches and resumes are keyed by)', () => {
  const at = (baseUrl: string, options: Partial<ConstructorParameters<typeof OpenAICompatibleModel>[0]> = {}) => new OpenAICompatibleModel({ baseUrl, model: 'qwen2.5:7b', ...options });

  it('is provider + model + action protocol + sampling settings, not the URL', () => {
    const here = modelIdentity(at('http://127.0.0.1:11434/v1'));
    expect(here).toMatchObject({ provider: 'openai-compatible', model: 'qwen2.5:7b', actionProtocol: 'native_tools', sampling: {} });
    // The same server on another port (or host) resumes and shares the cache.
    expect(modelIdentity(at('http://localhost:8080/v1')).key).toBe(here.key);
    expect(isSameModel(here, at('http://localhost:8080/v1'))).toBe(true);
    // Another protocol or sampling setting is another model.
    expect(modelIdentity(at('http://127.0.0.1:11434/v1', { actionProtocol: 'json_action' })).key).not.toBe(here.key);
    const warm = modelIdentity(at('http://127.0.0.1:11434/v1', { temperature: 0.7 }));
    expect(warm.sampling).toEqual({ temperature: 0.7 });
    expect(warm.key).not.toBe(here.key);
    expect(modelIdentity(new AnthropicModel({ model: 'qwen2.5:7b', apiKey: 'k' })).key).not.toBe(here.key);
    expect(rolloutKey({ harnessHash: 'h', modelId: here.key, suiteHash: 's', taskId: 't', attempt: 1 })).not.toContain('11434');
  });

  it('keeps format version 1 identities (the model id, URL included) valid for the caches they keyed', () => {
    const legacy = legacyModelIdentity('openai-compatible:qwen2.5:7b@http://127.0.0.1:11434/v1');
    expect(legacy).toMatchObject({ provider: 'openai-compatible', model: 'qwen2.5:7b', key: 'openai-compatible:qwen2.5:7b@http://127.0.0.1:11434/v1', legacy: true });
    expect(isSameModel(legacy, at('http://127.0.0.1:11434/v1'))).toBe(true);
    expect(isSameModel(legacy, at('http://localhost:9999/v1'))).toBe(false);
  });
});
