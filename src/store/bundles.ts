import { type BundleContents, type BundleEpisode, episodeFile, harnessFile, readBundle, writeBundle, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_TASKS_FILE } from '../core/share/bundle.js';
import { collectSecrets, scrubSecrets } from '../core/share/secrets.js';
import type { HarnessSnapshotFile } from '../core/share/snapshot.js';
import { suiteHash } from '../core/tasks/suite-hash.js';
import type { Task } from '../core/tasks/types.js';
import type { BatchRecord, RunRecord, StudioDatabase, TraceEventRecord } from './db.js';
import { exportHarnessSnapshot, EXPORTED_BY, saveSnapshotVersion } from './snapshots.js';
import { getTrace } from './studio-store.js';

/** Run bundles: a batch as one zip (runs, JSONL traces, harness snapshots, the suite's tasks and hash), and back. */

export type BundleExport = { ok: true; bytes: Uint8Array; fileName: string; episodes: number } | { ok: false; error: string };

const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${globalThis.crypto.randomUUID().slice(0, 8)}`;

function episodeOf(run: RunRecord, eventCount: number): BundleEpisode {
  return {
    id: run.id,
    file: episodeFile(run.id),
    taskId: run.taskId,
    harnessHash: run.harnessHash,
    modelId: run.modelId,
    attempt: run.attempt,
    outcome: run.outcome,
    reason: run.reason,
    agentEndReason: run.agentEndReason,
    verifier: run.verifier,
    usage: run.usage,
    steps: run.steps,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: run.durationMs,
    eventCount,
  };
}

/**
 * Everything of one batch in a zip. `findTask` looks a task up by id (the current suite, the built-in one); an imported
 * batch carries its own tasks. Secrets are scrubbed: profile API keys anywhere, URL credentials in every string.
 */
export async function exportBatchBundle(db: StudioDatabase, batchId: string, findTask: (taskId: string) => Task | undefined): Promise<BundleExport> {
  const batch = await db.batches.get(batchId);
  if (!batch) return { ok: false, error: `batch ${batchId} is not in this workspace` };
  const runs = (await db.runs.where('batchId').equals(batchId).sortBy('startedAt')).filter((run) => run.status === 'done');
  if (!runs.length) return { ok: false, error: 'this batch has no finished run to export' };
  const own = new Map((batch.imported?.tasks ?? []).map((task) => [task.id, task]));
  const tasks: Task[] = [];
  for (const taskId of [...new Set(runs.map((run) => run.taskId))]) {
    const task = own.get(taskId) ?? findTask(taskId);
    if (!task) return { ok: false, error: `task "${taskId}" is not in the current suite: load the suite this batch ran (${batch.suite?.name ?? runs[0].suiteId}) and export again` };
    tasks.push(task);
  }
  const hashes = [...new Set(runs.map((run) => run.harnessHash))];
  const snapshots: HarnessSnapshotFile[] = [];
  for (const hash of hashes) {
    const exported = await exportHarnessSnapshot(db, hash);
    if (!exported.ok) return { ok: false, error: `harness ${hash.slice(0, 8)}: ${exported.error}` };
    snapshots.push(exported.snapshot);
  }
  const episodes: BundleContents['episodes'] = [];
  for (const run of runs) {
    const events = await getTrace(db, run.id);
    episodes.push({ episode: episodeOf(run, events.length), events });
  }
  const started = new Date(batch.startedAt);
  const title = batch.imported?.title ?? `Batch of ${runs.length} run${runs.length === 1 ? '' : 's'}, ${started.toISOString().slice(0, 16).replace('T', ' ')}`;
  const bundle: BundleContents = {
    manifest: {
      format: BUNDLE_FORMAT,
      formatVersion: BUNDLE_FORMAT_VERSION,
      kind: 'batch',
      title,
      exportedAt: new Date().toISOString(),
      exportedBy: EXPORTED_BY,
      batch: { id: batch.id, harnessHash: batch.harnessHash, modelId: batch.modelId, taskIds: batch.taskIds, startedAt: batch.startedAt, endedAt: batch.endedAt },
      suite: { id: batch.suite?.id ?? runs[0].suiteId, name: batch.suite?.name ?? runs[0].suiteId, hash: await suiteHash(tasks), file: BUNDLE_TASKS_FILE, taskIds: tasks.map((task) => task.id) },
      harnesses: hashes.map((hash) => ({ hash, file: harnessFile(hash) })),
      episodes: episodes.map((item) => item.episode),
    },
    tasks,
    snapshots,
    episodes,
  };
  const secrets = collectSecrets(await db.modelProfiles.toArray());
  // Harness documents are left as they are (their hash is their identity; a snapshot refuses one holding a credential).
  const scrubbed: BundleContents = { ...scrubSecrets({ ...bundle, snapshots: [] }, secrets), snapshots };
  return { ok: true, bytes: writeBundle(scrubbed), fileName: `batch-${started.toISOString().slice(0, 10)}-${batch.id.slice(-8)}.bundle.zip`, episodes: episodes.length };
}

export type BundleImport =
  | { ok: true; batch: BatchRecord; runIds: string[]; harnessHashes: string[]; tasks: Task[] }
  | { ok: false; errors: string[] };

/**
 * Import a run bundle into this workspace: harness versions (with lineage), the batch, its runs and their traces,
 * in one transaction after the whole file was checked. Ids already taken get new ones, so nothing stored is replaced.
 */
export async function importRunBundle(db: StudioDatabase, bytes: Uint8Array, fileName: string): Promise<BundleImport> {
  const read = await readBundle(bytes);
  if (!read.ok) return read;
  const { manifest, tasks, snapshots, episodes } = read.bundle;
  if (manifest.kind !== 'batch' || !manifest.batch) {
    return { ok: false, errors: ['this is an evolution bundle; this version of the app imports batch bundles only (evolutions: use "Import a CLI result folder" on the Evolve page)'] };
  }
  const importedAt = Date.now();
  return db.transaction('rw', [db.harnesses, db.batches, db.runs, db.traceEvents], async () => {
    for (const snapshot of snapshots) {
      await saveSnapshotVersion(db, snapshot, { fileName, importedAt, exportedAt: snapshot.exportedAt, exportedBy: snapshot.exportedBy, viaBundle: true, lineage: snapshot.lineage, evolvedOn: snapshot.evolvedOn, scores: snapshot.scores });
    }
    const source = manifest.batch!;
    const batchId = (await db.batches.get(source.id)) ? newId('batch') : source.id;
    const batch: BatchRecord = {
      id: batchId,
      harnessHash: source.harnessHash,
      modelId: source.modelId,
      taskIds: source.taskIds,
      startedAt: source.startedAt,
      endedAt: source.endedAt,
      suite: { id: manifest.suite.id, name: manifest.suite.name, hash: manifest.suite.hash },
      imported: { fileName, importedAt, exportedAt: manifest.exportedAt, title: manifest.title, tasks },
    };
    await db.batches.add(batch);
    const runIds: string[] = [];
    for (const { episode, events } of episodes) {
      const runId = (await db.runs.get(episode.id)) ? newId('run') : episode.id;
      const run: RunRecord = {
        id: runId,
        batchId,
        harnessHash: episode.harnessHash,
        modelId: episode.modelId,
        taskId: episode.taskId,
        suiteId: manifest.suite.id,
        attempt: episode.attempt,
        status: 'done',
        outcome: episode.outcome,
        reason: episode.reason,
        agentEndReason: episode.agentEndReason as RunRecord['agentEndReason'],
        verifier: episode.verifier,
        usage: { inputTokens: episode.usage.inputTokens, outputTokens: episode.usage.outputTokens },
        steps: episode.steps,
        startedAt: episode.startedAt,
        endedAt: episode.endedAt,
        durationMs: episode.durationMs,
      };
      await db.runs.add(run);
      await db.traceEvents.bulkAdd(events.map((event): TraceEventRecord => ({ runId, seq: event.seq, type: event.type, event })));
      runIds.push(runId);
    }
    return { ok: true as const, batch, runIds, harnessHashes: snapshots.map((snapshot) => snapshot.hash), tasks };
  });
}
