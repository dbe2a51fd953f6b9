import type { ActionProtocol } from './types.js';
import { DEFAULT_PARALLEL_REQUESTS, MAX_PARALLEL_REQUESTS } from './call-limits.js';
import { splitUrlCredentials } from '../redact-secrets.js';

/**
 * Where a wllama profile's GGUF weights come from. A URL must end in `.gguf` (wllama refuses others; for a split
 * model, the URL of the first `…-00001-of-0000N.gguf` shard). A file is remembered by its name only: the page
 * copies it into the browser's model cache when it is picked, and loads it from there after a reload.
 */
export type WllamaProfileSource = { kind: 'url'; url: string } | { kind: 'file'; name: string };

/**
 * A model the user configured and named; any number per provider. `id` is stable for the profile's life (runs and
 * evolutions remember it); `label` is the name the user gave it, unique among saved profiles. API keys live only
 * here, in the browser's IndexedDB, and are never exported.
 */
export type ModelProfile =
  | {
      id: string;
      provider: 'openai-compatible';
      label: string;
      baseUrl: string;
      model: string;
      apiKey?: string;
      actionProtocol: ActionProtocol;
      /** Calls sent at once ("parallel requests"); default `DEFAULT_PARALLEL_REQUESTS` (4). */
      parallelRequests?: number;
    }
  | {
      id: string;
      provider: 'anthropic';
      label: string;
      apiKey: string;
      /** e.g. `claude-sonnet-4-5`, `claude-haiku-4-5`. */
      model: string;
      /** Default `https://api.anthropic.com` (a proxy that speaks the Messages API otherwise). */
      baseUrl?: string;
      /** Calls sent at once ("parallel requests"); default `DEFAULT_PARALLEL_REQUESTS` (4). */
      parallelRequests?: number;
    }
  | {
      id: string;
      provider: 'webllm';
      label: string;
      /** A WebLLM prebuilt model id, e.g. `Qwen2.5-0.5B-Instruct-q4f32_1-MLC`. */
      modelId: string;
    }
  | {
      id: string;
      provider: 'wllama';
      label: string;
      source: WllamaProfileSource;
      /** Context window in tokens; default 4096. */
      contextTokens?: number;
      /**
       * Ceiling on the tokens of one answer, default 1024: every request gets the smaller of this and its own cap (the
       * harness's `maxAnswerTokens`, mining's and proposal's). Small CPU models are slow: keep it low.
       */
      maxOutputTokens?: number;
    };

export type ModelProvider = ModelProfile['provider'];

/** Providers that run the model inside this page. Only one of them is kept loaded at a time (GPU or CPU memory). */
export function isLocalProfile(profile: ModelProfile): boolean {
  return profile.provider === 'webllm' || profile.provider === 'wllama';
}

export const WLLAMA_CONTEXT_LIMITS = { min: 512, max: 131_072 } as const;

type ProfileDraft = { provider?: ModelProvider } & Record<string, unknown>;

function urlProblem(value: unknown, what: string, example: string): string | undefined {
  try {
    const url = new URL(typeof value === 'string' ? value.trim() : '');
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${what} must start with http:// or https://`;
    return undefined;
  } catch {
    return `${what} is not a valid URL (example: ${example})`;
  }
}

const isBlank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

export const PROFILE_NAME_MAX_LENGTH = 80;

const normalName = (name: string) => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase();

/**
 * Why `name` cannot name the profile `ownId` next to the `saved` ones: empty, too long, or (ignoring case and spaces)
 * another profile's name — the agent and proposer pickers list profiles by name, so two alike could not be told apart.
 */
export function describeProfileNameProblems(name: unknown, saved: readonly ModelProfile[] = [], ownId?: string): string[] {
  if (isBlank(name)) return ['give this profile a name (it is how the Run and Evolve pages list it)'];
  const text = String(name);
  if (text.trim().length > PROFILE_NAME_MAX_LENGTH) return [`the name is too long (at most ${PROFILE_NAME_MAX_LENGTH} characters)`];
  const clash = saved.find((profile) => profile.id !== ownId && normalName(profile.label) === normalName(text));
  return clash ? [`another profile is already named "${clash.label}": choose another name`] : [];
}

/**
 * Every reason the profile cannot be saved, in words a user can act on; empty when it is usable. With `saved`, its
 * name must also differ from theirs (the profile's own earlier version, same id, does not count).
 */
