import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import type { AcceptanceRule } from '../../src/core/evolve/gate.js';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import type { EvolutionEvent } from '../../src/core/evolve/events.js';
import { buildReport } from '../../src/core/evolve/report.js';
import type { AttemptRunner } from '../../src/core/evolve/run.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionBudget, type EvolutionState, type EvolutionStore, MemoryEvolutionStore } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { fixWorld, scriptedProposer, simulatedAgent, simulatedEvolutionConfig, simulatedTasks, uniform } from '../fixtures/simulated-world.js';
import { agentTurn, proposerTurn, tasks as tinyTasks } from '../fixtures/tiny-world.js';

/** Everything about an evolution that must not depend on the pool size: the state and the report without timings. */
function withoutTimings(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, item) => (['elapsedMs', 'startedAt', 'createdAt', 'durationMs', 'traceId', 'timestamp', 'remainingMs'].includes(key) ? undefined : item));
}

/**
 * A noisy, flaky agent whose noise is a function of the rollout (seed, harness, task, attempt), as a real model's
 * sampling is per episode: it passes by the simulated world's odds, answers after a delay drawn from the same seed (so
 * attempts finish out of order in a pool), hits a transient model error on the first try of some attempts (the loop
 * retries those; a try the pool ran ahead and dropped — its signal aborted — does not count as that first try), and
 * one task's sandbox always fails (the task is left out). It also counts how many attempts ran at once.
 */
function noisyAgent(seed: number) {
  const world = fixWorld({ perCategory: 6, categories: 3, flaky: 0.4, name: 'noisy' });
  const simulated = simulatedAgent(world, seed);
  const tries = new Map<string, AbortSignal[]>();
  const brokenTask = world.tasks[4].task.id;
  const counters = { running: 0, most: 0, started: 0 };
  const runAttempt: AttemptRunner = async (input) => {
    const id = `${seed}|${input.harnessHash}|${input.task.id}|${input.attempt}`;
    const previous = tries.get(id) ?? [];
    const trial = previous.filter((signal) => !signal.aborted).length;
    tries.set(id, [...previous, input.signal]);
    counters.running += 1;
    counters.started += 1;
    counters.most = Math.max(counters.most, counters.running);
    try {
      // Two model answers of 110 tokens each, a delay before each: a token budget can cut the attempt between them.
      for (const step of [1, 2]) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.floor(uniform(`delay|${id}|${trial}|${step}`) * 8));
          input.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (input.signal.aborted) return { outcome: 'agent_error', reason: 'stopped', agentEndReason: 'aborted', usage: { inputTokens: 100 * (step - 1), outputTokens: 10 * (step - 1) }, steps: step - 1, durationMs: 1 };
        input.onEvent({ type: 'model-response', seq: step, timestamp: 0, step, text: '', toolCalls: [], usage: { inputTokens: 100, outputTokens: 10 }, durationMs: 1, finishReason: 'tool_calls' } as AgentEvent);
      }
      if (input.task.id === brokenTask) return { outcome: 'infra_error', reason: 'could not start the sandbox: out of memory', infrastructure: 'environment', usage: { inputTokens: 0, outputTokens: 0 }, steps: 0, durationMs: 1 };
      if (trial === 0 && uniform(`flake|${id}`) < 0.08) {
        const modelError = { kind: 'rate_limit' as const, message: 'HTTP 429: slow down', retryable: true };
        return { outcome: 'infra_error', reason: 'the model could not be reached: HTTP 429', infrastructure: 'model', modelError, usage: { inputTokens: 50, outputTokens: 0 }, steps: 0, durationMs: 1 };
      }
      return await simulated(input);
    } finally {
      counters.running -= 1;
    }
  };
  return { world, runAttempt, counters };
}

