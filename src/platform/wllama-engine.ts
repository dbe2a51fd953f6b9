// The package's `main` points at a file it does not ship, so import its built ESM entry directly.
import { CacheManager, LoggerWithoutDebug, ModelManager, Wllama, type LoadModelParams } from '@wllama/wllama/esm/index.js';
// One wasm build serves single-thread, multi-thread and WebGPU since wllama 3.1; Vite emits it as a local asset.
import wllamaWasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { type WllamaEngineLike, WllamaModel, type WllamaModelOptions } from '../core/model/wllama.js';
import { rejectWhenFailed } from './watch-worker.js';
import { watchWllamaWorker } from './wllama-worker-watch.js';
import { localFileNameOf, localFileUrl } from './wllama-cache-key.js';

/**
 * Where the GGUF weights come from: a URL (downloaded once, then read from the browser cache) or files the user
 * picked (or their copy from the cache; `name` then says what they are called, since a Blob has no name).
 */
export type WllamaModelSource = { url: string } | { files: Blob[]; name?: string };

export interface WllamaLoadProgress {
  /** 0…1 */
  progress: number;
  text: string;
}

export interface WllamaLoadOptions extends WllamaModelOptions {
  /** Context window in tokens (default 4096; wllama's own default, 1024, is too small for an agent's prompt). */
  contextTokens?: number;
  /** Offload layers to WebGPU when the browser has it (default false: this provider is the CPU path; WebLLM covers WebGPU). */
  webgpu?: boolean;
  /** Override the thread count (default: every logical core when cross-origin isolated, else 1). */
  threads?: number;
}

const DEFAULT_CONTEXT_TOKENS = 4096;

/**
 * Load a GGUF model into llama.cpp (WebAssembly, in wllama's own worker) and wrap it as a `ChatModel`.
 * A URL must end in `.gguf` (a split model: the URL of `…-00001-of-0000N.gguf`); it is cached in the origin's
 * private file system and loaded from there next time without a request. Rejects when the model cannot load
 * (not a GGUF, out of memory, offline and not cached). `dispose()` on the model frees it and ends the worker.
 */
export async function createWllamaModel(
  source: WllamaModelSource,
  onProgress: (progress: WllamaLoadProgress) => void = () => {},
  options: WllamaLoadOptions = {},
): Promise<WllamaModel> {
  const worker = watchWllamaWorker(LoggerWithoutDebug);
  const failure = rejectWhenFailed(worker.failed, 'wllama');
  const wllama = new Wllama({ default: wllamaWasmUrl }, { suppressNativeLog: true, logger: worker.logger, allowOffline: true });
  // A worker that died is of no more use; ending it frees its memory.
  failure.catch(() => wllama.exit().catch(() => undefined));
  // Browsers without JSPI or wasm memory64 (Safari) would otherwise fetch a "compat" build from a CDN; the
  // local build is used everywhere instead, and such browsers fail to load rather than reach out.
  wllama.setCompat(null);
  const params: LoadModelParams = {
    n_ctx: options.contextTokens ?? DEFAULT_CONTEXT_TOKENS,
    n_threads: options.threads ?? defaultThreadCount(),
    // 0 also skips WebGPU device setup entirely.
    n_gpu_layers: options.webgpu ? undefined : 0,
  };
  const name = modelNameOf(source);
  try {
    if ('url' in source) {
      onProgress({ progress: 0, text: `Fetching ${name}` });
      const loading = wllama.loadModelFromUrl(source.url, {
        ...params,
        useCache: true,
        // A cached model reports one callback with loaded === total.
        progressCallback: ({ loaded, total }) => {
          const fraction = total > 0 ? loaded / total : 0;
          const text = loaded < total ? `Downloading ${name}: ${megabytes(loaded)} of ${megabytes(total)} MB` : `Loading ${name} (${megabytes(total)} MB) into memory`;
          onProgress({ progress: fraction * 0.9, text });
        },
      });
      await Promise.race([loading, failure]);
    } else {
      if (source.files.length === 0) throw new Error('no model file given');
      onProgress({ progress: 0.5, text: `Loading ${name} into memory` });
      await Promise.race([wllama.loadModel(source.files, params), failure]);
    }
  } catch (error) {
    await wllama.exit().catch(() => {});
    throw error;
  }
  onProgress({ progress: 1, text: `${name} ready (${wllama.getNumThreads()} thread${wllama.getNumThreads() === 1 ? '' : 's'})` });
  const engine: WllamaEngineLike = {
    createChatCompletion: (request) => Promise.race([wllama.createChatCompletion(request), failure]),
    exit: () => wllama.exit(),
  };
  return new WllamaModel(engine, name, options);
}

