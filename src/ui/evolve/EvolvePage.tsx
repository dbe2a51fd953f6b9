import { useCallback, useEffect, useRef, useState } from 'react';
import { createEvolution, type EvolutionProgress, reviewCandidate, runEvolution, stopEvolution } from '../../core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionConfig, type EvolutionState, type RolloutRecord } from '../../core/evolve/state.js';
import type { ModelProfile } from '../../core/model/profile.js';
import { suiteHash } from '../../core/tasks/suite-hash.js';
import type { TaskSuite } from '../../core/tasks/types.js';
import { createModelFromProfile } from '../../platform/create-model.js';
import type { HarnessVersionRecord, StudioDatabase } from '../../store/db.js';
import { DexieEvolutionStore, importEvolution, listEvolutions } from '../../store/evolution-store.js';
import { getEvolutionProfiles, saveEvolutionProfiles } from '../../store/model-profiles.js';
import { saveHarnessVersion } from '../../store/studio-store.js';
import { errorMessage } from '../format.js';
import { Panel } from '../Panel.js';
import { ProgressBar } from '../ProgressBar.js';
import { SandboxPicker } from '../SandboxPicker.js';
import { explainLoadError, type ModelLoader } from '../use-model-loader.js';
import type { SandboxChoice } from '../use-sandbox-choice.js';
import { EvolutionConfigForm } from './EvolutionConfigForm.js';
import { type EvolutionModels, loadEvolutionModels } from './evolution-models.js';
import { planResume, type ResumeChoice } from './evolution-profiles.js';
import { EvolutionModelPicker } from './EvolutionModelPicker.js';
import { ResumeProfileChooser } from './ResumeProfileChooser.js';
import { EvolutionView } from './EvolutionView.js';
import { EvolutionShareBar } from './EvolutionShareBar.js';
import './evolve.css';

interface Props {
  db: StudioDatabase;
  suite: TaskSuite;
  profiles: ModelProfile[];
  activeProfile?: ModelProfile;
  harness: HarnessVersionRecord;
  loader: ModelLoader;
  sandbox: SandboxChoice;
  /** The evolution in the URL (`#/evolve/<id>`), and where to go when another is picked. */
  selectedEvolutionId?: string;
  onSelectEvolution?: (evolutionId: string) => void;
}


