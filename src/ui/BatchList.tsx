import { useEffect, useState } from 'react';
import type { BatchRecord, RunRecord, StudioDatabase } from '../store/db.js';
import { batchFootprint, deleteBatch, type StorageFootprint } from '../store/deletion.js';
import { listBatches } from '../store/studio-store.js';
import type { Task } from '../core/tasks/types.js';
import { errorMessage, formatBytes, formatTime, plural, shortHash, shortModelId } from './format.js';
import { ConfirmAction } from './shell/ConfirmAction.js';
import { downloadFile } from './shell/download.js';

interface Props {
  db: StudioDatabase;
  refreshKey: number;
  /** Task definitions for a bundle: the current suite, then the built-in one. */
  findTask(taskId: string): Task | undefined;
  onChanged(): void;
}

/** Every batch (one press of Run, or one imported bundle): export it as a run bundle, or delete it. */
export function BatchList({ db, refreshKey, findTask, onChanged }: Props) {
  const [batches, setBatches] = useState<Array<{ batch: BatchRecord; runs: RunRecord[] }> | undefined>();
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const [footprints, setFootprints] = useState<Record<string, StorageFootprint>>({});

  useEffect(() => {
    let live = true;
    void (async () => {
      const all = await listBatches(db);
      const withRuns = await Promise.all(all.map(async (batch) => ({ batch, runs: await db.runs.where('batchId').equals(batch.id).toArray() })));
      if (live) setBatches(withRuns.filter((item) => item.runs.length));
    })();
    return () => {
      live = false;
    };
  }, [db, refreshKey]);

  if (!batches?.length) return null;

  async function exportBundle(batch: BatchRecord) {
    setNotice(undefined);
    try {
      // The zip writer and the snapshot code load with the first export, not with the page.
      const { exportBatchBundle } = await import('../store/bundles.js');
      const result = await exportBatchBundle(db, batch.id, findTask);
      if (!result.ok) return setNotice({ kind: 'error', text: `Not exported: ${result.error}` });
      downloadFile(result.fileName, result.bytes as Uint8Array<ArrayBuffer>, 'application/zip');
      setNotice({ kind: 'ok', text: `Saved ${result.fileName}: ${plural(result.episodes, 'run')} with traces, harness snapshots and tasks. API keys are never included.` });
    } catch (error) {
      setNotice({ kind: 'error', text: `Not exported: ${errorMessage(error)}` });
    }
  }

  return (
    <details className="batch-list" open data-testid="batch-list">
      <summary>
        Batches <span className="muted">({batches.length}) — export one as a run bundle to share or replay elsewhere</span>
      </summary>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>Started</th>
              <th>Model</th>
              <th>Harness</th>
              <th className="number">Passed</th>
              <th>From</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {batches.map(({ batch, runs }) => {
              const passed = runs.filter((run) => run.outcome === 'pass').length;
              const footprint = footprints[batch.id];
              return (
                <tr key={batch.id} data-testid="batch-row" data-batch-id={batch.id} data-imported={Boolean(batch.imported)}>
                  <td>{formatTime(batch.startedAt)}</td>
                  <td title={batch.modelId}>{shortModelId(batch.modelId)}</td>
                  <td>
                    <code title={batch.harnessHash}>{shortHash(batch.harnessHash)}</code>
                  </td>
                  <td className="number">
                    {passed}/{runs.length}
                  </td>
                  <td>{batch.imported ? <span title={`exported ${batch.imported.exportedAt}`}>imported from {batch.imported.fileName}</span> : <span className="muted">this browser</span>}</td>
                  <td className="row-actions">
                    <button type="button" className="small" onClick={() => void exportBundle(batch)} data-testid="batch-export">
                      Export bundle
                    </button>
                    <ConfirmAction
                      label="Delete"
                      testId="batch-delete"
                      onOpen={() => void batchFootprint(db, batch.id).then((value) => setFootprints((current) => ({ ...current, [batch.id]: value })))}
                      question={`Delete this batch: ${plural(runs.length, 'run')} and their traces${footprint ? `, about ${formatBytes(footprint.bytes)}` : ''}? This cannot be undone.`}
                      confirmLabel="Delete batch"
                      onConfirm={async () => {
                        await deleteBatch(db, batch.id);
                        onChanged();
                      }}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {notice && (
        <p className={notice.kind === 'ok' ? 'notice notice-ok' : 'error-box'} role={notice.kind === 'ok' ? 'status' : 'alert'} data-testid={notice.kind === 'ok' ? 'batch-exported' : 'batch-export-error'}>
          {notice.text}
        </p>
      )}
    </details>
  );
}
