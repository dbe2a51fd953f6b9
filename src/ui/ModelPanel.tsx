import { useState } from 'react';
import { describeModelProfileProblems, duplicateProfile, isLocalProfile, type ModelProfile, type ModelProvider, newProfileId } from '../core/model/profile.js';
import type { ActionProtocol } from '../core/model/types.js';
import type { StudioDatabase } from '../store/db.js';
import { deleteModelProfile, isKeyKeptForSessionOnly, isSessionKeyMissing, saveModelProfile, setActiveModelProfileId } from '../store/model-profiles.js';
import { connectOriginOf } from '../core/model/connect-sources.js';
import { connectRefusalNow } from '../platform/connect-policy.js';
import { ConnectionTest } from './ConnectionTest.js';
import { errorMessage } from './format.js';
import { type ModelFormState, newProfileForm, profileForm, profileFromForm, sameProfile, suggestedName } from './model-form.js';
import './model-profiles.css';
import { Panel } from './Panel.js';
import { ProfileList } from './ProfileList.js';
import { ProgressBar } from './ProgressBar.js';
import { profileKey, type ModelLoader } from './use-model-loader.js';
import { WebLLMPicker } from './WebLLMPicker.js';
import { WllamaSourceFields } from './WllamaSourceFields.js';

interface Props {
  db: StudioDatabase;
  profiles: ModelProfile[];
  activeProfile?: ModelProfile;
  loader: ModelLoader;
  /** The saved profiles or the one runs use changed. */
  onChanged(profiles: ModelProfile[], activeProfile: ModelProfile | undefined): void;
}

const PROVIDERS: Array<{ value: ModelProvider; label: string; testId: string }> = [
  { value: 'openai-compatible', label: 'OpenAI-compatible endpoint', testId: 'provider-openai' },
  { value: 'anthropic', label: 'Anthropic', testId: 'provider-anthropic' },
  { value: 'webllm', label: 'WebLLM (your GPU)', testId: 'provider-webllm' },
  { value: 'wllama', label: 'wllama (CPU, GGUF)', testId: 'provider-wllama' },
];

/**
 * Step 1: the saved model profiles — any number per provider, each with a name — and the one runs use. Profiles,
 * API keys included, are stored only in this browser's IndexedDB.
 */
