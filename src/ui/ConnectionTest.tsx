import { useEffect, useRef, useState } from 'react';
import { checkModelFileUrl, type ConnectionErrorKind, isRemoteProfile, listModelsOfProfile, type ModelListing } from '../core/model/list-models.js';
import { describeToolCallingProbe, probeToolCalling } from '../core/model/probe-tool-calling.js';
import { describeModelProfileProblems, type ModelProfile, wllamaModelName } from '../core/model/profile.js';
import { connectOriginOf } from '../core/model/connect-sources.js';
import { connectRefusalNow } from '../platform/connect-policy.js';
import { createModelFromProfile } from '../platform/create-model.js';
import { errorMessage, formatBytes } from './format.js';

interface Props {
  /** The profile as the form describes it now, saved or not. */
  profile: ModelProfile;
  /** Use a listed model as the profile's model name. */
  onPickModel(modelId: string): void;
}

/** What a check of an in-page runtime found: each line says one thing that holds; `ok` false when it cannot run. */
interface LocalReport {
  ok: boolean;
  lines: string[];
}

/** Whether the endpoint answers with native tool calls, found by one probe request after the model list. */
type ToolCalling = { status: 'checking' } | ReturnType<typeof describeToolCallingProbe>;

type Result =
  | { state: 'checking' }
  | { state: 'listing'; listing: ModelListing; toolCalling?: ToolCalling }
  | { state: 'local'; report: LocalReport }
  | { state: 'invalid'; problems: string[] }
  /** The page's Content-Security-Policy does not let it reach this host until a reload. */
  | { state: 'blocked'; reason: string };

const KIND_LABELS: Record<ConnectionErrorKind, string> = {
  unreachable: 'unreachable',
  cors: 'blocked by CORS',
  unreachable_or_cors: 'unreachable or blocked by CORS',
  timeout: 'no answer',
  auth: 'API key refused',
  not_found: 'not found',
  rate_limit: 'rate limited',
  server_error: 'server error',
  http_error: 'request refused',
  bad_response: 'not a model list',
  aborted: 'cancelled',
};

/** WebLLM: is there WebGPU, does this WebLLM know the model, are its weights already in the browser's cache. */
async function checkWebLLM(modelId: string): Promise<LocalReport> {
  const { detectWebGPU, listWebLLMModels, listCachedWebLLMModels } = await import('../platform/webllm-engine.js');
  const [gpu, cached] = await Promise.all([detectWebGPU(), listCachedWebLLMModels().catch(() => [])]);
  const info = listWebLLMModels().find((model) => model.id === modelId);
  const lines: string[] = [];
  let ok = true;
  if (gpu.available) lines.push(`WebGPU is available (${gpu.adapter}${gpu.shaderF16 ? ', shader-f16' : ', no shader-f16'}).`);
  else {
    ok = false;
    lines.push(`This browser has no WebGPU (${gpu.reason}): WebLLM cannot run here.`);
  }
  if (!info) {
    ok = false;
    lines.push(`${modelId} is not a model this WebLLM version ships.`);
  } else if (info.needsShaderF16 && gpu.available && !gpu.shaderF16) {
    ok = false;
    lines.push(`${modelId} needs shader-f16, which this GPU lacks: choose a q4f32 model.`);
  }
  const hit = cached.find((model) => model.id === modelId);
  lines.push(hit ? `Its weights are in this browser's cache${hit.sizeBytes ? ` (${formatBytes(hit.sizeBytes)})` : ''}: it loads without the network.` : 'Its weights are not downloaded yet: the first load fetches them from huggingface.co.');
  return { ok, lines };
}

/** wllama: a picked file must still be in the model cache; a URL is either cached or must be downloadable. */
async function checkWllama(profile: Extract<ModelProfile, { provider: 'wllama' }>, signal: AbortSignal): Promise<LocalReport> {
  const { listCachedWllamaModels } = await import('../platform/wllama-engine.js');
  const cached = await listCachedWllamaModels().catch(() => []);
  const { source } = profile;
  if (source.kind === 'file') {
    const hit = cached.find((model) => model.localFileName === source.name);
    return hit
      ? { ok: true, lines: [`${source.name} is in this browser's model cache (${formatBytes(hit.sizeBytes)}): it loads without picking it again.`] }
      : { ok: false, lines: [`${source.name} is not in this browser's model cache: pick the file again (it works this session if just picked).`] };
  }
  const hit = cached.find((model) => model.url === source.url);
  if (hit) return { ok: true, lines: [`${wllamaModelName(source)} is downloaded (${formatBytes(hit.sizeBytes)}): it loads from this browser's cache.`] };
  const check = await checkModelFileUrl(source.url, { signal });
  if (check.ok) return { ok: true, lines: [`The file can be downloaded from this page${check.sizeBytes ? ` (${formatBytes(check.sizeBytes)})` : ''}; it is fetched once, on the first load.`] };
  return { ok: false, lines: [`The file cannot be downloaded: ${KIND_LABELS[check.error.kind]} — ${check.error.message}`] };
}

/**
 * "Test connection": for an endpoint, the models it lists (the configured one marked) or the error with its kind and
 * the server's words; for an in-page runtime, what decides whether it can load here. Checks the form as typed.
 */
