import { isLocalProfile, type ModelProfile } from '../../core/model/profile.js';
import { PROVIDER_NAMES } from '../ProfileList.js';

interface Props {
  profiles: ModelProfile[];
  agentId?: string;
  /** '' = the agent proposes too. */
  proposerId: string;
  disabled?: boolean;
  onAgentChange(id: string): void;
  onProposerChange(id: string): void;
}

const optionLabel = (profile: ModelProfile) => `${profile.label} — ${PROVIDER_NAMES[profile.provider]}`;

/** The agent and the proposer of a new evolution, each any saved profile (two endpoints of one provider included). */
export function EvolutionModelPicker({ profiles, agentId, proposerId, disabled, onAgentChange, onProposerChange }: Props) {
  const agent = profiles.find((profile) => profile.id === agentId);
  const proposer = profiles.find((profile) => profile.id === proposerId);
  const proposerNotLoadable = proposer !== undefined && agent !== undefined && proposer.id !== agent.id && isLocalProfile(proposer) && isLocalProfile(agent);
  return (
    <div className="field-grid" data-testid="evolve-models">
      <label className="field">
        <span>Agent model (runs the tasks)</span>
        <select value={agent?.id ?? ''} disabled={disabled} onChange={(event) => onAgentChange(event.target.value)} data-testid="evolve-agent">
          {!agent && <option value="">choose a saved profile…</option>}
          {profiles.map((profile) => (
            <option key={profile.id} value={profile.id}>
              {optionLabel(profile)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Proposer model (mines weaknesses, proposes edits)</span>
        <select value={proposer && proposer.id !== agent?.id ? proposer.id : ''} disabled={disabled} onChange={(event) => onProposerChange(event.target.value)} data-testid="evolve-proposer">
          <option value="">the agent model itself (as in the paper)</option>
          {profiles
            .filter((profile) => profile.id !== agent?.id)
            .map((profile) => (
              <option key={profile.id} value={profile.id}>
                {optionLabel(profile)}
              </option>
            ))}
        </select>
        {proposerNotLoadable && (
          <small className="muted" data-testid="evolve-proposer-note">
            Both are in-page models and only one is loaded at a time: the agent model will propose instead. Pick a remote proposer (OpenAI-compatible or Anthropic) to use another model.
          </small>
        )}
      </label>
    </div>
  );
}
