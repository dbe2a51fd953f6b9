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
import {
  getModelProfiles,
  getTrace,
  listHarnessVersions,
  listRuns,
  recoverInterruptedRuns,
  saveHarnessVersion,
  saveModelProfiles,
  startRun,
} from '../../src/store/studio-store.js';

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

  it('keeps model profiles, API key included, only in settings', async () => {
    const db = openDb();
    await saveModelProfiles(db, [{ id: 'p1', provider: 'openai-compatible', label: 'local', baseUrl: 'http://localhost:11434/v1', model: 'qwen', apiKey: 'sk-secret', actionProtocol: 'native_tools' }]);
    const profiles = await getModelProfiles(db);
    expect(profiles[0]).toMatchObject({ apiKey: 'sk-secret' });
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
    expect(db.verno).toBe(4);
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
    expect(db.verno).toBe(4);
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
});
