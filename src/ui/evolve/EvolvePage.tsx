import { useCallback, useEffect, useRef, useState } from 'react';
import { createEvolution, type EvolutionProgress, reviewCandidate, runEvolution, stopEvolution } from '../../core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionConfig, type EvolutionState, type RolloutRecord } from '../../core/evolve/state.js';
import { chooseActionProtocol } from '../../core/model/probe-tool-calling.js';
import { modelIdOfProfile, type ModelProfile } from '../../core/model/profile.js';
import { suiteHash } from '../../core/tasks/suite-hash.js';
import type { TaskSuite } from '../../core/tasks/types.js';
import { createModelFromProfile } from '../../platform/create-model.js';
import type { HarnessVersionRecord, StudioDatabase } from '../../store/db.js';
import { DexieEvolutionStore, importEvolution, listEvolutions } from '../../store/evolution-store.js';
import { saveHarnessVersion } from '../../store/studio-store.js';
import { errorMessage } from '../format.js';
import { Panel } from '../Panel.js';
import { ProgressBar } from '../ProgressBar.js';
import { SandboxPicker } from '../SandboxPicker.js';
import { explainLoadError, type ModelLoader } from '../use-model-loader.js';
import type { SandboxChoice } from '../use-sandbox-choice.js';
import { EvolutionConfigForm } from './EvolutionConfigForm.js';
import { type EvolutionModels, loadEvolutionModels } from './evolution-models.js';
import { EvolutionView } from './EvolutionView.js';
import './evolve.css';

interface Props {
  db: StudioDatabase;
  suite: TaskSuite;
  profiles: ModelProfile[];
  activeProfile?: ModelProfile;
  harness: HarnessVersionRecord;
  loader: ModelLoader;
  sandbox: SandboxChoice;
}