export function describeModelProfileProblems(profile: Partial<ModelProfile>, saved: readonly ModelProfile[] = []): string[] {
  const draft = profile as ProfileDraft;
  const problems: string[] = draft.provider ? describeProfileNameProblems(draft.label, saved, typeof draft.id === 'string' ? draft.id : undefined) : [];
  if (draft.provider === 'openai-compatible' || draft.provider === 'anthropic') {
    const parallel = draft.parallelRequests;
    if (parallel !== undefined && !(Number.isInteger(parallel) && (parallel as number) >= 1 && (parallel as number) <= MAX_PARALLEL_REQUESTS)) {
      problems.push(`parallel requests must be a whole number from 1 to ${MAX_PARALLEL_REQUESTS}`);
    }
  }
  switch (draft.provider) {
    case 'openai-compatible': {
      const bad = urlProblem(draft.baseUrl, 'base URL', 'https://api.openai.com/v1 or http://localhost:11434/v1');
      if (bad) problems.push(bad);
      if (isBlank(draft.model)) problems.push('model name is required (example: gpt-4o-mini, qwen2.5:7b)');
      break;
    }
    case 'anthropic': {
      if (isBlank(draft.apiKey)) problems.push('an Anthropic API key is required (console.anthropic.com → API keys)');
      if (isBlank(draft.model)) problems.push('model name is required (example: claude-sonnet-4-5, claude-haiku-4-5)');
      if (!isBlank(draft.baseUrl)) {
        const bad = urlProblem(draft.baseUrl, 'base URL', 'https://api.anthropic.com');
        if (bad) problems.push(bad);
      }
      break;
    }
    case 'webllm':
      if (isBlank(draft.modelId)) problems.push('choose a WebLLM model');
      break;
    case 'wllama': {
      const source = draft.source as Partial<WllamaProfileSource> | undefined;
      if (source?.kind === 'url') {
        const bad = urlProblem(source.url, 'model URL', 'https://huggingface.co/…/resolve/main/model-Q4_K_M.gguf');
        if (bad) problems.push(bad);
        else if (!ggufPathPattern.test(new URL(String(source.url).trim()).pathname)) problems.push('the model URL must end in .gguf (for a split model, the URL of its first part)');
      } else if (source?.kind === 'file') {
        if (isBlank(source.name)) problems.push('pick a GGUF model file');
        else if (!ggufPathPattern.test(String(source.name))) problems.push('the model file must be a .gguf file');
      } else {
        problems.push('give the GGUF model as a URL or a local file');
      }
      const context = draft.contextTokens;
      if (context !== undefined && !(Number.isInteger(context) && (context as number) >= WLLAMA_CONTEXT_LIMITS.min && (context as number) <= WLLAMA_CONTEXT_LIMITS.max)) {
        problems.push(`context size must be a whole number of tokens from ${WLLAMA_CONTEXT_LIMITS.min} to ${WLLAMA_CONTEXT_LIMITS.max}`);
      }
      const maxOutput = draft.maxOutputTokens;
      if (maxOutput !== undefined && !(Number.isInteger(maxOutput) && (maxOutput as number) >= 1)) problems.push('the answer length limit must be a whole number of tokens, at least 1');
      else if (maxOutput !== undefined && (maxOutput as number) >= ((context as number | undefined) ?? 4096)) problems.push('the answer length limit must be smaller than the context size');
      break;
    }
    default:
      problems.push('choose a provider');
  }
  return problems;
}

const ggufPathPattern = /\.gguf$/i;

/** The file name wllama's weights are known by: the last path segment of the URL, or the picked file's name. */
export function wllamaModelName(source: WllamaProfileSource): string {
  if (source.kind === 'file') return source.name;
  try {
    const path = new URL(source.url).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || source.url;
  } catch {
    return source.url;
  }
}

/**
 * The id the live model will carry (traces, rollout caches and evolutions are keyed by it), known without loading
 * the model. Must agree with each provider's constructor; `tests/unit/model-profile.test.ts` checks that it does.
 */
export function modelIdOfProfile(profile: ModelProfile): string {
  switch (profile.provider) {
    case 'openai-compatible':
      // Without credentials (http://user:key@…): the live model gets them as a header, and ids are written everywhere.
      return `openai-compatible:${profile.model}@${splitUrlCredentials(profile.baseUrl).url.trim().replace(/\/+$/, '')}`;
    case 'anthropic':
      return `anthropic:${profile.model}`;
    case 'webllm':
      return `webllm:${profile.modelId}`;
    case 'wllama':
      return `wllama:${wllamaModelName(profile.source)}`;
  }
}

/**
 * How many calls a profile's model takes at once. An in-page engine (WebLLM, wllama) answers one request at a time
 * whatever is asked; an API endpoint takes what its profile says, `DEFAULT_PARALLEL_REQUESTS` by default.
 */
export function parallelRequestsOf(profile: ModelProfile): number {
  if (profile.provider === 'webllm' || profile.provider === 'wllama') return 1;
  return profile.parallelRequests ?? DEFAULT_PARALLEL_REQUESTS;
}

/** What a profile's calls are limited per: its endpoint (the base URL without credentials), or the page's engine. */
export function callEndpointOf(profile: ModelProfile): string {
  switch (profile.provider) {
    case 'openai-compatible':
      return `openai-compatible:${splitUrlCredentials(profile.baseUrl).url.trim().replace(/\/+$/, '')}`;
    case 'anthropic':
      return `anthropic:${profile.baseUrl ? splitUrlCredentials(profile.baseUrl).url.trim().replace(/\/+$/, '') : 'https://api.anthropic.com'}`;
    case 'webllm':
    case 'wllama':
      return `in-page:${profile.provider}`;
  }
}