export function ConnectionTest({ profile, onPickModel }: Props) {
  const [result, setResult] = useState<Result | undefined>();
  const running = useRef<AbortController | undefined>(undefined);
  const key = JSON.stringify(profile);

  // A result describes the fields it was made from; once they change it would mislead.
  useEffect(() => {
    running.current?.abort();
    setResult(undefined);
  }, [key]);
  useEffect(() => () => running.current?.abort(), []);

  async function test() {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    // The name does not matter for a connection; every other field does.
    const problems = describeModelProfileProblems({ ...profile, label: profile.label || 'unnamed' });
    if (problems.length) return setResult({ state: 'invalid', problems });
    const origin = connectOriginOf(profile);
    const refusal = origin === undefined ? undefined : connectRefusalNow(origin);
    if (refusal) return setResult({ state: 'blocked', reason: refusal });
    setResult({ state: 'checking' });
    try {
      const next: Result = isRemoteProfile(profile)
        ? { state: 'listing', listing: await listModelsOfProfile(profile, { signal: controller.signal }) }
        : { state: 'local', report: profile.provider === 'webllm' ? await checkWebLLM(profile.modelId) : await checkWllama(profile as Extract<ModelProfile, { provider: 'wllama' }>, controller.signal) };
      if (controller.signal.aborted) return;
      // An endpoint that lists models may still drop native tools (llama.cpp without a tool-capable template): ask once.
      const probing = next.state === 'listing' && next.listing.ok && next.listing.configuredModel !== '' && isRemoteProfile(profile);
      setResult(probing ? { ...next, toolCalling: { status: 'checking' } } : next);
      if (!probing) return;
      const model = await createModelFromProfile(profile);
      const probe = await probeToolCalling(model, controller.signal);
      const configured = profile.provider === 'openai-compatible' ? profile.actionProtocol : 'native_tools';
      if (!controller.signal.aborted) setResult({ ...next, toolCalling: describeToolCallingProbe(probe, configured) });
    } catch (error) {
      if (!controller.signal.aborted) setResult({ state: 'local', report: { ok: false, lines: [`The check failed: ${errorMessage(error)}`] } });
    }
  }

  return (
    <div className="connection-test">
      <button type="button" onClick={() => void test()} disabled={result?.state === 'checking'} data-testid="model-test-connection">
        {isRemoteProfile(profile) ? 'Test connection' : 'Check this model'}
      </button>
      {result && <ConnectionResult result={result} onPickModel={onPickModel} />}
    </div>
  );
}

function ConnectionResult({ result, onPickModel }: { result: Result; onPickModel(modelId: string): void }) {
  if (result.state === 'checking') {
    return (
      <p className="muted" data-testid="connection-result" data-state="checking">
        Asking the endpoint…
      </p>
    );
  }
  if (result.state === 'invalid') {
    return (
      <ul className="error-list" data-testid="connection-result" data-state="invalid">
        {result.problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
    );
  }
  if (result.state === 'blocked') {
    return (
      <div className="notice notice-warn" role="alert" data-testid="connection-result" data-state="blocked">
        <p>{result.reason}</p>
        <button type="button" onClick={() => location.reload()} data-testid="connection-reload">
          Reload the page
        </button>
      </div>
    );
  }
  if (result.state === 'local') {
    return (
      <div className={`notice ${result.report.ok ? 'notice-ok' : 'notice-warn'}`} data-testid="connection-result" data-state={result.report.ok ? 'ok' : 'error'}>
        {result.report.lines.map((line) => (
          <p key={line}>{line}</p>
        ))}
      </div>
    );
  }
  const { listing } = result;
  if (!listing.ok) {
    const { error } = listing;
    return (
      <div className="error-box" role="alert" data-testid="connection-result" data-state="error" data-kind={error.kind} data-status={error.status ?? ''}>
        <p data-testid="connection-error">
          <strong>{KIND_LABELS[error.kind]}</strong>
          {error.status ? ` (HTTP ${error.status})` : ''}: {error.message}
        </p>
        {error.serverMessage && (
          <p>
            The server said: <code data-testid="connection-server-message">{error.serverMessage}</code>
          </p>
        )}
      </div>
    );
  }
  const listed = listing.configuredModelMatch !== undefined;
  const { toolCalling } = result;
  return (
    <div className="notice notice-ok connection-listing" data-testid="connection-result" data-state="ok">
      <p>
        Connected: <code>{listing.url}</code> offers {listing.models.length} model{listing.models.length === 1 ? '' : 's'}.
      </p>
      <p data-testid="connection-configured" data-listed={listed} className={listed ? 'ok-text' : 'error-text'}>
        {listing.configuredModel === ''
          ? 'No model name is set yet: pick one below.'
          : listed
            ? `✓ ${listing.configuredModel} is among them${listing.configuredModelMatch !== listing.configuredModel ? ` (as ${listing.configuredModelMatch})` : ''}.`
            : `✗ ${listing.configuredModel} is not among them: check the model name, or pick one below.`}
      </p>
      {toolCalling && (
        <p data-testid="connection-tool-calling" data-status={toolCalling.status} className={toolCalling.status === 'supported' ? 'ok-text' : toolCalling.status === 'unsupported' ? 'error-text' : 'muted'}>
          {toolCalling.status === 'checking' ? 'Checking whether it answers with native tool calls…' : toolCalling.text}
        </p>
      )}
      {listing.models.length > 0 && (
        <ul className="connection-models" data-testid="connection-models">
          {listing.models.map((model) => {
            const configured = model.id === listing.configuredModelMatch;
            return (
              <li key={model.id} data-testid="connection-model" data-model-id={model.id} data-configured={configured} className={configured ? 'configured' : undefined}>
                <button type="button" className="link" onClick={() => onPickModel(model.id)} title="Use this model">
                  {model.id}
                </button>
                {model.displayName && <span className="muted"> {model.displayName}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
