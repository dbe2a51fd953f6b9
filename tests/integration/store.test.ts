import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import type { Task } from '../../src/core/tasks/types.js';
import { rolloutKey } from '../../src/core/evolve/state.js';
import { StudioDatabase } from '../../src/store/db.js';
import { DexieEvolutionStore } from '../../src/store/evolution-store.js';
import { runBatch } from '../../src/store/run-batch.js';
import type { ModelProfile } from '../../src/core/model/profile.js';
import { deleteModelProfile, getActiveModelProfileId, getEvolutionProfiles, listModelProfiles, saveModelProfile, setActiveModelProfileId } from '../../src/store/model-profiles.js';
import { getTrace, listHarnessVersions, listRuns, recoverInterruptedRuns, saveHarnessVersion, startRun } from '../../src/store/studio-store.js';

let dbName = '';
let opened: StudioDatabase | undefined;
const openDb = () => {
  dbName = `test-${Math.random().toString(36).slice(2)}`;
  opened = new StudioDatabase(dbName);
  return opened;
};
afterEach(async () => {
  opened?.close();
  await Dexie.delete(dbName);
});

const writeTask: Task = {
  id: 'write-hello',
  title: 'Write hello',
  instruction: 'Write the word hello into /work/hello.txt',
  initialFiles: {},
  verifier: { script: 'grep -qx hello /work/hello.txt' },
  agentTimeoutSec: 30,
  verifierTimeoutSec: 10,
  category: 'file-ops',
  difficulty: 'easy',
  tags: [],
};

