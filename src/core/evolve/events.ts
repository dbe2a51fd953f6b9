import type { AgentEvent } from '../agent/events.js';
import type { GateDecision } from './gate.js';
import type { Weakness } from './mining.js';
import type { EvolutionPause, EvolutionStage, EvolutionState, RolloutRecord } from './state.js';

/**
 * Everything an evolution does, as a stream of events — the evolution loop's counterpart of `AgentEvent`. The store,
 * the CLI printer and the page subscribe; progress is counted from these events alone. Names are noun-phase.
 */
export type EvolutionEvent =
  | { type: 'evolution-start'; evolutionId: string; iteration: number; stage: EvolutionStage; resumed: boolean }
  /** Something the user should read: a budget raised on resume, a rule that can never accept, a proposer change. */
  | { type: 'notice'; message: string }
  /** `plannedRollouts`: the most rollouts this stage can use (adaptive validation then reports what it saved). */
  | { type: 'stage-start'; iteration: number; stage: EvolutionStage; plannedRollouts: number }
  /** The stage found it needs more rollouts than it announced (the merge, once it knows which candidates combine). */
  | { type: 'rollouts-planned'; iteration: number; stage: EvolutionStage; more: number }
  | { type: 'stage-end'; iteration: number; stage: EvolutionStage }
  | { type: 'stage-failed'; iteration: number; stage: EvolutionStage; error: string }
  | { type: 'rollout-start'; iteration: number; stage: EvolutionStage; key: string; taskId: string; attempt: number; harnessHash: string; traceId: string }
  /** One agent event of the rollout in flight, for a live view and the trace store. */
  | { type: 'rollout-event'; key: string; traceId: string; event: AgentEvent }
  /**
   * A rollout the loop can use: run now (`cached: false`, the store keeps it) or taken from the cache. `replayed`: this
   * evolution had already used it (a resume walking back over finished work), so nothing new is recorded.
   */
  | { type: 'rollout-end'; iteration: number; stage: EvolutionStage; record: RolloutRecord; cached: boolean; replayed: boolean }
  /** An attempt hit an infrastructure error: it is not a task outcome, is not cached, and is retried or left out. */
  | { type: 'rollout-infra-error'; key: string; taskId: string; attempt: number; reason: string; infrastructure: 'model' | 'environment'; willRetry: boolean }
  /** An attempt given up after retries (sandbox or task environment): its task is left out of this comparison. */
  | { type: 'rollout-unavailable'; iteration: number; stage: EvolutionStage; key: string; taskId: string; attempt: number; reason: string }
  /**
   * An attempt the pool ran ahead and the evolution did not need after all (a decision settled, the plan stopped,
   * its task was left out): aborted or dropped, never recorded, cached or counted — at pool size 1 there are none.
   */
  | { type: 'rollout-discarded'; key: string; taskId: string; attempt: number; reason: string }
  | { type: 'weaknesses-mined'; iteration: number; weaknesses: Weakness[] }
  | { type: 'candidates-proposed'; iteration: number; candidateIds: string[]; rejectedProposals: number }
  /** `rolloutsSaved`: planned rollouts of this candidate that did not run because the decision had settled. */
  | { type: 'candidate-decided'; iteration: number; candidateId: string; status: 'accepted' | 'rejected' | 'failed' | 'skipped'; reason: string; decision?: GateDecision; rolloutsSpent: number; rolloutsSaved: number }
  | { type: 'version-adopted'; iteration: number; hash: string; note: string }
  | { type: 'iteration-end'; iteration: number; note: string; adoptedHash?: string }
  /** A rollout or token budget ended decision making: accepted candidates are still merged, then the final test runs. */
  | { type: 'decisions-stopped'; iteration: number; reason: string }
  | { type: 'evolution-paused'; pause: EvolutionPause }
  | { type: 'evolution-awaiting-review'; iteration: number; candidateIds: string[] }
  | { type: 'evolution-end'; status: EvolutionState['status']; reason: string };

export type EvolutionEventType = EvolutionEvent['type'];

const CHECKPOINTS = new Set<EvolutionEvent['type']>([
  'evolution-start',
  'stage-end',
  'stage-failed',
  'weaknesses-mined',
  'candidates-proposed',
  'candidate-decided',
  'version-adopted',
  'iteration-end',
  'decisions-stopped',
  'evolution-paused',
  'evolution-awaiting-review',
  'evolution-end',
]);

/**
 * Events after which the state on disk must match the state in memory (the store saves on them): those that follow a
 * change of the state. The others (a stage starting, a replayed rollout, a notice) change nothing a resume would miss.
 */
export function isCheckpoint(event: EvolutionEvent): boolean {
  if (event.type === 'rollout-end') return !event.replayed;
  return CHECKPOINTS.has(event.type);
}

/** Why decision making stopped before its natural end; returned by stages, never thrown. */
export type EvolutionStop =
  | { kind: 'pause'; pause: EvolutionPause }
  /** A rollout or token budget: accepted candidates are merged, then the final test runs. */
  | { kind: 'budget'; reason: string };

export type StageOutcome = { kind: 'continue' } | { kind: 'stop'; stop: EvolutionStop } | { kind: 'await-review'; candidateIds: string[] };

export const CONTINUE: StageOutcome = { kind: 'continue' };
