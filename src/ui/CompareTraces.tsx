import { useEffect, useState } from 'react';
import type { HarnessVersionRecord, RunRecord, StudioDatabase } from '../store/db.js';
import { shortHash } from './format.js';
import { Panel } from './Panel.js';
import { TraceViewer } from './TraceViewer.js';

interface Props {
  db: StudioDatabase;
  leftRunId: string;
  rightRunId: string;
  taskTitle(taskId: string): string;
  onClose(): void;
}

/** Two traces of one task side by side — typically under two harness versions — to see where they part ways. */
export function CompareTraces({ db, leftRunId, rightRunId, taskTitle, onClose }: Props) {
  const [runs, setRuns] = useState<Array<RunRecord | undefined>>();
  const [versions, setVersions] = useState<Map<string, HarnessVersionRecord>>(new Map());
  useEffect(() => {
    void Promise.all([db.runs.get(leftRunId), db.runs.get(rightRunId)]).then(async (found) => {
      setRuns(found);
      const hashes = found.flatMap((run) => (run ? [run.harnessHash] : []));
      const records = await db.harnesses.bulkGet(hashes);
      setVersions(new Map(records.flatMap((record) => (record ? [[record.hash, record]] : []))));
    });
  }, [db, leftRunId, rightRunId]);
  const caption = (run: RunRecord | undefined) => (run ? `harness ${versions.get(run.harnessHash)?.label ?? ''} ${shortHash(run.harnessHash)} · attempt ${run.attempt}` : '');
  const [left, right] = runs ?? [];
  const sameTask = left && right && left.taskId === right.taskId;
  return (
    <Panel
      title="Two traces side by side"
      testId="compare-panel"
      help="The same task under two runs — usually two harness versions. Search works in each; scroll them independently."
      actions={
        <button type="button" className="small" onClick={onClose} data-testid="compare-close">
          Back to runs
        </button>
      }
    >
      {runs && !sameTask && left && right && <p className="notice notice-warn">These runs are of different tasks ({left.taskId}, {right.taskId}).</p>}
      <div className="compare-grid" data-testid="compare-grid">
        <TraceViewer key={leftRunId} db={db} runId={leftRunId} refreshKey={0} taskTitle={taskTitle} onClose={onClose} caption={caption(left)} compact />
        <TraceViewer key={rightRunId} db={db} runId={rightRunId} refreshKey={0} taskTitle={taskTitle} onClose={onClose} caption={caption(right)} compact />
      </div>
    </Panel>
  );
}