/** A profile safe to show or export: keys replaced by whether there is one. */
export function redactProfile(profile: ModelProfile): ModelProfile {
  if (profile.provider === 'openai-compatible') return { ...profile, apiKey: profile.apiKey ? '(set)' : undefined };
  if (profile.provider === 'anthropic') return { ...profile, apiKey: profile.apiKey ? '(set)' : '' };
  return profile;
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url.trim()).host : undefined;
  } catch {
    return undefined;
  }
}

/** The name a new profile gets until the user types one: what it runs and where, e.g. `qwen2.5:7b @ localhost:11434`. */
export function suggestProfileName(profile: Partial<ModelProfile>): string {
  const draft = profile as ProfileDraft;
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  switch (draft.provider) {
    case 'openai-compatible':
      return `${text(draft.model) || 'model'} @ ${hostOf(text(draft.baseUrl)) ?? (text(draft.baseUrl) || 'endpoint')}`;
    case 'anthropic':
      return `${text(draft.model) || 'claude'} @ ${hostOf(text(draft.baseUrl)) ?? 'Anthropic'}`;
    case 'webllm':
      return `WebLLM ${text(draft.modelId) || 'model'}`;
    case 'wllama': {
      const source = draft.source as WllamaProfileSource | undefined;
      const name = source && (source.kind === 'file' ? source.name : source.url) ? wllamaModelName(source) : 'GGUF';
      return `wllama ${name} (CPU)`;
    }
    default:
      return 'New profile';
  }
}

/** `base`, or `base (2)`, `base (3)`… — the first that no saved profile is named; within the length limit. */
export function uniqueProfileName(base: string, saved: readonly ModelProfile[]): string {
  const taken = new Set(saved.map((profile) => normalName(profile.label)));
  const trimmed = base.trim().replace(/\s+/g, ' ') || 'Profile';
  if (trimmed.length <= PROFILE_NAME_MAX_LENGTH && !taken.has(normalName(trimmed))) return trimmed;
  for (let index = 2; ; index++) {
    const suffix = ` (${index})`;
    const candidate = `${trimmed.slice(0, PROFILE_NAME_MAX_LENGTH - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(normalName(candidate))) return candidate;
  }
}

/** A fresh profile id; never reused, so what remembers a profile by id cannot find another one by mistake. */
export function newProfileId(): string {
  return `profile-${globalThis.crypto.randomUUID()}`;
}

/** A copy under a new id, named `<name> (copy)` (numbered when that is taken). The API key is copied too. */
export function duplicateProfile(profile: ModelProfile, saved: readonly ModelProfile[], id: string = newProfileId()): ModelProfile {
  return { ...profile, id, label: uniqueProfileName(`${profile.label} (copy)`, saved) };
}

/**
 * Profiles as saved before they had user-given names (one per provider, id = provider, an automatic label), made
 * valid under today's rules without losing any: ids kept (the active profile stays active), a missing or repeated
 * name made unique, anything that is not a profile of a known provider dropped.
 */
export function migrateSavedProfiles(stored: unknown): ModelProfile[] {
  if (!Array.isArray(stored)) return [];
  const profiles: ModelProfile[] = [];
  for (const item of stored) {
    if (typeof item !== 'object' || item === null) continue;
    const candidate = item as Partial<ModelProfile>;
    if (!candidate.provider || !['openai-compatible', 'anthropic', 'webllm', 'wllama'].includes(candidate.provider)) continue;
    const id = typeof candidate.id === 'string' && candidate.id !== '' && !profiles.some((profile) => profile.id === candidate.id) ? candidate.id : newProfileId();
    const wanted = typeof candidate.label === 'string' && candidate.label.trim() !== '' ? candidate.label : suggestProfileName(candidate);
    profiles.push({ ...(candidate as ModelProfile), id, label: uniqueProfileName(wanted, profiles) });
  }
  return profiles;
}

/**
 * A model id without where the model is served. Only OpenAI-compatible ids carry the endpoint
 * (`openai-compatible:<model>@<base URL>`); the others name the model alone.
 */
export function modelIdWithoutEndpoint(modelId: string): string {
  const match = /^(openai-compatible:.*)@https?:\/\/[^@]*$/.exec(modelId);
  return match ? match[1] : modelId;
}

/**
 * How a profile relates to a model id recorded earlier (an evolution's agent, whose rollouts are cached under it):
 * `same` id; `moved` — the same model at another endpoint (the profile's URL was edited); or a `different` model.
 */
export function compareWithRecordedModel(recordedModelId: string, profile: ModelProfile): 'same' | 'moved' | 'different' {
  const current = modelIdOfProfile(profile);
  if (current === recordedModelId) return 'same';
  return modelIdWithoutEndpoint(current) === modelIdWithoutEndpoint(recordedModelId) ? 'moved' : 'different';
}