/** Threads need SharedArrayBuffer, which browsers give only to cross-origin isolated pages (COOP/COEP). */
function defaultThreadCount(): number {
  if (typeof crossOriginIsolated === 'undefined' || !crossOriginIsolated) return 1;
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

function modelNameOf(source: WllamaModelSource): string {
  if ('files' in source) return source.name ?? (source.files[0] instanceof File ? source.files[0].name : 'model.gguf');
  try {
    const path = new URL(source.url, globalThis.location?.href).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || source.url;
  } catch {
    return source.url;
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(0);
}

export interface CachedWllamaModel {
  /** The URL it was downloaded from; pass it to `createWllamaModel({url})` to load it without a download. */
  url: string;
  sizeBytes: number;
  /** Set for a file the user picked (kept under a `local-file:` key): its name. */
  localFileName?: string;
}

/** Models wllama has cached in this origin's private file system (complete downloads and kept local files). */
export async function listCachedWllamaModels(): Promise<CachedWllamaModel[]> {
  const models = await new ModelManager().getModels();
  return models.map((model) => ({ url: model.url, sizeBytes: model.size, localFileName: localFileNameOf(model.url) }));
}

/** Remove a cached model (every shard) by its URL; true when it was there. */
export async function deleteCachedWllamaModel(url: string): Promise<boolean> {
  const models = await new ModelManager().getModels({ includeInvalid: true });
  const model = models.find((candidate) => candidate.url === url);
  if (!model) return false;
  await model.remove();
  const name = localFileNameOf(url);
  if (name) sessionFiles.delete(name);
  return true;
}

/*
 * Local GGUF files. A picked File lives only as long as the page, and browsers cannot reopen a file by its path.
 * So when the user picks one it is kept for this session AND copied into wllama's own cache in the origin's private
 * file system, under the key `local-file:///<name>` (wllama-cache-key.ts). A wllama profile remembers only the name,
 * and after a reload the model loads from that copy. When the copy could not be made (storage full) the profile still
 * works until the page closes, and afterwards loading says to pick the file again.
 */

const sessionFiles = new Map<string, File[]>();

export interface KeptLocalFile {
  /** The name a profile refers to: the first file (the first part of a split model). */
  name: string;
  sizeBytes: number;
  /** True when a copy is in the browser's model cache, so it survives a reload. */
  cached: boolean;
  /** Why no copy could be kept, when `cached` is false. */
  reason?: string;
}

/**
 * Remember picked GGUF files for this session and copy them into the model cache (progress 0…1). Never throws:
 * a failed copy is reported in the result and the files still serve this session.
 */
export async function keepLocalWllamaFiles(files: File[], onProgress: (fraction: number) => void = () => {}): Promise<KeptLocalFile> {
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name));
  const name = sorted[0]?.name ?? 'model.gguf';
  const sizeBytes = sorted.reduce((sum, file) => sum + file.size, 0);
  sessionFiles.set(name, sorted);
  try {
    const cache = new CacheManager();
    let written = 0;
    for (const file of sorted) {
      const url = localFileUrl(file.name);
      const key = await cache.getNameFromURL(url);
      let done = 0;
      // Progress as bytes pass through; the cache writes the stream to its file handle.
      const counted = file.stream().pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            done += chunk.byteLength;
            onProgress(sizeBytes ? (written + done) / sizeBytes : 1);
            controller.enqueue(chunk);
          },
        }),
      );
      await cache.write(key, counted, { etag: `local-${file.size}-${file.lastModified}`, originalSize: file.size, originalURL: url });
      written += file.size;
    }
    onProgress(1);
    return { name, sizeBytes, cached: true };
  } catch (error) {
    return { name, sizeBytes, cached: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The files of a local-file profile: from this session if picked since the page opened, else the copy in the
 * model cache. Throws, saying to pick the file again, when neither has it.
 */
export async function openLocalWllamaFile(name: string): Promise<Blob[]> {
  const inSession = sessionFiles.get(name);
  if (inSession) return inSession;
  const models = await new ModelManager().getModels();
  const cached = models.find((model) => model.url === localFileUrl(name));
  if (cached) return cached.open();
  throw new Error(`the model file ${name} is not in this browser's model cache (it was removed, or could not be copied there when picked); pick the file again in the Model panel`);
}
