import type { StudioDatabase } from './db.js';

/**
 * Deleting what a user no longer wants, with the storage it frees shown first. Sizes are the JSON size of the
 * records (what IndexedDB stores, give or take its own overhead), so the confirmation can say "about 1.2 MB".
 */

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

async function traceBytes(db: StudioDatabase, runIds: readonly string[]): Promise<number> {
  let bytes = 0;
  await db.traceEvents.where('runId').anyOf(runIds as string[]).each((record) => {
    bytes += jsonBytes(record);
  });
  return bytes;
}

export interface StorageFootprint {
  bytes: number;
  runs: number;
  traceEvents: number;
}

export async function runFootprint(db: StudioDatabase, runIds: readonly string[]): Promise<StorageFootprint> {
  const runs = (await db.runs.bulkGet(runIds as string[])).filter(Boolean);
  const traceEvents = await db.traceEvents.where('runId').anyOf(runIds as string[]).count();
  return { bytes: runs.reduce((sum, run) => sum + jsonBytes(run), 0) + (await traceBytes(db, runIds)), runs: runs.length, traceEvents };
}

export async function batchFootprint(db: StudioDatabase, batchId: string): Promise<StorageFootprint> {
  const runIds = (await db.runs.where('batchId').equals(batchId).primaryKeys()) as string[];
  const footprint = await runFootprint(db, runIds);
  const batch = await db.batches.get(batchId);
  return { ...footprint, bytes: footprint.bytes + (batch ? jsonBytes(batch) : 0) };
}

/** Runs and their traces. A batch left without runs goes too. */
export async function deleteRuns(db: StudioDatabase, runIds: readonly string[]): Promise<void> {
  await db.transaction('rw', db.runs, db.traceEvents, db.batches, async () => {
    const runs = (await db.runs.bulkGet(runIds as string[])).filter((run) => run !== undefined);
    await db.traceEvents.where('runId').anyOf(runIds as string[]).delete();
    await db.runs.bulkDelete(runIds as string[]);
    for (const batchId of new Set(runs.map((run) => run.batchId))) {
      if ((await db.runs.where('batchId').equals(batchId).count()) === 0) await db.batches.delete(batchId);
    }
  });
}

export async function deleteBatch(db: StudioDatabase, batchId: string): Promise<void> {
  await db.transaction('rw', db.runs, db.traceEvents, db.batches, async () => {
    const runIds = (await db.runs.where('batchId').equals(batchId).primaryKeys()) as string[];
    await db.traceEvents.where('runId').anyOf(runIds).delete();
    await db.runs.bulkDelete(runIds);
    await db.batches.delete(batchId);
  });
}

/** Rollouts only this evolution used: the cache is shared, so ones another evolution used stay. */
async function ownRollouts(db: StudioDatabase, evolutionId: string): Promise<string[]> {
  const evolutions = await db.evolutions.toArray();
  const mine = evolutions.find((state) => state.id === evolutionId);
  if (!mine) return [];
  const others = new Set(evolutions.filter((state) => state.id !== evolutionId).flatMap((state) => state.usedRollouts));
  return [...new Set(mine.usedRollouts)].filter((key) => !others.has(key));
}

/** The trace ids (run records of kind `rollout`) of cached rollouts, for the keys that have a row. */
async function rolloutTraceIds(db: StudioDatabase, keys: readonly string[]): Promise<string[]> {
  const rows = await db.rollouts.bulkGet(keys as string[]);
  return rows.flatMap((row) => (row ? [row.traceId] : []));
}

/** What deleting the evolution frees: its state, and the rollouts only it used (cache rows, run records, traces). */
export async function evolutionFootprint(db: StudioDatabase, evolutionId: string): Promise<{ bytes: number; rollouts: number; traceEvents: number }> {
  const state = await db.evolutions.get(evolutionId);
  const keys = await ownRollouts(db, evolutionId);
  const rollouts = (await db.rollouts.bulkGet(keys)).filter(Boolean);
  const traces = await runFootprint(db, await rolloutTraceIds(db, keys));
  return {
    bytes: (state ? jsonBytes(state) : 0) + rollouts.reduce((sum, rollout) => sum + jsonBytes(rollout), 0) + traces.bytes,
    rollouts: rollouts.length,
    traceEvents: traces.traceEvents,
  };
}

/**
 * The evolution, the profiles it remembered, and the rollouts no other evolution used: their cache rows and their
 * traces in the one trace store (run records of kind `rollout` and their events). Rollouts another evolution used stay,
 * traces included, since the cache is shared. Harness versions saved from it stay.
 */
export async function deleteEvolution(db: StudioDatabase, evolutionId: string): Promise<void> {
  await db.transaction('rw', [db.evolutions, db.rollouts, db.runs, db.traceEvents, db.evolutionProfiles], async () => {
    const keys = await ownRollouts(db, evolutionId);
    const traceIds = await rolloutTraceIds(db, keys);
    await db.traceEvents.where('runId').anyOf(traceIds).delete();
    await db.runs.bulkDelete(traceIds);
    await db.rollouts.bulkDelete(keys);
    await db.evolutionProfiles.delete(evolutionId);
    await db.evolutions.delete(evolutionId);
  });
}
