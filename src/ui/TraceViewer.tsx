import { useEffect, useState } from 'react';
import type { AgentEvent } from '../core/agent/events.js';
import type { RunRecord, StudioDatabase } from '../store/db.js';
import { getTrace } from '../store/studio-store.js';
import { errorMessage, formatDuration, formatTime, formatTokens, plural, shortHash } from './format.js';
import { OutcomeBadge } from './OutcomeBadge.js';
import { TraceEventView } from './TraceEventView.js';
import { VerifierBox } from './VerifierBox.js';

interface Props {
  db: StudioDatabase;
  runId: string;
  refreshKey: number;
  taskTitle(taskId: string): string;
  onClose(): void;
}

interface Loaded {
  run?: RunRecord;
  events: AgentEvent[];
}

const LIVE_POLL_MS = 1000;

/** A run step by step, read back from IndexedDB; follows a run that is still going. */
export function TraceViewer({ db, runId, refreshKey, taskTitle, onClose }: Props) {
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [showRequests, setShowRequests] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([db.runs.get(runId), getTrace(db, runId)])
      .then(([run, events]) => {
        if (!live) return;
        setLoaded({ run, events });
        setFailure(undefined);
      })
      .catch((error: unknown) => live && setFailure(errorMessage(error)));
    return () => {
      live = false;
    };
  }, [db, runId, refreshKey, tick]);

  const running = loaded?.run?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((value) => value + 1), LIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [running]);

  if (failure) return <p className="error-box">Could not load the trace: {failure}</p>;
  if (!loaded) return <p className="muted">Loading the trace…</p>;
  const { run, events } = loaded;
  if (!run) return <p className="error-box">This run is not in the database any more.</p>;
  const shown = showRequests ? events : events.filter((event) => event.type !== 'model-request');

  return (
    <div className="trace-viewer" data-testid="trace-viewer" data-run-id={run.id} data-task-id={run.taskId}>
      <header className="trace-header">
        <div>
          <h3>
            {taskTitle(run.taskId)} <OutcomeBadge outcome={run.status === 'done' ? run.outcome : undefined} testId="trace-outcome" />
          </h3>
          {run.reason && (
            <p className="reason" data-testid="trace-reason">
              {run.reason}
            </p>
          )}
          <p className="muted">
            {formatTime(run.startedAt)} · model <span title={run.modelId}>{run.modelId}</span> · harness <code title={run.harnessHash}>{shortHash(run.harnessHash)}</code> · {plural(run.steps, 'step')} ·{' '}
            {formatTokens(run.usage)} tokens · {formatDuration(run.durationMs)}
          </p>
        </div>
        <button type="button" className="small" onClick={onClose} data-testid="trace-close">
          Close
        </button>
      </header>

      {run.kind === 'rollout' ? (
        <p className="muted" data-testid="trace-rollout-note">
          An evolution rollout (attempt {run.attempt}). Its verifier output is not kept, so that no proposer can ever learn it; the outcome above is what the gate counted.
        </p>
      ) : (
        <VerifierBox verifier={run.verifier} />
      )}

      <div className="trace-toolbar">
        <h3>Agent steps</h3>
        <label className="inline-check">
          <input type="checkbox" checked={showRequests} onChange={(event) => setShowRequests(event.target.checked)} />
          Show model requests
        </label>
      </div>
      {shown.length ? (
        <ol className="trace-events" data-testid="trace-events">
          {shown.map((event) => (
            <TraceEventView key={event.seq} event={event} />
          ))}
        </ol>
      ) : (
        <p className="muted">No events were recorded for this run.</p>
      )}
      {running && <p className="muted">This run is still going; new steps appear as they happen.</p>}
    </div>
  );
}
