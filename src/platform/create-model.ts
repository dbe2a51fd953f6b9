import { AnthropicModel } from '../core/model/anthropic.js';
import { OpenAICompatibleModel } from '../core/model/openai-compatible.js';
import { limitModelCalls } from '../core/model/call-limits.js';
import { callEndpointOf, parallelRequestsOf, wllamaModelName, type ModelProfile } from '../core/model/profile.js';
import type { ChatModel } from '../core/model/types.js';
import { connectOriginOf } from '../core/model/connect-sources.js';
import { basicAuthorization, splitUrlCredentials } from '../core/redact-secrets.js';
import { connectRefusalNow } from './connect-policy.js';

/** A model the page made; `dispose` frees what it holds (a WebLLM engine or a wllama worker, and their memory). */
export type LoadedModel = ChatModel & { dispose?: () => Promise<void> | void };

/** How far loading a local model is (download, then into memory). */
export interface ModelLoadProgress {
  /** 0…1 */
  progress: number;
  text: string;
}

/**
 * Turn a saved profile into a live model. Remote providers are plain objects; WebLLM and wllama are imported on
 * demand (several MB each that endpoint users never need) and loading them downloads or reads the weights from the
 * browser's cache, reporting progress on the way. Rejects when a local model cannot load (no WebGPU, out of memory,
 * offline and not cached, a picked file that is gone after a reload).
 */
export async function createModelFromProfile(profile: ModelProfile, onProgress: (progress: ModelLoadProgress) => void = () => {}): Promise<LoadedModel> {
  // Said before the first call: otherwise every call would fail with the browser's bare "Failed to fetch".
  const origin = connectOriginOf(profile);
  const refusal = origin === undefined ? undefined : connectRefusalNow(origin);
  if (refusal) throw new Error(refusal);
  const model = await createUnlimitedModel(profile, onProgress);
  // Every call waits for a slot of its endpoint (one at a time for an in-page engine) and for any Retry-After.
  const limited: LoadedModel = limitModelCalls(model, callEndpointOf(profile), parallelRequestsOf(profile));
  if (model.dispose) limited.dispose = () => model.dispose!();
  return limited;
}

async function createUnlimitedModel(profile: ModelProfile, onProgress: (progress: ModelLoadProgress) => void): Promise<LoadedModel> {
  switch (profile.provider) {
    case 'openai-compatible': {
      // fetch refuses a URL with credentials (http://user:key@host): they go as a header, and the model id has none.
      const { url, username, password } = splitUrlCredentials(profile.baseUrl);
      const headers = basicAuthorization(username, password);
      return new OpenAICompatibleModel({
        baseUrl: url,
        apiKey: headers ? undefined : profile.apiKey,
        model: profile.model,
        actionProtocol: profile.actionProtocol,
        headers,
      });
    }
    case 'anthropic': {
      const { url, username, password } = splitUrlCredentials(profile.baseUrl ?? '');
      return new AnthropicModel({ apiKey: profile.apiKey, model: profile.model, baseUrl: profile.baseUrl ? url : undefined, headers: basicAuthorization(username, password) });
    }
    case 'webllm': {
      const { createWebLLMModel } = await import('./webllm-engine.js');
      return createWebLLMModel(profile.modelId, onProgress);
    }
    case 'wllama': {
      const { createWllamaModel, openLocalWllamaFile } = await import('./wllama-engine.js');
      const options = { contextTokens: profile.contextTokens, maxOutputTokens: profile.maxOutputTokens };
      if (profile.source.kind === 'url') return createWllamaModel({ url: profile.source.url }, onProgress, options);
      onProgress({ progress: 0, text: `Opening ${profile.source.name}` });
      const files = await openLocalWllamaFile(profile.source.name);
      return createWllamaModel({ files, name: wllamaModelName(profile.source) }, onProgress, options);
    }
  }
}
