import { describe, expect, it } from 'vitest';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionConfig, type EvolutionState, MemoryEvolutionStore, type EvolutionStore } from '../../src/core/evolve/state.js';
import { advanceProgress, type EvolutionProgress, initialProgress } from '../../src/core/evolve/progress.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { agentTurn, canaryTask, isHard, proposerTurn, SECRET, tasks } from '../fixtures/tiny-world.js';

function createModels() {
  const agent = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
  const proposer = new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer');
  return { agent, proposer };
}

const modelsForCreate = () => {
  const { agent, proposer } = createModels();
  return { agentModel: agent, proposerModel: proposer };
};

const baseConfig = (overrides: Partial<EvolutionConfig> = {}): EvolutionConfig => ({
  ...DEFAULT_EVOLUTION_CONFIG,
  suiteId: 'tiny',
  suiteHash: 'suite-hash',
  agentModelId: 'scripted:agent',
  proposerModelId: 'scripted:proposer',
  ...overrides,
});

async function evolve(store: EvolutionStore, config = baseConfig()) {
  const { agent, proposer } = createModels();
  await createEvolution(store, { id: 'evo-1', config, baseHarness: createDefaultHarness(), tasks, agentModel: agent, proposerModel: proposer });
  const state = await runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, createSandbox: async () => new JustBashSandbox() });
  return { state, agent, proposer };
}

/** What must not depend on interruptions: every decision and the version tree. */
function decisions(state: EvolutionState) {
  return {
    status: state.status,
    stopReason: state.stopReason,
    currentHash: state.currentHash,
    candidates: state.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason, candidate.decision?.flips]),
    versions: Object.values(state.versions).map((version) => [version.hash, version.parentHash, version.status, version.scores]).sort(),
    usedRollouts: state.usedRollouts,
  };
}

async function chooseCanary() {
  const store = new MemoryEvolutionStore();
  await createEvolution(store, { id: 'probe', config: baseConfig(), baseHarness: createDefaultHarness(), tasks, ...modelsForCreate() });
  return (await store.loadState())!;
}

