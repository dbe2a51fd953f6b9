import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { EvolutionState, SplitScore } from '../../core/evolve/state.js';
import { describeHarnessChanges } from '../../core/share/harness-changes.js';
import { renderAgentsMarkdown, renderPlainSystemPrompt } from '../../core/share/plain-text.js';
import { redactSecretsInText } from '../../core/share/secrets.js';
import { serializeSnapshot } from '../../core/share/snapshot.js';
import type { HarnessVersionRecord, StudioDatabase } from '../../store/db.js';
import { exportHarnessSnapshot, importHarnessFile } from '../../store/snapshots.js';
import { listHarnessVersions } from '../../store/studio-store.js';
import { ErrorBoundary } from '../ErrorBoundary.js';
import { errorMessage, formatTime, shortHash, shortModelId } from '../format.js';
import { Panel } from '../Panel.js';
import { downloadFile } from '../shell/download.js';
import { FileDrop } from '../shell/FileDrop.js';
import { LineageView } from './LineageView.js';
import './versions.css';

const MonacoDiff = lazy(() => import('./MonacoDiff.js'));

interface Props {
  db: StudioDatabase;
  active: HarnessVersionRecord;
  leftHash?: string;
  rightHash?: string;
  onDiff(leftHash: string, rightHash: string): void;
  onActivate(version: HarnessVersionRecord): Promise<void>;
  onBranch(version: HarnessVersionRecord): Promise<void>;
}

type Scores = Partial<Record<'heldIn' | 'heldOut' | 'test', SplitScore>>;

interface VersionFacts {
  /** Scores per split, from an evolution that scored this version on whole splits, or from the file it came in. */
  splits: Scores;
  /** Pass counts of this browser's runs with this version. */
  runs: { passed: number; total: number };
}

const score = (value?: SplitScore) => (value && value.total ? `${value.passed}/${value.total}` : undefined);

function splitText(splits: Scores): string | undefined {
  const parts = (['heldIn', 'heldOut', 'test'] as const).flatMap((split) => {
    const text = score(splits[split]);
    return text ? [`${split === 'heldIn' ? 'held-in' : split === 'heldOut' ? 'held-out' : 'test'} ${text}`] : [];
  });
  return parts.length ? parts.join(' · ') : undefined;
}

