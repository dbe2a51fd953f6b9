import { useState } from 'react';
import type { EvolutionState } from '../../core/evolve/state.js';
import { serializeSnapshot } from '../../core/share/snapshot.js';
import type { StudioDatabase } from '../../store/db.js';
import { exportHarnessSnapshot } from '../../store/snapshots.js';
import { downloadFile } from '../shell/download.js';
import { routeHref } from '../shell/routes.js';

/** Share an evolution's result: its current version as a snapshot file (lineage included), and links to it. */
export function EvolutionShareBar({ db, state }: { db: StudioDatabase; state: EvolutionState }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
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