describe('the Self-Harness loop', () => {
  it('accepts the edit that fixes the weakness, rejects the one that breaks a held-out task, and records both', async () => {
    const probe = await chooseCanary();
    expect(probe.splits.heldIn.length).toBe(6);
    expect(probe.splits.heldOut.length).toBe(3);
    expect(probe.splits.test.length).toBe(3);
    expect(canaryTask).toBeTruthy();

    const store = new MemoryEvolutionStore();
    const { state } = await evolve(store);

    expect(state.status).toBe('done');
    const [good, bad, cheat] = ['double-check', 'shortcut', 'peek'].map((ruleId) =>
      state.candidates.find((candidate) => candidate.edits.some((edit) => edit.op === 'add_rule' && edit.ruleId === ruleId)),
    );
    expect(cheat).toBeUndefined(); // the critic rejected it before it cost a rollout
    expect(state.iterations[0].rejectedProposals.map((rejected) => rejected.reason).join()).toMatch(/critic: add_rule names the verifier/);

    expect(good?.status).toBe('merged');
    expect(good?.decision?.accepted).toBe(true);
    expect(good?.decision?.flips.some((flip) => flip.flip === 'fail→pass' && flip.split === 'heldIn')).toBe(true);
    expect(good?.predictedFlipsHappened?.length).toBeGreaterThan(0);

    expect(bad?.status).toBe('rejected');
    expect(bad?.decision?.reason).toMatch(/held-out task falls: /);
    // Adaptive validation stopped at the canary's first failed attempt: no remaining rollout could undo that fall.
    expect(bad?.decision?.flips.find((flip) => flip.taskId === canaryTask)).toMatchObject({ flip: 'regressed', split: 'heldOut', candidateAttempts: 1 });
    expect(bad?.decision?.rollouts?.saved).toBeGreaterThan(10);
    expect(good?.decision?.rollouts?.saved).toBeGreaterThan(0);

    // Version tree: base → good (adopted), base → bad (abandoned).
    const base = state.versions[state.baseHash];
    expect(base.parentHash).toBeUndefined();
    expect(state.currentHash).toBe(good!.harnessHash);
    expect(state.versions[good!.harnessHash]).toMatchObject({ parentHash: state.baseHash, status: 'adopted' });
    expect(state.versions[bad!.harnessHash]).toMatchObject({ parentHash: state.baseHash, status: 'abandoned' });
    expect(state.versions[state.currentHash].harness.rules.map((rule) => [rule.id, rule.source.kind])).toEqual([['double-check', 'evolution']]);

    // Iteration 2 finds nothing left to fix on held-in; the test split is reported for first and last version.
    expect(state.stopReason).toMatch(/every held-in attempt passes/);
    expect(base.scores.test?.total).toBe(6);
    expect(state.versions[state.currentHash].scores.test?.passed).toBe(6);
    expect(state.versions[state.currentHash].scores.heldIn).toEqual({ passed: 12, total: 12 });
  });

  it('never shows a proposer the verifier, its output, or held-out traces', async () => {
    await chooseCanary();
    const store = new MemoryEvolutionStore();
    const { state, proposer } = await evolve(store);
    expect(proposer.calls.length).toBeGreaterThanOrEqual(2);
    for (const call of proposer.calls) {
      const prompt = JSON.stringify(call.messages);
      expect(prompt).not.toContain(SECRET);
      expect(prompt).not.toContain('grep -qx ok');
      expect(prompt).not.toMatch(/verifier (passed|failed)/);
      for (const taskId of [...state.splits.heldOut, ...state.splits.test]) expect(prompt).not.toContain(`[${taskId}]`);
    }
  });

  it('never runs an unchanged (harness, model, suite, task, attempt) twice, even in a new evolution', async () => {
    await chooseCanary();
    const store = new MemoryEvolutionStore();
    const first = await evolve(store);
    const executed = first.state.executedRollouts;
    expect(executed).toBe(store.rollouts.size);
    const { agent, proposer } = createModels();
    await createEvolution(store, { id: 'evo-2', config: baseConfig(), baseHarness: createDefaultHarness(), tasks, agentModel: agent, proposerModel: proposer });
    const second = await runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, createSandbox: async () => new JustBashSandbox() });
    expect(second.executedRollouts).toBe(0);
    expect(agent.calls).toHaveLength(0);
    expect(decisions(second).candidates).toEqual(decisions(first.state).candidates);
  });

  it('stops at the rollout budget and still reports the test split', async () => {
    await chooseCanary();
    const store = new MemoryEvolutionStore();
    const { state } = await evolve(store, baseConfig({ budget: { maxIterations: 5, maxRollouts: 10 } }));
    expect(state.status).toBe('done');
    expect(state.stopReason).toBe('rollout budget of 10 used');
    expect(state.versions[state.baseHash].scores.test?.total).toBe(6);
  });

  it('with human review, pauses before the merge and follows the person\'s decision', async () => {
    await chooseCanary();
    const store = new MemoryEvolutionStore();
    const { state } = await evolve(store, baseConfig({ reviewBeforeMerge: true }));
    expect(state.status).toBe('awaiting_review');
    const good = state.candidates.find((candidate) => candidate.status === 'accepted')!;
    const saved = (await store.loadState())!;
    saved.reviews[good.id] = 'reject';
    await store.saveState(saved);
    const { agent, proposer } = createModels();
    const after = await runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, createSandbox: async () => new JustBashSandbox() });
    expect(after.candidates.find((candidate) => candidate.id === good.id)?.status).toBe('human_rejected');
    expect(after.currentHash).toBe(after.baseHash);
  });

  it('counts progress exactly: a stage never shows more rollouts done than planned, and ends with all of them', async () => {
    const store = new MemoryEvolutionStore();
    const { agent, proposer } = createModels();
    await createEvolution(store, { id: 'progress', config: baseConfig(), baseHarness: createDefaultHarness(), tasks, agentModel: agent, proposerModel: proposer });
    let progress: EvolutionProgress | undefined;
    const ended: Array<[string, number, number]> = [];
    await runEvolution({
      store,
      tasks,
      agentModel: agent,
      proposerModel: proposer,
      createSandbox: async () => new JustBashSandbox(),
      onEvent: (event, state) => {
        progress = advanceProgress(progress ?? initialProgress(state), event, state);
        expect(progress.rolloutsDone).toBeLessThanOrEqual(progress.rolloutsPlanned);
        if (event.type === 'stage-end') ended.push([event.stage, progress.rolloutsDone, progress.rolloutsPlanned]);
      },
    });
    expect(ended.map(([stage]) => stage)).toEqual(['evaluate', 'mine', 'propose', 'validate', 'merge', 'evaluate', 'final_test']);
    for (const [, done, planned] of ended) expect(done).toBe(planned);
    expect(ended.find(([stage]) => stage === 'validate')![2]).toBeLessThan(3 * 9 * 2); // adaptive validation saved some
  });

  it('refuses settings that could never run, before anything is stored', async () => {
    const store = new MemoryEvolutionStore();
    await expect(createEvolution(store, { id: 'x', config: baseConfig({ attempts: 0.5 }), baseHarness: createDefaultHarness(), tasks, ...modelsForCreate() })).rejects.toThrow(/invalid evolution settings: config.attempts/);
    await expect(createEvolution(store, { id: 'x', config: baseConfig({ acceptance: { kind: 'statistical', alpha: 5 } }), baseHarness: createDefaultHarness(), tasks, ...modelsForCreate() })).rejects.toThrow(/config.acceptance.alpha/);
    expect(store.state).toBeUndefined();
  });

  it('a proposer that answers garbage is a recorded failed stage, not a crash', async () => {
    await chooseCanary();
    const store = new MemoryEvolutionStore();
    const agent = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
    const proposer = new ScriptedModel(() => ({ text: 'I am not JSON at all' }), 'scripted:proposer');
    await createEvolution(store, { id: 'evo-g', config: baseConfig({ budget: { maxIterations: 2 } }), baseHarness: createDefaultHarness(), tasks, agentModel: agent, proposerModel: proposer });
    const state = await runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, createSandbox: async () => new JustBashSandbox() });
    expect(state.status).toBe('done');
    expect(state.stageFailures.map((failure) => failure.stage)).toEqual(['mine']);
    expect(state.stageFailures[0].error).toMatch(/no JSON object found/);
    expect(proposer.calls).toHaveLength(3); // 1 try + 2 retries; iteration 2 would ask the same of the same harness, so it does not run
    expect(state.stopReason).toMatch(/iteration 1 left the harness unchanged/);
    expect(state.iterations).toHaveLength(1);
  });
});