/** Every harness version as a tree with scores, where it came from, exports, diffs, branch and revert. */
export function VersionsPage({ db, active, leftHash, rightHash, onDiff, onActivate, onBranch }: Props) {
  const [versions, setVersions] = useState<HarnessVersionRecord[]>([]);
  const [evolutions, setEvolutions] = useState<EvolutionState[]>([]);
  const [runCounts, setRunCounts] = useState<Map<string, { passed: number; total: number }>>(new Map());
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string; errors?: string[] } | undefined>();
  const [openLineage, setOpenLineage] = useState<string | undefined>();
  const [pickLeft, setPickLeft] = useState<string | undefined>(leftHash);
  const [pickRight, setPickRight] = useState<string | undefined>(rightHash);

  const reload = useCallback(async () => {
    setVersions(await listHarnessVersions(db));
    setEvolutions(await db.evolutions.toArray());
    const counts = new Map<string, { passed: number; total: number }>();
    await db.runs.each((run) => {
      if (run.status !== 'done') return;
      const count = counts.get(run.harnessHash) ?? { passed: 0, total: 0 };
      count.total += 1;
      if (run.outcome === 'pass') count.passed += 1;
      counts.set(run.harnessHash, count);
    });
    setRunCounts(counts);
  }, [db]);
  useEffect(() => {
    void reload();
  }, [reload, active.hash]);

  const byHash = useMemo(() => new Map(versions.map((version) => [version.hash, version])), [versions]);
  const facts = (version: HarnessVersionRecord): VersionFacts => {
    const node = evolutions.map((state) => state.versions[version.hash]).find((candidate) => candidate && Object.keys(candidate.scores).length);
    return { splits: node?.scores ?? version.origin?.scores ?? {}, runs: runCounts.get(version.hash) ?? { passed: 0, total: 0 } };
  };
  const ancestorsOfActive = useMemo(() => {
    const seen = new Set<string>();
    let current = byHash.get(active.hash)?.parentHash;
    while (current && !seen.has(current)) {
      seen.add(current);
      current = byHash.get(current)?.parentHash;
    }
    return seen;
  }, [byHash, active.hash]);

  const children = useMemo(() => {
    const map = new Map<string, HarnessVersionRecord[]>();
    for (const version of versions) {
      const parent = version.parentHash && byHash.has(version.parentHash) ? version.parentHash : '';
      map.set(parent, [...(map.get(parent) ?? []), version]);
    }
    return map;
  }, [versions, byHash]);

  async function importFile(file: File) {
    setNotice(undefined);
    try {
      const result = await importHarnessFile(db, await file.text(), file.name);
      if (!result.ok) return setNotice({ kind: 'error', text: `${file.name} was not imported:`, errors: result.errors });
      await reload();
      setOpenLineage(result.record.hash);
      const evolved = result.record.origin?.evolvedOn;
      setNotice({
        kind: 'ok',
        text: result.existed
          ? `${file.name}: this version is already here as "${result.record.label}" (${shortHash(result.record.hash)}).`
          : `Imported "${result.record.label}" (${shortHash(result.record.hash)}) from ${file.name}${evolved ? `, evolved on ${shortModelId(evolved.agentModelId)}` : ''}. Its lineage is shown below.`,
      });
    } catch (error) {
      setNotice({ kind: 'error', text: `${file.name} could not be read: ${errorMessage(error)}` });
    }
  }

  async function exportAs(version: HarnessVersionRecord, kind: 'snapshot' | 'agents' | 'prompt') {
    setNotice(undefined);
    const base = version.label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'harness';
    // Plain text has no hash to keep: any credential a harness carries is blanked on the way out.
    if (kind === 'agents') return downloadFile('AGENTS.md', redactSecretsInText(renderAgentsMarkdown(version.document, { label: version.label, hash: version.hash })), 'text/markdown');
    if (kind === 'prompt') return downloadFile(`${base}.system-prompt.txt`, redactSecretsInText(renderPlainSystemPrompt(version.document)), 'text/plain');
    const result = await exportHarnessSnapshot(db, version.hash);
    if (!result.ok) return setNotice({ kind: 'error', text: `Not exported: ${result.error}` });
    downloadFile(result.fileName, serializeSnapshot(result.snapshot), 'application/json');
    setNotice({ kind: 'ok', text: `Saved ${result.fileName} (no API keys or credentials inside).` });
  }

  const renderNode = (version: HarnessVersionRecord) => {
    const isActive = version.hash === active.hash;
    const info = facts(version);
    const splits = splitText(info.splits);
    const kids = children.get(version.hash) ?? [];
    return (
      <li key={version.hash} className={isActive ? 'version-item active' : 'version-item'} data-testid="versions-node" data-hash={version.hash} data-label={version.label} data-active={isActive}>
        <div className="version-row">
          <div className="version-main">
            <strong data-testid="versions-label">{version.label}</strong> <code title={version.hash}>{shortHash(version.hash)}</code> <span className="chip">{version.source}</span>
            {isActive && <span className="badge badge-active">active</span>}
            <div className="muted version-meta">
              {formatTime(version.createdAt)}
              {splits && <span data-testid="versions-scores"> · {splits}</span>}
              {info.runs.total > 0 && (
                <span data-testid="versions-run-score">
                  {' '}
                  · runs here {info.runs.passed}/{info.runs.total} passed
                </span>
              )}
              {version.origin && (
                <span data-testid="versions-origin">
                  {' '}
                  · imported from <strong>{version.origin.fileName}</strong>
                  {version.origin.exportedAt && ` (exported ${version.origin.exportedAt.slice(0, 10)})`}
                  {version.origin.evolvedOn && `, evolved on ${shortModelId(version.origin.evolvedOn.agentModelId)} over suite ${version.origin.evolvedOn.suiteId}`}
                </span>
              )}
            </div>
          </div>
          <div className="version-actions">
            <label className="inline-check" title="left side of the diff">
              <input type="radio" name="diff-left" checked={pickLeft === version.hash} onChange={() => setPickLeft(version.hash)} data-testid="versions-pick-left" />A
            </label>
            <label className="inline-check" title="right side of the diff">
              <input type="radio" name="diff-right" checked={pickRight === version.hash} onChange={() => setPickRight(version.hash)} data-testid="versions-pick-right" />B
            </label>
            {!isActive && ancestorsOfActive.has(version.hash) && (
              <button type="button" className="small" onClick={() => void onActivate(version).then(() => setNotice({ kind: 'ok', text: `Reverted: "${version.label}" is the active version again; the later versions stay in the tree.` }))} data-testid="versions-revert">
                Revert to this
              </button>
            )}
            {!isActive && !ancestorsOfActive.has(version.hash) && (
              <button type="button" className="small" onClick={() => void onActivate(version).then(() => setNotice({ kind: 'ok', text: `"${version.label}" is now the active version.` }))} data-testid="versions-use">
                Use
              </button>
            )}
            <button type="button" className="small" onClick={() => void onBranch(version)} data-testid="versions-branch" title="make it active and edit it into a new child version">
              Branch from here
            </button>
            <button type="button" className="small" onClick={() => setOpenLineage(openLineage === version.hash ? undefined : version.hash)} data-testid="versions-lineage-toggle">
              Lineage
            </button>
            <select
              className="export-select"
              value=""
              aria-label="export"
              onChange={(event) => {
                const kind = event.target.value as 'snapshot' | 'agents' | 'prompt';
                if (kind) void exportAs(version, kind);
              }}
              data-testid="versions-export"
            >
              <option value="">Export…</option>
              <option value="snapshot">Snapshot (.harness.json)</option>
              <option value="agents">AGENTS.md</option>
              <option value="prompt">System prompt (.txt)</option>
            </select>
          </div>
        </div>
        {openLineage === version.hash && <LineageView db={db} version={version} evolutions={evolutions} versions={byHash} />}
        {kids.length > 0 && <ul className="versions-children">{kids.map(renderNode)}</ul>}
      </li>
    );
  };

  const left = leftHash ? byHash.get(leftHash) : undefined;
  const right = rightHash ? byHash.get(rightHash) : undefined;
  const evolutionDoc = (hash?: string) => (hash ? evolutions.map((state) => state.versions[hash]).find(Boolean)?.harness : undefined);
  const leftDoc = left?.document ?? evolutionDoc(leftHash);
  const rightDoc = right?.document ?? evolutionDoc(rightHash);
  const changes = leftDoc && rightDoc ? describeHarnessChanges(leftDoc, rightDoc) : [];

  return (
    <div className="versions-page" data-testid="versions-page">
      <Panel
        title="Harness versions"
        testId="versions-panel"
        help="Every version saved in this browser, as a tree from the version it was made from. Use or revert to one, branch from it, see its lineage, export it as a snapshot file (with its lineage) or as plain text for another agent. Tick A and B to compare two."
      >
        <FileDrop prompt="Import a harness: drop a .harness.json snapshot (or a plain harness .json) here, or" accept=".json,application/json" buttonLabel="Choose a file…" onFile={(file) => void importFile(file)} testId="snapshot-import" />
        {notice && (
          <div className={notice.kind === 'ok' ? 'notice notice-ok' : 'error-box'} role={notice.kind === 'ok' ? 'status' : 'alert'} data-testid={notice.kind === 'ok' ? 'versions-notice' : 'versions-error'}>
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
        <ul className="versions-tree" data-testid="versions-tree">
          {(children.get('') ?? []).map(renderNode)}
        </ul>
        <div className="button-row">
          <button type="button" className="primary" disabled={!pickLeft || !pickRight || pickLeft === pickRight} onClick={() => pickLeft && pickRight && onDiff(pickLeft, pickRight)} data-testid="versions-diff">
            Compare A → B
          </button>
          {pickLeft === pickRight && pickLeft && <span className="status-text">Pick two different versions.</span>}
        </div>
      </Panel>

      {leftHash && rightHash && (
        <Panel title="What changed" testId="versions-diff-panel" help="In words first — rules, policies, hooks and tools — then every line of the two documents side by side.">
          {!leftDoc || !rightDoc ? (
            <p className="error-box">One of these versions is not in this workspace.</p>
          ) : (
            <>
              <p className="muted">
                A: <strong>{left?.label ?? shortHash(leftHash)}</strong> <code>{shortHash(leftHash)}</code> → B: <strong>{right?.label ?? shortHash(rightHash)}</strong> <code>{shortHash(rightHash)}</code>
              </p>
              {changes.length ? (
                <ul className="change-list" data-testid="versions-changes">
                  {changes.map((change, index) => (
                    <li key={index} data-testid="versions-change" data-area={change.area} data-change={change.change}>
                      <span className={`chip change-${change.change.replace(' ', '-')}`}>{change.change}</span> <span className="muted">{change.area}</span> <code>{change.name}</code> {change.detail}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted" data-testid="versions-changes">The two documents are the same.</p>
              )}
              <ErrorBoundary area="the side-by-side diff">
                <Suspense fallback={<p className="muted">Loading the diff editor…</p>}>
                  <MonacoDiff before={leftDoc} after={rightDoc} />
                </Suspense>
              </ErrorBoundary>
            </>
          )}
        </Panel>
      )}
    </div>
  );
}
