import { useState } from 'react';
import type { EvolutionState } from '../../core/evolve/state.js';
import type { Task } from '../../core/tasks/types.js';
import { exportEvolutionBundle } from '../../store/bundles.js';
import { serializeSnapshot } from '../../core/share/snapshot.js';
import type { StudioDatabase } from '../../store/db.js';
import { exportHarnessSnapshot } from '../../store/snapshots.js';
import { downloadFile } from '../shell/download.js';
import { routeHref } from '../shell/routes.js';

/**
 * Share an evolution: its current version as a snapshot file (lineage included), the whole evolution as a bundle that
 * opens in another browser at zero model cost, and links to it. `findTask` finds the evolution's tasks for the bundle.
 */
export function EvolutionShareBar({ db, state, findTask }: { db: StudioDatabase; state: EvolutionState; findTask(taskId: string): Task | undefined }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const [exporting, setExporting] = useState(false);
  async function exportBundle() {
    setExporting(true);
    try {
      const result = await exportEvolutionBundle(db, state.id, findTask);
      if (!result.ok) return setMessage({ ok: false, text: `Not exported: ${result.error}` });
      downloadFile(result.fileName, new Blob([result.bytes as BlobPart], { type: 'application/zip' }), 'application/zip');
      setMessage({ ok: true, text: `Saved ${result.fileName}: the evolution's state, ${Object.keys(state.versions).length} versions, ${result.episodes} rollout traces and its tasks; import it on the Workspace page of any browser.` });
    } finally {
      setExporting(false);
    }
  }
  async function exportCurrent() {
    const result = await exportHarnessSnapshot(db, state.currentHash);
    if (!result.ok) return setMessage({ ok: false, text: `Not exported: ${result.error}` });
    downloadFile(result.fileName, serializeSnapshot(result.snapshot), 'application/json');
    setMessage({ ok: true, text: `Saved ${result.fileName}: the current version with its lineage (edits, weaknesses, gate verdicts and flips), model, suite and scores.` });
  }
  return (
    <div className="button-row evolution-share" data-testid="evolution-share">
      <button type="button" className="small" onClick={() => void exportCurrent()} data-testid="evolution-export-snapshot">
        Export the current version (.harness.json)
      </button>
      <button type="button" className="small" disabled={exporting || state.status === 'running'} onClick={() => void exportBundle()} data-testid="evolution-export-bundle">
        Export the evolution (.bundle.zip)
      </button>
      <a className="small-link" href={routeHref({ page: 'evolve', evolutionId: state.id })} data-testid="evolution-link">
        Link to this evolution
      </a>
      {state.currentHash !== state.baseHash && (
        <a className="small-link" href={routeHref({ page: 'versions', leftHash: state.baseHash, rightHash: state.currentHash })} data-testid="evolution-diff-link">
          Diff base → current
        </a>
      )}
      {message && (
        <span className={message.ok ? 'status-text' : 'error-text'} role="status" data-testid="evolution-export-status">
          {message.text}
        </span>
      )}
    </div>
  );
}
