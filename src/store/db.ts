import Dexie, { type Table } from 'dexie';
import type { AgentEndReason, AgentEvent } from '../core/agent/events.js';
import type { EvolutionState, RolloutRecord } from '../core/evolve/state.js';
import type { HarnessDocument } from '../core/harness/schema.js';
import { migrateSavedProfiles, modelIdOfProfile, type ModelProfile } from '../core/model/profile.js';
import type { TokenUsage } from '../core/model/types.js';
import type { TaskOutcome, VerifierResult } from '../core/tasks/types.js';

/** One saved harness version; the hash is its identity, the parent makes versions a tree. */
export interface HarnessVersionRecord {
  hash: string;
  parentHash?: string;
  document: HarnessDocument;
  label: string;
  source: 'default' | 'editor' | 'import' | 'evolution';
  createdAt: number;
}

/** A press of Run: several tasks with one harness and one model. (Schema v2.) */
export interface BatchRecord {
  id: string;
  harnessHash: string;
  modelId: string;
  taskIds: string[];
  startedAt: number;
  endedAt?: number;
}

export type RunStatus = 'running' | 'done';

export interface RunRecord {
  id: string;
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

export const DEFAULT_DB_NAME = 'self-harness-studio';

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
  rollouts!: Table<RolloutRecord, string>;
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
  }
}
