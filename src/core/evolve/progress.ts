import type { EvolutionEvent } from './events.js';
import { totalTokens } from './run.js';
import type { EvolutionStage, EvolutionState } from './state.js';

/** What a progress bar shows, counted from events alone: `rolloutsDone` never passes `rolloutsPlanned`. */
export interface EvolutionProgress {
  status: EvolutionState['status'];
  iteration: number;
  stage: EvolutionStage;
  rolloutsDone: number;
  rolloutsPlanned: number;
  tokens: number;
  elapsedMs: number;
  /** From the average time of the rollouts run in this session; undefined until one ran. */
  remainingMs?: number;
  message: string;
  /** Rollouts run (not cached) in this session and their total time, for the estimate. */
  executed: { count: number; totalMs: number };
  /** Rollouts run at once (the pool size): the estimate divides by it. */
  concurrency: number;
}

export function initialProgress(state: EvolutionState, concurrency = 1): EvolutionProgress {
  return { status: state.status, iteration: state.iteration, stage: state.stage, rolloutsDone: 0, rolloutsPlanned: 0, tokens: totalTokens(state), elapsedMs: state.elapsedMs, message: '', executed: { count: 0, totalMs: 0 }, concurrency: Math.max(1, concurrency) };
}

const short = (hash: string) => hash.slice(0, 10);

/** The message an event deserves in a progress line, or undefined for events too small to mention. */
export function describeEvolutionEvent(event: EvolutionEvent): string | undefined {
  switch (event.type) {
    case 'evolution-start':
      return `${event.resumed ? 'resuming' : 'starting'} at iteration ${event.iteration}, stage ${event.stage}`;
    case 'notice':
      return event.message;
    case 'stage-start':
      return `iteration ${event.iteration}: ${event.stage}${event.plannedRollouts ? ` (up to ${event.plannedRollouts} rollouts)` : ''}`;
    case 'stage-failed':
      return `${event.stage} failed: ${event.error}`;
    case 'rollout-end':
      return `${event.record.taskId} attempt ${event.record.attempt} on ${short(event.record.harnessHash)}: ${event.record.outcome}${event.cached ? ' (cached)' : ''}`;
    case 'rollout-infra-error':
      return `${event.taskId} attempt ${event.attempt}: infrastructure error (${event.reason})${event.willRetry ? '; retrying' : ''}`;
    case 'rollout-unavailable':
      return `${event.taskId} attempt ${event.attempt}: left out (${event.reason})`;
    case 'weaknesses-mined':
      return `mined ${event.weaknesses.length} weakness${event.weaknesses.length === 1 ? '' : 'es'}: ${event.weaknesses.map((weakness) => weakness.id).join(', ')}`;
    case 'candidates-proposed':
      return `proposed ${event.candidateIds.length} candidate${event.candidateIds.length === 1 ? '' : 's'}${event.rejectedProposals ? ` (${event.rejectedProposals} refused before validation)` : ''}`;
    case 'candidate-decided':
      return `${event.candidateId}: ${event.status} — ${event.reason} (${event.rolloutsSpent} rollouts${event.rolloutsSaved ? `, ${event.rolloutsSaved} saved` : ''})`;
    case 'version-adopted':
      return `adopted ${short(event.hash)}: ${event.note}`;
    case 'iteration-end':
      return `iteration ${event.iteration} ended: ${event.note}`;
    case 'decisions-stopped':
      return `${event.reason}: no more decisions; candidates the gate accepted are still merged, then the final test runs`;
    case 'evolution-paused':
      return `paused: ${event.pause.reason} — ${event.pause.resumeHint}`;
    case 'evolution-awaiting-review':
      return `waiting for review of ${event.candidateIds.length} candidate(s)`;
    case 'evolution-end':
      return `done: ${event.reason}`;
    default:
      return undefined;
  }
}

/** Fold one event into the progress. Planned counts come from `stage-start` and shrink by what adaptive validation saved. */
export function advanceProgress(progress: EvolutionProgress, event: EvolutionEvent, state: Readonly<EvolutionState>): EvolutionProgress {
  const next: EvolutionProgress = { ...progress, status: state.status, tokens: totalTokens(state), elapsedMs: state.elapsedMs, message: describeEvolutionEvent(event) ?? progress.message };
  switch (event.type) {
    case 'stage-start':
      Object.assign(next, { iteration: event.iteration, stage: event.stage, rolloutsDone: 0, rolloutsPlanned: event.plannedRollouts });
      break;
    case 'rollout-end':
    case 'rollout-unavailable':
      next.rolloutsDone = Math.min(progress.rolloutsPlanned, progress.rolloutsDone + 1);
      if (event.type === 'rollout-end' && !event.cached) next.executed = { count: progress.executed.count + 1, totalMs: progress.executed.totalMs + event.record.durationMs };
      break;
    case 'rollouts-planned':
      next.rolloutsPlanned = progress.rolloutsPlanned + event.more;
      break;
    case 'candidate-decided':
      next.rolloutsPlanned = Math.max(progress.rolloutsDone, progress.rolloutsPlanned - event.rolloutsSaved);
      break;
    case 'evolution-paused':
      next.status = 'paused';
      break;
    default:
      break;
  }
  next.remainingMs = next.executed.count ? ((next.executed.totalMs / next.executed.count) * Math.max(0, next.rolloutsPlanned - next.rolloutsDone)) / next.concurrency : undefined;
  return next;
}
