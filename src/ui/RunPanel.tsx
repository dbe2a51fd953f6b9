import { useRef, useState } from 'react';
import type { ModelProfile } from '../core/model/profile.js';
import type { Task } from '../core/tasks/types.js';
import type { LoadedModel } from '../platform/create-model.js';
import type { HarnessVersionRecord, StudioDatabase } from '../store/db.js';
import { episodeRunnerFor } from '../platform/worker-episode-runner.js';
import { runBatch, type TaskProgress } from '../store/run-batch.js';
import { errorMessage, shortHash } from './format.js';
import { Panel } from './Panel.js';
import { ProgressBar } from './ProgressBar.js';
import { SandboxPicker } from './SandboxPicker.js';
import { TaskProgressRow } from './TaskProgressRow.js';
import { explainLoadError, type ModelLoader } from './use-model-loader.js';
import { poolSizeFor, type SandboxChoice } from './use-sandbox-choice.js';

interface Props {
  db: StudioDatabase;
  suiteId: string;
  suiteName?: string;
  profile?: ModelProfile;
  harness: HarnessVersionRecord;
  tasks: Task[];
  loader: ModelLoader;
  sandbox: SandboxChoice;
  /** A run started or ended; history and traces should reload. */
  onRunsChanged(): void;
}

/** Step 4: run the selected tasks with the active harness and model, in the chosen sandbox, "episodes at once" at a time. */
export function RunPanel({ db, suiteId, suiteName, profile, harness, tasks, loader, sandbox, onRunsChanged }: Props) {
  const [progress, setProgress] = useState<TaskProgress[]>([]);
  const [running, setRunning] = useState(false);
  const [stopped, setStopped] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const controller = useRef<AbortController | undefined>(undefined);
  const titles = new Map(tasks.map((task) => [task.id, task.title]));
  const [batchTitles, setBatchTitles] = useState(titles);

  const disabledReason = running
    ? 'A run is in progress.'
    : !profile
      ? 'Save a model first (step 1).'
      : tasks.length === 0
        ? 'Select at least one task (step 2).'
        : undefined;

  async function run() {
    if (!profile || running) return;
    const abort = new AbortController();
    controller.current = abort;
    setRunning(true);
    setStopped(false);
    setFailure(undefined);
    setNotice(undefined);
    setBatchTitles(titles);
    setProgress(tasks.map((task) => ({ taskId: task.id, status: 'queued', fraction: 0, step: 0 })));
    let model: LoadedModel;
    try {
      model = await loader.ensure(profile);
    } catch (error) {
      setFailure(`The model could not load: ${explainLoadError(errorMessage(error))}`);
      setProgress([]);
      setRunning(false);
      controller.current = undefined;
      return;
    }
    try {
      if (abort.signal.aborted) return;
      // Never throws: a WebContainer that cannot start falls back to the embedded sandbox, and the picker says why.
      const choice = await sandbox.resolve();
      if (abort.signal.aborted) return;
      let statuses = '';
      // Each episode in a Web Worker of its own (a WebContainer's stay on this thread); the page records and renders.
      const concurrency = poolSizeFor(choice, sandbox.poolSize, model);
      const episodes = episodeRunnerFor(choice, concurrency);
      try {
        await runBatch({
          db,
          suiteId,
          suiteName,
          tasks,
          harness: harness.document,
          harnessHash: harness.hash,
          model,
          runEpisode: episodes.runEpisode,
          concurrency,
          signal: abort.signal,
          onNotice: setNotice,
          onProgress: (next) => {
            setProgress(next);
            // Reload the history only when a run starts or ends, not on every event.
            const now = next.map((item) => item.status).join();
            if (now !== statuses) {
              statuses = now;
              onRunsChanged();
            }
          },
        });
      } finally {
        episodes.dispose();
      }
    } catch (error) {
      setFailure(`The run stopped with an error: ${errorMessage(error)}`);
    } finally {
      controller.current = undefined;
      setRunning(false);
      onRunsChanged();
    }
  }

  function stop() {
    setStopped(true);
    controller.current?.abort();
  }

  const done = progress.filter((item) => item.status === 'done');
  const passed = done.filter((item) => item.result?.outcome === 'pass').length;

  return (
    <Panel
      step={4}
      title="Run"
      testId="run-panel"
      help="Runs the selected tasks, several at once if you like (Episodes at once), each in a fresh sandbox inside this tab. Every step is saved as it happens, so a trace survives a reload."
    >
      <SandboxPicker choice={sandbox} disabled={running} />
      <div className="run-controls" data-testid="run-controls" data-state={running ? 'running' : 'idle'}>
        <button type="button" className="primary big" disabled={Boolean(disabledReason)} onClick={() => void run()} data-testid="run-button">
          Run {tasks.length ? `${tasks.length} task${tasks.length === 1 ? '' : 's'}` : ''}
        </button>
        <button type="button" disabled={!running} onClick={stop} data-testid="stop-button">
          Stop
        </button>
        <span className="status-text" data-testid="run-disabled-reason">
          {disabledReason ?? (
            <>
              Model <strong>{profile?.label}</strong> · harness <strong>{harness.label}</strong> <code>{shortHash(harness.hash)}</code>
            </>
          )}
        </span>
      </div>

      {running && loader.progress && (
        <div className="model-loading">
          <ProgressBar value={loader.progress.progress} label="Loading the model" />
          <span className="muted">Loading the model: {loader.progress.text}</span>
        </div>
      )}

      {notice && (
        <p className="notice notice-warn" role="status" data-testid="run-notice">
          {notice}
        </p>
      )}

      {failure && (
        <p className="error-box" role="alert" data-testid="run-error">
          {failure}
        </p>
      )}

      {progress.length > 0 && (
        <>
          <p className="muted" data-testid="run-summary">
            {running ? 'Running' : stopped ? 'Stopped' : 'Finished'}: {done.length} of {progress.length} done, {passed} passed.
          </p>
          <ProgressBar
            value={progress.reduce((sum, item) => sum + (item.status === 'done' ? 1 : item.fraction), 0) / progress.length}
            label="whole batch"
            testId="batch-progress"
            tone={running ? 'active' : passed === progress.length ? 'pass' : 'idle'}
          />
          <ul className="progress-list" data-testid="run-progress">
            {progress.map((item) => (
              <TaskProgressRow key={item.taskId} item={item} title={batchTitles.get(item.taskId) ?? item.taskId} stopped={stopped && !running} />
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
