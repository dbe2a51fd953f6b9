import type { AgentEvent } from '../core/agent/events.js';
import { harnessHash } from '../core/harness/harness.js';
import type { HarnessDocument } from '../core/harness/schema.js';
import type { TaskRunResult } from '../core/tasks/run-task.js';
import type { BatchRecord, HarnessVersionRecord, RunRecord, StudioDatabase, TraceEventRecord } from './db.js';

const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${globalThis.crypto.randomUUID().slice(0, 8)}`;

/** Save a harness version; saving the same document twice keeps the first record (its hash is its identity). */
export async function saveHarnessVersion(
  db: StudioDatabase,
  document: HarnessDocument,
  meta: { parentHash?: string; label?: string; source: HarnessVersionRecord['source'] },
): Promise<HarnessVersionRecord> {
  const hash = await harnessHash(document);
  const record: HarnessVersionRecord = {
    hash,
    parentHash: meta.parentHash && meta.parentHash !== hash ? meta.parentHash : undefined,
    document,
    label: meta.label?.trim() || document.name,
    source: meta.source,
    createdAt: Date.now(),
  };
  // Read and write in one transaction: two tabs (or StrictMode's double effect) saving the same document must not collide.
  return db.transaction('rw', db.harnesses, async () => {
    const existing = await db.harnesses.get(hash);
    if (existing) return existing;
    await db.harnesses.add(record);
    return record;
  });
}

export function listHarnessVersions(db: StudioDatabase): Promise<HarnessVersionRecord[]> {
  return db.harnesses.orderBy('createdAt').toArray();
}

export async function createBatch(db: StudioDatabase, batch: Omit<BatchRecord, 'id' | 'startedAt'>): Promise<BatchRecord> {
  const record: BatchRecord = { ...batch, id: newId('batch'), startedAt: Date.now() };
  await db.batches.add(record);
  return record;
}

export async function finishBatch(db: StudioDatabase, batchId: string): Promise<void> {
  await db.batches.update(batchId, { endedAt: Date.now() });
}

export async function startRun(
  db: StudioDatabase,
  run: Pick<RunRecord, 'batchId' | 'harnessHash' | 'modelId' | 'taskId' | 'suiteId' | 'attempt'>,
): Promise<RunRecord> {
  const record: RunRecord = { ...run, id: newId('run'), status: 'running', usage: { inputTokens: 0, outputTokens: 0 }, steps: 0, startedAt: Date.now() };
  await db.runs.add(record);
  return record;
}

export async function finishRun(db: StudioDatabase, runId: string, result: TaskRunResult): Promise<void> {
  await db.runs.update(runId, {
    status: 'done',
    outcome: result.outcome,
    reason: result.reason,
    agentEndReason: result.agentEndReason,
    verifier: result.verifier,
    usage: result.usage,
    steps: result.steps,
    endedAt: Date.now(),
    durationMs: result.durationMs,
    ...(result.ranIn ? { ranIn: result.ranIn } : {}),
  });
}

export function appendTraceEvents(db: StudioDatabase, runId: string, events: AgentEvent[]): Promise<unknown> {
  if (!events.length) return Promise.resolve();
  return db.traceEvents.bulkPut(events.map((event): TraceEventRecord => ({ runId, seq: event.seq, type: event.type, event })));
}

/**
 * Buffers a run's events and writes them in bulk: one IndexedDB transaction per flush, not per event.
 * `flush()` at the end of a run; a crash loses at most the unflushed tail, never earlier events.
 */
export class TraceRecorder {
  private buffer: AgentEvent[] = [];
  private pending: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly db: StudioDatabase,
    private readonly runId: string,
    private readonly flushEveryMs = 250,
  ) {}

  record(event: AgentEvent): void {
    this.buffer.push(event);
    if (event.type === 'run-end') void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushEveryMs);
  }

  flush(): Promise<unknown> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.pending = this.pending.then(() => appendTraceEvents(this.db, this.runId, batch));
    return this.pending;
  }
}

export async function getTrace(db: StudioDatabase, runId: string): Promise<AgentEvent[]> {
  const records = await db.traceEvents.where('runId').equals(runId).sortBy('seq');
  return records.map((record) => record.event);
}

/** Runs of the Run page, newest first; evolution rollouts share the table but are listed on the Evolve page. */
export function listRuns(db: StudioDatabase): Promise<RunRecord[]> {
  return db.runs
    .orderBy('startedAt')
    .reverse()
    .filter((run) => run.kind !== 'rollout')
    .toArray();
}

export function listBatches(db: StudioDatabase): Promise<BatchRecord[]> {
  return db.batches.orderBy('startedAt').reverse().toArray();
}

/** Runs left `running` by a closed tab or a crash are marked, not deleted: their partial traces stay readable. */
export async function recoverInterruptedRuns(db: StudioDatabase): Promise<number> {
  return db.runs
    .where('startedAt')
    .above(0)
    .filter((run) => run.status === 'running')
    .modify({ status: 'done', outcome: 'infra_error', reason: 'interrupted: the page was closed or reloaded while this run was in progress' });
}

export async function getSetting<T>(db: StudioDatabase, key: string, fallback: T): Promise<T> {
  const record = await db.settings.get(key);
  return record === undefined ? fallback : (record.value as T);
}

export async function setSetting(db: StudioDatabase, key: string, value: unknown): Promise<void> {
  await db.settings.put({ key, value });
}

export const SETTINGS = {
  /** The profile runs use; the profiles themselves are in the `modelProfiles` table (model-profiles.ts). */
  activeModelProfileId: 'activeModelProfileId',
  activeHarnessHash: 'activeHarnessHash',
  /** `just-bash` (default) or `webcontainer`: what runs the agent's commands. */
  sandboxPreference: 'sandboxPreference',
  /** Episodes a batch or an evolution runs at once on this page (the Run panel's "Episodes at once"). */
  poolSize: 'poolSize',
} as const;