describe('store', () => {
  it('keeps harness versions as a tree, once per distinct document', async () => {
    const db = openDb();
    const base = await saveHarnessVersion(db, createDefaultHarness(), { source: 'default' });
    const again = await saveHarnessVersion(db, createDefaultHarness(), { source: 'editor' });
    expect(again.hash).toBe(base.hash);
    const edited = createDefaultHarness();
    edited.policies.persistShellState.enabled = true;
    const child = await saveHarnessVersion(db, edited, { source: 'editor', parentHash: base.hash, label: 'persist state' });
    const versions = await listHarnessVersions(db);
    expect(versions.map((version) => [version.label, version.parentHash])).toEqual([
      ['minimal-start', undefined],
      ['persist state', base.hash],
    ]);
    expect(child.document.policies.persistShellState.enabled).toBe(true);
  });

  it('a batch stores each run with its outcome and its whole trace', async () => {
    const db = openDb();
    const harness = createDefaultHarness();
    const version = await saveHarnessVersion(db, harness, { source: 'default' });
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'shell', args: { command: 'echo hello > /work/hello.txt' } }] },
      { toolCalls: [{ name: 'finish', args: {} }] },
      { toolCalls: [{ name: 'finish', args: {} }] },
    ]);
    const failing = { ...writeTask, id: 'write-hello-again' };
    const seen: number[] = [];
    await runBatch({
      db,
      suiteId: 'test',
      tasks: [writeTask, failing],
      harness,
      harnessHash: version.hash,
      model,
      createSandbox: async () => new JustBashSandbox(),
      onProgress: (progress) => seen.push(progress.filter((item) => item.status === 'done').length),
    });
    const runs = await listRuns(db);
    expect(runs.map((run) => [run.taskId, run.outcome]).sort()).toEqual([
      ['write-hello', 'pass'],
      ['write-hello-again', 'fail'],
    ]);
    expect(seen.at(-1)).toBe(2);
    const passing = runs.find((run) => run.taskId === 'write-hello')!;
    expect(passing.harnessHash).toBe(version.hash);
    expect(passing.modelId).toBe('scripted:test');
    expect(passing.verifier?.exitCode).toBe(0);
    const trace = await getTrace(db, passing.id);
    expect(trace[0].type).toBe('run-start');
    expect(trace.at(-1)?.type).toBe('run-end');
    expect(trace.map((event) => event.seq)).toEqual(trace.map((_, index) => index));
  });

  it('marks runs left running by a closed tab instead of losing them', async () => {
    const db = openDb();
    const run = await startRun(db, { batchId: 'b', harnessHash: 'h', modelId: 'm', taskId: 't', suiteId: 's', attempt: 1 });
    expect(await recoverInterruptedRuns(db)).toBe(1);
    const recovered = await db.runs.get(run.id);
    expect(recovered).toMatchObject({ status: 'done', outcome: 'infra_error' });
    expect(recovered?.reason).toMatch(/interrupted/);
  });

  it('keeps any number of named profiles per provider, API key included, and refuses a name already taken', async () => {
    const db = openDb();
    const agent: ModelProfile = { id: 'p1', provider: 'openai-compatible', label: 'Local agent', baseUrl: 'http://localhost:11434/v1', model: 'qwen', apiKey: 'sk-secret', actionProtocol: 'native_tools' };
    const proposer: ModelProfile = { ...agent, id: 'p2', label: 'Big proposer', baseUrl: 'http://gpu-box:8000/v1', model: 'qwen-72b', apiKey: undefined };
    expect(await saveModelProfile(db, agent)).toMatchObject({ ok: true });
    expect(await saveModelProfile(db, proposer)).toMatchObject({ ok: true });
    expect(await saveModelProfile(db, { ...proposer, id: 'p3', label: '  local   AGENT ' })).toEqual({ ok: false, problems: ['another profile is already named "Local agent": choose another name'] });
    expect(await saveModelProfile(db, { ...proposer, id: 'p3', label: ' ' })).toMatchObject({ ok: false, problems: [expect.stringContaining('give this profile a name')] });
    // Editing a profile keeps its id and its place in the list; its own name is not a clash.
    expect(await saveModelProfile(db, { ...agent, baseUrl: 'http://localhost:11435/v1' })).toMatchObject({ ok: true });
    const profiles = await listModelProfiles(db);
    expect(profiles.map((profile) => [profile.id, profile.label])).toEqual([
      ['p1', 'Local agent'],
      ['p2', 'Big proposer'],
    ]);
    expect(profiles[0]).toMatchObject({ apiKey: 'sk-secret', baseUrl: 'http://localhost:11435/v1' });
  });

  it('deleting the active profile makes the next one active, and deleting the last leaves none', async () => {
    const db = openDb();
    const first: ModelProfile = { id: 'a', provider: 'anthropic', label: 'Claude', apiKey: 'k', model: 'claude-haiku-4-5' };
    const second: ModelProfile = { id: 'b', provider: 'webllm', label: 'Tiny GPU', modelId: 'SmolLM2-360M-Instruct-q4f32_1-MLC' };
    await saveModelProfile(db, first);
    await saveModelProfile(db, second);
    await setActiveModelProfileId(db, 'a');
    expect(await deleteModelProfile(db, 'b')).toMatchObject({ activeProfileId: 'a', profiles: [first] });
    await saveModelProfile(db, second);
    expect(await deleteModelProfile(db, 'a')).toMatchObject({ activeProfileId: 'b', profiles: [second] });
    expect(await deleteModelProfile(db, 'b')).toEqual({ activeProfileId: undefined, profiles: [] });
    expect(await getActiveModelProfileId(db)).toBeUndefined();
  });
});

