import type { EvolutionConfig } from '../../core/evolve/state.js';
import { compareWithRecordedModel, type ModelProfile, modelIdOfProfile } from '../../core/model/profile.js';
import type { EvolutionProfilesRecord } from '../../store/db.js';

/** Profiles the user picked to resume with; `proposerProfileId` '' means the agent proposes too. */
export interface ResumeChoice {
  agentProfileId: string;
  proposerProfileId: string;
}

export type ResumePlan =
  | {
      kind: 'ready';
      agent: ModelProfile;
      proposer: ModelProfile;
      /** What the user should know (the agent's endpoint moved). */
      notices: string[];
      /** The profiles to remember for this evolution from now on. */
      link: EvolutionProfilesRecord;
    }
  | {
      kind: 'choose';
      /** Why the user must choose, each naming the profile or model concerned. */
      problems: string[];
      /** What to preselect. */
      suggestion: Partial<ResumeChoice>;
    };

const endpointOf = (profile: ModelProfile) => (profile.provider === 'openai-compatible' || profile.provider === 'anthropic' ? (profile.baseUrl ?? 'api.anthropic.com') : profile.label);

/**
 * Which saved profiles resume an evolution. By the profile ids it remembers (so a profile whose URL or key was edited
 * still resumes it); by model id for one imported from the CLI or started before ids were remembered; or by the
 * user's choice. The agent must still run the model the evolution recorded: its rollouts — in its state and in the
 * rollout cache every evolution shares — are keyed by that model id. The same model moved to another endpoint
 * resumes (keeping the recorded id); another model is refused, because its results would mix with the first one's.
 */
export function planResume(input: { evolutionId: string; config: Pick<EvolutionConfig, 'agentModelId' | 'proposerModelId'>; link?: EvolutionProfilesRecord; profiles: readonly ModelProfile[]; choice?: ResumeChoice }): ResumePlan {
  const { config, link, profiles, choice } = input;
  const byId = (id: string | undefined) => (id ? profiles.find((profile) => profile.id === id) : undefined);
  const byModelId = (modelId: string) => profiles.find((profile) => modelIdOfProfile(profile) === modelId);
  const recorded = config.agentModelId;
  const problems: string[] = [];
  const notices: string[] = [];

  let agent: ModelProfile | undefined;
  if (choice) {
    agent = byId(choice.agentProfileId);
    if (!agent) problems.push(`Choose the agent profile: a saved profile of ${recorded}.`);
  } else if (link) {
    agent = byId(link.agentProfileId);
    if (!agent) problems.push(`The agent profile “${link.agentProfileName}” this evolution ran with was deleted. Choose a saved profile of the same model (${recorded}) to resume it.`);
  } else {
    agent = byModelId(recorded);
    if (!agent) {
      problems.push(
        `No saved profile runs this evolution's agent model, ${recorded} (it was imported from the CLI, or started before evolutions remembered their profiles). Choose the profile that serves it, or save one in the Model panel first.`,
      );
    }
  }
  let agentUsable = agent;
  if (agent) {
    const relation = compareWithRecordedModel(recorded, agent);
    if (relation === 'different') {
      agentUsable = undefined;
      problems.push(
        `“${agent.label}” runs ${modelIdOfProfile(agent)}, but this evolution ran with ${recorded}. Its rollouts and decisions belong to that model, and resuming with another would mix two models' results in one evolution and in the shared rollout cache, so it is refused: choose a profile of ${recorded}, or start a new evolution with this one.`,
      );
    } else if (relation === 'moved') {
      notices.push(`“${agent.label}” now points at ${endpointOf(agent)}; the evolution keeps its model id ${recorded}, so the rollouts it already ran still count.`);
    }
  }

  let proposer: ModelProfile | undefined;
  if (choice) {
    proposer = choice.proposerProfileId === '' ? agentUsable : byId(choice.proposerProfileId);
    if (choice.proposerProfileId !== '' && !proposer) problems.push('Choose the proposer profile (or let the agent propose).');
  } else if (link) {
    proposer = link.proposerProfileId === link.agentProfileId ? agentUsable : byId(link.proposerProfileId);
    if (link.proposerProfileId !== link.agentProfileId && !proposer) {
      problems.push(
        link.proposerProfileId === ''
          ? `No saved profile runs this evolution's proposer, ${link.proposerProfileName}. Choose a proposer (or let the agent propose).`
          : `The proposer profile “${link.proposerProfileName}” this evolution ran with was deleted. Choose another proposer (or let the agent propose).`,
      );
    }
  } else if (config.proposerModelId === recorded) {
    proposer = agentUsable;
  } else {
    // Evolutions saved before proposer ids were model ids recorded the proposer's label.
    proposer = byModelId(config.proposerModelId) ?? profiles.find((profile) => profile.label === config.proposerModelId);
    if (!proposer) problems.push(`No saved profile runs this evolution's proposer, ${config.proposerModelId}. Choose a proposer (or let the agent propose).`);
  }

  if (problems.length || !agentUsable || !proposer) {
    return { kind: 'choose', problems, suggestion: { agentProfileId: agentUsable?.id, proposerProfileId: proposer && proposer.id !== agentUsable?.id ? proposer.id : '' } };
  }
  return {
    kind: 'ready',
    agent: agentUsable,
    proposer,
    notices,
    link: { evolutionId: input.evolutionId, agentProfileId: agentUsable.id, agentProfileName: agentUsable.label, proposerProfileId: proposer.id, proposerProfileName: proposer.label },
  };
}
