import type { EvolutionState } from '../../core/evolve/state.js';
import type { StudioDatabase } from '../../store/db.js';
import { ConfirmAction } from '../shell/ConfirmAction.js';
import { CandidateCard } from './CandidateCard.js';
import { EvolutionRollouts } from './EvolutionRollouts.js';
import { EvolutionReportView } from './EvolutionReportView.js';
import { VersionTree } from './VersionTree.js';

interface Props {
  db: StudioDatabase;
  state: EvolutionState;
  taskTitle(taskId: string): string;
  running: boolean;
  canResume: boolean;
  onResume(): void;
  onStop(): void;
  onReview(candidateId: string, verdict: 'accept' | 'reject'): void;
  onAdopt(): void;
  /** The rollout whose trace is open, when the URL names one; `onOpenTrace` changes it (the URL follows). */
  openTraceId?: string;
  onOpenTrace?(traceId: string | undefined): void;
}

const STATUS_TEXT: Record<EvolutionState['status'], string> = {
  running: 'running (or interrupted — resume to continue)',
  paused: 'paused',
  awaiting_review: 'waiting for your review',
  done: 'finished',
  failed: 'failed',
};

/** One evolution: status, iterations with their weaknesses and candidates, the version tree and the report. */
export function EvolutionView({ db, state, taskTitle, running, canResume, onResume, onStop, onReview, onAdopt, openTraceId, onOpenTrace }: Props) {
  return (
    <div className="evolution-view" data-testid="evolution-view" data-status={state.status}>
      <p>
        <strong data-testid="evolution-status">{running ? 'running' : STATUS_TEXT[state.status]}</strong>
        {state.status === 'paused' && state.pause ? (
          <span className="muted" data-testid="evolution-pause">
            {' '}
            — {state.pause.reason}; {state.pause.resumeHint}
          </span>
        ) : (
          state.stopReason && <span className="muted"> — {state.stopReason}</span>
        )}
        <span className="muted">
          {' '}
          · {state.status === 'done' ? `${state.iterations.length} iteration${state.iterations.length === 1 ? '' : 's'}` : `iteration ${state.iteration}, stage ${state.stage}`} · {state.usedRollouts.length} rollouts · acceptance {state.config.acceptance.kind}
          {state.config.adaptiveValidation ? ' (adaptive)' : ''}
        </span>
      </p>
      <div className="button-row">
        {canResume && (
          <button type="button" onClick={onResume} data-testid="evolve-resume">
            Resume
          </button>
        )}
        {!running && state.status !== 'done' && state.status !== 'failed' && (
          <ConfirmAction
            label="Stop for good"
            className="secondary"
            testId="evolve-stop-for-good"
            question="Stop this evolution for good? It cannot be resumed afterwards; its versions, candidates and report stay."
            confirmLabel="Stop for good"
            onConfirm={onStop}
          />
        )}
        {state.currentHash !== state.baseHash && (
          <button type="button" className="secondary" onClick={onAdopt} data-testid="evolve-adopt">
            Save the current version as a harness version
          </button>
        )}
      </div>
      {state.stageFailures.length > 0 && (
        <div className="notice notice-warn" data-testid="stage-failures">
          Stages that failed (the loop went on):
          <ul>
            {state.stageFailures.map((failure, index) => (
              <li key={index}>
                iteration {failure.iteration}, {failure.stage}: {failure.error}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>Version tree</h3>
      <VersionTree state={state} />
      <EvolutionRollouts db={db} state={state} taskTitle={taskTitle} openTraceId={openTraceId} onOpenTrace={onOpenTrace} />
      {[...state.iterations].reverse().map((iteration) => (
        <section key={iteration.iteration} className="iteration" data-testid={`iteration-${iteration.iteration}`}>
          <h3>
            Iteration {iteration.iteration}
            {iteration.mergeNote && <span className="muted"> — {iteration.mergeNote}</span>}
          </h3>
          {iteration.weaknesses && (
            <ol className="weaknesses">
              {iteration.weaknesses.map((weakness) => (
                <li key={weakness.id}>
                  <strong>{weakness.title}</strong> <span className="chip">{weakness.category}</span> <span className="muted">score {weakness.score} · evidence: {weakness.evidenceTaskIds.join(', ')}</span>
                  {weakness.description && <div className="muted">{weakness.description}</div>}
                </li>
              ))}
            </ol>
          )}
          {state.candidates
            .filter((candidate) => candidate.iteration === iteration.iteration)
            .map((candidate) => (
              <CandidateCard
                key={candidate.id}
                state={state}
                candidate={candidate}
                onReview={state.status === 'awaiting_review' && candidate.status === 'accepted' && candidate.iteration === state.iteration ? (verdict) => onReview(candidate.id, verdict) : undefined}
              />
            ))}
          {iteration.rejectedProposals.length > 0 && (
            <details>
              <summary>{iteration.rejectedProposals.length} proposal(s) rejected before validation</summary>
              <ul>
                {iteration.rejectedProposals.map((rejected, index) => (
                  <li key={index}>
                    {rejected.weaknessId}: {rejected.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      ))}
      {state.status === 'done' && (
        <>
          <h3>Report</h3>
          <EvolutionReportView state={state} />
        </>
      )}
    </div>
  );
}
