import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_EVOLUTION_SETTINGS, type EvolutionSettings } from '../../core/evolve/config.js';
import { isCheckpoint } from '../../core/evolve/events.js';
import { createEvolution, EvolutionRefused, reviewCandidate, runEvolution, stopEvolution } from '../../core/evolve/evolution-loop.js';
import { advanceProgress, type EvolutionProgress, initialProgress } from '../../core/evolve/progress.js';
import type { EvolutionConfig, EvolutionState, RolloutRecord } from '../../core/evolve/state.js';
import { agentModelForResume } from '../../core/evolve/model-identity.js';
import { chooseActionProtocol } from '../../core/model/probe-tool-calling.js';
import type { ModelProfile } from '../../core/model/profile.js';
import { suiteHash } from '../../core/tasks/suite-hash.js';
import type { Task, TaskSuite } from '../../core/tasks/types.js';
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
import { poolSizeFor, type SandboxChoice } from '../use-sandbox-choice.js';
import { EvolutionConfigForm } from './EvolutionConfigForm.js';
import { type EvolutionModels, loadEvolutionModels } from './evolution-models.js';
import { planResume, type ResumeChoice } from './evolution-profiles.js';
import { type EpisodeRunnerChoice, episodeRunnerFor } from '../../platform/worker-episode-runner.js';
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
  /** The rollout whose trace is open (`#/evolve/<id>/trace/<traceId>`), and where to go to open or close one. */
  rolloutTraceId?: string;
  onOpenRolloutTrace?: (evolutionId: string, traceId: string | undefined) => void;
  /** Any task by id (the loaded suite, the built-in one), for an evolution bundle's tasks. */
  findTask(taskId: string): Task | undefined;
}


/**
 * `acceptProposerChange`: the person chose this proposer for the resume, so a proposer other than the recorded one is
 * taken (and the report records the change) instead of refused. `profiles`: what the chooser preselects when the
 * loop refuses the proposer anyway (its profile now runs another model).
 */
interface DriveOptions {
  acceptProposerChange?: boolean;
  profiles?: Partial<ResumeChoice>;
}

