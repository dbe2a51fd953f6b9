import { CreateWebWorkerMLCEngine, deleteModelAllInfoInCache, hasModelInCache, ModelType, prebuiltAppConfig, type WebWorkerMLCEngine } from '@mlc-ai/web-llm';
import { type WebLLMEngineLike, WebLLMModel, webllmSupportsNativeTools } from '../core/model/webllm.js';
import { rejectWhenFailed, untilFailed, watchWorker } from './watch-worker.js';

export interface WebLLMLoadProgress {
  /** 0…1 */
  progress: number;
  text: string;
}

/**
 * Load `modelId` (weights from Hugging Face, cached by the browser) into a WebLLM engine in a
 * dedicated worker. Rejects when the model cannot load (no WebGPU, out of GPU memory, offline);
 * `dispose()` on the model unloads it and ends the worker.
 */
export async function createWebLLMModel(modelId: string, onProgress: (progress: WebLLMLoadProgress) => void): Promise<WebLLMModel> {
  const worker = new Worker(new URL('../../workers/webllm.worker.ts', import.meta.url), { type: 'module' });
  // Before WebLLM's engine takes the worker's messages: a worker that cannot load or dies rejects every wait.
  const failure = rejectWhenFailed(watchWorker(worker, 'WebLLM'), 'WebLLM');
  try {
    const engine = await Promise.race([
      CreateWebWorkerMLCEngine(worker, modelId, {
        initProgressCallback: (report) => onProgress({ progress: report.progress, text: report.text }),
      }),
      failure,
    ]);
    return new WebLLMModel(failingWithWorker(engine, failure), modelId, { onDispose: () => worker.terminate() });
  } catch (error) {
    worker.terminate();
    throw error;
  }
}

/** The engine, but every call that waits on its worker ends with the worker's error once the worker fails. */
function failingWithWorker(engine: WebWorkerMLCEngine, failure: Promise<never>): WebLLMEngineLike {
  return {
    chat: {
      completions: {
        create: async (request) => {
          // WebLLMModel always streams, so the answer is a stream of chunks.
          const chunks: unknown = await Promise.race([engine.chat.completions.create(request), failure]);
          return untilFailed(chunks as AsyncIterable<unknown>, failure);
        },
      },
    },
    interruptGenerate: () => engine.interruptGenerate(),
    unload: () => Promise.race([engine.unload(), failure]),
  };
}

export interface WebLLMModelInfo {
  id: string;
  /** GPU memory the model needs, in MB. */
  vramMB: number;
  /** WebLLM marks it as able to run on limited devices (phones). */
  lowResource: boolean;
  /** f16 weights need the WebGPU `shader-f16` feature. */
  needsShaderF16: boolean;
  nativeTools: boolean;
  /** The largest storage buffer the model binds, when WebLLM says (a few models need more than the WebGPU minimum). */
  bufferSizeRequiredBytes?: number;
}

/** The chat models this WebLLM version ships configs for, smallest first (embedding models left out). */
export function listWebLLMModels(): WebLLMModelInfo[] {
  return prebuiltAppConfig.model_list
    .filter((record) => record.model_type !== ModelType.embedding)
    .map((record) => ({
      id: record.model_id,
      vramMB: record.vram_required_MB ?? Number.POSITIVE_INFINITY,
      lowResource: record.low_resource_required ?? false,
      needsShaderF16: /q\df16/.test(record.model_id),
      nativeTools: webllmSupportsNativeTools(record.model_id),
      bufferSizeRequiredBytes: record.buffer_size_required_bytes,
    }))
    .sort((a, b) => a.vramMB - b.vramMB || a.id.localeCompare(b.id));
}

export interface WebGPUSupport {
  available: boolean;
  /** Human-readable adapter description. */
  adapter?: string;
  /** A software adapter (SwiftShader): WebGPU runs on the CPU, correct but very slow. */
  fallbackAdapter: boolean;
  shaderF16: boolean;
  /** The adapter's `maxStorageBufferBindingSize`, in bytes. */
  maxStorageBufferBindingSize?: number;
  /** Why WebGPU is not available, when it is not. */
  reason?: string;
}

// Minimal WebGPU shapes: the project does not depend on @webgpu/types.
interface GPUAdapterLike {
  features: { has(feature: string): boolean };
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  /** Older Chromium; newer ones (156) report it on `info`. */
  isFallbackAdapter?: boolean;
  limits?: { maxStorageBufferBindingSize?: number };
}
interface GPULike {
  requestAdapter(options?: Record<string, unknown>): Promise<GPUAdapterLike | null>;
}

export async function detectWebGPU(): Promise<WebGPUSupport> {
  const gpu = typeof navigator === 'undefined' ? undefined : (navigator as unknown as { gpu?: GPULike | null }).gpu;
  if (!gpu) return { available: false, fallbackAdapter: false, shaderF16: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  let adapter: GPUAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { available: false, fallbackAdapter: false, shaderF16: false, reason: `requesting a WebGPU adapter failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!adapter) {
    return { available: false, fallbackAdapter: false, shaderF16: false, reason: 'the browser offers no WebGPU adapter (WebGPU disabled, or no supported graphics driver)' };
  }
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter((part) => part && part !== '').join(' ');
  const fallbackAdapter = Boolean(adapter.info?.isFallbackAdapter || adapter.isFallbackAdapter);
  return {
    available: true,
    adapter: `${name || 'unknown adapter'}${fallbackAdapter ? ' (software fallback)' : ''}`,
    fallbackAdapter,
    shaderF16: adapter.features.has('shader-f16'),
    maxStorageBufferBindingSize: adapter.limits?.maxStorageBufferBindingSize,
  };
}

export interface CachedWebLLMModel {
  id: string;
  /** Bytes of the weights, from the cached `tensor-cache.json`; undefined when it cannot be read. */
  sizeBytes?: number;
}

/** WebLLM models whose weights are complete in this browser's cache (WebLLM's default Cache API backend). */
export async function listCachedWebLLMModels(): Promise<CachedWebLLMModel[]> {
  const records = prebuiltAppConfig.model_list.filter((record) => record.model_type !== ModelType.embedding);
  const present = await Promise.all(records.map((record) => hasModelInCache(record.model_id).catch(() => false)));
  const cached = records.filter((_, index) => present[index]);
  return Promise.all(cached.map(async (record) => ({ id: record.model_id, sizeBytes: await cachedWeightBytes(record.model) })));
}

/** Remove a model's weights, tokenizer, config and wasm library from the cache. */
export async function deleteCachedWebLLMModel(modelId: string): Promise<void> {
  await deleteModelAllInfoInCache(modelId);
}

// WebLLM keeps weights in the Cache API scope `webllm/model`, keyed by URL under `<model>/resolve/main/`;
// `tensor-cache.json` lists every shard with its size.
async function cachedWeightBytes(modelUrl: string): Promise<number | undefined> {
  try {
    let base = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`;
    if (!/.+\/resolve\/.+\//.test(base)) base += 'resolve/main/';
    const cache = await caches.open('webllm/model');
    const response = await cache.match(new URL('tensor-cache.json', base).href);
    if (!response) return undefined;
    const manifest = (await response.json()) as { records?: Array<{ nbytes?: unknown }> };
    const sizes = (manifest.records ?? []).map((record) => record.nbytes).filter((size): size is number => typeof size === 'number');
    return sizes.length ? sizes.reduce((sum, size) => sum + size, 0) : undefined;
  } catch {
    return undefined;
  }
}
