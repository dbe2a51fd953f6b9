import { useEffect, useState } from 'react';
import type { EvolutionState } from '../../core/evolve/state.js';
import type { RolloutRow, StudioDatabase } from '../../store/db.js';
import { listEvolutionRollouts } from '../../store/evolution-store.js';
import { OutcomeBadge } from '../OutcomeBadge.js';
import { routeHref } from '../shell/routes.js';
import { TraceViewer } from '../TraceViewer.js';
import { formatDuration, shortHash } from '../format.js';

interface Props {
  db: StudioDatabase;
  state: EvolutionState;
  taskTitle(taskId: string): string;
  /** The rollout open in the trace viewer, when the URL names one (`#/evolve/<id>/trace/<traceId>`). */
  openTraceId?: string;
  /** Open or close a rollout's trace; the page changes the URL, so the view is bookmarkable. Absent: kept here. */
  onOpenTrace?(traceId: string | undefined): void;
}

/**
 * Every rollout the evolution used, in order; any of them opens in the trace viewer, the same one as a run's (search,
 * replay, a virtual list for long traces), and each has its own link.
 */
export function EvolutionRollouts({ db, state, taskTitle, openTraceId, onOpenTrace }: Props) {
  const [rows, setRows] = useState<RolloutRow[] | undefined>();
  const [open, setOpen] = useState(openTraceId !== undefined);
  const [localTraceId, setLocalTraceId] = useState<string | undefined>();
  const traceId = onOpenTrace ? openTraceId : localTraceId;
  const openTrace = (next: string | undefined) => (onOpenTrace ? onOpenTrace(next) : setLocalTraceId(next));
  const count = state.usedRollouts.length;

  // A link to one rollout's trace opens the list with it.
  useEffect(() => {
    if (openTraceId) setOpen(true);
  }, [openTraceId]);

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
    <details className="evolution-rollouts" data-testid="evolution-rollouts" open={open} onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
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
                <tr key={row.key} className={row.traceId === traceId ? 'clickable selected' : 'clickable'} onClick={() => openTrace(row.traceId)} data-testid="rollout-row" data-trace-id={row.traceId}>
                  <td>
                    <a
                      className="link"
                      href={routeHref({ page: 'evolve', evolutionId: state.id, rolloutTraceId: row.traceId })}
                      onClick={(event) => {
                        // Same view as the link, without a reload; the link itself stays for copying and new tabs.
                        event.preventDefault();
                        event.stopPropagation();
                        openTrace(row.traceId);
                      }}
                      data-testid="rollout-open"
                    >
                      {taskTitle(row.taskId)}
                    </a>
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
      {traceId && <TraceViewer key={traceId} db={db} runId={traceId} refreshKey={0} taskTitle={taskTitle} onClose={() => openTrace(undefined)} />}
    </details>
  );
}
