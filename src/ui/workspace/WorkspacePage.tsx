import { useCallback, useEffect, useState } from 'react';
import type { EvolutionState } from '../../core/evolve/state.js';
import type { TaskSuite } from '../../core/tasks/types.js';
import { backupFileName, type BackupProgress, exportWorkspace, restoreWorkspace } from '../../store/backup.js';
import { type BundleImport, importBundle } from '../../store/bundles.js';
import type { HarnessVersionRecord, StudioDatabase } from '../../store/db.js';
import { deleteEvolution, evolutionFootprint } from '../../store/deletion.js';
import { errorMessage, formatBytes, formatTime, plural, shortHash } from '../format.js';
import { Panel } from '../Panel.js';
import { ProgressBar } from '../ProgressBar.js';
import { ConfirmAction } from '../shell/ConfirmAction.js';
import { downloadFile } from '../shell/download.js';
import { FileDrop } from '../shell/FileDrop.js';
import { routeHref } from '../shell/routes.js';
import './workspace.css';

interface Props {
  db: StudioDatabase;
  /** A bundle was imported: runs lists should reload. */
  onImported(): void;
  onUseSuite(suite: TaskSuite): void;
  onOpenTrace(runId: string): void;
  onActivate(version: HarnessVersionRecord): Promise<void>;
  onRestored(): void;
}

interface Usage {
  bytes?: number;
  quota?: number;
  counts: Record<string, number>;
}

const PHASE_TEXT: Record<BackupProgress['phase'], string> = { export: 'Writing the backup', read: 'Reading the backup', replace: 'Replacing the workspace' };

