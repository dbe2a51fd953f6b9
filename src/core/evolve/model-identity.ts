import { canonicalJson } from '../harness/canonical.js';
import type { ActionProtocol, ChatModel } from '../model/types.js';

/**
 * What makes two models give the same rollouts: provider, model, action protocol and sampling settings. Not the URL:
 * the same server on another port (or behind another proxy) is the same model. `key` is what rollout caches are keyed by.
 */
export interface ModelIdentity {
  key: string;
  provider: string;
  model: string;
  actionProtocol: ActionProtocol | 'unknown';
  sampling: Record<string, string | number | boolean>;
  /** Recorded by format version 1, which keyed models by their id (URL included); kept so old caches stay valid. */
  legacy?: boolean;
}

/** The model's name without the provider prefix or a `@url` suffix (`openai-compatible:qwen@http://…` → `qwen`). */
function modelNameOf(model: ChatModel): string {
  const named = (model as unknown as { model?: unknown; modelName?: unknown }).model ?? (model as unknown as { modelName?: unknown }).modelName;
  if (typeof named === 'string' && named) return named;
  const withoutProvider = model.id.startsWith(`${model.provider}:`) ? model.id.slice(model.provider.length + 1) : model.id;
  return withoutProvider.replace(/@[a-z][a-z0-9+.-]*:\/\/.*$/i, '');
}

export function modelIdentity(model: ChatModel): ModelIdentity {
  const sampling: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(model.sampling ?? {})) if (value !== undefined) sampling[name] = value;
  const name = modelNameOf(model);
  const settings = Object.keys(sampling).length ? `|${canonicalJson(sampling)}` : '';
  return { key: `${model.provider}:${name}|${model.actionProtocol}${settings}`, provider: model.provider, model: name, actionProtocol: model.actionProtocol, sampling };
}

/** Identity recorded by format version 1: the model id was the key. */
export function legacyModelIdentity(modelId: string): ModelIdentity {
  const provider = modelId.includes(':') ? modelId.slice(0, modelId.indexOf(':')) : 'unknown';
  const model = modelId.slice(provider.length + 1).replace(/@[a-z][a-z0-9+.-]*:\/\/.*$/i, '') || modelId;
  return { key: modelId, provider, model, actionProtocol: 'unknown', sampling: {}, legacy: true };
}

/** Is `model` the recorded one? Legacy records compare by model id, as version 1 did. */
export function isSameModel(recorded: ModelIdentity, model: ChatModel): boolean {
  return recorded.legacy ? recorded.key === model.id : recorded.key === modelIdentity(model).key;
}

export function describeModelIdentity(identity: ModelIdentity): string {
  const settings = Object.entries(identity.sampling).map(([name, value]) => `${name}=${value}`);
  return `${identity.provider} ${identity.model}${identity.actionProtocol === 'unknown' ? '' : ` (${identity.actionProtocol}${settings.length ? `, ${settings.join(', ')}` : ''})`}`;
}

/**
 * The agent model to resume an evolution with. When it started, the tool-calling probe may have switched a
 * `native_tools` agent to `json_action` (its endpoint returned no native tool calls); resuming asks for the same model
 * again, so it gets the protocol the evolution runs with rather than a second probe whose answer could differ (a server
 * that is down cannot tell). Any other difference is left for the loop to refuse.
 */
export function agentModelForResume(model: ChatModel, recorded: ModelIdentity): { model: ChatModel; notice?: string } {
  if (recorded.legacy || recorded.actionProtocol !== 'json_action' || model.actionProtocol !== 'native_tools' || !model.withActionProtocol) return { model };
  const switched = model.withActionProtocol('json_action');
  if (!isSameModel(recorded, switched)) return { model };
  return { model: switched, notice: 'Resumed with json_action, the action protocol this evolution runs with (its endpoint returned no native tool calls when it started).' };
}
