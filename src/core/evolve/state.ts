import type { AgentEvent } from '../agent/events.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { TokenUsage } from '../model/types.js';
import type { TaskOutcome } from '../tasks/types.js';
import type { HarnessEdit } from './edits.js';
import type { EvolutionConfig } from './config.js';
import type { GateDecision } from './gate.js';
import type { Weakness } from './mining.js';
import type { Candidate, RejectedProposal } from './proposal.js';
import type { SplitName, Splits } from './splits.js';

export const EVOLUTION_FORMAT_VERSION = 1;

// The config's one schema lives in config.ts; these names stay here for the code that imported them from the state.
export { DEFAULT_EVOLUTION_SETTINGS as DEFAULT_EVOLUTION_CONFIG, type EvolutionBudget, type EvolutionConfig, type EvolutionSettings } from './config.js';

export interface SplitScore {
  passed: number;
  total: number;
}

/** A node of the version tree: the base, a candidate (accepted or abandoned) or a merge. */
export interface VersionNode {
  hash: string;
  parentHash?: string;
  harness: HarnessDocument;
  kind: 'base' | 'candidate' | 'merge';
  iteration: number;
  /** Candidates whose edits this version carries on top of its parent. */
  candidateIds: string[];
  edits: HarnessEdit[];
  weaknessIds: string[];
  /** Full-split scores, when the version was evaluated on the whole split. */
  scores: Partial<Record<SplitName, SplitScore>>;
  status: 'base' | 'adopted' | 'abandoned' | 'pending';
}

export type CandidateStatus = 'pending' | 'accepted' | 'rejected' | 'merged' | 'not_merged' | 'human_rejected';

export interface CandidateRecord extends Candidate {
  iteration: number;
  harnessHash: string;
  status: CandidateStatus;
  decision?: GateDecision;
  /** Which of the predicted flips actually went fail→pass or improved. */
  predictedFlipsHappened?: string[];
}

export type EvolutionStage = 'evaluate' | 'mine' | 'propose' | 'validate' | 'review' | 'merge' | 'final_test' | 'finished';

export interface StageFailure {
  iteration: number;
  stage: EvolutionStage;
  error: string;
}

export interface IterationRecord {
  iteration: number;
  baseHash: string;
  weaknesses?: Weakness[];
  rejectedProposals: RejectedProposal[];
  candidateIds: string[];
  adoptedHash?: string;
  mergeNote?: string;
}

/** The persisted state machine. Saved after every stage and rollout; resuming continues from `stage`. */
export interface EvolutionState {
  formatVersion: typeof EVOLUTION_FORMAT_VERSION;
  id: string;
  config: EvolutionConfig;
  splits: Splits;
  status: 'running' | 'paused' | 'awaiting_review' | 'done' | 'failed';
  stopReason?: string;
  iteration: number;
  stage: EvolutionStage;
  baseHash: string;
  currentHash: string;
  versions: Record<string, VersionNode>;
  iterations: IterationRecord[];
  candidates: CandidateRecord[];
  stageFailures: StageFailure[];
  noAcceptStreak: number;
  /** Human review decisions, by candidate id. */
  reviews: Record<string, 'accept' | 'reject'>;
  /** Rollout keys this evolution has used, in order. */
  usedRollouts: string[];
  agentUsage: TokenUsage;
  proposerUsage: TokenUsage;
  /** Rollouts this evolution actually executed (the rest came from the cache). */
  executedRollouts: number;
  startedAt: number;
  /** Wall time spent running, summed over sessions. */
  elapsedMs: number;
}

export interface RolloutKey {
  harnessHash: string;
  modelId: string;
  suiteHash: string;
  taskId: string;
  attempt: number;
}

export function rolloutKey(key: RolloutKey): string {
  return `${key.harnessHash}|${key.modelId}|${key.suiteHash}|${key.taskId}|${key.attempt}`;
}

/** One finished attempt, cached by (harness, model, suite, task, attempt) across evolutions and sessions. */
export interface RolloutRecord extends RolloutKey {
  key: string;
  outcome: TaskOutcome;
  reason: string;
  usage: TokenUsage;
  steps: number;
  durationMs: number;
  /** The agent's trace (never the verifier's output). */
  events: AgentEvent[];
  createdAt: number;
}

/** Where an evolution keeps its state and the rollout cache: IndexedDB in the page, a directory in the CLI, memory in tests. */
export interface EvolutionStore {
  loadState(): Promise<EvolutionState | undefined>;
  saveState(state: EvolutionState): Promise<void>;
  getRollout(key: string): Promise<RolloutRecord | undefined>;
  putRollout(record: RolloutRecord): Promise<void>;
}

export class MemoryEvolutionStore implements EvolutionStore {
  state: EvolutionState | undefined;
  readonly rollouts = new Map<string, RolloutRecord>();
  async loadState() {
    return this.state ? structuredClone(this.state) : undefined;
  }
  async saveState(state: EvolutionState) {
    this.state = structuredClone(state);
  }
  async getRollout(key: string) {
    return this.rollouts.get(key);
  }
  async putRollout(record: RolloutRecord) {
    this.rollouts.set(record.key, record);
  }
}