/** A store that dies (like a killed process) after a number of writes; the memory behind it is the disk. */
class DyingStore implements EvolutionStore {
  private writes = 0;
  constructor(
    private readonly disk: MemoryEvolutionStore,
    private readonly writesBeforeDeath: number,
  ) {}
  private tick() {
    if (++this.writes > this.writesBeforeDeath) throw new Error('killed');
  }
  loadState() {
    return this.disk.loadState();
  }
  async saveState(state: EvolutionState) {
    this.tick();
    return this.disk.saveState(state);
  }
  getRollout(key: string) {
    return this.disk.getRollout(key);
  }
  async putRollout(record: Parameters<EvolutionStore['putRollout']>[0]) {
    this.tick();
    return this.disk.putRollout(record);
  }
}

describe('resuming after a kill', () => {
  it('makes the same decisions as an uninterrupted run, whatever the kill points, and runs nothing twice', async () => {
    await chooseCanary();
    const reference = await evolve(new MemoryEvolutionStore());
    const expected = decisions(reference.state);

    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 6; trial++) {
      const disk = new MemoryEvolutionStore();
      await createEvolution(disk, { id: 'evo-1', config: baseConfig(), baseHarness: createDefaultHarness(), tasks, ...modelsForCreate() });
      const puts: string[] = [];
      const originalPut = disk.putRollout.bind(disk);
      disk.putRollout = async (record) => {
        puts.push(record.key);
        return originalPut(record);
      };
      let state: EvolutionState | undefined;
      let kills = 0;
      for (let life = 0; life < 100 && state?.status !== 'done'; life++) {
        const { agent, proposer } = createModels();
        const store = new DyingStore(disk, 1 + Math.floor(random() * 25));
        try {
          state = await runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, createSandbox: async () => new JustBashSandbox() });
        } catch (error) {
          expect((error as Error).message).toBe('killed');
          kills++;
        }
      }
      expect(kills).toBeGreaterThan(2);
      expect(decisions(state!)).toEqual(expected);
      expect(new Set(puts).size).toBe(puts.length); // no finished rollout was ever run again
    }
  }, 120_000);

  it('a pause keeps everything and the next run continues', async () => {
    await chooseCanary();
    const reference = decisions((await evolve(new MemoryEvolutionStore())).state);
    const disk = new MemoryEvolutionStore();
    await createEvolution(disk, { id: 'evo-1', config: baseConfig(), baseHarness: createDefaultHarness(), tasks, ...modelsForCreate() });
    const controller = new AbortController();
    const { agent, proposer } = createModels();
    let seen = 0;
    const paused = await runEvolution({
      store: disk,
      tasks,
      agentModel: agent,
      proposerModel: proposer,
      createSandbox: async () => new JustBashSandbox(),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'rollout-end' && ++seen === 15) controller.abort();
      },
    });
    expect(paused.status).toBe('paused');
    const models = createModels();
    const resumed = await runEvolution({ store: disk, tasks, agentModel: models.agent, proposerModel: models.proposer, createSandbox: async () => new JustBashSandbox() });
    expect(decisions(resumed)).toEqual(reference);
  });
});
