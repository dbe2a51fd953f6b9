import { isLocalProfile, type ModelProfile, modelIdWithoutEndpoint } from '../../core/model/profile.js';
import type { LoadedModel } from '../../platform/create-model.js';

/** The models an evolution runs with. */
export interface EvolutionModels {
  agentModel: LoadedModel;
  proposerModel: LoadedModel;
  /** Set when the chosen proposer could not be used, saying what is used instead and why. */
  notice?: string;
}

export interface ModelSources {
  /** The page's one in-page model slot (loading another frees the previous one). */
  ensure(profile: ModelProfile): Promise<LoadedModel>;
  /** A model outside that slot; only ever called for remote profiles. */
  create(profile: ModelProfile): Promise<LoadedModel>;
}

/**
 * The model under the id an evolution recorded for it, when only its endpoint changed since (a profile's URL was
 * edited): rollouts are cached under the model id, so the evolution goes on finding the ones it already ran. Another
 * model keeps its own id, and the evolution refuses it.
 */
export function keepRecordedModelId(model: LoadedModel, recordedId: string | undefined): LoadedModel {
  if (!recordedId || model.id === recordedId || modelIdWithoutEndpoint(model.id) !== modelIdWithoutEndpoint(recordedId)) return model;
  return {
    id: recordedId,
    provider: model.provider,
    actionProtocol: model.actionProtocol,
    // Part of the model's identity (with provider, model name and protocol), which the evolution checks on resume.
    sampling: model.sampling,
    stream: (request, signal) => model.stream(request, signal),
    // The tool-calling probe may switch the agent to json_action; the switched model keeps the recorded id too.
    ...(model.withActionProtocol ? { withActionProtocol: (protocol) => keepRecordedModelId(model.withActionProtocol!(protocol), recordedId) } : {}),
    dispose: model.dispose?.bind(model),
  };
}

/**
 * The agent and proposer models for every pair of providers. Only one in-page model (WebLLM or wllama) is loaded at a
 * time, so a local proposer next to a local agent is not loaded: the agent proposes, and the notice says so. A local
 * proposer next to a remote agent takes the one slot; remote models need no loading.
 */
export async function loadEvolutionModels(
  agentProfile: ModelProfile,
  proposerProfile: ModelProfile,
  sources: ModelSources,
  /** On resume: the agent model id the evolution recorded (see `keepRecordedModelId`). */
  recordedAgentModelId?: string,
): Promise<EvolutionModels> {
  const models = await loadPair(agentProfile, proposerProfile, sources);
  const agentModel = keepRecordedModelId(models.agentModel, recordedAgentModelId);
  return { ...models, agentModel, proposerModel: models.proposerModel === models.agentModel ? agentModel : models.proposerModel };
}

async function loadPair(agentProfile: ModelProfile, proposerProfile: ModelProfile, sources: ModelSources): Promise<EvolutionModels> {
  if (proposerProfile.id === agentProfile.id) {
    const model = await sources.ensure(agentProfile);
    return { agentModel: model, proposerModel: model };
  }
  if (isLocalProfile(agentProfile) && isLocalProfile(proposerProfile)) {
    const model = await sources.ensure(agentProfile);
    return {
      agentModel: model,
      proposerModel: model,
      notice: `${proposerProfile.label} runs inside this page like the agent model, and only one in-page model is loaded at a time, so the agent model (${agentProfile.label}) mines weaknesses and proposes edits itself. For a different proposer, choose a remote one (OpenAI-compatible or Anthropic).`,
    };
  }
  if (isLocalProfile(proposerProfile)) {
    const proposerModel = await sources.ensure(proposerProfile);
    return { agentModel: await sources.create(agentProfile), proposerModel };
  }
  const agentModel = await sources.ensure(agentProfile);
  return { agentModel, proposerModel: await sources.create(proposerProfile) };
}