const formatDuration = (ms?: number) => (ms === undefined ? '—' : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`);

/**
 * The Self-Harness loop in the browser: configure, start, follow live, pause, resume, stop, review and read the report.
 * The loop runs on this page; every shell command runs in the chosen sandbox, and state is saved to IndexedDB after
 * every rollout, so a closed tab resumes where it stopped.
 */
export function EvolvePage({ db, suite, profiles, activeProfile, harness, loader, sandbox }: Props) {
  const [evolutions, setEvolutions] = useState<EvolutionState[]>([]);
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [runningId, setRunningId] = useState<string | undefined>();
  const [progress, setProgress] = useState<EvolutionProgress | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const controller = useRef<AbortController | undefined>(undefined);
  /** The loop currently driven by this page; Stop waits for it so its last save (paused) cannot overwrite "done". */
  const driving = useRef<Promise<void> | undefined>(undefined);
  const lastRefresh = useRef(0);

  const refresh = useCallback(async () => {
    const all = await listEvolutions(db);
    setEvolutions(all);
    return all;
  }, [db]);

  useEffect(() => {
    void refresh().then((all) => setSelectedId((current) => current ?? all[0]?.id));
  }, [refresh]);

  const selected = evolutions.find((state) => state.id === selectedId);

  const loadModels = (agentProfile: ModelProfile, proposerProfile: ModelProfile) =>
    loadEvolutionModels(agentProfile, proposerProfile, { ensure: loader.ensure, create: (profile) => createModelFromProfile(profile) });

  function drive(id: string, models: EvolutionModels): Promise<void> {
    driving.current = driveLoop(id, models).finally(() => {
      driving.current = undefined;
    });
    return driving.current;
  }

  async function driveLoop(id: string, models: EvolutionModels) {
    const abort = new AbortController();
    controller.current = abort;
    setRunningId(id);
    setFailure(undefined);
    setNotice(models.notice);
    try {
      const { proposerModel } = models;
      // An endpoint that drops native tools would fail every rollout with format errors: probe once, switch if so.
      const chosen = await chooseActionProtocol(models.agentModel, abort.signal);
      const agentModel = chosen.model;
      if (chosen.notice) setNotice([models.notice, chosen.notice].filter(Boolean).join(' '));
      const state = await db.evolutions.get(id);
      if (state && state.config.agentModelId !== agentModel.id) throw new Error(`this evolution was run with ${state.config.agentModelId}; choose that model to resume it`);
      // Never throws: a WebContainer that cannot start falls back to the embedded sandbox, and the picker says why.
      const { factory } = await sandbox.resolve();
      await runEvolution({
        store: new DexieEvolutionStore(db, id),
        tasks: suite.tasks,
        agentModel,
        proposerModel,
        createSandbox: factory,
        signal: abort.signal,
        onProgress: (next) => {
          setProgress(next);
          // Re-read the state at most twice a second so the tree and candidates follow live.
          if (Date.now() - lastRefresh.current > 500) {
            lastRefresh.current = Date.now();
            void refresh();
          }
        },
      });
    } catch (error) {
      setFailure(explainLoadError(errorMessage(error)));
    } finally {
      controller.current = undefined;
      setRunningId(undefined);
      await refresh();
    }
  }

  async function start(config: Omit<EvolutionConfig, 'suiteId' | 'suiteHash' | 'agentModelId' | 'proposerModelId'>, agentProfile: ModelProfile, proposerProfile: ModelProfile) {
    setFailure(undefined);
    try {
      const models = await loadModels(agentProfile, proposerProfile);
      const id = `evo-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
      const full: EvolutionConfig = {
        ...config,
        suiteId: suite.id,
        suiteHash: await suiteHash(suite.tasks),
        agentModelId: models.agentModel.id,
        // The model that really proposes, which is the agent's when the chosen one could not be loaded next to it.
        proposerModelId: models.proposerModel.id,
      };
      await createEvolution(new DexieEvolutionStore(db, id), { id, config: full, baseHarness: harness.document, tasks: suite.tasks });
      setSelectedId(id);
      await refresh();
      await drive(id, models);
    } catch (error) {
      setFailure(explainLoadError(errorMessage(error)));
    }
  }

  /** Resume with the models the evolution was started with, found among the saved profiles by model id. */
  async function resume(state: EvolutionState) {
    setFailure(undefined);
    const agentProfile = profileWithModelId(state.config.agentModelId);
    if (!agentProfile) return setFailure(`Resuming needs the model ${state.config.agentModelId}; save it in the Model panel first.`);
    const proposerProfile = profileWithModelId(state.config.proposerModelId);
    try {
      const models = await loadModels(agentProfile, proposerProfile ?? agentProfile);
      if (!proposerProfile) models.notice = `The proposer ${state.config.proposerModelId} is no longer saved; the agent model proposes from here on.`;
      await drive(state.id, models);
    } catch (error) {
      setFailure(explainLoadError(errorMessage(error)));
    }
  }

  async function stop(id: string) {
    controller.current?.abort();
    await driving.current;
    await stopEvolution(new DexieEvolutionStore(db, id));
    await refresh();
  }

  async function review(id: string, candidateId: string, verdict: 'accept' | 'reject') {
    await reviewCandidate(new DexieEvolutionStore(db, id), candidateId, verdict);
    await refresh();
  }

  async function importFiles(files: FileList | null) {
    if (!files?.length) return;
    setFailure(undefined);
    try {
      const list = [...files];
      const stateFile = list.find((file) => file.name === 'state.json');
      if (!stateFile) throw new Error('pick the --out folder of `self-harness evolve` (it holds state.json and rollouts/)');
      const rollouts: RolloutRecord[] = [];
      for (const file of list.filter((item) => /rollouts\//.test(item.webkitRelativePath || '') || (item.name.endsWith('.json') && item.name !== 'state.json' && item.name.length === 37))) {
        try {
          rollouts.push(JSON.parse(await file.text()));
        } catch {
          // A damaged rollout file only costs a re-run later; the import goes on.
        }
      }
      const imported = await importEvolution(db, JSON.parse(await stateFile.text()), rollouts);
      setSelectedId(imported.id);
      await refresh();
    } catch (error) {
      setFailure(`Import failed: ${errorMessage(error)}`);
    }
  }

  async function adopt(state: EvolutionState) {
    const version = state.versions[state.currentHash];
    const parentHash = version.parentHash;
    await saveHarnessVersion(db, version.harness, { source: 'evolution', parentHash, label: `${state.id} result` });
  }

  // Evolutions saved before proposer ids were model ids recorded the proposer's label.
  const profileWithModelId = (modelId: string) => profiles.find((profile) => modelIdOfProfile(profile) === modelId) ?? profiles.find((profile) => profile.label === modelId);

  return (
    <div className="evolve-page">
      <Panel
        title="Evolve the harness"
        testId="evolve-config"
        help="The agent runs tasks, reads its own failed traces to find recurring weaknesses, proposes small typed edits to its harness, and keeps only the edits that pass more tasks without breaking any held-out task. Uses the active model and the active harness as the starting point."
      >
        <EvolutionConfigForm
          profiles={profiles}
          activeProfile={activeProfile}
          harnessLabel={harness.label}
          suiteName={suite.name}
          taskCount={suite.tasks.length}
          disabledReason={runningId ? 'An evolution is running.' : !activeProfile ? 'Save a model first.' : suite.tasks.length < 4 ? 'The suite needs at least 4 tasks.' : undefined}
          defaults={DEFAULT_EVOLUTION_CONFIG}
          onStart={(config, proposer) => activeProfile && void start(config, activeProfile, proposer ?? activeProfile)}
        />
        <SandboxPicker choice={sandbox} disabled={Boolean(runningId)} />
        <div className="button-row">
          <label className="secondary file-button">
            Import a CLI result folder…
            <input type="file" hidden multiple {...({ webkitdirectory: '' } as Record<string, string>)} onChange={(event) => void importFiles(event.target.files)} data-testid="import-evolution" />
          </label>
        </div>
        {notice && (
          <p className="notice notice-warn" role="status" data-testid="evolve-notice">
            {notice}
          </p>
        )}
        {failure && (
          <p className="error-box" role="alert" data-testid="evolve-error">
            {failure}
          </p>
        )}
      </Panel>

      {runningId && progress && (
        <Panel title="Live" testId="evolve-live" help="What the loop is doing right now. Pause keeps everything; Resume continues from the last finished rollout.">
          <p data-testid="evolve-stage">
            Iteration {progress.iteration} · <strong>{progress.stage}</strong> · {progress.message}
          </p>
          <ProgressBar value={progress.rolloutsPlanned ? progress.rolloutsDone / progress.rolloutsPlanned : 0} label="rollouts in this stage" testId="evolve-progress" />
          <p className="muted">
            {progress.rolloutsDone}/{progress.rolloutsPlanned} rollouts in this stage · {progress.tokens} tokens · elapsed {formatDuration(progress.elapsedMs)} · remaining ~{formatDuration(progress.remainingMs)}
          </p>
          <div className="button-row">
            <button type="button" onClick={() => controller.current?.abort()} data-testid="evolve-pause">
              Pause
            </button>
            <button type="button" className="secondary" onClick={() => void stop(runningId)} data-testid="evolve-stop">
              Stop
            </button>
          </div>
        </Panel>
      )}

      <Panel title="Evolutions" testId="evolve-list" help="Every evolution saved in this browser. Versions form a tree; abandoned branches stay visible.">
        {evolutions.length === 0 ? (
          <p className="empty">No evolution yet.</p>
        ) : (
          <div className="button-row">
            {evolutions.map((state) => (
              <button key={state.id} type="button" className={state.id === selectedId ? 'chip-button selected' : 'chip-button'} onClick={() => setSelectedId(state.id)} data-testid={`evolution-${state.id}`}>
                {state.id} · {state.status}
              </button>
            ))}
          </div>
        )}
        {selected && (
          <EvolutionView
            state={selected}
            running={runningId === selected.id}
            canResume={!runningId && (selected.status === 'paused' || selected.status === 'running' || selected.status === 'awaiting_review')}
            onResume={() => void resume(selected)}
            onStop={() => void stop(selected.id)}
            onReview={(candidateId, verdict) => void review(selected.id, candidateId, verdict)}
            onAdopt={() => void adopt(selected)}
          />
        )}
      </Panel>
    </div>
  );
}
