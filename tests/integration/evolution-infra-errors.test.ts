import { describe, expect, it } from 'vitest';
import { createEvolution, EvolutionRefused, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import type { EvolutionEvent } from '../../src/core/evolve/events.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionConfig, type EvolutionState, type EvolutionStore, MemoryEvolutionStore, type RolloutRecord } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel, type ScriptedTurn } from '../../src/core/model/scripted.js';
import type { ModelRequest } from '../../src/core/model/types.js';
import { DEFAULT_SPLIT_RATIOS, splitTasks } from '../../src/core/evolve/splits.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { type ExecOptions, type ExecResult, SandboxUnavailableError } from '../../src/core/sandbox/types.js';
import type { AgentEndReason } from '../../src/core/agent/events.js';
import { runTask } from '../../src/core/tasks/run-task.js';
import { agentTurn, proposerTurn, tasks } from '../fixtures/tiny-world.js';

/**
 * Infrastructure errors are not task outcomes: an unreachable model pauses the evolution (and nothing of the failed
 * attempts is cached, counted or mined); a sandbox that fails leaves its task out; a crash fails one rollout or one
 * candidate, never the evolution; a failed evolution resumes once the cause is gone.
 */

const serverDown: ScriptedTurn = { error: { kind: 'network', status: 503, message: 'server error (503): upstream unavailable', retryable: true } };

/** The tiny world's agent behind a switch: while `down`, every request fails like a server that is away. */
function switchableAgent() {
  const control = { down: false };
  const model = new ScriptedModel((request: ModelRequest) => (control.down ? serverDown : agentTurn(request)), 'scripted:agent');
  return { model, control };
}
const proposer = () => new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer');
const config = (overrides: Partial<EvolutionConfig> = {}): EvolutionConfig => ({ ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: '', agentModelId: 'a', proposerModelId: 'p', ...overrides });
const sandbox = async () => new JustBashSandbox();

async function start(store: EvolutionStore = new MemoryEvolutionStore()) {
  await createEvolution(store, { id: 'infra', config: config(), baseHarness: createDefaultHarness(), tasks, agentModel: new ScriptedModel([], 'scripted:agent'), proposerModel: proposer() });
  return store;
}

const decisions = (state: EvolutionState) => ({
  currentHash: state.currentHash,
  stopReason: state.stopReason,
  candidates: state.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason]),
  usedRollouts: state.usedRollouts,
});

async function reference() {
  const store = await start();
  return runEvolution({ store, tasks, agentModel: switchableAgent().model, proposerModel: proposer(), createSandbox: sandbox });
}

/** A sandbox whose worker dies at the agent's first command, as the page's worker sandbox reports it. */
class DyingSandbox extends JustBashSandbox {
  override async exec(_command: string, _options?: ExecOptions): Promise<ExecResult> {
    throw new SandboxUnavailableError('the sandbox worker died: RangeError: WebAssembly.Memory(): could not allocate memory');
  }
}

