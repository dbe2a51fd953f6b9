import { useEffect, useMemo, useState } from 'react';
import { isLocalProfile, type ModelProfile } from '../../core/model/profile.js';
import { wllamaCacheKey } from '../../platform/wllama-cache-key.js';
import { errorMessage } from '../format.js';
import { Panel } from '../Panel.js';
import { ProgressBar } from '../ProgressBar.js';
import { profileKey, type ModelLoader } from '../use-model-loader.js';
import { BrowserReport } from './BrowserReport.js';
import { CachedModels } from './CachedModels.js';
import './models.css';
import { useModelCache } from './use-model-cache.js';
import { useRuntimeReport } from './use-runtime-report.js';
import { WebLLMCatalog } from './WebLLMCatalog.js';

interface Props {
  profiles: ModelProfile[];
  activeProfile?: ModelProfile;
  loader: ModelLoader;
  /** Make runs use this WebLLM model: its saved profile, or a new one. */
  onUseWebLLMModel(modelId: string): Promise<ModelProfile>;
}

const cacheKeyOf = (profile: ModelProfile | undefined) =>
  profile?.provider === 'webllm' ? profile.modelId : profile?.provider === 'wllama' ? wllamaCacheKey(profile.source) : undefined;

/**
 * The model manager: what this browser can run (WebGPU adapter, shader-f16, CPU threads), WebLLM's models with their
 * memory needs and a recommendation, the model in memory with its load progress, and the downloaded weights of both
 * in-page runtimes with the storage they take.
 */
export function ModelsPage({ profiles, activeProfile, loader, onUseWebLLMModel }: Props) {
  const runtime = useRuntimeReport();
  const cache = useModelCache();
  const [notice, setNotice] = useState<string | undefined>();
  const { refresh } = cache;
  const loaded = activeProfile !== undefined && loader.loadedKey === profileKey(activeProfile);
  const local = activeProfile !== undefined && isLocalProfile(activeProfile);

  // A finished load may have downloaded weights: show them.
  useEffect(() => {
    if (loader.loadedKey) void refresh();
  }, [loader.loadedKey, refresh]);

  const inUse = useMemo(() => {
    const key = loaded ? cacheKeyOf(activeProfile) : undefined;
    return new Set(key ? [key] : []);
  }, [loaded, activeProfile]);
  const cachedWebLLM = useMemo(() => new Set(cache.models.filter((model) => model.runtime === 'webllm').map((model) => model.key)), [cache.models]);
  const chosenWebLLM = activeProfile?.provider === 'webllm' ? activeProfile : profiles.find((profile) => profile.provider === 'webllm');

  async function useWebLLM(modelId: string) {
    try {
      const profile = await onUseWebLLMModel(modelId);
      setNotice(`Runs now use the profile “${profile.label}” (WebLLM ${modelId}). It loads on the first run, or press Load now.`);
    } catch (error) {
      setNotice(`Could not save a profile for ${modelId}: ${errorMessage(error)}`);
    }
  }

  return (
    <div className="models-page">
      <Panel
        title="Model in memory"
        testId="models-loaded"
        help="One in-page model (WebLLM or wllama) is kept loaded at a time; switching models frees the previous one. Remote models (OpenAI-compatible, Anthropic) need no loading."
      >
        <div className="loaded-line" data-testid="models-loaded-state" data-state={loader.progress ? 'loading' : loaded ? 'loaded' : 'idle'}>
          <span>
            Agent model: <strong>{activeProfile?.label ?? 'none saved (step 1 on the Run tasks page)'}</strong>
            {activeProfile && (local ? (loaded ? ' · loaded' : loader.progress ? ' · loading…' : ' · not loaded') : ' · remote, nothing to load')}
          </span>
          {activeProfile && local && (
            <span className="button-row inline">
              <button type="button" className="primary small" disabled={loaded || Boolean(loader.progress)} onClick={() => void loader.ensure(activeProfile).catch(() => undefined)} data-testid="models-load">
                {loaded ? 'Loaded' : 'Load now'}
              </button>
              <button type="button" className="small" disabled={!loaded} onClick={() => void loader.unload()} data-testid="models-unload">
                Unload
              </button>
            </span>
          )}
        </div>
        {loader.progress && (
          <div className="model-loading" data-testid="models-load-progress">
            <ProgressBar value={loader.progress.progress} label="Loading the model" />
            <span className="muted">{loader.progress.text}</span>
          </div>
        )}
        {loader.error && (
          <p className="error-text" role="alert">
            The model could not load: {loader.error}
          </p>
        )}
        {notice && (
          <p className="notice notice-ok" role="status" data-testid="models-notice">
            {notice}
          </p>
        )}
      </Panel>

      <Panel title="What this browser can run" testId="models-browser" help="WebLLM runs models on the graphics card through WebGPU; wllama runs GGUF models on the CPU in WebAssembly and works everywhere.">
        {runtime.state === 'checking' && <p className="muted">Checking WebGPU…</p>}
        {runtime.state === 'failed' && <p className="error-text">Could not check WebGPU: {runtime.message}</p>}
        {runtime.state === 'ready' && <BrowserReport report={runtime.report} />}
      </Panel>

      <Panel
        title="WebLLM models (GPU)"
        testId="models-webllm"
        help="The models this WebLLM version ships, with the GPU memory each needs. Weights download from Hugging Face on first use and stay in the browser's cache."
      >
        {runtime.state === 'ready' ? <WebLLMCatalog report={runtime.report} cachedIds={cachedWebLLM} chosenId={chosenWebLLM?.provider === 'webllm' ? chosenWebLLM.modelId : undefined} onUse={(id) => void useWebLLM(id)} /> : <p className="muted">…</p>}
      </Panel>

      <Panel
        title="Downloaded models"
        testId="models-cache"
        help="Weights kept in this browser: WebLLM's in the Cache API, wllama's (and GGUF files you picked) in the origin's private file system. Deleting frees the space; the model downloads again when next used."
      >
        <CachedModels cache={cache} inUseKeys={inUse} />
      </Panel>
    </div>
  );
}
