import { parseEvolutionState, parseRolloutRecord } from '../core/evolve/state-schema.js';
import type { EvolutionState, EvolutionStore, RolloutRecord } from '../core/evolve/state.js';
import { legacyTraceId, type RolloutRow, rolloutRunRecord, type StudioDatabase } from './db.js';
import { getTrace } from './studio-store.js';

/** Write rollouts into the one trace store: the cache row, a run record of kind `rollout`, and its events. */
export async function putRollouts(db: StudioDatabase, records: readonly RolloutRecord[]): Promise<void> {
  if (!records.length) return;
  const split = records.map((record) => {
    const { events, ...rest } = record;
    const traceId = record.traceId ?? legacyTraceId(record.key);
    return { row: { ...rest, traceId } satisfies RolloutRow, events, traceId };
  });
  await db.transaction('rw', db.rollouts, db.runs, db.traceEvents, async () => {
    // A run attempted before (and cut short) may have left a longer trace under the same id: replace it whole.
    await db.traceEvents.where('runId').anyOf(split.map((item) => item.traceId)).delete();
    await db.traceEvents.bulkPut(split.flatMap(({ events, traceId }) => events.map((event) => ({ runId: traceId, seq: event.seq, type: event.type, event }))));
    await db.runs.bulkPut(split.map(({ row, traceId }) => rolloutRunRecord(row, traceId)));
    await db.rollouts.bulkPut(split.map(({ row }) => row));
  });
}

/** One evolution's state in IndexedDB; the rollout cache is shared by every evolution (same key = same result). */
export class DexieEvolutionStore implements EvolutionStore {
  constructor(
    private readonly db: StudioDatabase,
    readonly evolutionId: string,
  ) {}

  loadState(): Promise<unknown> {
    return this.db.evolutions.get(this.evolutionId);
  }

  async saveState(state: EvolutionState): Promise<void> {
    if (state.id !== this.evolutionId) throw new Error(`this store holds evolution ${this.evolutionId}, not ${state.id}`);
    await this.db.evolutions.put(state);
  }

  async getRollout(key: string): Promise<RolloutRecord | undefined> {
    const row = await this.db.rollouts.get(key);
    if (row === undefined) return undefined;
    // Rows of schema v3 and v4 carried their events inline; v5 keeps them in the trace store.
    const events = row.events ?? (await getTrace(this.db, row.traceId));
    const parsed = parseRolloutRecord({ ...row, events }, key);
    if (parsed.ok) return parsed.value;
    // An unreadable cache row only costs a re-run; the new result replaces it.
    console.warn(`rollout ${key} is unreadable (${parsed.error}); it runs again`);
    return undefined;
  }

  putRollout(record: RolloutRecord): Promise<void> {
    return putRollouts(this.db, [record]);
  }
}

export interface StoredEvolutions {
  evolutions: EvolutionState[];
  /** Rows that do not validate: kept in the database, listed with why. */
  unreadable: Array<{ id: string; reason: string }>;
}

/** Every evolution in the database, newest first, validated (and migrated in memory) on the way out. */
export async function readEvolutions(db: StudioDatabase): Promise<StoredEvolutions> {
  const rows: unknown[] = await db.evolutions.orderBy('startedAt').reverse().toArray();
  const result: StoredEvolutions = { evolutions: [], unreadable: [] };
  for (const row of rows) {
    const parsed = parseEvolutionState(row);
    if (parsed.ok) result.evolutions.push(parsed.value);
    else result.unreadable.push({ id: String((row as { id?: unknown })?.id ?? '?'), reason: parsed.error });
  }
  return result;
}

export async function listEvolutions(db: StudioDatabase): Promise<EvolutionState[]> {
  return (await readEvolutions(db)).evolutions;
}

/** The rollouts an evolution used, in order, as cache rows (each `traceId` opens in the trace viewer). */
export async function listEvolutionRollouts(db: StudioDatabase, state: EvolutionState): Promise<RolloutRow[]> {
  const rows = await db.rollouts.bulkGet(state.usedRollouts);
  return rows.filter((row): row is RolloutRow => row !== undefined);
}

/**
 * Import an evolution written by the CLI (`state.json` + `rollouts/*.json`), validated before it touches the store:
 * a state that does not validate is refused with the reason; rollouts that do not are left out (they would only be
 * re-run) and counted. An existing evolution with the same id is never overwritten: the import gets a new id.
 */
export async function importEvolution(db: StudioDatabase, rawState: unknown, rawRollouts: unknown[]): Promise<EvolutionState & { skippedRollouts?: number }> {
  const parsed = parseEvolutionState(rawState);
  if (!parsed.ok) throw new Error(`not an evolution state file (state.json from \`self-harness evolve --out\`): ${parsed.error}`);
  const state = parsed.value;
  const rollouts: RolloutRecord[] = [];
  let skipped = 0;
  for (const raw of rawRollouts) {
    const rollout = parseRolloutRecord(raw);
    if (rollout.ok && rollout.value.outcome !== 'infra_error') rollouts.push(rollout.value);
    else skipped++;
  }
  let imported = state;
  if (await db.evolutions.get(state.id)) imported = { ...state, id: `${state.id}-imported-${Date.now().toString(36)}` };
  await db.transaction('rw', [db.evolutions, db.rollouts, db.runs, db.traceEvents], async () => {
    await db.evolutions.add(imported);
    // Rollouts are content-addressed by key: an existing one is the same result, so keep it.
    const existing = new Set(await db.rollouts.where('key').anyOf(rollouts.map((rollout) => rollout.key)).primaryKeys());
    await putRollouts(db, rollouts.filter((rollout) => !existing.has(rollout.key)));
  });
  return skipped ? { ...imported, skippedRollouts: skipped } : imported;
}
