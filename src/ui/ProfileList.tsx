import { useState } from 'react';
import type { ModelProfile, ModelProvider } from '../core/model/profile.js';
import { describeProfileTarget } from './model-form.js';

interface Props {
  profiles: ModelProfile[];
  activeId?: string;
  editingId?: string;
  onUse(profile: ModelProfile): void;
  onEdit(profile: ModelProfile): void;
  onDuplicate(profile: ModelProfile): void;
  onDelete(profile: ModelProfile): void;
}

export const PROVIDER_NAMES: Record<ModelProvider, string> = {
  'openai-compatible': 'OpenAI-compatible',
  anthropic: 'Anthropic',
  webllm: 'WebLLM',
  wllama: 'wllama',
};

/** The saved profiles: which one runs use, and edit, duplicate or delete (after a confirmation) each. */
export function ProfileList({ profiles, activeId, editingId, onUse, onEdit, onDuplicate, onDelete }: Props) {
  const [confirmingId, setConfirmingId] = useState<string | undefined>();
  if (profiles.length === 0) return null;
  return (
    <ul className="profile-list" data-testid="profile-list">
      {profiles.map((profile) => {
        const active = profile.id === activeId;
        const confirming = profile.id === confirmingId;
        return (
          <li
            key={profile.id}
            className={['profile-row', active ? 'active' : '', profile.id === editingId ? 'editing' : ''].join(' ').trim()}
            data-testid="profile-row"
            data-profile-id={profile.id}
            data-profile-name={profile.label}
            data-active={active}
          >
            <div className="profile-row-text">
              <strong data-testid="profile-name">{profile.label}</strong> <span className="chip">{PROVIDER_NAMES[profile.provider]}</span>
              {active && <span className="badge badge-active">used for runs</span>}
              <div className="muted profile-target">{describeProfileTarget(profile)}</div>
            </div>
            {confirming ? (
              <div className="profile-row-actions" role="alertdialog" aria-label={`Delete ${profile.label}?`}>
                <span className="error-text">Delete “{profile.label}”{profile.provider === 'openai-compatible' || profile.provider === 'anthropic' ? ' and its API key' : ''}?</span>
                <button
                  type="button"
                  className="small danger"
                  onClick={() => {
                    setConfirmingId(undefined);
                    onDelete(profile);
                  }}
                  data-testid="profile-delete-confirm"
                >
                  Delete
                </button>
                <button type="button" className="small" onClick={() => setConfirmingId(undefined)} data-testid="profile-delete-cancel">
                  Cancel
                </button>
              </div>
            ) : (
              <div className="profile-row-actions">
                {!active && (
                  <button type="button" className="small" onClick={() => onUse(profile)} data-testid="profile-use">
                    Use for runs
                  </button>
                )}
                <button type="button" className="small" onClick={() => onEdit(profile)} data-testid="profile-edit">
                  Edit
                </button>
                <button type="button" className="small" onClick={() => onDuplicate(profile)} data-testid="profile-duplicate">
                  Duplicate
                </button>
                <button type="button" className="small" onClick={() => setConfirmingId(profile.id)} data-testid="profile-delete">
                  Delete
                </button>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