describe('infrastructure errors', () => {
  it('a model that goes away pauses the evolution with the reason; its failed attempts are never cached, counted or mined; back up, it resumes to the same decisions', async () => {
    const expected = decisions(await reference());
    const store = (await start()) as MemoryEvolutionStore;
    const { model, control } = switchableAgent();
    const events: EvolutionEvent[] = [];
    let rolloutsSeen = 0;
    const paused = await runEvolution({
      store,
      tasks,
      agentModel: model,
      proposerModel: proposer(),
      createSandbox: sandbox,
      infraRetryDelaysMs: [10],
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'rollout-end' && ++rolloutsSeen === 5) control.down = true;
      },
    });
    expect(paused.status).toBe('paused');
    expect(paused.pause).toMatchObject({ kind: 'model_unreachable' });
    expect(paused.pause?.reason).toMatch(/the model could not be reached: model error \(network\): server error \(503\)/);
    expect(paused.pause?.resumeHint).toMatch(/resume/);
    // Tried, retried once, then paused; nothing of it stored or counted.
    const infra = events.filter((event) => event.type === 'rollout-infra-error');
    expect(infra.map((event) => event.type === 'rollout-infra-error' && event.willRetry)).toEqual([true, false]);
    expect(paused.usedRollouts).toHaveLength(5);
    expect([...store.rollouts.values()].map((record: RolloutRecord) => record.outcome)).not.toContain('infra_error');
    expect(store.rollouts.size).toBe(5);
    expect(paused.currentHash).toBe(paused.baseHash);

    control.down = false;
    const resumed = await runEvolution({ store, tasks, agentModel: model, proposerModel: proposer(), createSandbox: sandbox });
    expect(resumed.status).toBe('done');
    expect(decisions(resumed)).toEqual(expected);
  }, 60_000);

  it('an in-page model whose worker died (engine_failed) pauses the evolution like a server that is away; nothing of it is cached, counted or mined', async () => {
    const expected = decisions(await reference());
    const store = (await start()) as MemoryEvolutionStore;
    const control = { dead: false };
    const engineDied: ScriptedTurn = { error: { kind: 'engine_failed', message: 'the WebLLM worker failed: RangeError: WebAssembly.Memory(): could not allocate memory', retryable: false } };
    const model = new ScriptedModel((request: ModelRequest) => (control.dead ? engineDied : agentTurn(request)), 'scripted:agent');
    const ends: Array<AgentEndReason | undefined> = [];
    let rolloutsSeen = 0;
    const paused = await runEvolution({
      store,
      tasks,
      agentModel: model,
      proposerModel: proposer(),
      infraRetryDelaysMs: [1],
      runAttempt: async (input) => {
        const result = await runTask({ ...input, createSandbox: sandbox });
        ends.push(result.agentEndReason);
        return result;
      },
      onEvent: (event) => void (event.type === 'rollout-end' && ++rolloutsSeen === 5 && (control.dead = true)),
    });
    expect(ends.slice(-2)).toEqual(['model_unavailable', 'model_unavailable']);
    expect(paused.status).toBe('paused');
    expect(paused.pause).toMatchObject({ kind: 'model_unreachable', reason: expect.stringContaining('the WebLLM worker failed') });
    expect(paused.usedRollouts).toHaveLength(5);
    expect([...store.rollouts.values()].map((record) => record.outcome)).not.toContain('infra_error');
    expect(paused.currentHash).toBe(paused.baseHash);

    control.dead = false;
    const resumed = await runEvolution({ store, tasks, agentModel: model, proposerModel: proposer(), createSandbox: sandbox });
    expect(decisions(resumed)).toEqual(expected);
  }, 60_000);

  it('an endpoint that refuses every request for good (a server setting) pauses at once with the server\'s message: no retry, nothing counted, cached or mined', async () => {
    const expected = decisions(await reference());
    const store = (await start()) as MemoryEvolutionStore;
    const control = { misconfigured: false };
    const refusal: ScriptedTurn = { error: { kind: 'server_error', status: 500, message: 'server error (500): tools param requires --jinja flag', retryable: false } };
    const model = new ScriptedModel((request: ModelRequest) => (control.misconfigured ? refusal : agentTurn(request)), 'scripted:agent');
    const events: EvolutionEvent[] = [];
    let rolloutsSeen = 0;
    const paused = await runEvolution({
      store,
      tasks,
      agentModel: model,
      proposerModel: proposer(),
      createSandbox: sandbox,
      infraRetryDelaysMs: [10],
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'rollout-end' && ++rolloutsSeen === 5) control.misconfigured = true;
      },
    });
    expect(paused.status).toBe('paused');
    expect(paused.pause).toMatchObject({ kind: 'model_refused', reason: 'the model endpoint refused the request: model error (server_error): server error (500): tools param requires --jinja flag' });
    expect(paused.pause?.resumeHint).toMatch(/fix the agent model's settings/);
    // Sending the same request again cannot help: no retry.
    expect(events.filter((event) => event.type === 'rollout-infra-error').map((event) => event.type === 'rollout-infra-error' && event.willRetry)).toEqual([false]);
    expect(paused.usedRollouts).toHaveLength(5);
    expect([...store.rollouts.values()].map((record) => record.outcome)).not.toContain('infra_error');
    expect(paused.iterations.flatMap((iteration) => iteration.weaknesses ?? [])).toEqual([]);

    control.misconfigured = false;
    const resumed = await runEvolution({ store, tasks, agentModel: model, proposerModel: proposer(), createSandbox: sandbox });
    expect(decisions(resumed)).toEqual(expected);
  }, 60_000);

  it('a proposer whose endpoint does not know its model (404) pauses with the server\'s message instead of failing the stage', async () => {
    const store = await start();
    const unknownModel = new ScriptedModel(() => ({ error: { kind: 'model_not_found', status: 404, message: 'not found (404): model "proposr" not found', retryable: false } }), 'scripted:proposer');
    const paused = await runEvolution({ store, tasks, agentModel: switchableAgent().model, proposerModel: unknownModel, createSandbox: sandbox });
    expect(paused.status).toBe('paused');
    expect(paused.stage).toBe('mine');
    expect(paused.pause).toMatchObject({ kind: 'model_refused', reason: expect.stringContaining('model "proposr" not found') });
    expect(paused.stageFailures).toEqual([]);
  }, 60_000);

  it('a context overflow is the agent\'s own doing: an outcome (agent_error), counted like any failure, and the evolution goes on', async () => {
    const overflowTask = splitTasks(tasks, DEFAULT_SPLIT_RATIOS, 1).heldIn[0];
    const overflow: ScriptedTurn = { error: { kind: 'context_overflow', status: 400, message: 'context window exceeded (400): the request exceeds the available context size', retryable: false } };
    const model = new ScriptedModel((request: ModelRequest) => (request.messages[0].content.includes(`[${overflowTask}]`) ? overflow : agentTurn(request)), 'scripted:agent');
    const store = (await start()) as MemoryEvolutionStore;
    const state = await runEvolution({ store, tasks, agentModel: model, proposerModel: proposer(), createSandbox: sandbox });
    expect(state.pause).toBeUndefined();
    expect(state.status).toBe('done');
    const records = [...store.rollouts.values()].filter((record) => record.taskId === overflowTask);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((record) => record.outcome === 'agent_error')).toBe(true);
  }, 60_000);

  it('a sandbox worker that dies during a run (sandbox_error) leaves that task out with the worker\'s text, never as a fail', async () => {
    const store = (await start()) as MemoryEvolutionStore;
    const broken = splitTasks(tasks, DEFAULT_SPLIT_RATIOS, 1).heldIn[0];
    const ends: Array<[string, AgentEndReason | undefined]> = [];
    const state = await runEvolution({
      store,
      tasks,
      agentModel: switchableAgent().model,
      proposerModel: proposer(),
      infraRetryDelaysMs: [1],
      runAttempt: async (input) => {
        const result = await runTask({ ...input, createSandbox: async () => (input.task.id === broken ? new DyingSandbox() : new JustBashSandbox()) });
        ends.push([input.task.id, result.agentEndReason]);
        return result;
      },
    });
    expect(state.status).toBe('done');
    expect(ends.filter(([taskId]) => taskId === broken).every(([, reason]) => reason === 'sandbox_error')).toBe(true);
    expect(state.iterations[0].excludedTasks).toEqual([{ taskId: broken, reason: 'sandbox failed while running shell: the sandbox worker died: RangeError: WebAssembly.Memory(): could not allocate memory' }]);
    for (const candidate of state.candidates) expect(candidate.decision?.flips.map((flip) => flip.taskId)).not.toContain(broken);
    expect([...store.rollouts.values()].some((record) => record.taskId === broken)).toBe(false);
  }, 60_000);

  it('a proposer that cannot be reached pauses too, and mining runs again on resume', async () => {
    const store = await start();
    const away = new ScriptedModel(() => serverDown, 'scripted:proposer');
    const paused = await runEvolution({ store, tasks, agentModel: switchableAgent().model, proposerModel: away, createSandbox: sandbox });
    expect(paused.status).toBe('paused');
    expect(paused.stage).toBe('mine');
    expect(paused.pause?.reason).toMatch(/the proposer could not be reached/);
    expect(paused.stageFailures).toEqual([]);
    const resumed = await runEvolution({ store, tasks, agentModel: switchableAgent().model, proposerModel: proposer(), createSandbox: sandbox });
    expect(resumed.status).toBe('done');
    expect(resumed.currentHash).not.toBe(resumed.baseHash);
  }, 60_000);

  it('a sandbox that cannot start for one task leaves that task out of the comparisons, with the reason, and the evolution goes on', async () => {
    const store = await start();
    const broken = splitTasks(tasks, DEFAULT_SPLIT_RATIOS, 1).heldIn[1];
    const state = await runEvolution({
      store,
      tasks,
      agentModel: switchableAgent().model,
      proposerModel: proposer(),
      infraRetryDelaysMs: [1],
      runAttempt: (input) => runTask({ ...input, createSandbox: async () => (input.task.id === broken ? Promise.reject(new Error('worker crashed')) : new JustBashSandbox()) }),
    });
    expect(state.status).toBe('done');
    const iteration = state.iterations[0];
    expect(iteration.excludedTasks).toEqual([{ taskId: broken, reason: 'could not start the sandbox: worker crashed' }]);
    for (const candidate of state.candidates) expect(candidate.decision?.flips.map((flip) => flip.taskId)).not.toContain(broken);
    expect(state.usedRollouts.some((key) => key.includes(`|${broken}|`))).toBe(false);
  }, 60_000);

  it('a crash inside one candidate fails that candidate with its reason, never the evolution', async () => {
    const disk = await start();
    let badHash = '';
    const store: EvolutionStore = {
      loadState: () => disk.loadState(),
      saveState: (state) => {
        badHash ||= state.candidates.find((candidate) => candidate.edits.some((edit) => edit.op === 'add_rule' && edit.ruleId === 'shortcut'))?.harnessHash ?? '';
        return disk.saveState(state);
      },
      getRollout: async (key) => {
        if (badHash && key.startsWith(`${badHash}|`)) throw new Error('cannot read the cache entry');
        return disk.getRollout(key);
      },
      putRollout: (record) => disk.putRollout(record),
    };
    const state = await runEvolution({ store, tasks, agentModel: switchableAgent().model, proposerModel: proposer(), createSandbox: sandbox });
    expect(state.status).toBe('done');
    const bad = state.candidates.find((candidate) => candidate.harnessHash === badHash)!;
    expect(bad).toMatchObject({ status: 'failed', failure: 'validation crashed: cannot read the cache entry' });
    expect(state.candidates.find((candidate) => candidate.id !== bad.id)?.status).toBe('merged');
  }, 60_000);

  it('a failed evolution (a crash outside any rollout) resumes once the cause is gone', async () => {
    const expected = decisions(await reference());
    const disk = (await start()) as MemoryEvolutionStore;
    let failures = 1;
    const flaky: EvolutionStore = {
      loadState: () => disk.loadState(),
      saveState: (state) => disk.saveState(state),
      getRollout: (key) => disk.getRollout(key),
      putRollout: async (record) => {
        if (disk.rollouts.size === 7 && failures-- > 0) throw new Error('disk full');
        return disk.putRollout(record);
      },
    };
    await expect(runEvolution({ store: flaky, tasks, agentModel: switchableAgent().model, proposerModel: proposer(), createSandbox: sandbox })).rejects.toThrow('disk full');
    expect(disk.state).toMatchObject({ status: 'failed', stopReason: 'crashed: disk full' });
    const notices: string[] = [];
    const resumed = await runEvolution({ store: flaky, tasks, agentModel: switchableAgent().model, proposerModel: proposer(), createSandbox: sandbox, onEvent: (event) => void (event.type === 'notice' && notices.push(event.message)) });
    expect(notices).toContain('resuming after a failure (crashed: disk full)');
    expect(decisions(resumed)).toEqual(expected);
  }, 60_000);

  it('another suite, an edited suite or another agent model is refused on resume, without touching what is stored', async () => {
    const store = (await start()) as MemoryEvolutionStore;
    const before = JSON.stringify(store.state);
    const run = (overrides: Partial<Parameters<typeof runEvolution>[0]>) => runEvolution({ store, tasks, agentModel: switchableAgent().model, proposerModel: proposer(), createSandbox: sandbox, ...overrides });
    await expect(run({ tasks: tasks.slice(2) })).rejects.toMatchObject({ kind: 'suite_changed', message: expect.stringMatching(/lacks 2 of this evolution's tasks \(task-00, task-01\)/) });
    const edited = tasks.map((task) => (task.id === 'task-05' ? { ...task, instruction: `${task.instruction} Also sort it.` } : task));
    await expect(run({ tasks: edited })).rejects.toMatchObject({ kind: 'suite_changed', message: expect.stringMatching(/same task ids, different content/) });
    await expect(run({ agentModel: new ScriptedModel([], 'scripted:agent', 'json_action') })).rejects.toMatchObject({ kind: 'model_changed', message: expect.stringMatching(/native_tools.*json_action/) });
    await expect(run({ proposerModel: new ScriptedModel([], 'scripted:other') })).rejects.toBeInstanceOf(EvolutionRefused);
    expect(JSON.stringify(store.state)).toBe(before);
    // A superset of the original tasks is fine: the evolution uses its own.
    const more = [...tasks, { ...tasks[0], id: 'task-extra' }];
    expect((await run({ tasks: more })).status).toBe('done');
  }, 60_000);
});
