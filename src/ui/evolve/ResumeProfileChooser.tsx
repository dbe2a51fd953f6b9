import { useState } from 'react';
import { compareWithRecordedModel, type ModelProfile } from '../../core/model/profile.js';
import { PROVIDER_NAMES } from '../ProfileList.js';
import type { ResumeChoice } from './evolution-profiles.js';

interface Props {
  profiles: ModelProfile[];
  /** The agent model id the evolution recorded; profiles of that model are marked. */
  recordedAgentModelId: string;
  problems: string[];
  suggestion: Partial<ResumeChoice>;
  onResume(choice: ResumeChoice): void;
  onCancel(): void;
}

/** Shown when an evolution cannot resume with the profiles it remembers: says why, and lets the user pick others. */
export function ResumeProfileChooser({ profiles, recordedAgentModelId, problems, suggestion, onResume, onCancel }: Props) {
  const [agentId, setAgentId] = useState(suggestion.agentProfileId ?? '');
  const [proposerId, setProposerId] = useState(suggestion.proposerProfileId ?? '');
  const sameModel = (profile: ModelProfile) => compareWithRecordedModel(recordedAgentModelId, profile) !== 'different';
  return (
    <div className="notice notice-warn resume-chooser" role="alert" data-testid="resume-chooser">
      <ul className="error-list" data-testid="resume-problems">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
      <div className="field-grid">
        <label className="field">
          <span>Agent profile (must run {recordedAgentModelId})</span>
          <select value={agentId} onChange={(event) => setAgentId(event.target.value)} data-testid="resume-agent">
            <option value="">choose…</option>
            {profiles.map((profile) => (
              <option key={profile.id} value={profile.id}>
                {profile.label} — {PROVIDER_NAMES[profile.provider]}
                {sameModel(profile) ? ' · same model' : ' · another model'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Proposer profile</span>
          <select value={proposerId} onChange={(event) => setProposerId(event.target.value)} data-testid="resume-proposer">
            <option value="">the agent model itself</option>
            {profiles
              .filter((profile) => profile.id !== agentId)
              .map((profile) => (
                <option key={profile.id} value={profile.id}>
                  {profile.label} — {PROVIDER_NAMES[profile.provider]}
                </option>
              ))}
          </select>
        </label>
      </div>
      <div className="button-row">
        <button type="button" className="primary" disabled={agentId === ''} onClick={() => onResume({ agentProfileId: agentId, proposerProfileId: proposerId === agentId ? '' : proposerId })} data-testid="resume-with-choice">
          Resume with these
        </button>
        <button type="button" onClick={onCancel} data-testid="resume-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}