describe('schema upgrade', () => {
  it('opens a database written with schema v1 and upgrades it to the current schema without losing anything', async () => {
    dbName = `legacy-${Math.random().toString(36).slice(2)}`;
    // A frozen copy of the v1 schema, as the first release wrote it.
    const legacy = new Dexie(dbName);
    legacy.version(1).stores({
      harnesses: '&hash, parentHash, createdAt',
      runs: '&id, harnessHash, taskId, startedAt',
      traceEvents: '[runId+seq], runId',
      settings: '&key',
    });
    await legacy.table('harnesses').add({ hash: 'h1', document: createDefaultHarness(), label: 'old', source: 'default', createdAt: 1 });
    await legacy.table('runs').bulkAdd([
      { id: 'r1', harnessHash: 'h1', modelId: 'm', taskId: 'a', suiteId: 's', status: 'done', outcome: 'pass', usage: { inputTokens: 1, outputTokens: 1 }, steps: 2, startedAt: Date.UTC(2026, 0, 5) },
      { id: 'r2', harnessHash: 'h1', modelId: 'm', taskId: 'b', suiteId: 's', status: 'done', outcome: 'fail', usage: { inputTokens: 1, outputTokens: 1 }, steps: 3, startedAt: Date.UTC(2026, 0, 5, 1) },
    ]);
    await legacy.table('traceEvents').add({ runId: 'r1', seq: 0, type: 'run-start', event: { type: 'run-start', seq: 0 } });
    await legacy.table('settings').put({ key: 'activeHarnessHash', value: 'h1' });
    legacy.close();

    const db = new StudioDatabase(dbName);
    await db.open();
    expect(db.verno).toBe(5);
    expect(await db.evolutions.count()).toBe(0);
    const runs = await db.runs.orderBy('startedAt').toArray();
    expect(runs.map((run) => run.outcome)).toEqual(['pass', 'fail']);
    expect(runs[0].batchId).toBe(runs[1].batchId);
    expect(runs[0].attempt).toBe(1);
    const batches = await db.batches.toArray();
    expect(batches).toHaveLength(1);
    expect(batches[0].taskIds.sort()).toEqual(['a', 'b']);
    expect(await db.runs.where('[harnessHash+modelId+taskId+attempt]').equals(['h1', 'm', 'a', 1]).count()).toBe(1);
    expect(await db.traceEvents.count()).toBe(1);
    expect((await db.harnesses.get('h1'))?.label).toBe('old');
    expect((await db.settings.get('activeHarnessHash'))?.value).toBe('h1');
    db.close();
  });

  it('moves the profiles a v3 database kept in one settings array into their own table, keeping ids, keys and the active one', async () => {
    dbName = `legacy-v3-${Math.random().toString(36).slice(2)}`;
    // A frozen copy of the v3 schema and of how it stored profiles: one array in settings, one profile per provider,
    // the provider as id and an automatic label.
    const legacy = new Dexie(dbName);
    legacy.version(1).stores({ harnesses: '&hash, parentHash, createdAt', runs: '&id, harnessHash, taskId, startedAt', traceEvents: '[runId+seq], runId', settings: '&key' });
    legacy.version(2).stores({ runs: '&id, batchId, harnessHash, modelId, taskId, startedAt, [harnessHash+modelId+taskId+attempt]', batches: '&id, startedAt' });
    legacy.version(3).stores({ evolutions: '&id, startedAt, status', rollouts: '&key, harnessHash, taskId, createdAt' });
    const oldProfiles = [
      { id: 'openai-compatible', provider: 'openai-compatible', label: 'qwen2.5:7b @ localhost:11434', baseUrl: 'http://localhost:11434/v1', model: 'qwen2.5:7b', apiKey: 'sk-old', actionProtocol: 'json_action' },
      { id: 'anthropic', provider: 'anthropic', label: 'claude-haiku-4-5 @ Anthropic', apiKey: 'sk-ant-old', model: 'claude-haiku-4-5' },
      // Two labels that clash once names must be unique, and a record of no known provider.
      { id: 'webllm', provider: 'webllm', label: 'qwen2.5:7b @ localhost:11434', modelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC' },
      { id: 'wllama', provider: 'wllama', label: '', source: { kind: 'file', name: 'SmolLM2-135M-Instruct.Q4_1.gguf' }, maxOutputTokens: 96 },
      { id: 'mystery', provider: 'ollama-native' },
    ];
    await legacy.table('settings').bulkPut([
      { key: 'modelProfiles', value: oldProfiles },
      { key: 'activeModelProfileId', value: 'anthropic' },
    ]);
    const evolutionOf = (id: string, agentModelId: string, proposerModelId: string) => ({ id, formatVersion: 1, startedAt: 1, status: 'paused', config: { agentModelId, proposerModelId } });
    await legacy.table('evolutions').bulkAdd([
      evolutionOf('evo-a', 'openai-compatible:qwen2.5:7b@http://localhost:11434/v1', 'anthropic:claude-haiku-4-5'),
      evolutionOf('evo-b', 'anthropic:claude-haiku-4-5', 'openai-compatible:gone@http://elsewhere/v1'),
      evolutionOf('evo-c', 'openai-compatible:deleted-long-ago@http://x/v1', 'openai-compatible:deleted-long-ago@http://x/v1'),
    ]);
    legacy.close();

    const db = new StudioDatabase(dbName);
    await db.open();
    expect(db.verno).toBe(5);
    const profiles = await listModelProfiles(db);
    expect(profiles.map((profile) => [profile.id, profile.label])).toEqual([
      ['openai-compatible', 'qwen2.5:7b @ localhost:11434'],
      ['anthropic', 'claude-haiku-4-5 @ Anthropic'],
      ['webllm', 'qwen2.5:7b @ localhost:11434 (2)'],
      ['wllama', 'wllama SmolLM2-135M-Instruct.Q4_1.gguf (CPU)'],
    ]);
    expect(profiles[0]).toEqual({ ...oldProfiles[0] });
    expect(profiles[1]).toMatchObject({ apiKey: 'sk-ant-old' });
    expect(profiles[3]).toMatchObject({ maxOutputTokens: 96 });
    expect(await getActiveModelProfileId(db)).toBe('anthropic');
    // One place for profiles now: the settings array is gone.
    expect(await db.settings.get('modelProfiles')).toBeUndefined();
    // Evolutions found their profiles by model id; an unknown proposer is left for the resume to ask about.
    expect(await getEvolutionProfiles(db, 'evo-a')).toMatchObject({ agentProfileId: 'openai-compatible', proposerProfileId: 'anthropic', proposerProfileName: 'claude-haiku-4-5 @ Anthropic' });
    expect(await getEvolutionProfiles(db, 'evo-b')).toMatchObject({ agentProfileId: 'anthropic', proposerProfileId: '', proposerProfileName: 'openai-compatible:gone@http://elsewhere/v1' });
    expect(await getEvolutionProfiles(db, 'evo-c')).toBeUndefined();
    // The migrated profiles are valid under today's rules, so they can be edited and saved again.
    for (const profile of profiles) expect(await saveModelProfile(db, profile)).toMatchObject({ ok: true });
    db.close();
  });

  it('upgrades a schema-v3 rollout cache into the one trace store: every rollout opens like a run, nothing lost', async () => {
    dbName = `legacy-v3-${Math.random().toString(36).slice(2)}`;
    // A frozen copy of the v3 schema: rollouts kept their events inline.
    const legacy = new Dexie(dbName);
    legacy.version(3).stores({
      harnesses: '&hash, parentHash, createdAt',
      runs: '&id, batchId, harnessHash, modelId, taskId, startedAt, [harnessHash+modelId+taskId+attempt]',
      traceEvents: '[runId+seq], runId',
      settings: '&key',
      batches: '&id, startedAt',
      evolutions: '&id, startedAt, status',
      rollouts: '&key, harnessHash, taskId, createdAt',
    });
    const key = rolloutKey({ harnessHash: 'h1', modelId: 'scripted:agent', suiteHash: 's', taskId: 'write-hello', attempt: 1 });
    const events = [
      { type: 'run-start', seq: 0, timestamp: 1, traceFormat: 1, taskId: 'write-hello', harnessHash: 'h1', modelId: 'scripted:agent', systemPrompt: 'p', instruction: 'i' },
      { type: 'run-end', seq: 1, timestamp: 2, reason: 'finished', message: 'done', steps: 1, toolCalls: 0, formatErrors: 0, usage: { inputTokens: 1, outputTokens: 1 }, durationMs: 5 },
    ];
    await legacy.table('rollouts').add({ harnessHash: 'h1', modelId: 'scripted:agent', suiteHash: 's', taskId: 'write-hello', attempt: 1, key, outcome: 'fail', reason: 'verifier failed', usage: { inputTokens: 1, outputTokens: 1 }, steps: 1, durationMs: 5, events, createdAt: 100 });
    await legacy.table('runs').add({ id: 'r1', batchId: 'b', harnessHash: 'h1', modelId: 'm', taskId: 'a', suiteId: 's', attempt: 1, status: 'done', outcome: 'pass', usage: { inputTokens: 1, outputTokens: 1 }, steps: 2, startedAt: 1 });
    legacy.close();

    const db = new StudioDatabase(dbName);
    await db.open();
    expect(db.verno).toBe(5);
    const row = await db.rollouts.get(key);
    expect(row?.events).toBeUndefined();
    expect(row?.traceId).toMatch(/^rollout-[0-9a-f]{16}$/);
    expect(await db.runs.get(row!.traceId)).toMatchObject({ kind: 'rollout', rolloutKey: key, taskId: 'write-hello', outcome: 'fail', status: 'done' });
    expect((await getTrace(db, row!.traceId)).map((event) => event.type)).toEqual(['run-start', 'run-end']);
    // The cache reads it back whole, and the Run page lists only its own runs.
    const cached = await new DexieEvolutionStore(db, 'any').getRollout(key);
    expect(cached?.events.map((event) => event.seq)).toEqual([0, 1]);
    expect((await listRuns(db)).map((run) => run.id)).toEqual(['r1']);
    db.close();
  });

  it('upgrades a schema-v4 database (saved profiles, rollouts with inline events) to v5 without touching its profiles', async () => {
    dbName = `legacy-v4-${Math.random().toString(36).slice(2)}`;
    // A frozen copy of the v4 schema: profiles in their own tables, rollouts still carrying their events.
    const legacy = new Dexie(dbName);
    legacy.version(4).stores({
      harnesses: '&hash, parentHash, createdAt',
      runs: '&id, batchId, harnessHash, modelId, taskId, startedAt, [harnessHash+modelId+taskId+attempt]',
      traceEvents: '[runId+seq], runId',
      settings: '&key',
      batches: '&id, startedAt',
      evolutions: '&id, startedAt, status',
      rollouts: '&key, harnessHash, taskId, createdAt',
      modelProfiles: '&id, createdAt',
      evolutionProfiles: '&evolutionId',
    });
    const profile = { id: 'p1', provider: 'openai-compatible', label: 'local qwen', baseUrl: 'http://localhost:11434/v1', model: 'qwen2.5:7b', apiKey: 'sk-kept', actionProtocol: 'json_action' };
    await legacy.table('modelProfiles').add({ id: 'p1', profile, createdAt: 1, updatedAt: 2 });
    await legacy.table('evolutionProfiles').add({ evolutionId: 'evo-a', agentProfileId: 'p1', agentProfileName: 'local qwen', proposerProfileId: 'p1', proposerProfileName: 'local qwen' });
    await legacy.table('settings').put({ key: 'activeModelProfileId', value: 'p1' });
    const key = rolloutKey({ harnessHash: 'h1', modelId: 'openai-compatible:qwen2.5:7b', suiteHash: 's', taskId: 'write-hello', attempt: 2 });
    const events = [
      { type: 'run-start', seq: 0, timestamp: 1, traceFormat: 1, taskId: 'write-hello', harnessHash: 'h1', modelId: 'openai-compatible:qwen2.5:7b', systemPrompt: 'p', instruction: 'i' },
      { type: 'run-end', seq: 1, timestamp: 2, reason: 'finished', message: 'done', steps: 1, toolCalls: 0, formatErrors: 0, usage: { inputTokens: 1, outputTokens: 1 }, durationMs: 5 },
    ];
    await legacy.table('rollouts').add({ harnessHash: 'h1', modelId: 'openai-compatible:qwen2.5:7b', suiteHash: 's', taskId: 'write-hello', attempt: 2, key, outcome: 'pass', reason: 'verifier passed', usage: { inputTokens: 1, outputTokens: 1 }, steps: 1, durationMs: 5, events, createdAt: 100 });
    legacy.close();

    const db = new StudioDatabase(dbName);
    await db.open();
    expect(db.verno).toBe(5);
    expect(await listModelProfiles(db)).toEqual([profile]);
    expect(await getActiveModelProfileId(db)).toBe('p1');
    expect(await getEvolutionProfiles(db, 'evo-a')).toMatchObject({ agentProfileId: 'p1', proposerProfileId: 'p1' });
    const row = await db.rollouts.get(key);
    expect(row?.events).toBeUndefined();
    expect(await db.runs.get(row!.traceId)).toMatchObject({ kind: 'rollout', rolloutKey: key, attempt: 2, outcome: 'pass' });
    const cached = await new DexieEvolutionStore(db, 'any').getRollout(key);
    expect(cached?.events.map((event) => event.type)).toEqual(['run-start', 'run-end']);
    db.close();
  });
});
