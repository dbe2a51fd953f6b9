import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVOLUTION_SETTINGS,
  describeConfigProblems,
  evolutionTaskCountProblem,
  MIN_EVOLUTION_TASKS,
  parseEvolutionConfig,
  parseEvolutionSettings,
  parseSplitRatiosText,
} from '../../src/core/evolve/config.js';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { MemoryEvolutionStore } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { tasks } from '../fixtures/tiny-world.js';

/**
 * The CLI accepted `--attempts 1.5` and `--alpha 5` while the page rejected α outside (0, 1), and "at least 4 tasks"
 * was written three times. Now one schema decides, with one message per setting, for every way in.
 */

const ids = { suiteId: 'tiny', suiteHash: 'hash', agentModelId: 'scripted:agent', proposerModelId: 'scripted:agent' };
const settings = (patch: Record<string, unknown>) => ({ ...DEFAULT_EVOLUTION_SETTINGS, ...patch });
const messages = (input: unknown) => {
  const parsed = parseEvolutionSettings(input);
  return parsed.ok ? [] : parsed.problems.map((problem) => `${problem.path}: ${problem.message}`);
};

describe('evolution settings', () => {
  it('accept the defaults', () => {
    expect(parseEvolutionSettings(DEFAULT_EVOLUTION_SETTINGS)).toEqual({ ok: true, value: DEFAULT_EVOLUTION_SETTINGS });
  });

  it('want whole numbers where counts are meant', () => {
    expect(messages(settings({ attempts: 1.5 }))).toEqual(['attempts: Attempts per task (k) must be a whole number of at least 1, not 1.5']);
    expect(messages(settings({ attempts: 0 }))).toEqual(['attempts: Attempts per task (k) must be a whole number of at least 1, not 0']);
    expect(messages(settings({ candidatesPerWeakness: 'three' }))).toEqual(['candidatesPerWeakness: Candidates per weakness (n) must be a whole number of at least 1, not "three"']);
    expect(messages(settings({ budget: { maxIterations: 2, maxRollouts: 10.5 } }))).toEqual(['budget.maxRollouts: Rollout budget must be a whole number of at least 1, not 10.5']);
    expect(messages(settings({ seed: -1 }))).toEqual(['seed: Split seed must be a whole number of at least 0, not -1']);
    expect(messages(settings({ attempts: undefined }))).toEqual(['attempts: Attempts per task (k) is required']);
  });

  it('want α strictly between 0 and 1', () => {
    expect(messages(settings({ acceptance: { kind: 'statistical', alpha: 5 } }))).toEqual(['acceptance.alpha: α (one-sided) must be a number between 0 and 1 (both excluded), not 5']);
    expect(messages(settings({ acceptance: { kind: 'statistical', alpha: 0 } }))).toHaveLength(1);
    expect(messages(settings({ acceptance: { kind: 'statistical', alpha: 0.05 } }))).toEqual([]);
    expect(messages(settings({ acceptance: { kind: 'lenient' } }))).toEqual(['acceptance.kind: Acceptance rule must be paper, strict or statistical, not "lenient"']);
  });

  it('want budgets above zero', () => {
    expect(messages(settings({ budget: { maxIterations: 3, maxWallTimeMs: 0 } }))).toEqual(['budget.maxWallTimeMs: Time budget must be above 0']);
    expect(messages(settings({ budget: { maxIterations: 0 } }))).toEqual(['budget.maxIterations: Max iterations must be a whole number of at least 1, not 0']);
  });

  it('normalise split ratios to sum to 1, refuse negative shares and an empty held-in share', () => {
    const parsed = parseEvolutionSettings(settings({ splitRatios: { heldIn: 2, heldOut: 1, test: 1 } }));
    expect(parsed.ok && parsed.value.splitRatios).toEqual({ heldIn: 0.5, heldOut: 0.25, test: 0.25 });
    expect(messages(settings({ splitRatios: { heldIn: 0.5, heldOut: -0.25, test: 0.25 } }))).toEqual([
      'splitRatios.heldOut: Split held-in / held-out / test: the held-out share must be a number of at least 0, not -0.25',
    ]);
    expect(messages(settings({ splitRatios: { heldIn: 0, heldOut: 1, test: 1 } }))).toEqual([
      'splitRatios: Split held-in / held-out / test: the held-in share must be above 0 — the proposer learns only from held-in traces',
    ]);
  });

  it('read ratios as typed, with commas or slashes', () => {
    expect(parseSplitRatiosText('0.5,0.25,0.25')).toEqual({ ok: true, ratios: { heldIn: 0.5, heldOut: 0.25, test: 0.25 } });
    expect(parseSplitRatiosText(' 2 / 1 / 1 ')).toEqual({ ok: true, ratios: { heldIn: 2, heldOut: 1, test: 1 } });
    expect(parseSplitRatiosText('0.5,0.5')).toEqual({ ok: false, problem: 'Split held-in / held-out / test must be three numbers separated by commas or slashes (like 0.5,0.25,0.25), not "0.5,0.5"' });
    expect(parseSplitRatiosText('a,b,c').ok).toBe(false);
  });

  it('list every problem once, in one line', () => {
    const parsed = parseEvolutionSettings(settings({ attempts: 1.5, topWeaknesses: 0 }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(describeConfigProblems(parsed.problems)).toBe('Attempts per task (k) must be a whole number of at least 1, not 1.5; Weaknesses to address per iteration must be a whole number of at least 1, not 0');
  });
});

describe('the minimum suite', () => {
  it('is one number with one message', () => {
    expect(MIN_EVOLUTION_TASKS).toBe(4);
    expect(evolutionTaskCountProblem(4)).toBeUndefined();
    expect(evolutionTaskCountProblem(3)).toBe('An evolution needs at least 4 tasks (held-in, held-out and test); this suite has 3.');
  });
});

describe('every way in uses the schema', () => {
  const harness = createDefaultHarness();

  it('createEvolution refuses bad settings and too few tasks with the same messages', async () => {
    const store = new MemoryEvolutionStore();
    await expect(createEvolution(store, { id: 'e', config: { ...DEFAULT_EVOLUTION_SETTINGS, ...ids, attempts: 1.5 }, baseHarness: harness, tasks })).rejects.toThrow(
      'Attempts per task (k) must be a whole number of at least 1, not 1.5',
    );
    await expect(createEvolution(store, { id: 'e', config: { ...DEFAULT_EVOLUTION_SETTINGS, ...ids }, baseHarness: harness, tasks: tasks.slice(0, 3) })).rejects.toThrow(
      'An evolution needs at least 4 tasks (held-in, held-out and test); this suite has 3.',
    );
    expect(store.state).toBeUndefined();
  });

  it('resuming a saved state with settings out of range says which, and changes nothing stored', async () => {
    const store = new MemoryEvolutionStore();
    await createEvolution(store, { id: 'e', config: { ...DEFAULT_EVOLUTION_SETTINGS, ...ids }, baseHarness: harness, tasks });
    // e.g. written by an older CLI that took --alpha 5
    store.state!.config.acceptance = { kind: 'statistical', alpha: 5 };
    const before = structuredClone(store.state);
    const model = new ScriptedModel([], 'scripted:agent');
    await expect(runEvolution({ store, tasks, agentModel: model, createSandbox: async () => new JustBashSandbox() })).rejects.toThrow(
      'the saved evolution e has settings this version cannot run: α (one-sided) must be a number between 0 and 1 (both excluded), not 5',
    );
    expect(store.state).toEqual(before);
    expect(model.calls).toHaveLength(0);
  });

  it('a whole config also needs what it runs on', () => {
    const parsed = parseEvolutionConfig({ ...DEFAULT_EVOLUTION_SETTINGS, ...ids, agentModelId: '' });
    expect(parsed.ok ? [] : parsed.problems.map((problem) => problem.message)).toEqual(['the agent model id is missing']);
  });
});
