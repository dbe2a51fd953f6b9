import { useEffect, useState } from 'react';
import { harnessHash, parseHarness, serializeHarness } from '../core/harness/harness.js';
import type { HarnessVersionRecord, StudioDatabase } from '../store/db.js';
import { listHarnessVersions, SETTINGS, saveHarnessVersion, setSetting } from '../store/studio-store.js';
import { errorMessage, shortHash } from './format.js';
import { HarnessEditor } from './HarnessEditor.js';
import { HarnessSummary } from './HarnessSummary.js';
import { HarnessVersionList } from './HarnessVersionList.js';
import { Panel } from './Panel.js';

interface Props {
  db: StudioDatabase;
  active: HarnessVersionRecord;
  onActivate(version: HarnessVersionRecord): void;
  /** Set when the user chose "Branch from here" on the Versions page: a label to start from and a word on what happens. */
  branch?: { label: string; note: string };
}

type Notice = { kind: 'ok' | 'error'; text: string; errors?: string[] };

/** Step 2: the harness — everything around the model (prompt, rules, tools, policies, hooks) — as versioned JSON. */
export function HarnessPanel({ db, active, onActivate, branch }: Props) {
  const [versions, setVersions] = useState<HarnessVersionRecord[]>([]);
  const [draft, setDraft] = useState(() => serializeHarness(active.document));
  const [label, setLabel] = useState(branch?.label ?? '');
  const [notice, setNotice] = useState<Notice | undefined>(branch ? { kind: 'ok', text: branch.note } : undefined);

  useEffect(() => {
    void listHarnessVersions(db).then(setVersions);
  }, [db, active.hash]);

  const pristine = serializeHarness(active.document);
  const edited = draft !== pristine;

  async function activate(version: HarnessVersionRecord, message?: string) {
    await setSetting(db, SETTINGS.activeHarnessHash, version.hash);
    onActivate(version);
    setDraft(serializeHarness(version.document));
    setNotice({ kind: 'ok', text: message ?? `Now using "${version.label}" (${shortHash(version.hash)}).` });
  }

  async function saveAsNewVersion() {
    const parsed = parseHarness(draft);
    if (!parsed.ok) {
      setNotice({ kind: 'error', text: 'Not saved: the harness has problems.', errors: parsed.errors });
      return;
    }
    try {
      // The hash is a version's identity: saving a document that already exists just switches to it.
      const reused = Boolean(await db.harnesses.get(await harnessHash(parsed.harness)));
      const record = await saveHarnessVersion(db, parsed.harness, { parentHash: active.hash, label, source: 'editor' });
      setVersions(await listHarnessVersions(db));
      setLabel('');
      await activate(record, reused ? `No new version: this document is identical to "${record.label}" (${shortHash(record.hash)}), which is now active.` : `Saved "${record.label}" (${shortHash(record.hash)}) and made it active.`);
    } catch (error) {
      setNotice({ kind: 'error', text: `Could not save: ${errorMessage(error)}` });
    }
  }

  return (
    <Panel
      step={3}
      title="Harness"
      testId="harness-panel"
      help="Optional: the default works. The harness is everything around the model: the system prompt, rules, which tools exist, and policies that step in during a run. It is plain JSON; every saved edit is a new version identified by its hash, and runs record which version they used."
      actions={
        <a className="button-link small" href="#/versions" data-testid="harness-versions-link">
          Diff, import, export →
        </a>
      }
    >
      <p className="active-line" data-testid="harness-active">
        Active version: <strong data-testid="harness-active-label">{active.label}</strong> <code data-testid="harness-active-hash" title={active.hash}>{shortHash(active.hash)}</code>
        {active.parentHash && (
          <span className="muted">
            {' '}
            · parent <code>{shortHash(active.parentHash)}</code>
          </span>
        )}
      </p>

      <div className="two-columns">
        <div>
          <HarnessSummary harness={active.document} />
        </div>
        <div>
          <h3>Edit as JSON</h3>
          <p className="help">Edit, then save as a new version. The editor checks the JSON against the harness schema as you type.</p>
          <HarnessEditor value={draft} onChange={setDraft} />
          <div className="button-row">
            <label className="field inline">
              <span>Label</span>
              <input type="text" value={label} placeholder="e.g. add finish guard" onChange={(event) => setLabel(event.target.value)} data-testid="harness-label" />
            </label>
            <button type="button" className="primary" onClick={() => void saveAsNewVersion()} data-testid="harness-save">
              Save as new version
            </button>
            <button
              type="button"
              disabled={!edited}
              onClick={() => {
                setDraft(pristine);
                setNotice(undefined);
              }}
              data-testid="harness-reset"
            >
              Reset editor
            </button>
            {edited && <span className="status-text">unsaved edits</span>}
          </div>
          {notice && (
            <div className={notice.kind === 'ok' ? 'notice notice-ok' : 'error-box'} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid={notice.kind === 'ok' ? 'harness-saved' : 'harness-errors'}>
              {notice.text}
              {notice.errors && (
                <ul className="error-list">
                  {notice.errors.map((error) => (
                    <li key={error}>{error}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      </div>

      <h3>Versions</h3>
      <HarnessVersionList versions={versions} activeHash={active.hash} onActivate={(version) => void activate(version)} />
    </Panel>
  );
}
