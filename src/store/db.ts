import Dexie, { type Table } from 'dexie';
import type { AgentEndReason, AgentEvent } from '../core/agent/events.js';
import type { EvolutionState, RolloutRecord } from '../core/evolve/state.js';
import type { HarnessDocument } from '../core/harness/schema.js';
import { migrateSavedProfiles, modelIdOfProfile, type ModelProfile } from '../core/model/profile.js';
import type { TokenUsage } from '../core/model/types.js';
import type { EvolvedOn, Lineage } from '../core/share/snapshot.js';
import type { Task, TaskOutcome, VerifierResult } from '../core/tasks/types.js';

/** Where an imported version came from: the snapshot file and the lineage it carried (not indexed; no schema change). */
export interface HarnessOrigin {
  fileName: string;
  importedAt: number;
  exportedAt?: string;
  exportedBy?: string;
  /** From a run bundle rather than a snapshot file of its own. */
  viaBundle?: boolean;
  lineage?: Lineage;
  evolvedOn?: EvolvedOn;
  scores?: Partial<Record<'heldIn' | 'heldOut' | 'test', { passed: number; total: number }>>;
}

/** One saved harness version; the hash is its identity, the parent makes versions a tree. */
export interface HarnessVersionRecord {
  hash: string;
  parentHash?: string;
  document: HarnessDocument;
  label: string;
  source: 'default' | 'editor' | 'import' | 'evolution' | 'example';
  createdAt: number;
  origin?: HarnessOrigin;
}

/** A press of Run: several tasks with one harness and one model. (Schema v2.) */
export interface BatchRecord {
  id: string;
  harnessHash: string;
  modelId: string;
  taskIds: string[];
  startedAt: number;
  endedAt?: number;
  /** Why the batch ran differently from its settings, e.g. switched to json_action after the tool-calling probe. */
  notice?: string;
  /** The suite the tasks came from; its hash covers exactly the batch's tasks (suiteHash of them). */
  suite?: { id: string; name: string; hash: string };
  /** Set on a batch imported from a run bundle: the tasks it ran (so it replays and re-runs without that suite) and the file. */
  imported?: { fileName: string; importedAt: number; exportedAt: string; title: string; tasks: Task[] };
}

export type RunStatus = 'running' | 'done';

export interface RunRecord {
  id: string;
  /** `rollout`: an evolution's attempt (schema v5); its trace lives in the same table as every run's. Absent: a Run press. */
  kind?: 'run' | 'rollout';
  /** For a rollout: its key in the rollout cache. */
  rolloutKey?: string;
  batchId: string;
  harnessHash: string;
  modelId: string;
  taskId: string;
  suiteId: string;
  attempt: number;
  status: RunStatus;
  outcome?: TaskOutcome;
  reason?: string;
  agentEndReason?: AgentEndReason;
  verifier?: VerifierResult;
  usage: TokenUsage;
  steps: number;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  /** `episode-worker`: the agent loop and verifier ran in an episode Web Worker; absent: on the page's thread. */
  ranIn?: 'episode-worker';
}

export interface TraceEventRecord {
  runId: string;
  seq: number;
  type: AgentEvent['type'];
  event: AgentEvent;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

/** A saved model profile (schema v4); before, all profiles were one array in the settings table. */
export interface ModelProfileRecord {
  id: string;
  profile: ModelProfile;
  createdAt: number;
  updatedAt: number;
  /** `session`: the profile's API key is kept in the tab's session storage only, and `profile` holds none. */
  keyScope?: 'session';
}

/**
 * Which saved profiles an evolution started in this page runs with (schema v4). Kept beside the evolution's state
 * (which core owns and the CLI writes too), by profile id, so editing a profile's URL or key keeps it resumable;
 * the names are kept to say which one is missing after a delete.
 */
export interface EvolutionProfilesRecord {
  evolutionId: string;
  agentProfileId: string;
  agentProfileName: string;
  proposerProfileId: string;
  proposerProfileName: string;
}

/** A rollout row (schema v5): the cached result without its events, which are trace events of the run `traceId`. */
export type RolloutRow = Omit<RolloutRecord, 'events' | 'traceId'> & { traceId: string; events?: AgentEvent[] };

export const DEFAULT_DB_NAME = 'self-harness-studio';

/** A synchronous, stable id from a rollout key (inside an upgrade transaction nothing asynchronous but IndexedDB may run). */
export function legacyTraceId(key: string): string {
  let first = 0x811c9dc5;
  let second = 0x01000193;
  for (let index = 0; index < key.length; index++) {
    first = Math.imul(first ^ key.charCodeAt(index), 0x01000193);
    second = Math.imul(second ^ key.charCodeAt(index), 0x5bd1e995);
  }
  return `rollout-${(first >>> 0).toString(16).padStart(8, '0')}${(second >>> 0).toString(16).padStart(8, '0')}`;
}

/** The run record that makes a rollout's trace open in the trace viewer like any run. */
export function rolloutRunRecord(rollout: Omit<RolloutRecord, 'events'>, traceId: string): RunRecord {
  return {
    id: traceId,
    kind: 'rollout',
    rolloutKey: rollout.key,
    batchId: 'evolution-rollouts',
    harnessHash: rollout.harnessHash,
    modelId: rollout.modelId,
    taskId: rollout.taskId,
    suiteId: rollout.suiteHash,
    attempt: rollout.attempt,
    status: 'done',
    outcome: rollout.outcome,
    reason: rollout.reason,
    usage: rollout.usage,
    steps: rollout.steps,
    startedAt: rollout.createdAt - rollout.durationMs,
    endedAt: rollout.createdAt,
    durationMs: rollout.durationMs,
  };
}

/**
 * The app's IndexedDB. Each `version(n)` block is a migration step; never edit an old one — add a new one,
 * and keep the test that opens the older schema and upgrades it.
 */
export class StudioDatabase extends Dexie {
  harnesses!: Table<HarnessVersionRecord, string>;
  runs!: Table<RunRecord, string>;
  traceEvents!: Table<TraceEventRecord, [string, number]>;
  settings!: Table<SettingRecord, string>;
  batches!: Table<BatchRecord, string>;
  evolutions!: Table<EvolutionState, string>;
  rollouts!: Table<RolloutRow, string>;
  modelProfiles!: Table<ModelProfileRecord, string>;
  evolutionProfiles!: Table<EvolutionProfilesRecord, string>;

