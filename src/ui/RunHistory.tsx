import { useEffect, useState } from 'react';
import type { RunRecord, StudioDatabase } from '../store/db.js';
import { deleteRuns, runFootprint, type StorageFootprint } from '../store/deletion.js';
import { listRuns } from '../store/studio-store.js';
import { formatBytes, formatDuration, formatTime, plural, shortHash, shortModelId, totalTokens } from './format.js';
import { OutcomeBadge } from './OutcomeBadge.js';
import { ConfirmAction } from './shell/ConfirmAction.js';

interface Props {
  db: StudioDatabase;
  refreshKey: number;
  taskTitles: ReadonlyMap<string, string>;
  selectedRunId?: string;
  onSelect(runId: string): void;
  /** Two runs of one task, to read side by side. */
  onCompare(leftRunId: string, rightRunId: string): void;
  /** Runs were deleted. */
  onDeleted(): void;
}

/** Every run saved in this browser, newest first. */
export function RunHistory({ db, refreshKey, taskTitles, selectedRunId, onSelect, onCompare, onDeleted }: Props) {
  const [runs, setRuns] = useState<RunRecord[] | undefined>();
  const [checked, setChecked] = useState<string[]>([]);
  const [footprint, setFootprint] = useState<StorageFootprint | undefined>();

  useEffect(() => {
    let live = true;
    void listRuns(db).then((loaded) => live && setRuns(loaded));
    return () => {
      live = false;
    };
  }, [db, refreshKey]);

  if (!runs) return <p className="muted">Loading runs…</p>;
  if (!runs.length) {
    return (
      <p className="empty" data-testid="run-history-empty">
        No runs yet. Press Run above; every run and its full trace is saved in this browser.
      </p>
    );
  }
  const picked = runs.filter((run) => checked.includes(run.id));
  const comparable = picked.length === 2 && picked[0].taskId === picked[1].taskId;
  const toggle = (runId: string, on: boolean) => setChecked((current) => (on ? [...current.filter((id) => id !== runId), runId] : current.filter((id) => id !== runId)));
  return (
    <>
    <div className="run-actions" data-testid="run-actions">
      <span className="status-text">{checked.length ? `${plural(checked.length, 'run')} ticked` : 'Tick runs to compare two of one task side by side, or to delete them.'}</span>
      <button type="button" className="small" disabled={!comparable} onClick={() => onCompare(picked[0].id, picked[1].id)} data-testid="runs-compare" title={picked.length === 2 && !comparable ? 'both runs must be of the same task' : undefined}>
        Compare side by side
      </button>
      <ConfirmAction
        label="Delete ticked runs"
        testId="runs-delete"
        disabled={!checked.length}
        onOpen={() => void runFootprint(db, checked).then(setFootprint)}
        question={`Delete ${plural(checked.length, 'run')} and their traces${footprint ? ` (about ${formatBytes(footprint.bytes)})` : ''}? This cannot be undone.`}
        confirmLabel="Delete runs"
        onConfirm={async () => {
          await deleteRuns(db, checked);
          setChecked([]);
          onDeleted();
        }}
      />
    </div>
    <div className="table-scroll">
      <table className="table runs-table" data-testid="run-history">
        <thead>
          <tr>
            <th>
              <span className="visually-hidden">Tick</span>
            </th>
            <th>Task</th>
            <th>Outcome</th>
            <th>Model</th>
            <th>Harness</th>
            <th className="number">Steps</th>
            <th className="number">Tokens</th>
            <th>Started</th>
            <th className="number">Time</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr
              key={run.id}
              className={run.id === selectedRunId ? 'clickable selected' : 'clickable'}
              onClick={() => onSelect(run.id)}
              data-testid="run-row"
              data-run-id={run.id}
              data-task-id={run.taskId}
              data-outcome={run.outcome ?? ''}
            >
              <td onClick={(event) => event.stopPropagation()}>
                <input type="checkbox" aria-label={`tick run of ${taskTitles.get(run.taskId) ?? run.taskId}`} checked={checked.includes(run.id)} onChange={(event) => toggle(run.id, event.target.checked)} data-testid="run-tick" />
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={(event) => {
                    event.stopPropagation();
                    onSelect(run.id);
                  }}
                  data-testid="run-open"
                >
                  {taskTitles.get(run.taskId) ?? run.taskId}
                </button>
                {run.attempt > 1 && <span className="muted"> #{run.attempt}</span>}
              </td>
              <td>
                <OutcomeBadge outcome={run.status === 'done' ? run.outcome : undefined} testId="run-outcome" />
              </td>
              <td title={run.modelId}>{shortModelId(run.modelId)}</td>
              <td>
                <code title={run.harnessHash}>{shortHash(run.harnessHash)}</code>
              </td>
              <td className="number">{run.steps}</td>
              <td className="number" title={`${run.usage.inputTokens} in / ${run.usage.outputTokens} out`}>
                {totalTokens(run.usage).toLocaleString()}
              </td>
              <td>{formatTime(run.startedAt)}</td>
              <td className="number">{formatDuration(run.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    </>
  );
}