export function ModelPanel({ db, profiles, activeProfile, loader, onChanged }: Props) {
  const [form, setForm] = useState<ModelFormState>(() => (activeProfile ? profileForm(activeProfile, profiles) : newProfileForm(newProfileId())));
  const [problems, setProblems] = useState<string[]>([]);
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // A host saved after the page loaded: its connection policy reaches it only after a reload.
  const [reloadFor, setReloadFor] = useState<string | undefined>();
  // Whether the form's key is kept for this browser session only; follows the profile being edited.
  const [keyForSession, setKeyForSession] = useState(() => isKeyKeptForSessionOnly(form.id));
  const [keyScopeOf, setKeyScopeOf] = useState(form.id);
  if (keyScopeOf !== form.id) {
    setKeyScopeOf(form.id);
    setKeyForSession(isKeyKeptForSessionOnly(form.id));
  }
  const update = (patch: Partial<ModelFormState>) => {
    setForm((previous) => ({ ...previous, ...patch }));
    setMessage(undefined);
    setProblems([]);
  };
  const show = (next: ModelFormState, note?: string) => {
    setForm(next);
    setProblems([]);
    setMessage(note);
  };

  const candidate = profileFromForm(form, profiles);
  const savedVersion = profiles.find((profile) => profile.id === form.id);
  // A new profile nobody has typed into yet has nothing to lose.
  const untouched = form.isNew && !form.nameTouched && sameProfile(candidate, profileFromForm(newProfileForm(form.id, form.provider), profiles));
  const dirty = (!untouched && !sameProfile(savedVersion, candidate)) || (!form.isNew && keyForSession !== isKeyKeptForSessionOnly(form.id));
  const name = (profile: ModelProfile | undefined) => (profile ? `“${profile.label}”` : '');

  /** Run a store change; a failure (storage full, blocked) is shown and nothing on screen pretends it worked. */
  async function act(change: () => Promise<void>) {
    setBusy(true);
    try {
      await change();
    } catch (error) {
      setProblems([`could not save: ${errorMessage(error)}`]);
      setMessage(undefined);
    } finally {
      setBusy(false);
    }
  }

  const save = () =>
    act(async () => {
      const found = describeModelProfileProblems(candidate, profiles);
      if (found.length) {
        setProblems(found);
        setMessage(undefined);
        return;
      }
      const result = await saveModelProfile(db, candidate, { keyForSessionOnly: keyForSession });
      if (!result.ok) {
        setProblems(result.problems);
        return;
      }
      const saved = result.profiles.find((profile) => profile.id === candidate.id) ?? candidate;
      // A new profile, or the one runs use, is what runs use next; editing another one (a proposer) changes nothing else.
      const makeActive = form.isNew || !activeProfile || activeProfile.id === saved.id;
      if (makeActive) await setActiveModelProfileId(db, saved.id);
      const active = makeActive ? saved : result.profiles.find((profile) => profile.id === activeProfile?.id);
      onChanged(result.profiles, active);
      show(profileForm(saved, result.profiles), makeActive ? `Saved ${name(saved)}. Runs use it.` : `Saved ${name(saved)}. Runs still use ${name(active)}.`);
      const origin = connectOriginOf(saved);
      if (origin !== undefined && connectRefusalNow(origin)) setReloadFor(origin);
    });

  const use = (profile: ModelProfile) =>
    act(async () => {
      await setActiveModelProfileId(db, profile.id);
      onChanged(profiles, profile);
      setMessage(`Runs now use ${name(profile)}.`);
    });

  const duplicate = (profile: ModelProfile) =>
    act(async () => {
      const copy = duplicateProfile(profile, profiles);
      // A copy keeps its original's choice: a key kept for the session only is not written to the database by copying it.
      const result = await saveModelProfile(db, copy, { keyForSessionOnly: isKeyKeptForSessionOnly(profile.id) });
      if (!result.ok) return setProblems(result.problems);
      onChanged(result.profiles, activeProfile);
      show(profileForm(copy, result.profiles), `Duplicated ${name(profile)} as ${name(copy)}; edit it below.`);
    });

  const remove = (profile: ModelProfile) =>
    act(async () => {
      const { profiles: remaining, activeProfileId } = await deleteModelProfile(db, profile.id);
      const active = remaining.find((item) => item.id === activeProfileId);
      onChanged(remaining, active);
      const runs = activeProfile?.id !== profile.id ? '' : active ? ` Runs now use ${name(active)}.` : ' No profile is used for runs now: save one.';
      const next = form.id !== profile.id ? form : active ? profileForm(active, remaining) : newProfileForm(newProfileId(), profile.provider);
      show(next, `Deleted ${name(profile)}.${runs}`);
    });

  const keepKeyForSession = (checked: boolean) => {
    setKeyForSession(checked);
    setMessage(undefined);
  };

  const pickListedModel = (modelId: string) => update(form.provider === 'anthropic' ? { anthropicModel: modelId } : { model: modelId });

  const localActive = activeProfile !== undefined && isLocalProfile(activeProfile);
  const localLoaded = localActive && loader.loadedKey === profileKey(activeProfile);
  const showingActive = activeProfile !== undefined && form.id === activeProfile.id && !dirty;

  return (
    <Panel
      step={1}
      title="Model"
      testId="model-panel"
      help="Save one profile per model you use — any server that speaks the OpenAI chat-completions API (OpenAI, OpenRouter, Ollama, LM Studio…), Anthropic's API, or a model inside this tab (WebLLM on your GPU, wllama on the CPU) — each under its own name. Runs use the one marked; the Evolve page picks the agent and the proposer among them. The Models tab shows what your browser can run."
    >
      <ProfileList
        profiles={profiles}
        activeId={activeProfile?.id}
        editingId={form.isNew ? undefined : form.id}
        onUse={(profile) => void use(profile)}
        onEdit={(profile) => show(profileForm(profile, profiles))}
        onDuplicate={(profile) => void duplicate(profile)}
        onDelete={(profile) => void remove(profile)}
      />
      <form
        className="model-form"
        noValidate
        data-testid="model-form"
        data-profile-id={form.id}
        data-new={form.isNew}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <div className="form-heading">
          <h3 data-testid="model-form-heading">{form.isNew ? 'New profile' : `Editing ${name(savedVersion)}`}</h3>
          {!(form.isNew && profiles.length === 0) && (
            <button type="button" className="small" onClick={() => show(newProfileForm(newProfileId(), form.provider))} data-testid="profile-new">
              New profile
            </button>
          )}
        </div>
        <label className="field">
          <span>Profile name</span>
          <input
            type="text"
            value={form.nameTouched ? form.name : suggestedName(form, profiles)}
            onChange={(event) => update({ name: event.target.value, nameTouched: true })}
            data-testid="model-profile-name"
          />
        </label>
        <fieldset className="segmented" data-testid="model-provider">
          <legend>Provider</legend>
          {PROVIDERS.map((provider) => (
            <label key={provider.value}>
              <input type="radio" name="provider" value={provider.value} checked={form.provider === provider.value} onChange={() => update({ provider: provider.value })} data-testid={provider.testId} />
              {provider.label}
            </label>
          ))}
        </fieldset>

        {form.provider === 'openai-compatible' && (
          <div className="field-grid">
            <label className="field">
              <span>Base URL</span>
              <input type="url" value={form.baseUrl} placeholder="http://localhost:11434/v1" onChange={(event) => update({ baseUrl: event.target.value })} data-testid="model-base-url" />
            </label>
            <label className="field">
              <span>Model name</span>
              <input type="text" value={form.model} placeholder="gpt-4o-mini, qwen2.5:7b, …" onChange={(event) => update({ model: event.target.value })} data-testid="model-name" />
            </label>
            <label className="field">
              <span>API key (optional; kept only in this browser)</span>
              <input type="password" autoComplete="off" value={form.apiKey} placeholder="not needed for local servers" onChange={(event) => update({ apiKey: event.target.value })} data-testid="model-api-key" />
            </label>
            <SessionOnlyKeyCheckbox checked={keyForSession} onChange={keepKeyForSession} />
            <label className="field">
              <span>Action protocol</span>
              <select value={form.actionProtocol} onChange={(event) => update({ actionProtocol: event.target.value as ActionProtocol })} data-testid="model-action-protocol">
                <option value="native_tools">Native tool calls</option>
                <option value="json_action">JSON actions (small models)</option>
              </select>
            </label>
            <ParallelRequestsField value={form.parallelRequests} onChange={(parallelRequests) => update({ parallelRequests })} testId="model-parallel-requests" />
          </div>
        )}

        {form.provider === 'anthropic' && (
          <>
            <div className="field-grid">
              <label className="field">
                <span>Model name</span>
                <input type="text" value={form.anthropicModel} placeholder="claude-sonnet-4-5, claude-haiku-4-5, …" onChange={(event) => update({ anthropicModel: event.target.value })} data-testid="anthropic-model" />
              </label>
              <label className="field">
                <span>API key (kept only in this browser)</span>
                <input type="password" autoComplete="off" value={form.anthropicApiKey} placeholder="sk-ant-…" onChange={(event) => update({ anthropicApiKey: event.target.value })} data-testid="anthropic-api-key" />
              </label>
              <SessionOnlyKeyCheckbox checked={keyForSession} onChange={keepKeyForSession} />
              <label className="field">
                <span>Base URL (optional)</span>
                <input type="url" value={form.anthropicBaseUrl} placeholder="https://api.anthropic.com" onChange={(event) => update({ anthropicBaseUrl: event.target.value })} data-testid="anthropic-base-url" />
              </label>
              <ParallelRequestsField value={form.parallelRequests} onChange={(parallelRequests) => update({ parallelRequests })} testId="anthropic-parallel-requests" />
            </div>
            <p className="muted">
              The page calls the Messages API directly with native tool calls. Anthropic allows that from a browser only with its direct-access header, which the studio sends; the
              key goes to no one else.
            </p>
          </>
        )}

        {form.provider === 'webllm' && <WebLLMPicker modelId={form.webllmModelId} onChange={(webllmModelId) => update({ webllmModelId })} />}

        {form.provider === 'wllama' && <WllamaSourceFields key={form.id} value={form.wllama} onChange={(wllama) => update({ wllama })} />}

        {savedVersion && isSessionKeyMissing(savedVersion) && (
          <p className="notice notice-warn" role="status" data-testid="model-key-session-ended">
            The key of {name(savedVersion)} was kept for a browser session that has ended; enter it again to use this profile.
          </p>
        )}

        {problems.length > 0 && (
          <ul className="error-list" data-testid="model-errors" role="alert">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}

        <div className="button-row">
          <button type="submit" className="primary" disabled={busy} data-testid="model-save">
            {form.isNew ? 'Save profile' : 'Save changes'}
          </button>
          <ConnectionTest profile={candidate} onPickModel={pickListedModel} />
          {localActive && showingActive && (
            <button type="button" disabled={Boolean(loader.progress) || localLoaded} onClick={() => void loader.ensure(activeProfile).catch(() => undefined)} data-testid="model-load">
              {localLoaded ? 'Loaded' : 'Load now'}
            </button>
          )}
          <span className="status-text" data-testid="model-status">
            {message ?? (activeProfile ? <>Runs use <strong>{activeProfile.label}</strong>{dirty && ' — this form has unsaved changes'}</> : 'No model saved yet.')}
          </span>
        </div>
        {reloadFor && (
          <div className="notice notice-warn" role="status" data-testid="model-reload-needed">
            <p>
              This page may connect only to the model hosts saved when it loaded (its Content-Security-Policy keeps a
              script from sending your keys anywhere else). Reload it to connect to <code>{reloadFor}</code>.
            </p>
            <button type="button" onClick={() => location.reload()} data-testid="model-reload">
              Reload now
            </button>
          </div>
        )}

        {loader.progress && (
          <div className="model-loading" data-testid="model-loading">
            <ProgressBar value={loader.progress.progress} label="Loading the model" testId="model-load-progress" />
            <span className="muted">{loader.progress.text}</span>
          </div>
        )}
        {loader.error && (
          <p className="error-text" role="alert" data-testid="model-load-error">
            The model could not load: {loader.error}
          </p>
        )}
      </form>
    </Panel>
  );
}

/** Under each API provider's key field: a key kept for this session is not stored in the browser. */
function SessionOnlyKeyCheckbox({ checked, onChange }: { checked: boolean; onChange(checked: boolean): void }) {
  return (
    <label className="inline-check">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} data-testid="model-key-session-only" />
      <span>Keep the key for this session only (not stored in this browser; enter it again after closing the tab)</span>
    </label>
  );
}

/** How many calls an API profile sends at once (`parallelRequestsOf`); a value out of range is refused on save. */
function ParallelRequestsField({ value, onChange, testId }: { value: string; onChange(value: string): void; testId: string }) {
  return (
    <label className="field">
      <span>Parallel requests (calls at once; default 4)</span>
      <input type="number" min={1} max={64} step={1} value={value} placeholder="4" onChange={(event) => onChange(event.target.value)} data-testid={testId} />
    </label>
  );
}