const formatDuration = (ms?: number) => (ms === undefined ? '—' : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`);

/**
 * The Self-Harness loop in the browser: configure, start, follow live, pause, resume, stop, review and read the report.
 * The loop runs on this page; every shell command runs in the chosen sandbox, and state is saved to IndexedDB after
 * every rollout, so a closed tab resumes where it stopped.
 */
export function EvolvePage({ db, suite, profiles, activeProfile, harness, loader, sandbox, selectedEvolutionId, onSelectEvolution, rolloutTraceId, onOpenRolloutTrace, findTask }: Props) {
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
  // What the loop itself says while it runs (a gate that can never accept, a proposer's schema fallback, …).
  const [loopNotices, setLoopNotices] = useState<string[]>([]);
  // The agent and proposer of the next evolution: any saved profiles; the agent starts as the one runs use.
  const [chosenAgentId, setChosenAgentId] = useState<string | undefined>(activeProfile?.id);
  const [proposerId, setProposerId] = useState('');
  /** An evolution that cannot resume with the profiles it remembers: why, and what to preselect. */
  const [resumeChoice, setResumeChoice] = useState<{ evolutionId: string; problems: string[]; suggestion: Partial<ResumeChoice> } | undefined>();
  const controller = useRef<AbortController | undefined>(undefined);
  /** The loop currently driven by this page; Stop waits for it so its last save (paused) cannot overwrite "done". */
  const driving = useRef<Promise<void> | undefined>(undefined);
  /** The latest state the running loop reported, shown at most every 200 ms (events drive it; nothing polls). */
  const latest = useRef<{ state?: EvolutionState; timer?: ReturnType<typeof setTimeout> }>({});

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

  function drive(id: string, models: EvolutionModels, options: DriveOptions = {}): Promise<void> {
    driving.current = driveLoop(id, models, options).finally(() => {
      driving.current = undefined;
    });
    return driving.current;
  }

  function showState(state: EvolutionState, now = false) {
    latest.current.state = state;
    const flush = () => {
      latest.current.timer = undefined;
      const snapshot = latest.current.state && structuredClone(latest.current.state);
      if (snapshot) setEvolutions((all) => all.map((item) => (item.id === snapshot.id ? snapshot : item)));
    };
    if (now) {
      clearTimeout(latest.current.timer);
      flush();
    } else latest.current.timer ??= setTimeout(flush, 200);
  }

  async function driveLoop(id: string, models: EvolutionModels, options: DriveOptions) {
    const abort = new AbortController();
    controller.current = abort;
    setRunningId(id);
    setFailure(undefined);
    setNotice(models.notice);
    setLoopNotices([]);
    let episodes: EpisodeRunnerChoice | undefined;
    try {
      const { agentModel, proposerModel } = models;
      // Never throws: a WebContainer that cannot start falls back to the embedded sandbox, and the picker says why.
      const choice = await sandbox.resolve();
      // Each rollout in an episode Web Worker (a WebContainer's stay on this thread); the loop itself stays here.
      episodes = episodeRunnerFor(choice, poolSizeFor(choice, sandbox.poolSize, agentModel));
      let live: EvolutionProgress | undefined;
      // The page is a subscriber of the loop's events, like the store: progress from events, state from checkpoints.
      // Another agent model (or, unasked, another proposer) is refused by the loop before anything runs.
      await runEvolution({
        store: new DexieEvolutionStore(db, id),
        tasks: suite.tasks,
        agentModel,
        proposerModel,
        acceptProposerChange: options.acceptProposerChange,
        runAttempt: episodes.runEpisode,
        // Rollouts run this many at once and are recorded in plan order: the same decisions at any size.
        concurrency: poolSizeFor(choice, sandbox.poolSize, agentModel),
        signal: abort.signal,
        onEvent: (event, state) => {
          live = advanceProgress(live ?? initialProgress(state, poolSizeFor(choice, sandbox.poolSize, agentModel)), event, state);
          if (event.type !== 'rollout-event') setProgress(live);
          if (event.type === 'notice') setLoopNotices((shown) => (shown.includes(event.message) ? shown : [...shown, event.message]));
          if (isCheckpoint(event)) showState(state as EvolutionState, event.type === 'evolution-paused' || event.type === 'evolution-end');
        },
      });
    } catch (error) {
      // The proposer's profile now runs another model: the person chooses, as when a profile was deleted.
      if (error instanceof EvolutionRefused && error.kind === 'proposer_changed' && options.profiles) setResumeChoice({ evolutionId: id, problems: [error.message], suggestion: options.profiles });
      else setFailure(explainLoadError(errorMessage(error)));
    } finally {
      episodes?.dispose();
      controller.current = undefined;
      setRunningId(undefined);
      await refresh();
    }
  }

  async function start(config: EvolutionSettings, agent: ModelProfile, proposer: ModelProfile) {
    setFailure(undefined);
    try {
      const loaded = await loadModels(agent, proposer);
      // An endpoint that drops native tools would fail every rollout with format errors: probe once, switch if so. The
      // evolution is created with the protocol it will run with, which is part of the agent's identity.
      const chosen = await chooseActionProtocol(loaded.agentModel);
      const notice = [loaded.notice, chosen.notice].filter(Boolean).join(' ');
      const models: EvolutionModels = { ...loaded, agentModel: chosen.model, notice: notice || undefined };
      const id = `evo-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
      const full: EvolutionConfig = {
        ...config,
        suiteId: suite.id,
        suiteHash: await suiteHash(suite.tasks),
        agentModelId: models.agentModel.id,
        // The model that really proposes, which is the agent's when the chosen one could not be loaded next to it.
        proposerModelId: models.proposerModel.id,
      };
      await createEvolution(new DexieEvolutionStore(db, id), { id, config: full, baseHarness: harness.document, tasks: suite.tasks, agentModel: models.agentModel, proposerModel: models.proposerModel });
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
      const loaded = await loadModels(plan.agent, plan.proposer, state.config.agentModelId);
      // An evolution the probe switched to json_action when it started resumes with json_action.
      const agent = agentModelForResume(loaded.agentModel, state.models.agent);
      const models: EvolutionModels = { ...loaded, agentModel: agent.model };
      const notices = [...plan.notices, loaded.notice, agent.notice].filter(Boolean);
      await drive(state.id, { ...models, notice: notices.length ? notices.join(' ') : undefined }, { acceptProposerChange: choice !== undefined, profiles: { agentProfileId: plan.link.agentProfileId, proposerProfileId: plan.link.proposerProfileId === plan.link.agentProfileId ? '' : plan.link.proposerProfileId } });
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
          disabledReason={runningId ? 'An evolution is running.' : !agentProfile ? 'Save a model first.' : undefined}
          defaults={DEFAULT_EVOLUTION_SETTINGS}
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
        {loopNotices.length > 0 && (
          <ul className="notice" role="status" data-testid="evolve-loop-notices">
            {loopNotices.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
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
        {selected && <EvolutionShareBar db={db} state={selected} findTask={findTask} />}
        {selected && (
          <EvolutionView
            db={db}
            taskTitle={(taskId) => suite.tasks.find((task) => task.id === taskId)?.title ?? taskId}
            state={selected}
            running={runningId === selected.id}
            canResume={!runningId && selected.status !== 'done'}
            onResume={() => void resume(selected)}
            onStop={() => void stop(selected.id)}
            onReview={(candidateId, verdict) => void review(selected.id, candidateId, verdict)}
            onAdopt={() => void adopt(selected)}
            openTraceId={selectedEvolutionId === selected.id ? rolloutTraceId : undefined}
            onOpenTrace={onOpenRolloutTrace && ((traceId) => onOpenRolloutTrace(selected.id, traceId))}
          />
        )}
      </Panel>
    </div>
  );
}
