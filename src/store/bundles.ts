import { parseEvolutionState, parseRolloutRecord } from '../core/evolve/state-schema.js';
import type { EvolutionState, RolloutRecord } from '../core/evolve/state.js';
import {
  BUNDLE_EVOLUTION_FILE,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_TASKS_FILE,
  type BundleContents,
  type BundleEpisode,
  type BundleManifest,
  episodeFile,
  harnessFile,
  readBundle,
  rolloutOfEpisode,
  writeBundle,
} from '../core/share/bundle.js';
import { collectSecrets, scrubSecrets } from '../core/share/secrets.js';
import type { HarnessSnapshotFile } from '../core/share/snapshot.js';
import { suiteHash } from '../core/tasks/suite-hash.js';
import type { Task } from '../core/tasks/types.js';
import type { BatchRecord, RunRecord, StudioDatabase, TraceEventRecord } from './db.js';
import { listEvolutionRollouts, putRollouts } from './evolution-store.js';
import { exportHarnessSnapshot, EXPORTED_BY, saveSnapshotVersion } from './snapshots.js';
import { getTrace } from './studio-store.js';

/**
 * Run bundles: a batch or an evolution as one zip (JSONL traces, harness snapshots, the suite's tasks and hash; for an
 * evolution its state too), and back.
 */

export type BundleExport = { ok: true; bytes: Uint8Array; fileName: string; episodes: number } | { ok: false; error: string };

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

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
  | { ok: true; kind: 'batch'; batch: BatchRecord; runIds: string[]; harnessHashes: string[]; tasks: Task[] }
  | {
      ok: true;
      kind: 'evolution';
      evolution: EvolutionState;
      /** The title and suite the bundle was exported with. */
      title: string;
      suite: { id: string; name: string };
      /** Rollout traces stored (a rollout the shared cache already held is kept as it was, and counted here too). */
      rollouts: number;
      /** Versions saved to the workspace: the evolution's base and its current version. */
      harnessHashes: string[];
      tasks: Task[];
    }
  | { ok: false; errors: string[] };

/**
 * Import a bundle into this workspace after the whole file was checked, in one transaction. A batch: harness versions
 * (with lineage), the batch, its runs and their traces. An evolution: see `importEvolutionContents`. Ids already taken
 * get new ones, so nothing stored is replaced.
 */
export async function importBundle(db: StudioDatabase, bytes: Uint8Array, fileName: string): Promise<BundleImport> {
  const read = await readBundle(bytes);
  if (!read.ok) return read;
  const { manifest, tasks, snapshots, episodes } = read.bundle;
  if (manifest.kind === 'evolution') return importEvolutionContents(db, read.bundle, fileName);
  if (!manifest.batch) return { ok: false, errors: [`${fileName}: a batch bundle names its batch in bundle.json`] };
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
    return { ok: true as const, kind: 'batch' as const, batch, runIds, harnessHashes: snapshots.map((snapshot) => snapshot.hash), tasks };
  });
}

/** The episode an evolution rollout becomes in a bundle: its trace, its outcome and its key in the rollout cache. */
function episodeOfRollout(rollout: RolloutRecord, traceId: string): BundleEpisode {
  return {
    id: traceId,
    file: episodeFile(traceId),
    taskId: rollout.taskId,
    harnessHash: rollout.harnessHash,
    modelId: rollout.modelId,
    attempt: rollout.attempt,
    outcome: rollout.outcome,
    reason: rollout.reason,
    usage: rollout.usage,
    steps: rollout.steps,
    startedAt: rollout.createdAt - rollout.durationMs,
    endedAt: rollout.createdAt,
    durationMs: rollout.durationMs,
    eventCount: rollout.events.length,
    rolloutKey: rollout.key,
  };
}

/**
 * An evolution in a zip: its state, every version of its tree as a snapshot, every rollout it used as a JSONL trace
 * (with its cache key), and its tasks with their suite hash. `findTask` looks a task up by id (the current suite, the
 * built-in one). Refused, with the reason, when a task or a rollout it used is not in this workspace, or the tasks
 * changed since the evolution ran (their hash would not match the one its rollouts are cached under).
 */
