import type { AgentEvent } from '../agent/events.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { TokenUsage } from '../model/types.js';
import type { TaskOutcome } from '../tasks/types.js';
import type { HarnessEdit } from './edits.js';
import type { EvolutionConfig } from './config.js';
import type { GateDecision, TaskPasses } from './gate.js';
import type { Weakness } from './mining.js';
import type { ModelIdentity } from './model-identity.js';
import type { Candidate, RejectedProposal } from './proposal.js';
import type { SplitName, Splits } from './splits.js';

/** Version 2 added model identities, fresh parent attempts, pause and budget-stop records and the final-test budget. */
export const EVOLUTION_FORMAT_VERSION = 2;

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

/** `failed`: validating it crashed (the reason is kept; the evolution went on); `skipped`: a budget stop came first. */
export type CandidateStatus = 'pending' | 'accepted' | 'rejected' | 'merged' | 'not_merged' | 'human_rejected' | 'failed' | 'skipped';

export interface CandidateRecord extends Candidate {
  iteration: number;
  harnessHash: string;
  status: CandidateStatus;
  decision?: GateDecision;
  /** Which of the predicted flips actually went fail→pass or improved. */
  predictedFlipsHappened?: string[];
  /** Why validation could not decide (status `failed` or `skipped`). */
  failure?: string;
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
  /**
   * The parent's fresh attempts (k+1…2k): the baseline every candidate of this iteration is compared with. They are
   * not the attempts whose failures were mined, so a lucky or unlucky selection does not bias the gate.
   */
  freshParent?: { passes: TaskPasses; heldIn: SplitScore; heldOut: SplitScore };
  /** Tasks left out of this iteration's comparisons because their attempts hit infrastructure errors. */
  excludedTasks?: Array<{ taskId: string; reason: string }>;
}

/** Why an evolution paused: the user asked, the model could not be reached, or the wall-clock budget ran out. */
export interface EvolutionPause {
  /** `model_refused`: the endpoint refuses every request for a reason sending again cannot fix (its message says which). */
  kind: 'user' | 'model_unreachable' | 'model_refused' | 'time_budget';
  reason: string;
  /** What to do to continue, in words. */
  resumeHint: string;
}

/** The persisted state machine. Saved after every stage and rollout; resuming continues from `stage`. */
export interface EvolutionState {
  formatVersion: typeof EVOLUTION_FORMAT_VERSION;
  id: string;
  config: EvolutionConfig;
  splits: Splits;
  status: 'running' | 'paused' | 'awaiting_review' | 'done' | 'failed';
  stopReason?: string;
  /** Set while paused. */
  pause?: EvolutionPause;
  /** A rollout or token budget ended decision making in this iteration; accepted candidates were still merged. */
  budgetStop?: { iteration: number; reason: string };
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
  /** Tokens of the rollouts used (cached ones included, so the figure does not depend on interruptions). */
  agentUsage: TokenUsage;
  proposerUsage: TokenUsage;
  /** Tokens spent on attempts that were cut short (pause, time limit, unreachable model); budgets count them too. */
  abandonedUsage: TokenUsage;
  /**
   * Who acts and who proposes: provider, model, action protocol and sampling settings (not the URL). The rollout cache is
   * keyed by the agent's identity; resuming with another agent, or silently with another proposer, is refused.
   */
  models: { agent: ModelIdentity; proposer: ModelIdentity; proposerChanges: Array<{ iteration: number; from: string; to: string }> };
  /** The final test's own budget and what it used; `passes` per version hash and test task, for the paired comparison. */
  finalTest?: { budget: number; planned: number; used: number; passes: Record<string, TaskPasses> };
  /** Rollouts this evolution actually executed (the rest came from the cache). */
  executedRollouts: number;
  startedAt: number;
  /** Wall time spent running, summed over sessions. */
  elapsedMs: number;
}

export interface RolloutKey {
  harnessHash: string;
  /** The agent model's identity key (`ModelIdentity.key`). */
  modelId: string;
  suiteHash: string;
  taskId: string;
  attempt: number;
}

export function rolloutKey(key: RolloutKey): string {
  return `${key.harnessHash}|${key.modelId}|${key.suiteHash}|${key.taskId}|${key.attempt}`;
}

/** Rollout files and rows carry this; version 1 had none. */
export const ROLLOUT_FORMAT_VERSION = 2;

/**
 * One finished attempt, cached by (harness, model, suite, task, attempt) across evolutions and sessions. Only task
 * outcomes are cached: an attempt that hit an infrastructure error is never stored.
 */
export interface RolloutRecord extends RolloutKey {
  formatVersion?: typeof ROLLOUT_FORMAT_VERSION;
  key: string;
  /** The trace's id in the page's one trace store (its run id), when it was recorded there. */
  traceId?: string;
  outcome: TaskOutcome;
  reason: string;
  usage: TokenUsage;
  steps: number;
  durationMs: number;
  /** The agent's trace (never the verifier's output). */
  events: AgentEvent[];
  createdAt: number;
}

/**
 * Where an evolution keeps its state and the rollout cache: IndexedDB in the page, a directory in the CLI, memory in tests.
 * `loadState` returns what is stored as it is; `readEvolutionState` validates and migrates it. `getRollout` returns
 * undefined for a missing or unreadable record (a store quarantines what it cannot read), so it is run again.
 */
export interface EvolutionStore {
  loadState(): Promise<unknown>;
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
