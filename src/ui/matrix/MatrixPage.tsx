import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isLocalProfile, type ModelProfile, modelIdOfProfile } from '../../core/model/profile.js';
import { buildMatrix, type Matrix, matrixCsv, type MatrixRun } from '../../core/share/matrix.js';
import { redactSecretsInText } from '../../core/share/secrets.js';
import type { TaskSuite } from '../../core/tasks/types.js';
import { createModelFromProfile } from '../../platform/create-model.js';
import type { HarnessVersionRecord, StudioDatabase } from '../../store/db.js';
import { runBatch } from '../../store/run-batch.js';
import { listHarnessVersions } from '../../store/studio-store.js';
import { errorMessage, shortHash, shortModelId } from '../format.js';
import { Panel } from '../Panel.js';
import { ProgressBar } from '../ProgressBar.js';
import { SandboxPicker } from '../SandboxPicker.js';
import { downloadFile } from '../shell/download.js';
import { usePersistentState } from '../shell/use-persistent-state.js';
import { explainLoadError, type ModelLoader } from '../use-model-loader.js';
import { type EpisodeRunnerChoice, episodeRunnerFor } from '../../platform/worker-episode-runner.js';
import type { SandboxChoice } from '../use-sandbox-choice.js';
import './matrix.css';

interface Props {
  db: StudioDatabase;
  profiles: ModelProfile[];
  suite: TaskSuite;
  loader: ModelLoader;
  sandbox: SandboxChoice;
  onRunsChanged(): void;
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function toggleIn(list: string[], item: string, on: boolean): string[] {
  return on ? [...new Set([...list, item])] : list.filter((value) => value !== item);
}

/**
 * The paper's open question, made runnable: does a harness evolved on one model help another? Pick harness versions,
 * model profiles and tasks; run every combination (k attempts); read pass counts in a grid; export it as CSV. The grid
 * is read from the saved runs, so it survives reloads and includes runs imported from bundles.
 */
export function MatrixPage({ db, profiles, suite, loader, sandbox, onRunsChanged }: Props) {
  const [versions, setVersions] = useState<HarnessVersionRecord[]>([]);
  const [hashes, setHashes] = usePersistentState<string[]>('matrix-harnesses', [], isStringArray);
  const [profileIds, setProfileIds] = usePersistentState<string[]>('matrix-profiles', [], isStringArray);
  const [extraModelIds, setExtraModelIds] = usePersistentState<string[]>('matrix-recorded-models', [], isStringArray);
  const [taskIds, setTaskIds] = usePersistentState<string[]>('matrix-tasks', [], isStringArray);
  const [attempts, setAttempts] = usePersistentState<number>('matrix-attempts', 1, (value): value is number => typeof value === 'number' && value >= 1 && value <= 10);
  const [runs, setRuns] = useState<MatrixRun[]>([]);
  const [running, setRunning] = useState<{ done: number; total: number; label: string } | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const controller = useRef<AbortController | undefined>(undefined);

  const reload = useCallback(async () => {
    setVersions(await listHarnessVersions(db));
    setRuns(await db.runs.toArray());
  }, [db]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const versionByHash = useMemo(() => new Map(versions.map((version) => [version.hash, version])), [versions]);
  const pickedProfiles = profiles.filter((profile) => profileIds.includes(profile.id));
  const pickedTasks = suite.tasks.filter((task) => taskIds.includes(task.id));
  const pickedHashes = hashes.filter((hash) => versionByHash.has(hash));
  const profileModelIds = pickedProfiles.map(modelIdOfProfile);
  // Models that have runs with the picked versions but no profile here (e.g. from an imported bundle): shown, not run.
  const recordedModelIds = useMemo(() => [...new Set(runs.filter((run) => pickedHashes.includes(run.harnessHash)).map((run) => run.modelId))].filter((id) => !profiles.some((profile) => modelIdOfProfile(profile) === id)), [runs, pickedHashes, profiles]);
  const modelIds = [...profileModelIds, ...extraModelIds.filter((id) => recordedModelIds.includes(id))];
  const matrix: Matrix = useMemo(() => buildMatrix({ harnessHashes: pickedHashes, modelIds, taskIds: pickedTasks.map((task) => task.id) }, runs), [pickedHashes, modelIds.join('|'), pickedTasks, runs]); // eslint-disable-line react-hooks/exhaustive-deps
  const modelLabel = (modelId: string) => profiles.find((profile) => modelIdOfProfile(profile) === modelId)?.label ?? shortModelId(modelId);
  const harnessLabel = (hash: string) => versionByHash.get(hash)?.label ?? shortHash(hash);

  const total = pickedHashes.length * pickedProfiles.length * pickedTasks.length * attempts;
  const blocked = running ? 'The matrix is running.' : !pickedHashes.length ? 'Pick at least one harness version.' : !pickedProfiles.length ? 'Pick at least one model profile.' : !pickedTasks.length ? 'Pick at least one task.' : undefined;

  async function run() {
    if (blocked) return;
    const abort = new AbortController();
    controller.current = abort;
    setFailure(undefined);
    let done = 0;
    setRunning({ done, total, label: 'starting' });
    let episodes: EpisodeRunnerChoice | undefined;
    try {
      // Each episode in an episode Web Worker (a WebContainer's stay on this thread).
      episodes = episodeRunnerFor(await sandbox.resolve());
      for (const profile of pickedProfiles) {
        if (abort.signal.aborted) break;
        setRunning({ done, total, label: `loading ${profile.label}` });
        // In-page models share the one slot; remote ones are plain clients.
        const model = isLocalProfile(profile) ? await loader.ensure(profile) : await createModelFromProfile(profile);
        for (const hash of pickedHashes) {
          const version = versionByHash.get(hash)!;
          for (let attempt = 1; attempt <= attempts && !abort.signal.aborted; attempt++) {
            let finishedHere = 0;
            await runBatch({
              db,
              suiteId: suite.id,
              suiteName: suite.name,
              tasks: pickedTasks,
              harness: version.document,
              harnessHash: hash,
              model,
              runEpisode: episodes.runEpisode,
              signal: abort.signal,
              onProgress: (progress) => {
                const finished = progress.filter((item) => item.status === 'done').length;
                if (finished !== finishedHere) {
                  done += finished - finishedHere;
                  finishedHere = finished;
                  void reload();
                }
                setRunning({ done, total, label: `${profile.label} × ${version.label}, attempt ${attempt}` });
              },
            });
          }
        }
      }
    } catch (error) {
      setFailure(explainLoadError(errorMessage(error)));
    } finally {
      episodes?.dispose();
      controller.current = undefined;
      setRunning(undefined);
      await reload();
      onRunsChanged();
    }
  }

  return (
    <div className="matrix-page" data-testid="matrix-page">
      <Panel
        title="Cross-model matrix"
        testId="matrix-setup"
        help="Does a harness evolved on one model help another? Pick harness versions × model profiles × tasks and run them all; each cell counts passes over attempts. Runs you already have count too."
      >
        <div className="matrix-pickers">
          <fieldset>
            <legend>Harness versions</legend>
            {versions.map((version) => (
              <label key={version.hash} className="pick">
                <input type="checkbox" checked={hashes.includes(version.hash)} onChange={(event) => setHashes(toggleIn(hashes, version.hash, event.target.checked))} data-testid={`matrix-harness-${shortHash(version.hash)}`} />
                {version.label} <code>{shortHash(version.hash)}</code>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Models</legend>
            {profiles.length === 0 && <p className="muted">Save a model profile on the Run page first.</p>}
            {profiles.map((profile) => (
              <label key={profile.id} className="pick">
                <input type="checkbox" checked={profileIds.includes(profile.id)} onChange={(event) => setProfileIds(toggleIn(profileIds, profile.id, event.target.checked))} data-testid={`matrix-profile-${profile.id}`} />
                {profile.label} <span className="muted">{profile.provider}</span>
              </label>
            ))}
            {recordedModelIds.length > 0 && <p className="muted small-note">Models with runs of these versions (shown, not run):</p>}
            {recordedModelIds.map((modelId) => (
              <label key={modelId} className="pick">
                <input type="checkbox" checked={extraModelIds.includes(modelId)} onChange={(event) => setExtraModelIds(toggleIn(extraModelIds, modelId, event.target.checked))} data-testid="matrix-recorded-model" />
                <span title={modelId}>{shortModelId(modelId)}</span>
              </label>
            ))}
          </fieldset>
          <fieldset className="matrix-tasks">
            <legend>
              Tasks of {suite.name}{' '}
              <button type="button" className="small" onClick={() => setTaskIds([])}>
                none
              </button>
            </legend>
            {suite.tasks.map((task) => (
              <label key={task.id} className="pick">
                <input type="checkbox" checked={taskIds.includes(task.id)} onChange={(event) => setTaskIds(toggleIn(taskIds, task.id, event.target.checked))} data-testid={`matrix-task-${task.id}`} />
                {task.title}
              </label>
            ))}
          </fieldset>
        </div>
        <SandboxPicker choice={sandbox} disabled={Boolean(running)} />
        <div className="button-row">
          <label className="field inline">
            <span>Attempts per cell (k)</span>
            <input type="number" min={1} max={10} value={attempts} onChange={(event) => setAttempts(Math.max(1, Math.min(10, Number(event.target.value) || 1)))} data-testid="matrix-attempts" />
          </label>
          <button type="button" className="primary" disabled={Boolean(blocked)} onClick={() => void run()} data-testid="matrix-run">
            Run {total ? `${total} run${total === 1 ? '' : 's'}` : ''}
          </button>
          <button type="button" disabled={!running} onClick={() => controller.current?.abort()} data-testid="matrix-stop">
            Stop
          </button>
          <span className="status-text">{blocked}</span>
        </div>
        {running && (
          <div className="matrix-progress" data-testid="matrix-progress">
            <ProgressBar value={running.total ? running.done / running.total : 0} label="matrix progress" />
            <span className="muted">
              {running.done} of {running.total} runs · {running.label}
            </span>
          </div>
        )}
        {failure && (
          <p className="error-box" role="alert" data-testid="matrix-error">
            {failure}
          </p>
        )}
      </Panel>

      <Panel
        title="Pass counts"
        testId="matrix-grid-panel"
        help="Rows: harness version × model. Cells: passes / finished attempts for that task; blank means never run. The last column is the row's pass rate."
        actions={
          <button
            type="button"
            className="small"
            disabled={!matrix.rows.length}
            onClick={() => downloadFile('cross-model-matrix.csv', redactSecretsInText(matrixCsv(matrix, { harness: harnessLabel, model: modelLabel })), 'text/csv')}
            data-testid="matrix-csv"
          >
            Export CSV
          </button>
        }
      >
        {matrix.rows.length === 0 ? (
          <p className="empty">Pick versions, models and tasks above.</p>
        ) : (
          <div className="table-scroll">
            <table className="table matrix-grid" data-testid="matrix-grid">
              <thead>
                <tr>
                  <th>Harness</th>
                  <th>Model</th>
                  {matrix.taskIds.map((taskId) => (
                    <th key={taskId} className="number" title={taskId}>
                      {suite.tasks.find((task) => task.id === taskId)?.title ?? taskId}
                    </th>
                  ))}
                  <th className="number">Total</th>
                </tr>
              </thead>
              <tbody>
                {matrix.rows.map((row) => (
                  <tr key={`${row.harnessHash}|${row.modelId}`} data-testid="matrix-row" data-harness={row.harnessHash} data-model={row.modelId}>
                    <td>
                      {harnessLabel(row.harnessHash)} <code>{shortHash(row.harnessHash)}</code>
                    </td>
                    <td title={row.modelId}>{modelLabel(row.modelId)}</td>
                    {row.cells.map((cell) => (
                      <td key={cell.taskId} className={`number matrix-cell ${cell.total ? (cell.passed === cell.total ? 'cell-pass' : cell.passed ? 'cell-mixed' : 'cell-fail') : 'cell-empty'}`} data-testid="matrix-cell" data-task-id={cell.taskId}>
                        {cell.total ? `${cell.passed}/${cell.total}` : ''}
                      </td>
                    ))}
                    <td className="number" data-testid="matrix-total">
                      <strong>
                        {row.passed}/{row.total}
                      </strong>
                      {row.total > 0 && <span className="muted"> ({Math.round((100 * row.passed) / row.total)}%)</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}
