import { describe, expect, it } from 'vitest';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG, MemoryEvolutionStore } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { scriptedProposer, type SimulatedWorld, simulatedAgent, simulatedTasks, syntheticTask } from '../fixtures/simulated-world.js';

/**
 * Two weaknesses with two disjoint fixes: `fix-alpha` makes the alpha tasks that need it pass, `fix-beta` the beta ones.
 * Both pass the gate in the same iteration; the merge combines them and validates the combination like a candidate.
 */
function twoFixWorld(options: { clash?: boolean } = {}): SimulatedWorld {
  const tasks = ['alpha', 'beta'].flatMap((category) =>
    Array.from({ length: 12 }, (_, index) => ({ task: syntheticTask(`${category}-${String(index).padStart(2, '0')}`, category), kind: index < 4 ? `needs-${category}` : 'easy' })),
  );
  return {
    name: 'two-fixes',
    tasks,
    passProbability(item, features) {
      const both = features.has('fix-alpha') && features.has('fix-beta');
      if (item.kind === 'easy') return options.clash && both ? 0 : 1;
      return features.has(item.kind === 'needs-alpha' ? 'fix-alpha' : 'fix-beta') ? 1 : 0;
    },
    proposals: () => [
      { ruleId: 'fix-alpha', text: 'Check alpha outputs against the instruction before finishing.', rationale: 'alpha fix' },
      { ruleId: 'fix-beta', text: 'Re-read beta input files after writing results to them.', rationale: 'beta fix' },
    ],
  };
}

async function evolve(world: SimulatedWorld) {
  const store = new MemoryEvolutionStore();
  const tasks = simulatedTasks(world);
  const agentModel = new ScriptedModel([], 'simulated:agent');
  const proposerModel = scriptedProposer(world);
  const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: world.name, suiteHash: '', agentModelId: agentModel.id, proposerModelId: proposerModel.id, budget: { maxIterations: 1 } };
  await createEvolution(store, { id: 'merge', config, baseHarness: createDefaultHarness(), tasks, agentModel, proposerModel });
  const events: string[] = [];
  const state = await runEvolution({ store, tasks, agentModel, proposerModel, runAttempt: simulatedAgent(world, 1), onEvent: (event) => void events.push(event.type) });
  return { state, events };
}

describe('merging several accepted candidates', () => {
  it('combines disjoint accepted edits, validates the combination on every held-in and held-out task, and adopts it', async () => {
    const { state } = await evolve(twoFixWorld());
    const [alpha, beta] = state.candidates;
    expect([alpha.edits[0], beta.edits[0]].map((edit) => edit.op === 'add_rule' && edit.ruleId)).toEqual(['fix-alpha', 'fix-beta']);
    expect(alpha.decision?.accepted && beta.decision?.accepted).toBe(true);
    expect([alpha.status, beta.status]).toEqual(['merged', 'merged']);

    const adopted = state.versions[state.currentHash];
    expect(adopted).toMatchObject({ kind: 'merge', status: 'adopted', parentHash: state.baseHash, candidateIds: [alpha.id, beta.id] });
    expect(adopted.harness.rules.map((rule) => rule.id)).toEqual(['fix-alpha', 'fix-beta']);
    // The single-candidate versions stay in the tree, abandoned.
    expect(state.versions[alpha.harnessHash].status).toBe('abandoned');
    expect(state.versions[beta.harnessHash].status).toBe('abandoned');
    expect(state.iterations[0].mergeNote).toMatch(/^merged .*-1 \+ .*-2 \(held-in \d+ → \d+; no held-out task falls; .* alone gained \d+\)$/);
    // Every task of the test split passes with both fixes.
    expect(adopted.scores.test).toEqual({ passed: adopted.scores.test!.total, total: adopted.scores.test!.total });
  });

  it('keeps the best single candidate when the combination fails the gate', async () => {
    const { state } = await evolve(twoFixWorld({ clash: true }));
    const merged = Object.values(state.versions).find((version) => version.kind === 'merge');
    expect(merged?.status).toBe('abandoned');
    expect(state.iterations[0].mergeNote).toMatch(/merge of .* failed the gate \(held-out tasks? falls?: .*\); kept /);
    const kept = state.candidates.find((candidate) => candidate.status === 'merged')!;
    const other = state.candidates.find((candidate) => candidate.status === 'not_merged')!;
    expect(state.currentHash).toBe(kept.harnessHash);
    expect(state.versions[other.harnessHash].status).toBe('abandoned');
    expect(state.versions[state.currentHash].harness.rules).toHaveLength(1);
  });
});