/** The whole workspace: storage, backup and restore, run bundles in, evolutions out. */
export function WorkspacePage({ db, onImported, onUseSuite, onOpenTrace, onActivate, onRestored }: Props) {
  const [usage, setUsage] = useState<Usage | undefined>();
  const [evolutions, setEvolutions] = useState<EvolutionState[]>([]);
  const [footprints, setFootprints] = useState<Record<string, { bytes: number; rollouts: number }>>({});
  const [progress, setProgress] = useState<BackupProgress | undefined>();
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string; testId: string } | undefined>();
  const [restoreFile, setRestoreFile] = useState<File | undefined>();
  const [restored, setRestored] = useState(false);
  const [bundle, setBundle] = useState<{ fileName: string; result: Extract<BundleImport, { ok: true }> } | undefined>();
  const [bundleErrors, setBundleErrors] = useState<string[] | undefined>();

  const reload = useCallback(async () => {
    const counts: Record<string, number> = {};
    for (const table of db.tables) counts[table.name] = await table.count();
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    setUsage({ bytes: estimate?.usage, quota: estimate?.quota, counts });
    setEvolutions(await db.evolutions.orderBy('startedAt').reverse().toArray());
  }, [db]);
  useEffect(() => {
    void reload();
  }, [reload]);

  async function backup() {
    setNotice(undefined);
    setProgress({ phase: 'export', fraction: 0 });
    try {
      const blob = await exportWorkspace(db, setProgress);
      const name = backupFileName();
      downloadFile(name, blob, 'application/json');
      setNotice({ kind: 'ok', text: `Saved ${name} (${formatBytes(blob.size)}). API keys are not in it: after a restore elsewhere, enter them again.`, testId: 'backup-done' });
    } catch (error) {
      setNotice({ kind: 'error', text: `The backup failed: ${errorMessage(error)}`, testId: 'backup-error' });
    } finally {
      setProgress(undefined);
    }
  }

  async function restore(file: File) {
    setNotice(undefined);
    setRestoreFile(undefined);
    setProgress({ phase: 'read', fraction: 0 });
    try {
      const result = await restoreWorkspace(db, file, setProgress);
      if (!result.ok) return setNotice({ kind: 'error', text: `Not restored — your workspace is unchanged: ${result.error}`, testId: 'restore-error' });
      setRestored(true);
      setNotice({
        kind: 'ok',
        text: `Restored ${file.name}: ${plural(result.rows, 'record')} in ${plural(result.tables, 'table')}${result.keptKeys ? `; the API keys of ${plural(result.keptKeys, 'profile')} you already had were kept` : ''}. Reload to see it everywhere.`,
        testId: 'restore-done',
      });
      await reload();
    } finally {
      setProgress(undefined);
    }
  }

  async function importBundleFile(file: File) {
    setBundle(undefined);
    setBundleErrors(undefined);
    try {
      const result = await importBundle(db, new Uint8Array(await file.arrayBuffer()), file.name);
      if (!result.ok) return setBundleErrors(result.errors);
      setBundle({ fileName: file.name, result });
      onImported();
      await reload();
    } catch (error) {
      setBundleErrors([errorMessage(error)]);
    }
  }

  const importedHarness = bundle?.result.kind === 'batch' ? bundle.result.batch.harnessHash : undefined;

  /** Make an imported version the active harness, to run it on one's own model. */
  function harnessButton(hash: string) {
    return (
      <button
        type="button"
        className="small"
        onClick={async () => {
          const version = await db.harnesses.get(hash);
          if (version) await onActivate(version);
          setNotice({ kind: 'ok', text: `"${version?.label}" is now the active harness: run it on your own model from the Run page.`, testId: 'bundle-harness-active' });
        }}
        data-testid="bundle-use-harness"
      >
        Use its harness
      </button>
    );
  }

  return (
    <div className="workspace-page" data-testid="workspace-page">
      <Panel title="Storage" testId="workspace-storage" help="Everything lives in this browser's IndexedDB. Delete runs and batches on the Run page, evolutions below.">
        {usage ? (
          <p data-testid="storage-usage">
            {usage.bytes !== undefined ? (
              <>
                This site uses <strong>{formatBytes(usage.bytes)}</strong>
                {usage.quota ? ` of ${formatBytes(usage.quota)} the browser allows` : ''} (model weights in the browser cache included).{' '}
              </>
            ) : (
              'This browser does not say how much storage the site uses. '
            )}
            {plural(usage.counts.runs ?? 0, 'run')}, {plural(usage.counts.traceEvents ?? 0, 'trace event')}, {plural(usage.counts.harnesses ?? 0, 'harness version')},{' '}
            {plural(usage.counts.evolutions ?? 0, 'evolution')}, {plural(usage.counts.rollouts ?? 0, 'cached rollout')}.
          </p>
        ) : (
          <p className="muted">Measuring…</p>
        )}
      </Panel>

      <Panel
        title="Back up and restore"
        testId="workspace-backup"
        help="A backup is one JSON file of the whole workspace — versions, runs, traces, evolutions, profiles (without API keys), settings. Restoring replaces the workspace; a file that is not a backup, or comes from a newer version of the app, is refused and nothing changes."
      >
        <div className="button-row">
          <button type="button" className="primary" disabled={Boolean(progress)} onClick={() => void backup()} data-testid="backup-button">
            Back up workspace
          </button>
        </div>
        <FileDrop prompt="Restore: drop a workspace backup (.json) here, or" accept=".json,application/json" buttonLabel="Choose a backup…" disabled={Boolean(progress)} onFile={setRestoreFile} testId="restore-file" />
        {restoreFile && (
          <div className="confirm-box restore-confirm" data-testid="restore-confirm-box">
            <span className="confirm-question">
              Replace everything in this workspace ({plural(usage?.counts.runs ?? 0, 'run')}, {plural(usage?.counts.harnesses ?? 0, 'version')}, {plural(usage?.counts.evolutions ?? 0, 'evolution')}) with{' '}
              <strong>{restoreFile.name}</strong>? Back up first if you may want it back.
            </span>
            <button type="button" className="small danger" onClick={() => void restore(restoreFile)} data-testid="restore-confirm">
              Replace and restore
            </button>
            <button type="button" className="small" onClick={() => setRestoreFile(undefined)} data-testid="restore-cancel">
              Cancel
            </button>
          </div>
        )}
        {progress && (
          <div className="backup-progress" data-testid="backup-progress">
            <ProgressBar value={progress.fraction} label={PHASE_TEXT[progress.phase]} />
            <span className="muted">
              {PHASE_TEXT[progress.phase]}… {Math.round(progress.fraction * 100)}%
            </span>
          </div>
        )}
        {notice && (
          <p className={notice.kind === 'ok' ? 'notice notice-ok' : 'error-box'} role={notice.kind === 'ok' ? 'status' : 'alert'} data-testid={notice.testId}>
            {notice.text}{' '}
            {restored && notice.kind === 'ok' && (
              <button type="button" className="small" onClick={onRestored} data-testid="restore-reload">
                Reload now
              </button>
            )}
          </p>
        )}
      </Panel>

      <Panel
        title="Import a bundle"
        testId="workspace-bundle"
        help="A bundle (.bundle.zip) is a batch exported from the Run page — runs, their traces, the harness versions with their lineage, the tasks — or an evolution exported from the Evolve page: its state, every version, every rollout's trace and the tasks. Imported traces replay here without calling any model; the tasks can become your suite to run that harness on your own model."
      >
        <FileDrop prompt="Drop a .bundle.zip here, or" accept=".zip,application/zip" buttonLabel="Choose a bundle…" onFile={(file) => void importBundleFile(file)} testId="bundle-import" />
        {bundleErrors && (
          <div className="error-box" role="alert" data-testid="bundle-error">
            Not imported — nothing was stored:
            <ul className="error-list">
              {bundleErrors.map((error) => (
                <li key={error}>{error}</li>
              ))}
            </ul>
          </div>
        )}
        {bundle?.result.kind === 'batch' && (
          <div className="notice notice-ok" role="status" data-testid="bundle-imported">
            <p>
              Imported <strong>{bundle.result.batch.imported?.title}</strong> from {bundle.fileName}: {plural(bundle.result.runIds.length, 'run')} with their traces,{' '}
              {plural(bundle.result.harnessHashes.length, 'harness version')} ({bundle.result.harnessHashes.map(shortHash).join(', ')}) and {plural(bundle.result.tasks.length, 'task')}.
            </p>
            <div className="button-row">
              <button type="button" className="small" onClick={() => bundle.result.kind === 'batch' && onOpenTrace(bundle.result.runIds[0])} data-testid="bundle-open-trace">
                Replay the first trace
              </button>
              <button
                type="button"
                className="small"
                onClick={() => bundle.result.kind === 'batch' && onUseSuite({ id: bundle.result.batch.suite?.id ?? 'bundle', name: `${bundle.result.batch.suite?.name ?? 'bundle'} (from ${bundle.fileName})`, tasks: bundle.result.tasks })}
                data-testid="bundle-use-suite"
              >
                Use its tasks as my suite
              </button>
              {importedHarness && harnessButton(importedHarness)}
              <a className="small-link" href={routeHref({ page: 'versions' })}>
                See its lineage on Versions
              </a>
            </div>
          </div>
        )}
        {bundle?.result.kind === 'evolution' && (
          <div className="notice notice-ok" role="status" data-testid="bundle-imported" data-kind="evolution">
            <p>
              Imported <strong>{bundle.result.title}</strong> from {bundle.fileName} as <code data-testid="bundle-evolution-id">{bundle.result.evolution.id}</code>: its versions, decisions and report,{' '}
              {plural(bundle.result.rollouts, 'rollout')} with their traces (they open without calling any model) and {plural(bundle.result.tasks.length, 'task')}.
            </p>
            <div className="button-row">
              <a className="small-link" href={routeHref({ page: 'evolve', evolutionId: bundle.result.evolution.id })} data-testid="bundle-open-evolution">
                Open the evolution
              </a>
              <button
                type="button"
                className="small"
                onClick={() => bundle.result.kind === 'evolution' && onUseSuite({ id: bundle.result.suite.id, name: `${bundle.result.suite.name} (from ${bundle.fileName})`, tasks: bundle.result.tasks })}
                data-testid="bundle-use-suite"
              >
                Use its tasks as my suite
              </button>
              {harnessButton(bundle.result.evolution.currentHash)}
            </div>
          </div>
        )}
      </Panel>

      <Panel title="Evolutions" testId="workspace-evolutions" help="Delete an evolution you no longer need: its state and the cached rollouts no other evolution used. Harness versions saved from it stay.">
        {evolutions.length === 0 ? (
          <p className="empty">No evolution in this workspace.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Evolution</th>
                <th>Status</th>
                <th>Started</th>
                <th className="number">Rollouts</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {evolutions.map((state) => {
                const footprint = footprints[state.id];
                return (
                  <tr key={state.id} data-testid="workspace-evolution" data-evolution-id={state.id}>
                    <td>
                      <a href={routeHref({ page: 'evolve', evolutionId: state.id })}>{state.id}</a>
                    </td>
                    <td>{state.status}</td>
                    <td>{formatTime(state.startedAt)}</td>
                    <td className="number">{state.usedRollouts.length}</td>
                    <td className="row-actions">
                      <ConfirmAction
                        label="Delete"
                        testId="evolution-delete"
                        disabled={state.status === 'running'}
                        onOpen={() => void evolutionFootprint(db, state.id).then((value) => setFootprints((current) => ({ ...current, [state.id]: value })))}
                        question={`Delete ${state.id}${footprint ? ` and ${plural(footprint.rollouts, 'cached rollout')} only it used, about ${formatBytes(footprint.bytes)}` : ''}? This cannot be undone.`}
                        confirmLabel="Delete evolution"
                        onConfirm={async () => {
                          await deleteEvolution(db, state.id);
                          await reload();
                        }}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