  constructor(name = DEFAULT_DB_NAME, dexieOptions?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, dexieOptions);
    this.version(1).stores({
      harnesses: '&hash, parentHash, createdAt',
      runs: '&id, harnessHash, taskId, startedAt',
      traceEvents: '[runId+seq], runId',
      settings: '&key',
    });
    // v2: runs are grouped into batches (one per Run press) and can be looked up by cache key.
    this.version(2)
      .stores({
        runs: '&id, batchId, harnessHash, modelId, taskId, startedAt, [harnessHash+modelId+taskId+attempt]',
        batches: '&id, startedAt',
      })
      .upgrade(async (transaction) => {
        const legacy = new Map<string, BatchRecord>();
        await transaction
          .table<RunRecord, string>('runs')
          .toCollection()
          .modify((run) => {
            if (run.batchId) return;
            const day = new Date(run.startedAt).toISOString().slice(0, 10);
            const id = `legacy-${run.harnessHash.slice(0, 12)}-${run.modelId}-${day}`;
            run.batchId = id;
            run.attempt ??= 1;
            const batch = legacy.get(id) ?? { id, harnessHash: run.harnessHash, modelId: run.modelId, taskIds: [], startedAt: run.startedAt, endedAt: run.endedAt };
            batch.taskIds.push(run.taskId);
            batch.startedAt = Math.min(batch.startedAt, run.startedAt);
            legacy.set(id, batch);
          });
        if (legacy.size) await transaction.table('batches').bulkPut([...legacy.values()]);
      });
    // v3: evolutions (the persisted Self-Harness state machine) and the rollout cache they share.
    this.version(3).stores({
      evolutions: '&id, startedAt, status',
      rollouts: '&key, harnessHash, taskId, createdAt',
    });
    // v4: any number of named model profiles, one record each (they were one settings array, one per provider), and
    // the profiles each evolution runs with. Evolutions started earlier are linked to the profile of their model id.
    this.version(4)
      .stores({
        modelProfiles: '&id, createdAt',
        evolutionProfiles: '&evolutionId',
      })
      .upgrade(async (transaction) => {
        const settings = transaction.table<SettingRecord, string>('settings');
        const stored = await settings.get('modelProfiles');
        const profiles = migrateSavedProfiles(stored?.value);
        const now = Date.now();
        await transaction.table<ModelProfileRecord, string>('modelProfiles').bulkAdd(profiles.map((profile, index) => ({ id: profile.id, profile, createdAt: now + index, updatedAt: now })));
        if (stored) await settings.delete('modelProfiles');
        const byModelId = (modelId: string) => profiles.find((profile) => modelIdOfProfile(profile) === modelId) ?? profiles.find((profile) => profile.label === modelId);
        const links: EvolutionProfilesRecord[] = [];
        await transaction
          .table<EvolutionState, string>('evolutions')
          .each((evolution) => {
            const agent = byModelId(evolution.config.agentModelId);
            if (!agent) return;
            // A proposer no profile matches is left unset: resuming asks for one instead of guessing.
            const proposer = byModelId(evolution.config.proposerModelId);
            links.push({
              evolutionId: evolution.id,
              agentProfileId: agent.id,
              agentProfileName: agent.label,
              proposerProfileId: proposer?.id ?? '',
              proposerProfileName: proposer?.label ?? evolution.config.proposerModelId,
            });
          });
        if (links.length) await transaction.table('evolutionProfiles').bulkAdd(links);
      });
    // v5: one trace store. A rollout's events move out of its cache row into traceEvents, under a run record of kind
    // `rollout`, so every rollout opens in the trace viewer like a run.
    this.version(5)
      .stores({ runs: '&id, batchId, harnessHash, modelId, taskId, startedAt, kind, [harnessHash+modelId+taskId+attempt]' })
      .upgrade(async (transaction) => {
        const rollouts = transaction.table<RolloutRow, string>('rollouts');
        const rows = await rollouts.toArray();
        const moved = rows.map((row) => ({ row, traceId: row.traceId ?? legacyTraceId(row.key) }));
        await transaction.table<RunRecord, string>('runs').bulkPut(moved.map(({ row, traceId }) => rolloutRunRecord(row, traceId)));
        await transaction
          .table<TraceEventRecord, [string, number]>('traceEvents')
          .bulkPut(moved.flatMap(({ row, traceId }) => (row.events ?? []).map((event) => ({ runId: traceId, seq: event.seq, type: event.type, event }))));
        await rollouts.bulkPut(
          moved.map(({ row, traceId }) => {
            const { events: _events, ...rest } = row;
            return { ...rest, traceId };
          }),
        );
      });
  }
}
