import type { AgentEvent } from '../agent/events.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { TokenUsage } from '../model/types.js';
import type { TaskOutcome } from '../tasks/types.js';
import type { HarnessEdit } from './edits.js';
import type { AcceptanceRule, GateDecision } from './gate.js';
import type { Weakness } from './mining.js';
import type { Candidate, RejectedProposal } from './proposal.js';
import type { SplitName, SplitRatios, Splits } from './splits.js';

export const EVOLUTION_FORMAT_VERSION = 1;

export interface EvolutionBudget {
  maxIterations: number;
  /** Distinct rollouts (harness × task × attempt) the evolution may use, cached ones included. */
  maxRollouts?: number;
  /** Agent plus proposer tokens. */
  maxTokens?: number;
  maxWallTimeMs?: number;
}

export interface EvolutionConfig {
  suiteId: string;
  suiteHash: string;
  agentModelId: string;
  proposerModelId: string;
  splitRatios: SplitRatios;
  seed: number;
  /** k attempts per harness × task (the paper uses 2). */
  attempts: number;
  candidatesPerWeakness: number;
  topWeaknesses: number;
  acceptance: AcceptanceRule;
  budget: EvolutionBudget;
  /** Stop after this many iterations in a row without an accepted edit. */
  convergenceIterations: number;
  /** Pause before each merge so a person accepts or rejects each gate-approved candidate. */
  reviewBeforeMerge: boolean;
  /** Cap on the tokens of a weakness-mining answer; default `DEFAULT_MINING_ANSWER_TOKENS` (2048). */
  miningMaxAnswerTokens?: number;
  /** Cap on the tokens of a proposal answer; default `DEFAULT_PROPOSAL_ANSWER_TOKENS` (3072). */
  proposalMaxAnswerTokens?: number;
}

export const DEFAULT_EVOLUTION_CONFIG: Omit<EvolutionConfig, 'suiteId' | 'suiteHash' | 'agentModelId' | 'proposerModelId'> = {
  splitRatios: { heldIn: 0.5, heldOut: 0.25, test: 0.25 },
  seed: 1,
  attempts: 2,
  candidatesPerWeakness: 3,
  topWeaknesses: 2,
  acceptance: { kind: 'paper' },
  budget: { maxIterations: 3 },
  convergenceIterations: 2,
  reviewBeforeMerge: false,
};

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
