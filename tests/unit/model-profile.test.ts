import { describe, expect, it } from 'vitest';
import { AnthropicModel } from '../../src/core/model/anthropic.js';
import { OpenAICompatibleModel } from '../../src/core/model/openai-compatible.js';
import {
  compareWithRecordedModel,
  describeModelProfileProblems,
  duplicateProfile,
  isLocalProfile,
  type ModelProfile,
  modelIdOfProfile,
  redactProfile,
  suggestProfileName,
  uniqueProfileName,
  wllamaModelName,
} from '../../src/core/model/profile.js';
import { WebLLMModel } from '../../src/core/model/webllm.js';
import { WllamaModel } from '../../src/core/model/wllama.js';

const openai: ModelProfile = { id: 'openai-compatible', provider: 'openai-compatible', label: 'x', baseUrl: 'http://localhost:11434/v1/', model: 'qwen2.5:7b', actionProtocol: 'native_tools' };
const anthropic: ModelProfile = { id: 'anthropic', provider: 'anthropic', label: 'claude', apiKey: 'sk-ant-1', model: 'claude-haiku-4-5' };
const webllm: ModelProfile = { id: 'webllm', provider: 'webllm', label: 'w', modelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC' };
const wllamaUrl: ModelProfile = { id: 'wllama', provider: 'wllama', label: 'g', source: { kind: 'url', url: 'https://huggingface.co/x/y/resolve/main/My%20Model.Q4_1.gguf' }, contextTokens: 2048, maxOutputTokens: 96 };
const wllamaFile: ModelProfile = { id: 'wllama', provider: 'wllama', label: 'g', source: { kind: 'file', name: 'SmolLM2-135M-Instruct.Q4_1.gguf' } };

describe('model profiles', () => {
  it('accepts a complete profile of every provider', () => {
    for (const profile of [openai, anthropic, webllm, wllamaUrl, wllamaFile]) expect(describeModelProfileProblems(profile)).toEqual([]);
  });

  it('says what an Anthropic profile lacks', () => {
    expect(describeModelProfileProblems({ provider: 'anthropic', label: 'claude', apiKey: ' ', model: '' })).toEqual([
      'an Anthropic API key is required (console.anthropic.com → API keys)',
      'model name is required (example: claude-sonnet-4-5, claude-haiku-4-5)',
    ]);
    expect(describeModelProfileProblems({ ...anthropic, baseUrl: 'api.anthropic.com' })).toEqual(['base URL is not a valid URL (example: https://api.anthropic.com)']);
  });

  it('refuses a wllama URL or file that is not a .gguf, and odd token limits', () => {
    expect(describeModelProfileProblems({ ...wllamaUrl, source: { kind: 'url', url: 'https://example.com/model.bin' } })).toEqual(['the model URL must end in .gguf (for a split model, the URL of its first part)']);
    expect(describeModelProfileProblems({ ...wllamaUrl, source: { kind: 'url', url: 'file:///m.gguf' } })).toEqual(['model URL must start with http:// or https://']);
    expect(describeModelProfileProblems({ ...wllamaFile, source: { kind: 'file', name: '' } })).toEqual(['pick a GGUF model file']);
    expect(describeModelProfileProblems({ ...wllamaFile, source: { kind: 'file', name: 'notes.txt' } })).toEqual(['the model file must be a .gguf file']);
    expect(describeModelProfileProblems({ provider: 'wllama', label: 'g' } as Partial<ModelProfile>)).toEqual(['give the GGUF model as a URL or a local file']);
    expect(describeModelProfileProblems({ ...wllamaUrl, contextTokens: 100 })).toEqual(['context size must be a whole number of tokens from 512 to 131072']);
    expect(describeModelProfileProblems({ ...wllamaUrl, contextTokens: Number.NaN })).toHaveLength(1);
    expect(describeModelProfileProblems({ ...wllamaUrl, maxOutputTokens: 0 })).toEqual(['the answer length limit must be a whole number of tokens, at least 1']);
    expect(describeModelProfileProblems({ ...wllamaUrl, maxOutputTokens: 4096 })).toEqual(['the answer length limit must be smaller than the context size']);
  });

  it('knows the id each live model will carry, without loading it', () => {
    const engine = { chat: { completions: { create: async () => (async function* () {})() } }, createChatCompletion: async () => undefined };
    expect(modelIdOfProfile(openai)).toBe(new OpenAICompatibleModel({ baseUrl: 'http://localhost:11434/v1/', model: 'qwen2.5:7b' }).id);
    expect(modelIdOfProfile(anthropic)).toBe(new AnthropicModel({ apiKey: 'k', model: 'claude-haiku-4-5' }).id);
    expect(modelIdOfProfile(webllm)).toBe(new WebLLMModel(engine, 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC').id);
    expect(wllamaModelName(wllamaUrl.provider === 'wllama' ? wllamaUrl.source : { kind: 'file', name: '' })).toBe('My Model.Q4_1.gguf');
    expect(modelIdOfProfile(wllamaUrl)).toBe(new WllamaModel(engine, 'My Model.Q4_1.gguf').id);
    // The same weights by URL or as a picked file share one id, so cached rollouts carry over.
    expect(modelIdOfProfile(wllamaFile)).toBe(modelIdOfProfile({ ...wllamaFile, source: { kind: 'url', url: 'http://127.0.0.1:9/SmolLM2-135M-Instruct.Q4_1.gguf' } }));
  });

  it('marks in-page providers as local and hides keys when redacted', () => {
    expect([openai, anthropic, webllm, wllamaUrl].map(isLocalProfile)).toEqual([false, false, true, true]);
    expect(redactProfile(anthropic)).toMatchObject({ apiKey: '(set)' });
    expect(JSON.stringify(redactProfile(anthropic))).not.toContain('sk-ant-1');
  });
});

describe('profile names', () => {
  const second: ModelProfile = { ...openai, id: 'second', label: 'Proposer on the GPU box', baseUrl: 'http://gpu-box:8000/v1' };

  it('requires a name, refuses one another profile has (ignoring case and spaces), and lets a profile keep its own', () => {
    expect(describeModelProfileProblems({ ...openai, label: '  ' })).toEqual(['give this profile a name (it is how the Run and Evolve pages list it)']);
    expect(describeModelProfileProblems({ ...openai, id: 'new', label: 'proposer  on the gpu BOX ' }, [openai, second])).toEqual([
      'another profile is already named "Proposer on the GPU box": choose another name',
    ]);
    expect(describeModelProfileProblems({ ...second, baseUrl: 'http://gpu-box:9000/v1' }, [openai, second])).toEqual([]);
    expect(describeModelProfileProblems({ ...openai, label: 'x'.repeat(81) })).toEqual(['the name is too long (at most 80 characters)']);
  });

  it('suggests a name saying what runs where, for every provider', () => {
    expect(suggestProfileName({ provider: 'openai-compatible', model: 'qwen2.5:7b', baseUrl: 'http://localhost:11434/v1' })).toBe('qwen2.5:7b @ localhost:11434');
    expect(suggestProfileName({ provider: 'openai-compatible', model: '', baseUrl: 'not a url' })).toBe('model @ not a url');
    expect(suggestProfileName({ provider: 'anthropic', model: 'claude-haiku-4-5' })).toBe('claude-haiku-4-5 @ Anthropic');
    expect(suggestProfileName(webllm)).toBe('WebLLM Qwen2.5-0.5B-Instruct-q4f32_1-MLC');
    expect(suggestProfileName(wllamaUrl)).toBe('wllama My Model.Q4_1.gguf (CPU)');
  });

  it('duplicates under a new id and a free name, API key included', () => {
    const keyed: ModelProfile = { ...second, apiKey: 'sk-1' };
    const copy = duplicateProfile(keyed, [openai, keyed]);
    expect(copy).toMatchObject({ ...keyed, id: expect.stringMatching(/^profile-/), label: 'Proposer on the GPU box (copy)', apiKey: 'sk-1' });
    expect(copy.id).not.toBe(keyed.id);
    expect(duplicateProfile(keyed, [openai, keyed, copy]).label).toBe('Proposer on the GPU box (copy) (2)');
    expect(uniqueProfileName('y'.repeat(80), [{ ...openai, label: 'y'.repeat(80) }])).toBe(`${'y'.repeat(76)} (2)`);
  });
});

describe('a profile against the model an evolution recorded', () => {
  it('is the same model after its key or an Anthropic base URL changes, moved after an OpenAI-compatible URL changes, different otherwise', () => {
    const recorded = modelIdOfProfile(openai);
    expect(compareWithRecordedModel(recorded, { ...openai, apiKey: 'sk-new', label: 'renamed' })).toBe('same');
    expect(compareWithRecordedModel(recorded, { ...openai, baseUrl: 'http://127.0.0.1:9999/v1' })).toBe('moved');
    expect(compareWithRecordedModel(recorded, { ...openai, model: 'qwen2.5:14b' })).toBe('different');
    expect(compareWithRecordedModel(recorded, anthropic)).toBe('different');
    expect(compareWithRecordedModel(modelIdOfProfile(anthropic), { ...anthropic, baseUrl: 'https://proxy.example/v1', apiKey: 'other' })).toBe('same');
    // A model name with an @ in it is still told apart from its endpoint.
    const odd: ModelProfile = { ...openai, model: 'team@org/model' };
    expect(compareWithRecordedModel(modelIdOfProfile(odd), { ...odd, baseUrl: 'https://other.example/v1' })).toBe('moved');
    expect(compareWithRecordedModel(modelIdOfProfile(odd), { ...odd, model: 'team@org/other' })).toBe('different');
  });
});