async function noisyEvolution(seed: number, concurrency: number, options: { rule?: AcceptanceRule; budget?: Partial<EvolutionBudget>; adaptive?: boolean } = {}) {
  const { world, runAttempt, counters } = noisyAgent(seed);
  const store = new MemoryEvolutionStore();
  const taskList = simulatedTasks(world);
  const agentModel = new ScriptedModel([], 'simulated:agent');
  const proposerModel = scriptedProposer(world);
  const config = simulatedEvolutionConfig(world, seed, { agent: agentModel, proposer: proposerModel }, { acceptance: options.rule ?? { kind: 'paper' }, adaptiveValidation: options.adaptive ?? true, budget: { maxIterations: 3, ...options.budget } });
  await createEvolution(store, { id: `noisy-${seed}`, config, baseHarness: createDefaultHarness(), tasks: taskList, agentModel, proposerModel, now: () => 0 });
  const events: EvolutionEvent[] = [];
  const state = await runEvolution({ store, tasks: taskList, agentModel, proposerModel, runAttempt, concurrency, infraRetryDelaysMs: [1], onEvent: (event) => void events.push(event) });
  return { state, store, counters, events };
}

function summary(state: EvolutionState, store: MemoryEvolutionStore) {
  return {
    decisions: state.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason, candidate.decision?.rollouts]),
    adopted: state.iterations.map((iteration) => iteration.adoptedHash ?? null),
    acceptedEdits: state.versions[state.currentHash].edits,
    usedRollouts: state.usedRollouts,
    cacheKeys: [...store.rollouts.keys()].sort(),
    state: withoutTimings(state),
    report: withoutTimings(buildReport(state)),
  };
}