const formatDuration = (ms?: number) => (ms === undefined ? '—' : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`);

/**
 * The Self-Harness loop in the browser: configure, start, follow live, pause, resume, stop, review and read the report.
 * The loop runs on this page; every shell command runs in the chosen sandbox, and state is saved to IndexedDB after
 * every rollout, so a closed tab resumes where it stopped.
 */
export function EvolvePage({ db, suite, profiles, activeProfile, harness, loader, sandbox, selectedEvolutionId, onSelectEvolution }: Props) {
  const [evolutions, setEvolutions] = useState<EvolutionState[]>([]);
  const [pickedId, setPickedId] = useState<string | undefined>();
  // The URL's evolution, else the one picked here, else the newest.
  const selectedId = selectedEvolutionId ?? pickedId ?? evolutions[0]?.id;
  const setSelectedId = (id: string | undefined) => {
    setPickedId(id);
    if (id) onSelectEvolution?.(id);
  };
  const [runningId, setRunningId] = useState<string | undefined>();
  const [progress, setProgress] = useState<EvolutionProgress | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  // The agent and proposer of the next evolution: any saved profiles; the agent starts as the one runs use.
  const [chosenAgentId, setChosenAgentId] = useState<string | undefined>(activeProfile?.id);
  const [proposerId, setProposerId] = useState('');
  /** An evolution that cannot resume with the profiles it remembers: why, and what to preselect. */
  const [resumeChoice, setResumeChoice] = useState<{ evolutionId: string; problems: string[]; suggestion: Partial<ResumeChoice> } | undefined>();
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
    void refresh();
  }, [refresh]);

  const selected = evolutions.find((state) => state.id === selectedId);

  const agentProfile = profiles.find((profile) => profile.id === chosenAgentId) ?? activeProfile ?? profiles[0];
  const proposerProfile = profiles.find((profile) => profile.id === proposerId) ?? agentProfile;

  const loadModels = (agent: ModelProfile, proposer: ModelProfile, recordedAgentModelId?: string) =>
    loadEvolutionModels(agent, proposer, { ensure: loader.ensure, create: (profile) => createModelFromProfile(profile) }, recordedAgentModelId);

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
      const { agentModel, proposerModel } = models;
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

  async function start(config: Omit<EvolutionConfig, 'suiteId' | 'suiteHash' | 'agentModelId' | 'proposerModelId'>, agent: ModelProfile, proposer: ModelProfile) {
    setFailure(undefined);
    try {
      const models = await loadModels(agent, proposer);
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
      // By profile id, so editing a profile's URL or key later keeps this evolution resumable.
      await saveEvolutionProfiles(db, { evolutionId: id, agentProfileId: agent.id, agentProfileName: agent.label, proposerProfileId: proposer.id, proposerProfileName: proposer.label });
      setSelectedId(id);
      await refresh();
      await drive(id, models);
    } catch (error) {
      setFailure(explainLoadError(errorMessage(error)));
    }
  }

  /**
   * Resume with the profiles the evolution remembers (by id), or the ones the user picks when those are gone; the
   * agent must still run the recorded model (`planResume`).
   */
  async function resume(state: EvolutionState, choice?: ResumeChoice) {
    setFailure(undefined);
    try {
      const link = await getEvolutionProfiles(db, state.id);
      const plan = planResume({ evolutionId: state.id, config: state.config, link, profiles, choice });
      if (plan.kind === 'choose') return setResumeChoice({ evolutionId: state.id, problems: plan.problems, suggestion: plan.suggestion });
      setResumeChoice(undefined);
      await saveEvolutionProfiles(db, plan.link);
      const models = await loadModels(plan.agent, plan.proposer, state.config.agentModelId);
      const notices = [...plan.notices, models.notice].filter(Boolean);
      await drive(state.id, { ...models, notice: notices.length ? notices.join(' ') : undefined });
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

  return (
    <div className="evolve-page">
      <Panel
        title="Evolve the harness"
        testId="evolve-config"
        help="The agent runs tasks, reads its own failed traces to find recurring weaknesses, proposes small typed edits to its harness, and keeps only the edits that pass more tasks without breaking any held-out task. The agent and the proposer are any of your saved model profiles; the active harness is the starting point."
      >
        <EvolutionModelPicker
          profiles={profiles}
          agentId={agentProfile?.id}
          proposerId={proposerProfile && proposerProfile.id !== agentProfile?.id ? proposerProfile.id : ''}
          disabled={Boolean(runningId)}
          onAgentChange={setChosenAgentId}
          onProposerChange={setProposerId}
        />
        <EvolutionConfigForm
          harnessLabel={harness.label}
          suiteName={suite.name}
          taskCount={suite.tasks.length}
          disabledReason={runningId ? 'An evolution is running.' : !agentProfile ? 'Save a model first.' : suite.tasks.length < 4 ? 'The suite needs at least 4 tasks.' : undefined}
          defaults={DEFAULT_EVOLUTION_CONFIG}
          onStart={(config) => agentProfile && proposerProfile && void start(config, agentProfile, proposerProfile)}
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
        {selected && resumeChoice?.evolutionId === selected.id && (
          <ResumeProfileChooser
            key={`${selected.id}-${resumeChoice.problems.join()}`}
            profiles={profiles}
            recordedAgentModelId={selected.config.agentModelId}
            problems={resumeChoice.problems}
            suggestion={resumeChoice.suggestion}
            onResume={(choice) => void resume(selected, choice)}
            onCancel={() => setResumeChoice(undefined)}
          />
        )}
        {selected && <EvolutionShareBar db={db} state={selected} />}
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
