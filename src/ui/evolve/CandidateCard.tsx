import type { CandidateRecord, EvolutionState } from '../../core/evolve/state.js';
import { FlipMatrix } from './FlipMatrix.js';
import { HarnessDiff } from './HarnessDiff.js';

const STATUS_TEXT: Record<CandidateRecord['status'], string> = {
  pending: 'waiting for validation',
  accepted: 'passed the gate',
  rejected: 'rejected by the gate',
  merged: 'merged into the next version',
  not_merged: 'passed, but another candidate was adopted',
  human_rejected: 'rejected by you',
  failed: 'validation failed (the evolution went on)',
  skipped: 'not validated (a budget ran out first)',
};

interface Props {
  state: EvolutionState;
  candidate: CandidateRecord;
  /** Set while the evolution waits for a person's decision on this candidate. */
  onReview?: (verdict: 'accept' | 'reject') => void;
}

/** One proposed edit: which weakness it targets, why, its diff, what the gate saw. */
export function CandidateCard({ state, candidate, onReview }: Props) {
  const version = state.versions[candidate.harnessHash];
  const parent = version?.parentHash ? state.versions[version.parentHash] : undefined;
  const review = state.reviews[candidate.id];
  return (
    <article className={`candidate candidate-${candidate.status}`} data-testid={`candidate-${candidate.id}`}>
      <header>
        <strong>{candidate.id}</strong> <span className={`badge badge-${candidate.status}`}>{STATUS_TEXT[candidate.status]}</span>
        {review && <span className="muted"> · you chose: {review}</span>}
      </header>
      <p>
        <span className="muted">targets</span> {candidate.weaknessId} — {candidate.rationale || 'no rationale given'}
      </p>
      {candidate.failure && <p className="notice notice-warn">{candidate.failure}</p>}
      {candidate.decision && (
        <p>
          <span className="muted">gate:</span> {candidate.decision.reason}
          {candidate.decision.rollouts && (
            <span className="muted" data-testid="candidate-rollouts">
              {' '}
              · {candidate.decision.rollouts.spent} rollouts{candidate.decision.rollouts.saved ? `, ${candidate.decision.rollouts.saved} saved by adaptive validation` : ''}
            </span>
          )}
          {candidate.predictedFlips.length > 0 && (
            <span className="muted">
              {' '}
              · predicted flips that happened: {candidate.predictedFlipsHappened?.length ?? 0}/{candidate.predictedFlips.length}
            </span>
          )}
        </p>
      )}
      <details open={Boolean(onReview)}>
        <summary>Diff and flip matrix</summary>
        {parent && version && <HarnessDiff before={parent.harness} after={version.harness} />}
        {candidate.decision && <FlipMatrix decision={candidate.decision} predicted={candidate.predictedFlips} />}
      </details>
      {onReview && !review && (
        <div className="button-row">
          <button type="button" onClick={() => onReview('accept')} data-testid={`accept-${candidate.id}`}>
            Accept for merge
          </button>
          <button type="button" className="secondary" onClick={() => onReview('reject')} data-testid={`reject-${candidate.id}`}>
            Reject
          </button>
        </div>
      )}
    </article>
  );
}
