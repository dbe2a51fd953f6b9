import { describe, expect, it } from 'vitest';
import type { ModelProfile } from '../../src/core/model/profile.js';
import { newProfileForm, profileForm, profileFromForm, sameProfile } from '../../src/ui/model-form.js';

/** Opening a saved profile in the Model panel and saving it again must not lose or change any field (API keys included). */

const saved: ModelProfile[] = [
  { id: 'a', provider: 'openai-compatible', label: 'Work OpenAI', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: 'sk-1', actionProtocol: 'json_action' },
  { id: 'b', provider: 'anthropic', label: 'claude-haiku-4-5 @ proxy.example', apiKey: 'sk-ant-2', model: 'claude-haiku-4-5', baseUrl: 'https://proxy.example' },
  { id: 'c', provider: 'webllm', label: 'Tiny', modelId: 'SmolLM2-360M-Instruct-q4f32_1-MLC' },
  { id: 'd', provider: 'wllama', label: 'wllama smol.gguf (CPU)', source: { kind: 'url', url: 'https://x.example/smol.gguf' }, contextTokens: 2048, maxOutputTokens: 96 },
  { id: 'e', provider: 'wllama', label: 'Picked', source: { kind: 'file', name: 'SmolLM2-135M-Instruct.Q4_1.gguf' } },
];

describe('the model form', () => {
  it.each(saved.map((profile) => [profile.label, profile]))('round-trips %s unchanged', (_label, profile) => {
    expect(sameProfile(profileFromForm(profileForm(profile, saved), saved), profile)).toBe(true);
  });

  it('keeps a typed name, and lets an automatic one follow the fields', () => {
    const typed = profileForm(saved[0], saved);
    expect(typed.nameTouched).toBe(true);
    expect(profileFromForm({ ...typed, model: 'gpt-4o' }, saved).label).toBe('Work OpenAI');
    const automatic = profileForm(saved[1], saved);
    expect(automatic.nameTouched).toBe(false);
    expect(profileFromForm({ ...automatic, anthropicModel: 'claude-sonnet-4-5' }, saved).label).toBe('claude-sonnet-4-5 @ proxy.example');
  });

  it('suggests a name for a new profile that no saved profile has', () => {
    const form = { ...newProfileForm('new'), baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' };
    const others: ModelProfile[] = [{ ...saved[0], label: 'gpt-4o-mini @ api.openai.com' }];
    expect(profileFromForm(form, others).label).toBe('gpt-4o-mini @ api.openai.com (2)');
  });
});
