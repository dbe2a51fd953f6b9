import { type ModelProfile, type ModelProvider, suggestProfileName, uniqueProfileName, wllamaModelName } from '../core/model/profile.js';
import type { ActionProtocol } from '../core/model/types.js';
import type { WllamaFormState } from './WllamaSourceFields.js';

/**
 * The model form as typed: one set of fields per provider, so switching provider and back keeps what was typed.
 * `id` is the profile being edited (a fresh id for a new one); the name follows a suggestion until the user types one.
 */
export interface ModelFormState {
  id: string;
  isNew: boolean;
  name: string;
  /** False while the name is the suggestion (it then follows what is typed in the other fields). */
  nameTouched: boolean;
  provider: ModelProvider;
  baseUrl: string;
  model: string;
  apiKey: string;
  actionProtocol: ActionProtocol;
  /** "Parallel requests" of an API profile (OpenAI-compatible or Anthropic), as typed; empty means the default. */
  parallelRequests: string;
  anthropicApiKey: string;
  anthropicModel: string;
  anthropicBaseUrl: string;
  webllmModelId: string;
  wllama: WllamaFormState;
}

const emptyWllama: WllamaFormState = { sourceKind: 'url', url: '', fileName: '', contextTokens: '', maxOutputTokens: '' };

/** A blank form for a new profile of `provider`. */
export function newProfileForm(id: string, provider: ModelProvider = 'openai-compatible'): ModelFormState {
  return {
    id,
    isNew: true,
    name: '',
    nameTouched: false,
    provider,
    baseUrl: '',
    model: '',
    apiKey: '',
    actionProtocol: 'native_tools',
    parallelRequests: '',
    anthropicApiKey: '',
    anthropicModel: '',
    anthropicBaseUrl: '',
    webllmModelId: '',
    wllama: emptyWllama,
  };
}

/** The form for editing a saved profile; a name that was the automatic one keeps following the fields. */
export function profileForm(profile: ModelProfile, saved: readonly ModelProfile[]): ModelFormState {
  const form: ModelFormState = { ...newProfileForm(profile.id, profile.provider), isNew: false, name: profile.label };
  switch (profile.provider) {
    case 'openai-compatible':
      Object.assign(form, { baseUrl: profile.baseUrl, model: profile.model, apiKey: profile.apiKey ?? '', actionProtocol: profile.actionProtocol, parallelRequests: profile.parallelRequests === undefined ? '' : String(profile.parallelRequests) });
      break;
    case 'anthropic':
      Object.assign(form, { anthropicApiKey: profile.apiKey, anthropicModel: profile.model, anthropicBaseUrl: profile.baseUrl ?? '', parallelRequests: profile.parallelRequests === undefined ? '' : String(profile.parallelRequests) });
      break;
    case 'webllm':
      form.webllmModelId = profile.modelId;
      break;
    case 'wllama':
      form.wllama = {
        sourceKind: profile.source.kind,
        url: profile.source.kind === 'url' ? profile.source.url : '',
        fileName: profile.source.kind === 'file' ? profile.source.name : '',
        contextTokens: profile.contextTokens === undefined ? '' : String(profile.contextTokens),
        maxOutputTokens: profile.maxOutputTokens === undefined ? '' : String(profile.maxOutputTokens),
      };
      break;
  }
  form.nameTouched = profile.label !== suggestedName(form, saved);
  return form;
}

const optionalNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The profile the fields describe, without its name (see `profileFromForm`). */
function unnamedProfile(form: ModelFormState): ModelProfile {
  const { id } = form;
  switch (form.provider) {
    case 'webllm':
      return { id, provider: 'webllm', label: '', modelId: form.webllmModelId };
    case 'anthropic':
      return { id, provider: 'anthropic', label: '', apiKey: form.anthropicApiKey.trim(), model: form.anthropicModel.trim(), baseUrl: form.anthropicBaseUrl.trim() || undefined, parallelRequests: optionalNumber(form.parallelRequests) };
    case 'wllama': {
      const { wllama } = form;
      const source = wllama.sourceKind === 'url' ? { kind: 'url' as const, url: wllama.url.trim() } : { kind: 'file' as const, name: wllama.fileName };
      return { id, provider: 'wllama', label: '', source, contextTokens: optionalNumber(wllama.contextTokens), maxOutputTokens: optionalNumber(wllama.maxOutputTokens) };
    }
    case 'openai-compatible':
      return { id, provider: 'openai-compatible', label: '', baseUrl: form.baseUrl.trim(), model: form.model.trim(), apiKey: form.apiKey.trim() || undefined, actionProtocol: form.actionProtocol, parallelRequests: optionalNumber(form.parallelRequests) };
  }
}

/** What the name is while the user has not typed one: what runs where, made unique among the other profiles. */
export function suggestedName(form: ModelFormState, saved: readonly ModelProfile[]): string {
  return uniqueProfileName(
    suggestProfileName(unnamedProfile(form)),
    saved.filter((other) => other.id !== form.id),
  );
}

/** The profile to save: the fields, and the typed name or the suggestion. */
export function profileFromForm(form: ModelFormState, saved: readonly ModelProfile[]): ModelProfile {
  return { ...unnamedProfile(form), label: form.nameTouched ? form.name : suggestedName(form, saved) };
}

/** For the status line: which model a saved profile runs, in a few words. */
export function describeProfileTarget(profile: ModelProfile): string {
  switch (profile.provider) {
    case 'openai-compatible':
      return `${profile.model} at ${profile.baseUrl}`;
    case 'anthropic':
      return `${profile.model} at ${profile.baseUrl ?? 'api.anthropic.com'}`;
    case 'webllm':
      return `${profile.modelId} on this GPU (WebLLM)`;
    case 'wllama':
      return `${wllamaModelName(profile.source)} on this CPU (wllama)`;
  }
}

/**
 * Canonical JSON (sorted keys, no undefined), so a profile read back from the store equals the one typed. Keys in
 * code-point order: a locale collator costs ~20 ms to set up on the start page, and any fixed order will do.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

/** True when two profiles hold the same settings, whatever order their fields were written in. */
export function sameProfile(a: ModelProfile | undefined, b: ModelProfile | undefined): boolean {
  return a !== undefined && b !== undefined && canonical(a) === canonical(b);
}