describe('an evolution gives the same results at any pool size', () => {
  const scenarios: Array<{ name: string; seed: number; rule?: AcceptanceRule; budget?: Partial<EvolutionBudget>; adaptive?: boolean }> = [
    { name: 'paper rule, adaptive validation', seed: 1 },
    { name: 'paper rule, adaptive validation, another seed', seed: 7 },
    { name: 'statistical rule', seed: 3, rule: { kind: 'statistical', alpha: 0.1 } },
    { name: 'strict rule, full validation', seed: 4, rule: { kind: 'strict' }, adaptive: false },
    { name: 'a rollout budget that runs out mid-validation', seed: 5, budget: { maxRollouts: 170 } },
    // Budgets that run out at different points inside attempts, some while the attempt before is still running.
    ...[15_000, 15_055, 15_110, 15_165, 13_000, 13_055, 13_110].map((maxTokens) => ({ name: `a token budget of ${maxTokens} that runs out inside an attempt`, seed: 6, budget: { maxTokens } })),
  ];
  for (const scenario of scenarios) {
    it(`${scenario.name}: pool size 1 and 3 give the same decisions, accepted edits, cache keys, state and report`, async () => {
      const one = await noisyEvolution(scenario.seed, 1, scenario);
      const three = await noisyEvolution(scenario.seed, 3, scenario);
      expect(one.state.status).toBe('done');
      // A pool of one runs one attempt at a time; a pool of three really ran several at once, never more than three.
      expect(one.counters.most).toBe(1);
      expect(three.counters.most).toBeGreaterThan(1);
      expect(three.counters.most).toBeLessThanOrEqual(3);
      expect(one.events.some((event) => event.type === 'rollout-discarded')).toBe(false);
      expect(summary(three.state, three.store)).toEqual(summary(one.state, one.store));
      // The scenario exercised what it names.
      if (scenario.budget) expect(one.state.budgetStop?.reason).toMatch(scenario.budget.maxTokens ? /token budget/ : /rollout budget/);
      if (scenario.budget?.maxTokens) expect(one.state.abandonedUsage.inputTokens).toBeGreaterThan(0);
      expect(one.events.some((event) => event.type === 'rollout-infra-error' && event.willRetry && event.infrastructure === 'model')).toBe(true);
      expect(one.events.some((event) => event.type === 'rollout-unavailable')).toBe(true);
    }, 60_000);
  }

  it('adaptive validation at pool size 3 stops at the same rollout: what ran ahead is discarded, never counted or cached', async () => {
    const one = await noisyEvolution(1, 1);
    const three = await noisyEvolution(1, 3);
    const saved = one.state.candidates.reduce((sum, candidate) => sum + (candidate.decision?.rollouts?.saved ?? 0), 0);
    expect(saved).toBeGreaterThan(0);
    const discarded = three.events.filter((event) => event.type === 'rollout-discarded');
    expect(discarded.length).toBeGreaterThan(0);
    // Only counted rollouts are stored: a discarded one is in the cache only if a later stage ran and counted it.
    expect([...three.store.rollouts.keys()].sort()).toEqual([...new Set(three.state.usedRollouts)].sort());
    expect(three.state.executedRollouts).toBe(one.state.executedRollouts);
  }, 60_000);

  it('real episodes (scripted model, just-bash sandboxes) at pool size 1 and 3 reach the same state', async () => {
    const evolve = async (concurrency: number) => {
      const store = new MemoryEvolutionStore();
      const agentModel = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
      const proposerModel = new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer');
      const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: '', agentModelId: agentModel.id, proposerModelId: proposerModel.id };
      await createEvolution(store, { id: 'tiny', config, baseHarness: createDefaultHarness(), tasks: tinyTasks, agentModel, proposerModel, now: () => 0 });
      let sandboxes = 0;
      let most = 0;
      const state = await runEvolution({
        store,
        tasks: tinyTasks,
        agentModel,
        proposerModel,
        concurrency,
        createSandbox: async () => {
          const sandbox = new JustBashSandbox();
          sandboxes += 1;
          most = Math.max(most, sandboxes);
          const dispose = sandbox.dispose.bind(sandbox);
          sandbox.dispose = async () => {
            sandboxes -= 1;
            await dispose();
          };
          return sandbox;
        },
      });
      return { state, store, most };
    };
    const one = await evolve(1);
    const three = await evolve(3);
    expect(one.state.status).toBe('done');
    expect(one.most).toBe(1);
    expect(three.most).toBeGreaterThan(1);
    expect(summary(three.state, three.store)).toEqual(summary(one.state, one.store));
  }, 60_000);

  it('killed at random points at pool size 3 and resumed, it reaches the decisions of an uninterrupted run at pool size 1, storing no rollout twice', async () => {
    const reference = await noisyEvolution(2, 1);
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 3; trial++) {
      const { world, runAttempt } = noisyAgent(2);
      const taskList = simulatedTasks(world);
      const agentModel = new ScriptedModel([], 'simulated:agent');
      const proposerModel = scriptedProposer(world);
      const disk = new MemoryEvolutionStore();
      const config = simulatedEvolutionConfig(world, 2, { agent: agentModel, proposer: proposerModel });
      await createEvolution(disk, { id: 'noisy-2', config, baseHarness: createDefaultHarness(), tasks: taskList, agentModel, proposerModel, now: () => 0 });
      const puts: string[] = [];
      let kills = 0;
      let state: EvolutionState | undefined;
      for (let life = 0; life < 200 && state?.status !== 'done'; life++) {
        // A store that dies after a few writes, as a killed process would: whatever was in flight is lost.
        let writes = 0;
        const dieAfter = 1 + Math.floor(random() * 30);
        const tick = () => {
          if (++writes > dieAfter) throw new Error('killed');
        };
        const store: EvolutionStore = {
          loadState: () => disk.loadState(),
          getRollout: (key) => disk.getRollout(key),
          saveState: async (value) => (tick(), disk.saveState(value)),
          putRollout: async (record) => {
            tick();
            puts.push(record.key);
            return disk.putRollout(record);
          },
        };
        try {
          state = await runEvolution({ store, tasks: taskList, agentModel, proposerModel, runAttempt, concurrency: 3, infraRetryDelaysMs: [1] });
        } catch (error) {
          expect((error as Error).message).toBe('killed');
          kills++;
        }
      }
      expect(kills).toBeGreaterThan(2);
      expect(state?.status).toBe('done');
      const decided = (value: EvolutionState) => ({ candidates: value.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason]), currentHash: value.currentHash, usedRollouts: value.usedRollouts, versions: withoutTimings(value.versions) });
      expect(decided(state!)).toEqual(decided(reference.state));
      expect(new Set(puts).size).toBe(puts.length);
    }
  }, 120_000);
});
