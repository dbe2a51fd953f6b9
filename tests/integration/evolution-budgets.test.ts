import { describe, expect, it } from 'vitest';
import type { EvolutionEvent } from '../../src/core/evolve/events.js';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { buildReport } from '../../src/core/evolve/report.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionBudget, type EvolutionConfig, MemoryEvolutionStore } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import type { ChatModel, ModelStreamPart } from '../../src/core/model/types.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { EDITS, fixWorld, scriptedProposer, simulatedAgent, simulatedTasks } from '../fixtures/simulated-world.js';
import { agentTurn, proposerTurn, tasks as tinyTasks } from '../fixtures/tiny-world.js';

const world = fixWorld();
const worldTasks = simulatedTasks(world);
const simulated = () => ({ agentModel: new ScriptedModel([], 'simulated:agent'), proposerModel: scriptedProposer(world) });

async function simulatedEvolution(budget: Partial<EvolutionBudget>, store = new MemoryEvolutionStore()) {
  const models = simulated();
  const config: EvolutionConfig = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'fix', suiteHash: '', agentModelId: 'a', proposerModelId: 'p', candidatesPerWeakness: 5, topWeaknesses: 1, budget: { maxIterations: 3, ...budget } };
  await createEvolution(store, { id: 'budgets', config, baseHarness: createDefaultHarness(), tasks: worldTasks, ...models });
  return store;
}

async function resume(store: MemoryEvolutionStore, budget?: Partial<EvolutionBudget>) {
  const events: EvolutionEvent[] = [];
  const usedAt: Record<string, number> = {};
  const state = await runEvolution({
    store,
    tasks: worldTasks,
    ...simulated(),
    runAttempt: simulatedAgent(world, 1),
    budget,
    onEvent: (event, current) => {
      events.push(event);
      if (event.type === 'candidate-decided') usedAt[event.candidateId] = current.usedRollouts.length;
      if (event.type === 'decisions-stopped') usedAt.stop = current.usedRollouts.length;
    },
  });
  return { state, events, usedAt, notices: events.flatMap((event) => (event.type === 'notice' ? [event.message] : [])) };
}

const fixCandidate = (state: Awaited<ReturnType<typeof resume>>['state']) => state.candidates.find((candidate) => candidate.edits.some((edit) => edit.op === 'add_rule' && edit.ruleId === EDITS.fix.ruleId))!;

describe('budgets', () => {
  it('a rollout budget that runs out after the gate accepted the fix still merges it; the final test has its own reported budget; raising it on resume continues', async () => {
    const reference = await resume(await simulatedEvolution({}));
    const fix = fixCandidate(reference.state);
    expect(fix.status).toBe('merged');
    const budget = reference.usedAt[fix.id];

    const store = await simulatedEvolution({ maxRollouts: budget });
    const stopped = await resume(store);
    expect(stopped.state.status).toBe('done');
    expect(stopped.state.stopReason).toBe(`rollout budget of ${budget} used`);
    expect(fixCandidate(stopped.state).status).toBe('merged');
    expect(stopped.state.versions[stopped.state.currentHash].harness.rules.map((rule) => rule.id)).toEqual([EDITS.fix.ruleId]);
    const others = stopped.state.candidates.filter((candidate) => candidate.id !== fix.id);
    expect(others.map((candidate) => [candidate.status, candidate.failure])).toEqual(others.map(() => ['skipped', `not validated: rollout budget of ${budget} used`]));
    expect(buildReport(stopped.state).acceptedEdits.map((edit) => edit.candidateId)).toEqual([fix.id]);
    // Decisions used exactly the budget; the final test used its own, and says how much.
    const finalTest = stopped.state.finalTest!;
    expect(finalTest.used).toBe(finalTest.planned);
    expect(finalTest.budget).toBe(finalTest.planned);
    expect(stopped.usedAt.stop).toBe(budget);
    expect(stopped.state.usedRollouts.length).toBeLessThanOrEqual(budget + finalTest.used);

    const continued = await resume(store, { maxRollouts: 100_000 });
    expect(continued.notices).toContain(`rollout budget raised from ${budget} to 100000`);
    expect(continued.notices.join('\n')).toMatch(/it had stopped \(rollout budget of \d+ used\); continuing with iteration 2/);
    expect(continued.state.status).toBe('done');
    expect(continued.state.iterations.length).toBeGreaterThanOrEqual(2);
    expect(continued.state.stopReason).not.toMatch(/budget/);
  });

  it('an iteration budget ends decisions, the final test measures the adopted version whole, and raising it on resume continues', async () => {
    const store = await simulatedEvolution({ maxIterations: 1 });
    const first = await resume(store);
    expect(first.state.stopReason).toBe('reached 1 iteration');
    expect(first.state.iterations).toHaveLength(1);
    const adopted = first.state.versions[first.state.currentHash];
    expect(adopted.scores.heldIn).toEqual({ passed: expect.any(Number), total: first.state.splits.heldIn.length * 2 });
    const again = await resume(store, { maxIterations: 3 });
    expect(again.notices).toContain('iteration budget raised from 1 to 3');
    expect(again.state.iterations.length).toBeGreaterThan(1);
    expect(again.state.stopReason).toMatch(/converged/);
  });

  it('the final test keeps to its own budget and compares only whole, paired tasks', async () => {
    const store = await simulatedEvolution({ maxIterations: 1, maxFinalTestRollouts: 4 });
    const { state } = await resume(store);
    expect(state.finalTest).toMatchObject({ budget: 4, planned: 4, used: 4 });
    // One test task, both versions, both attempts.
    expect(state.versions[state.baseHash].scores.test?.total).toBe(2);
    expect(state.versions[state.currentHash].scores.test?.total).toBe(2);
    expect(buildReport(state).testSplit.budget).toEqual({ budget: 4, used: 4, planned: 4, tasks: 1, of: state.splits.test.length });
  });
});

