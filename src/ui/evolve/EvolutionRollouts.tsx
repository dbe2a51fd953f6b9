import { useEffect, useState } from 'react';
import type { EvolutionState } from '../../core/evolve/state.js';
import type { RolloutRow, StudioDatabase } from '../../store/db.js';
import { listEvolutionRollouts } from '../../store/evolution-store.js';
import { OutcomeBadge } from '../OutcomeBadge.js';
import { TraceViewer } from '../TraceViewer.js';
import { formatDuration, shortHash } from '../format.js';

interface Props {
  db: StudioDatabase;
  state: EvolutionState;
  taskTitle(taskId: string): string;
}

/** Every rollout the evolution used, in order; any of them opens in the trace viewer, like a run. */
export function EvolutionRollouts({ db, state, taskTitle }: Props) {
  const [rows, setRows] = useState<RolloutRow[] | undefined>();
  const [open, setOpen] = useState(false);
  const [traceId, setTraceId] = useState<string | undefined>();
  const count = state.usedRollouts.length;

  useEffect(() => {
    if (!open) return;
    let live = true;
    void listEvolutionRollouts(db, state).then((loaded) => live && setRows(loaded));
    return () => {
      live = false;
    };
    // The list only grows: re-read when it does, not on every new state object.
  }, [db, state.id, count, open]);

  const versionLabel = (hash: string) => {
    const version = state.versions[hash];
    if (!version) return shortHash(hash);
    return version.kind === 'base' ? 'base' : version.candidateIds.join(' + ');
  };

  return (
    <details className="evolution-rollouts" data-testid="evolution-rollouts" onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary>Rollouts ({count}) — open any trace</summary>
      {open && !rows && <p className="muted">Loading rollouts…</p>}
      {rows && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>Task</th>
                <th>Attempt</th>
                <th>Version</th>
                <th>Outcome</th>
                <th className="number">Steps</th>
                <th className="number">Time</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} className={row.traceId === traceId ? 'clickable selected' : 'clickable'} onClick={() => setTraceId(row.traceId)} data-testid="rollout-row" data-trace-id={row.traceId}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={(event) => {
                        event.stopPropagation();
                        setTraceId(row.traceId);
                      }}
                      data-testid="rollout-open"
                    >
                      {taskTitle(row.taskId)}
                    </button>
                  </td>
                  <td>{row.attempt}</td>
                  <td>
                    <code title={row.harnessHash}>{shortHash(row.harnessHash)}</code> {versionLabel(row.harnessHash)}
                  </td>
                  <td>
                    <OutcomeBadge outcome={row.outcome} />
                  </td>
                  <td className="number">{row.steps}</td>
                  <td className="number">{formatDuration(row.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {traceId && <TraceViewer db={db} runId={traceId} refreshKey={0} taskTitle={taskTitle} onClose={() => setTraceId(undefined)} />}
    </details>
  );
}