export async function exportEvolutionBundle(db: StudioDatabase, evolutionId: string, findTask: (taskId: string) => Task | undefined): Promise<BundleExport> {
  const parsed = parseEvolutionState(await db.evolutions.get(evolutionId));
  if (!parsed.ok) return { ok: false, error: `evolution ${evolutionId}: ${parsed.error}` };
  const state = parsed.value;
  const taskIds = [...state.splits.heldIn, ...state.splits.heldOut, ...state.splits.test];
  const tasks: Task[] = [];
  const missing = taskIds.filter((taskId) => !findTask(taskId));
  if (missing.length) return { ok: false, error: `${plural(missing.length, 'task')} of this evolution (${missing.slice(0, 3).join(', ')}) ${missing.length === 1 ? 'is' : 'are'} not in the current suite: load the suite it ran on (${state.config.suiteId}) and export again` };
  for (const taskId of taskIds) tasks.push(findTask(taskId)!);
  if ((await suiteHash(tasks)) !== state.config.suiteHash) {
    return { ok: false, error: `the tasks of the current suite differ from the ones this evolution ran on (${state.config.suiteId}): their hash does not match the one its rollouts are cached under; load that suite and export again` };
  }
  const hashes = Object.keys(state.versions);
  const snapshots: HarnessSnapshotFile[] = [];
  for (const hash of hashes) {
    const exported = await exportHarnessSnapshot(db, hash);
    if (!exported.ok) return { ok: false, error: `version ${hash.slice(0, 8)}: ${exported.error}` };
    snapshots.push(exported.snapshot);
  }
  const rows = await listEvolutionRollouts(db, state);
  if (rows.length < state.usedRollouts.length) return { ok: false, error: `${state.usedRollouts.length - rows.length} of the rollouts this evolution used are no longer in this workspace's rollout cache` };
  const episodes: BundleContents['episodes'] = [];
  for (const row of rows) {
    const rollout = parseRolloutRecord({ ...row, events: row.events ?? (await getTrace(db, row.traceId)) }, row.key);
    if (!rollout.ok) return { ok: false, error: `rollout ${row.key}: ${rollout.error}` };
    episodes.push({ episode: episodeOfRollout(rollout.value, row.traceId), events: rollout.value.events });
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    kind: 'evolution',
    title: `Evolution ${state.id} (${state.status}, ${plural(state.iterations.length, 'iteration')})`,
    exportedAt: new Date().toISOString(),
    exportedBy: EXPORTED_BY,
    evolution: { id: state.id, file: BUNDLE_EVOLUTION_FILE },
    suite: { id: state.config.suiteId, name: state.config.suiteId, hash: state.config.suiteHash, file: BUNDLE_TASKS_FILE, taskIds },
    harnesses: hashes.map((hash) => ({ hash, file: harnessFile(hash) })),
    episodes: episodes.map((item) => item.episode),
  };
  const secrets = collectSecrets(await db.modelProfiles.toArray());
  // Every string is scrubbed; the versions' harness documents stay as they are (their hash is their identity, and the
  // snapshots above refused any that holds a credential).
  const scrubbedState = scrubSecrets(state, secrets);
  for (const hash of hashes) scrubbedState.versions[hash] = { ...scrubbedState.versions[hash], harness: state.versions[hash].harness };
  const scrubbed: BundleContents = { ...scrubSecrets({ manifest, tasks, episodes, snapshots: [] }, secrets), snapshots, evolution: scrubbedState };
  return { ok: true, bytes: writeBundle(scrubbed), fileName: `evolution-${state.id}.bundle.zip`, episodes: episodes.length };
}

/**
 * Store a checked evolution bundle: the evolution (under a new id when this workspace has one of that id, so nothing
 * stored is replaced), its rollouts in the shared cache with their traces in the one trace store (a rollout the cache
 * already holds is the same result and is kept), and its base and current versions as harness versions with their
 * lineage. Its versions, decisions, report and every rollout trace then open without calling a model.
 */
async function importEvolutionContents(db: StudioDatabase, bundle: BundleContents, fileName: string): Promise<BundleImport> {
  const { manifest, tasks, snapshots, episodes } = bundle;
  const source = bundle.evolution!;
  const rollouts = episodes.map(({ episode, events }) => {
    const parsed = parseRolloutRecord(rolloutOfEpisode(episode, events, source.config.suiteHash), episode.rolloutKey);
    // readBundle checked every one; this only narrows the type.
    if (!parsed.ok) throw new Error(`episode ${episode.id}: ${parsed.error}`);
    return parsed.value;
  });
  const importedAt = Date.now();
  const saved = [...new Set([source.baseHash, source.currentHash])];
  return db.transaction('rw', [db.harnesses, db.evolutions, db.rollouts, db.runs, db.traceEvents], async () => {
    for (const snapshot of snapshots.filter((item) => saved.includes(item.hash))) {
      await saveSnapshotVersion(db, snapshot, { fileName, importedAt, exportedAt: snapshot.exportedAt, exportedBy: snapshot.exportedBy, viaBundle: true, lineage: snapshot.lineage, evolvedOn: snapshot.evolvedOn, scores: snapshot.scores });
    }
    const evolution: EvolutionState = (await db.evolutions.get(source.id)) ? { ...source, id: `${source.id}-imported-${importedAt.toString(36)}` } : source;
    await db.evolutions.add(evolution);
    const cached = new Set(await db.rollouts.where('key').anyOf(rollouts.map((rollout) => rollout.key)).primaryKeys());
    await putRollouts(db, rollouts.filter((rollout) => !cached.has(rollout.key)));
    return { ok: true as const, kind: 'evolution' as const, evolution, title: manifest.title, suite: { id: manifest.suite.id, name: manifest.suite.name }, rollouts: rollouts.length, harnessHashes: saved, tasks };
  });
}