const tinyModels = () => ({
  agentModel: new ScriptedModel((request) => agentTurn(request), 'scripted:agent'),
  proposerModel: new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer'),
});

async function tinyEvolution(budget: Partial<EvolutionBudget>) {
  const store = new MemoryEvolutionStore();
  const config: EvolutionConfig = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: '', agentModelId: 'a', proposerModelId: 'p', budget: { maxIterations: 3, ...budget } };
  await createEvolution(store, { id: 'tiny', config, baseHarness: createDefaultHarness(), tasks: tinyTasks, ...tinyModels() });
  return store;
}

/** A model that never answers: every request waits until it is aborted. */
class StallingModel implements ChatModel {
  readonly id = 'scripted:agent';
  readonly provider = 'scripted';
  readonly actionProtocol = 'native_tools' as const;
  calls = 0;
  async *stream(_request: unknown, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    this.calls++;
    await new Promise<void>((resolve) => (signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve(), { once: true })));
    yield { type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } };
  }
}

describe('budgets inside a rollout', () => {
  it('a token budget aborts the rollout whose model answer crosses it; what was used stays under it; the cut attempt is counted, not cached', async () => {
    const store = await tinyEvolution({ maxTokens: 1000 });
    let atStop: { used: number; abandoned: number; rollouts: number } | undefined;
    const state = await runEvolution({
      store,
      tasks: tinyTasks,
      ...tinyModels(),
      createSandbox: async () => new JustBashSandbox(),
      onEvent: (event, current) => {
        if (event.type === 'decisions-stopped') atStop = { used: current.agentUsage.inputTokens + current.agentUsage.outputTokens, abandoned: current.abandonedUsage.inputTokens + current.abandonedUsage.outputTokens, rollouts: current.usedRollouts.length };
      },
    });
    expect(state.stopReason).toBe('token budget of 1000 used');
    // Each tiny-world rollout costs 220 tokens in two answers: four fit (880); the fifth is cut at its second answer.
    expect(atStop).toEqual({ used: 880, abandoned: 220, rollouts: 4 });
    expect(store.rollouts.size).toBe(4 + state.finalTest!.used);
  });

  it('--max-minutes is wall-clock: the model call in flight is aborted at the limit and the evolution pauses; resuming needs a larger budget', async () => {
    const store = await tinyEvolution({ maxWallTimeMs: 1500 });
    const stalling = new StallingModel();
    const started = Date.now();
    const paused = await runEvolution({ store, tasks: tinyTasks, agentModel: stalling, proposerModel: tinyModels().proposerModel, createSandbox: async () => new JustBashSandbox() });
    const took = Date.now() - started;
    expect(paused.status).toBe('paused');
    expect(paused.pause).toMatchObject({ kind: 'time_budget', reason: 'time budget of 2 s used' });
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(6000);
    expect(stalling.calls).toBe(1);
    expect(store.rollouts.size).toBe(0);
    expect(paused.usedRollouts).toEqual([]);

    const stillOut = await runEvolution({ store, tasks: tinyTasks, agentModel: stalling, proposerModel: tinyModels().proposerModel, createSandbox: async () => new JustBashSandbox() });
    expect(stillOut.pause?.kind).toBe('time_budget');
    expect(stalling.calls).toBe(1);

    const notices: string[] = [];
    const done = await runEvolution({
      store,
      tasks: tinyTasks,
      ...tinyModels(),
      createSandbox: async () => new JustBashSandbox(),
      budget: { maxWallTimeMs: 10 * 60_000 },
      onEvent: (event) => void (event.type === 'notice' && notices.push(event.message)),
    });
    expect(notices).toContain('time budget raised from 2 s to 10 min');
    expect(done.status).toBe('done');
    expect(done.pause).toBeUndefined();
  }, 60_000);
});
