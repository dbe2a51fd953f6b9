import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import type { ModelProfile } from '../../src/core/model/profile.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import type { Task } from '../../src/core/tasks/types.js';
import { exportBatchBundle, importBundle } from '../../src/store/bundles.js';
import { StudioDatabase } from '../../src/store/db.js';
import { DexieEvolutionStore } from '../../src/store/evolution-store.js';
import { batchFootprint, deleteBatch, deleteEvolution, deleteRuns, evolutionFootprint } from '../../src/store/deletion.js';
import { saveModelProfile } from '../../src/store/model-profiles.js';
import { runBatch } from '../../src/store/run-batch.js';
import { exportHarnessSnapshot, importHarnessFile } from '../../src/store/snapshots.js';
import { getTrace, saveHarnessVersion } from '../../src/store/studio-store.js';

/** A batch travels as one zip to another workspace, where every trace replays from the stored events (no model). */

const names: string[] = [];
const open: StudioDatabase[] = [];
function workspace() {
  const name = `bundle-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  const db = new StudioDatabase(name);
  open.push(db);
  return db;
}
afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  for (const name of names.splice(0)) await Dexie.delete(name);
});

const task = (id: string, word: string): Task => ({
  id,
  title: `Write ${word}`,
  instruction: `Write the word ${word} into /work/out.txt`,
  initialFiles: {},
  verifier: { script: `grep -qx ${word} /work/out.txt` },
  agentTimeoutSec: 30,
  verifierTimeoutSec: 10,
  category: 'file-ops',
  difficulty: 'easy',
  tags: [],
});
const TASKS = [task('write-hello', 'hello'), task('write-bye', 'bye')];
const KEY = 'sk-bundle-SECRET-987654321';

async function runOneBatch(db: StudioDatabase) {
  const profile: ModelProfile = { id: 'p', provider: 'openai-compatible', label: 'A', baseUrl: 'http://localhost:1/v1', model: 'm', apiKey: KEY, actionProtocol: 'native_tools' };
  await saveModelProfile(db, profile);
  const harness = createDefaultHarness();
  harness.rules = [{ id: 'be-exact', text: 'Write exactly the word asked for.', source: { kind: 'human' } }];
  const version = await saveHarnessVersion(db, harness, { source: 'editor', label: 'exact words' });
  // The model echoes the key in its text, as a confused model might: the bundle must not carry it.
  const model = new ScriptedModel(
    [
      { text: `using ${KEY}`, toolCalls: [{ name: 'shell', args: { command: 'echo hello > /work/out.txt' } }] },
      { toolCalls: [{ name: 'finish', args: {} }] },
      { toolCalls: [{ name: 'finish', args: {} }] },
    ],
    'scripted:teacher',
  );
  const { batch } = await runBatch({ db, suiteId: 'mini', suiteName: 'Mini suite', tasks: TASKS, harness, harnessHash: version.hash, model, createSandbox: async () => new JustBashSandbox() });
  return { batch, version };
}

describe('run bundles', () => {
  it('exports a batch as a zip and imports it into a fresh workspace with runs, traces, harness lineage and tasks', async () => {
    const source = workspace();
    const { batch, version } = await runOneBatch(source);
    const exported = await exportBatchBundle(source, batch.id, () => undefined /* the batch's own tasks come from its suite */);
    // The current suite does not have the tasks: a clear message, not a broken file.
    expect(exported).toEqual({ ok: false, error: expect.stringContaining('task "write-hello" is not in the current suite') });
    const ok = await exportBatchBundle(source, batch.id, (id) => TASKS.find((item) => item.id === id));
    if (!ok.ok) throw new Error(ok.error);
    expect(ok.fileName).toMatch(/^batch-\d{4}-\d\d-\d\d-.+\.bundle\.zip$/);

    const files = unzipSync(ok.bytes);
    expect(Object.keys(files).sort()).toEqual(['bundle.json', `harnesses/${version.hash}.harness.json`, 'suite/tasks.json', ...Object.keys(files).filter((path) => path.startsWith('episodes/'))].sort());
    expect(Object.keys(files).filter((path) => path.endsWith('.jsonl'))).toHaveLength(2);
    const everything = Object.values(files).map((bytes) => strFromU8(bytes)).join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).toContain('[redacted]');

    const target = workspace();
    const imported = await importBundle(target, ok.bytes, ok.fileName);
    if (!imported.ok) throw new Error(imported.errors.join('; '));
    if (imported.kind !== 'batch') throw new Error('a batch bundle came back as an evolution');
    expect(imported.runIds).toHaveLength(2);
    const runs = await target.runs.where('batchId').equals(imported.batch.id).toArray();
    expect(runs.map((run) => [run.taskId, run.outcome]).sort()).toEqual([
      ['write-bye', 'fail'],
      ['write-hello', 'pass'],
    ]);
    const sourceRun = (await source.runs.where('batchId').equals(batch.id).toArray()).find((run) => run.taskId === 'write-hello')!;
    const replay = await getTrace(target, runs.find((run) => run.taskId === 'write-hello')!.id);
    const original = await getTrace(source, sourceRun.id);
    expect(replay.map((event) => event.type)).toEqual(original.map((event) => event.type));
    expect(replay.find((event) => event.type === 'tool-call')).toMatchObject({ tool: 'shell', args: { command: 'echo hello > /work/out.txt' } });
    const harness = await target.harnesses.get(version.hash);
    expect(harness).toMatchObject({ label: 'exact words', source: 'import', origin: { fileName: ok.fileName, viaBundle: true } });
    expect(harness?.origin?.lineage?.steps.at(-1)?.hash).toBe(version.hash);
    expect(imported.batch.imported?.tasks.map((item) => item.id).sort()).toEqual(['write-bye', 'write-hello']);

    // Importing the same bundle again keeps both: new ids, nothing replaced.
    const again = await importBundle(target, ok.bytes, ok.fileName);
    expect(again.ok).toBe(true);
    expect(await target.runs.count()).toBe(4);
    expect(await target.batches.count()).toBe(2);

    // And the imported batch exports again, with its own tasks.
    const reexported = await exportBatchBundle(target, imported.batch.id, () => undefined);
    expect(reexported.ok).toBe(true);
  });

  it('refuses a damaged bundle with the file and line, and stores nothing', async () => {
    const source = workspace();
    const { batch } = await runOneBatch(source);
    const ok = await exportBatchBundle(source, batch.id, (id) => TASKS.find((item) => item.id === id));
    if (!ok.ok) throw new Error(ok.error);
    const files = unzipSync(ok.bytes);
    const episode = Object.keys(files).find((path) => path.endsWith('.jsonl'))!;
    const broken = zipSync({ ...files, [episode]: strToU8(`${strFromU8(files[episode]).split('\n')[0]}\n{oops\n`) });
    const target = workspace();
    const result = await importBundle(target, broken, 'broken.zip');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join('\n')).toContain(`${episode} line 2: not JSON`);

    const tasksChanged = zipSync({ ...files, 'suite/tasks.json': strToU8(JSON.stringify([{ ...TASKS[0], verifier: { script: 'true' } }, TASKS[1]])) });
    const changed = await importBundle(target, tasksChanged, 'changed.zip');
    expect(!changed.ok && changed.errors.join('\n')).toMatch(/does not match the suite hash/);

    const notZip = await importBundle(target, strToU8('hello'), 'x.zip');
    expect(!notZip.ok && notZip.errors[0]).toMatch(/not a zip/);
    expect(await target.runs.count()).toBe(0);
    expect(await target.harnesses.count()).toBe(0);
  });

  it('imports a snapshot file into a fresh workspace keeping its parent and lineage', async () => {
    const source = workspace();
    const base = await saveHarnessVersion(source, createDefaultHarness(), { source: 'default', label: 'Default' });
    const child = createDefaultHarness();
    child.policies.finishGuard.enabled = true;
    const version = await saveHarnessVersion(source, child, { source: 'editor', parentHash: base.hash, label: 'guarded' });
    const exported = await exportHarnessSnapshot(source, version.hash);
    if (!exported.ok) throw new Error(exported.error);
    expect(exported.fileName).toBe('guarded.harness.json');
    expect(exported.snapshot.lineage.steps.map((step) => [step.kind, step.label])).toEqual([
      ['default', 'Default'],
      ['edit', 'guarded'],
    ]);

    const target = workspace();
    const imported = await importHarnessFile(target, JSON.stringify(exported.snapshot), exported.fileName);
    if (!imported.ok) throw new Error(imported.errors.join('; '));
    expect(imported.record).toMatchObject({ hash: version.hash, parentHash: base.hash, label: 'guarded', source: 'import' });
    expect(imported.record.origin?.lineage?.parentHashes).toEqual([base.hash]);
    // Exported again from the new workspace, the lineage is the one it came with.
    const again = await exportHarnessSnapshot(target, version.hash);
    expect(again.ok && again.snapshot.lineage.steps.map((step) => step.label)).toEqual(['Default', 'guarded']);

    const invalid = await importHarnessFile(target, '{"schemaVersion": 1, "name": ""}', 'bad.json');
    expect(invalid.ok).toBe(false);
    expect(await target.harnesses.count()).toBe(1);
  });

  it('deletes a batch with its runs and traces, shows what it frees, and keeps the rest', async () => {
    const db = workspace();
    const first = await runOneBatch(db);
    const second = await runOneBatch(db);
    const footprint = await batchFootprint(db, first.batch.id);
    expect(footprint.runs).toBe(2);
    expect(footprint.bytes).toBeGreaterThan(500);
    await deleteBatch(db, first.batch.id);
    expect(await db.batches.get(first.batch.id)).toBeUndefined();
    expect(await db.runs.count()).toBe(2);
    const left = await db.runs.toArray();
    expect(await db.traceEvents.where('runId').noneOf(left.map((run) => run.id)).count()).toBe(0);

    await deleteRuns(db, [left[0].id]);
    expect(await db.runs.count()).toBe(1);
    await deleteRuns(db, [left[1].id]);
    expect(await db.batches.get(second.batch.id)).toBeUndefined();
  });

  it('deletes an evolution with the rollouts only it used — cache rows, run records and traces — and keeps the shared ones', async () => {
    const db = workspace();
    const state = (id: string, usedRollouts: string[]) => ({ id, formatVersion: 1, startedAt: Date.now(), status: 'done', usedRollouts, versions: {}, config: {} }) as never;
    await db.evolutions.bulkAdd([state('evo-a', ['k1', 'k2']), state('evo-b', ['k2'])]);
    const events = (taskId: string) => [
      { type: 'run-start', seq: 0, timestamp: 1, traceFormat: 1, taskId, harnessHash: 'h', modelId: 'm', systemPrompt: 's', instruction: 'i' },
      { type: 'run-end', seq: 1, timestamp: 2, reason: 'finished', message: 'done', steps: 1, toolCalls: 0, formatErrors: 0, usage: { inputTokens: 1, outputTokens: 1 }, durationMs: 1 },
    ];
    const rollout = (key: string) => ({ formatVersion: 2, key, traceId: `trace-${key}`, harnessHash: 'h', modelId: 'm', suiteHash: 's', taskId: key, attempt: 1, outcome: 'pass', reason: '', usage: { inputTokens: 0, outputTokens: 0 }, steps: 1, durationMs: 1, events: events(key), createdAt: 1 }) as never;
    // As the loop stores them (schema v5): the cache row, a run record of kind rollout, and the trace events.
    const store = new DexieEvolutionStore(db, 'evo-a');
    await store.putRollout(rollout('k1'));
    await store.putRollout(rollout('k2'));
    expect(await db.runs.where('kind').equals('rollout').count()).toBe(2);

    expect(await evolutionFootprint(db, 'evo-a')).toMatchObject({ rollouts: 1, traceEvents: 2 });
    await deleteEvolution(db, 'evo-a');
    expect(await db.evolutions.get('evo-a')).toBeUndefined();
    expect((await db.rollouts.toCollection().primaryKeys()).sort()).toEqual(['k2']);
    // Its own rollout's trace is gone from the one trace store; the shared one still opens.
    expect(await db.runs.get('trace-k1')).toBeUndefined();
    expect(await db.traceEvents.where('runId').equals('trace-k1').count()).toBe(0);
    expect(await db.runs.get('trace-k2')).toMatchObject({ kind: 'rollout' });
    expect((await getTrace(db, 'trace-k2')).map((event) => event.type)).toEqual(['run-start', 'run-end']);
  });
});
