import { describe, expect, it } from 'vitest';
import { type ModelProfile, modelIdOfProfile } from '../../src/core/model/profile.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import type { EvolutionProfilesRecord } from '../../src/store/db.js';
import { keepRecordedModelId, loadEvolutionModels } from '../../src/ui/evolve/evolution-models.js';
import { planResume } from '../../src/ui/evolve/evolution-profiles.js';

/**
 * Resuming an evolution once looked its model up by model id, so editing the profile's URL made it impossible to
 * resume. Now the evolution remembers its profiles by id; the agent must still run the model it recorded.
 */

const agent: ModelProfile = { id: 'p-agent', provider: 'openai-compatible', label: 'Agent on :8001', baseUrl: 'http://127.0.0.1:8001/v1', model: 'qwen', actionProtocol: 'native_tools' };
const proposer: ModelProfile = { id: 'p-proposer', provider: 'openai-compatible', label: 'Proposer on :8002', baseUrl: 'http://127.0.0.1:8002/v1', model: 'big', actionProtocol: 'native_tools' };
const config = { agentModelId: modelIdOfProfile(agent), proposerModelId: modelIdOfProfile(proposer) };
const link: EvolutionProfilesRecord = { evolutionId: 'evo-1', agentProfileId: agent.id, agentProfileName: agent.label, proposerProfileId: proposer.id, proposerProfileName: proposer.label };

describe('resuming an evolution with its saved profiles', () => {
  it('finds both profiles by id after the agent profile moved to another port, and says the model id is kept', () => {
    const moved: ModelProfile = { ...agent, baseUrl: 'http://127.0.0.1:9001/v1', apiKey: 'new-key' };
    const plan = planResume({ evolutionId: 'evo-1', config, link, profiles: [proposer, moved] });
    expect(plan).toMatchObject({ kind: 'ready', agent: moved, proposer, link });
    if (plan.kind === 'ready') expect(plan.notices).toEqual([`“Agent on :8001” now points at http://127.0.0.1:9001/v1; the evolution keeps its model id ${config.agentModelId}, so the rollouts it already ran still count.`]);
  });

  it('keeps the recorded model id on the moved agent, so cached rollouts are found, but never renames another model', async () => {
    const live = new ScriptedModel([{ text: 'hi' }], modelIdOfProfile({ ...agent, baseUrl: 'http://127.0.0.1:9001/v1' }));
    expect(keepRecordedModelId(live, config.agentModelId).id).toBe(config.agentModelId);
    const other = new ScriptedModel([], 'openai-compatible:llama@http://127.0.0.1:9001/v1');
    expect(keepRecordedModelId(other, config.agentModelId).id).toBe('openai-compatible:llama@http://127.0.0.1:9001/v1');
    const models = await loadEvolutionModels({ ...agent, baseUrl: 'http://127.0.0.1:9001/v1' }, { ...agent, baseUrl: 'http://127.0.0.1:9001/v1' }, { ensure: async () => live, create: async () => live }, config.agentModelId);
    expect(models.agentModel.id).toBe(config.agentModelId);
    expect(models.proposerModel).toBe(models.agentModel);
  });

  it('says which agent profile was deleted and asks for another; a profile of the same model resumes', () => {
    const plan = planResume({ evolutionId: 'evo-1', config, link, profiles: [proposer] });
    expect(plan).toEqual({
      kind: 'choose',
      problems: [`The agent profile “Agent on :8001” this evolution ran with was deleted. Choose a saved profile of the same model (${config.agentModelId}) to resume it.`],
      suggestion: { agentProfileId: undefined, proposerProfileId: 'p-proposer' },
    });
    const replacement: ModelProfile = { ...agent, id: 'p-new', label: 'Same qwen, new profile', baseUrl: 'http://127.0.0.1:8001/v1/' };
    const chosen = planResume({ evolutionId: 'evo-1', config, link, profiles: [proposer, replacement], choice: { agentProfileId: 'p-new', proposerProfileId: 'p-proposer' } });
    expect(chosen).toMatchObject({ kind: 'ready', agent: replacement, link: { agentProfileId: 'p-new', agentProfileName: 'Same qwen, new profile', proposerProfileId: 'p-proposer' } });
  });

  it('refuses an agent profile that now runs another model, naming both', () => {
    const plan = planResume({ evolutionId: 'evo-1', config, link, profiles: [{ ...agent, model: 'llama' }, proposer] });
    expect(plan.kind).toBe('choose');
    if (plan.kind === 'choose') {
      expect(plan.problems).toHaveLength(1);
      expect(plan.problems[0]).toContain(`“Agent on :8001” runs openai-compatible:llama@http://127.0.0.1:8001/v1, but this evolution ran with ${config.agentModelId}`);
      expect(plan.problems[0]).toContain('so it is refused');
      expect(plan.suggestion.agentProfileId).toBeUndefined();
    }
    // Choosing a profile of another model explicitly is refused the same way.
    expect(planResume({ evolutionId: 'evo-1', config, link, profiles: [agent, proposer], choice: { agentProfileId: 'p-proposer', proposerProfileId: '' } }).kind).toBe('choose');
  });

  it('says which proposer profile was deleted; the user may let the agent propose', () => {
    const plan = planResume({ evolutionId: 'evo-1', config, link, profiles: [agent] });
    expect(plan).toMatchObject({ kind: 'choose', problems: ['The proposer profile “Proposer on :8002” this evolution ran with was deleted. Choose another proposer (or let the agent propose).'], suggestion: { agentProfileId: 'p-agent', proposerProfileId: '' } });
    expect(planResume({ evolutionId: 'evo-1', config, link, profiles: [agent], choice: { agentProfileId: 'p-agent', proposerProfileId: '' } })).toMatchObject({ kind: 'ready', proposer: agent, link: { proposerProfileId: 'p-agent' } });
  });

  it('resumes an imported or older evolution by model id, and asks when no profile runs its model', () => {
    expect(planResume({ evolutionId: 'evo-cli', config, profiles: [proposer, agent] })).toMatchObject({ kind: 'ready', agent, proposer });
    const alone = { agentModelId: config.agentModelId, proposerModelId: config.agentModelId };
    expect(planResume({ evolutionId: 'evo-cli', config: alone, profiles: [agent] })).toMatchObject({ kind: 'ready', agent, proposer: agent });
    const none = planResume({ evolutionId: 'evo-cli', config, profiles: [] });
    expect(none.kind).toBe('choose');
    if (none.kind === 'choose') expect(none.problems[0]).toContain(`No saved profile runs this evolution's agent model, ${config.agentModelId}`);
  });
});
