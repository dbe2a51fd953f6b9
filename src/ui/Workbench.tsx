import { type ComponentType, lazy, type ReactNode, Suspense, useEffect, useMemo, useState } from 'react';
import { MIN_EVOLUTION_TASKS } from '../core/evolve/config.js';
import { newProfileId, suggestProfileName, uniqueProfileName, type ModelProfile } from '../core/model/profile.js';
import { builtinSuite } from '../core/tasks/builtin/index.js';
import { checkStoredSuite } from '../core/tasks/stored-suite.js';
import type { SuiteCheckReport } from '../core/tasks/check-suite.js';
import type { Task, TaskSuite } from '../core/tasks/types.js';
import type { HarnessVersionRecord } from '../store/db.js';
import { saveModelProfile, setActiveModelProfileId } from '../store/model-profiles.js';
import { getSetting, SETTINGS, setSetting } from '../store/studio-store.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { RunPage } from './RunPage.js';
import { pageOfRoute, PAGES, routeHref } from './shell/routes.js';
import { usePersistentState } from './shell/use-persistent-state.js';
import { useRoute } from './shell/use-route.js';
import type { StudioBoot } from './studio-boot.js';
import { useModelLoader } from './use-model-loader.js';
import { useSandboxChoice } from './use-sandbox-choice.js';
import { WelcomeCard } from './learn/WelcomeCard.js';

// Every page but the start page loads when it is first opened: Monaco, charts, diff and the in-page model runtimes
// stay out of the first download (docs/ARCHITECTURE.md, "Fast start").
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any page component
const named = <K extends string, T extends ComponentType<any>>(load: () => Promise<Record<K, T>>, name: K) => lazy(() => load().then((module) => ({ default: module[name] })));
const EvolvePage = named(() => import('./evolve/EvolvePage.js'), 'EvolvePage');
const ModelsPage = named(() => import('./models/ModelsPage.js'), 'ModelsPage');
const VersionsPage = named(() => import('./versions/VersionsPage.js'), 'VersionsPage');
const MatrixPage = named(() => import('./matrix/MatrixPage.js'), 'MatrixPage');
const LearnPage = named(() => import('./learn/LearnPage.js'), 'LearnPage');
const WorkspacePage = named(() => import('./workspace/WorkspacePage.js'), 'WorkspacePage');
const CompareTraces = named(() => import('./CompareTraces.js'), 'CompareTraces');

const LOADED_SUITE_SETTING = 'loadedSuite';
/** The loaded suite's tasks that could not be loaded, with why: the suite check counts them as unsupported. */
const LOADED_SUITE_UNSUPPORTED_SETTING = 'loadedSuiteUnsupported';
type UnsupportedTask = SuiteCheckReport['unsupported'][number];
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * The app shell: a tab per page (each with its own URL), and the state pages share — profiles, the loaded model, the
 * sandbox choice, the active harness, the suite and the selected tasks (remembered across reloads).
 */
export function Workbench({ boot }: { boot: StudioBoot }) {
  const { db } = boot;
  const { route, navigate } = useRoute();
  const page = pageOfRoute(route);
  const [profiles, setProfiles] = useState<ModelProfile[]>(boot.profiles);
  const [profile, setProfile] = useState<ModelProfile | undefined>(boot.activeProfile);
  const [harness, setHarness] = useState<HarnessVersionRecord>(boot.activeHarness);
  const [branch, setBranch] = useState<{ label: string; note: string } | undefined>();
  const [selectedTaskList, setSelectedTaskList] = usePersistentState<string[]>('selected-tasks', [], isStringArray);
  const selectedTaskIds = useMemo(() => new Set(selectedTaskList), [selectedTaskList]);
  const [runsVersion, setRunsVersion] = useState(0);
  const loader = useModelLoader();
  const sandbox = useSandboxChoice(db, boot.sandboxPreference, boot.poolSize);

  const [suite, setSuite] = useState<TaskSuite>(builtinSuite);
  const [unsupportedAtLoad, setUnsupportedAtLoad] = useState<UnsupportedTask[]>([]);
  /** Tasks of the stored suite that could not be used after a reload, with why. */
  const [storedSuiteProblems, setStoredSuiteProblems] = useState<Array<{ task: string; reason: string }>>([]);
  // A suite loaded from a folder or zip is kept in settings, so it is still there after a reload. It is checked as
  // if loaded anew: one stored by an older version, or edited by hand, must not crash the Tasks panel.
  useEffect(() => {
    void getSetting<unknown>(db, LOADED_SUITE_SETTING, undefined).then((saved) => {
      if (saved === undefined || saved === null) return;
      const checked = checkStoredSuite(saved);
      if (!checked) {
        setStoredSuiteProblems([{ task: 'the stored suite', reason: 'it is not a suite (no list of tasks); the built-in suite is shown instead' }]);
        return;
      }
      setStoredSuiteProblems(checked.refused);
      if (!checked.suite.tasks.length) return;
      setSuite(checked.suite);
      void getSetting<unknown>(db, LOADED_SUITE_UNSUPPORTED_SETTING, []).then((stored) => setUnsupportedAtLoad(Array.isArray(stored) ? (stored as UnsupportedTask[]) : []));
    });
  }, [db]);
  const chooseSuite = (next: TaskSuite | undefined, unsupported: UnsupportedTask[] = []) => {
    setSuite(next ?? builtinSuite);
    setUnsupportedAtLoad(unsupported);
    setSelectedTaskList([]);
    setStoredSuiteProblems([]);
    void setSetting(db, LOADED_SUITE_SETTING, next);
    void setSetting(db, LOADED_SUITE_UNSUPPORTED_SETTING, unsupported);
  };
  const taskById = useMemo(() => new Map([...builtinSuite.tasks, ...suite.tasks].map((task) => [task.id, task])), [suite]);
  const findTask = (taskId: string): Task | undefined => taskById.get(taskId);
  const taskTitle = (taskId: string) => taskById.get(taskId)?.title ?? taskId;
  const refreshRuns = () => setRunsVersion((value) => value + 1);

  async function activateHarness(version: HarnessVersionRecord, options: { branch?: boolean } = {}) {
    await setSetting(db, SETTINGS.activeHarnessHash, version.hash);
    setHarness(version);
    setBranch(options.branch ? { label: `branch of ${version.label}`.slice(0, 80), note: `Branching from "${version.label}": edit the harness below and save; the new version's parent is this one.` } : undefined);
  }

  /** The Models tab's "use this WebLLM model": its saved profile if there is one, else a new one; runs use it. */
  async function useWebLLMModel(modelId: string): Promise<ModelProfile> {
    let chosen = profiles.find((candidate) => candidate.provider === 'webllm' && candidate.modelId === modelId);
    let all = profiles;
    if (!chosen) {
      const draft = { provider: 'webllm' as const, modelId };
      chosen = { ...draft, id: newProfileId(), label: uniqueProfileName(suggestProfileName(draft), profiles) };
      const result = await saveModelProfile(db, chosen);
      if (!result.ok) throw new Error(result.problems.join('; '));
      all = result.profiles;
    }
    await setActiveModelProfileId(db, chosen.id);
    setProfiles(all);
    setProfile(chosen);
    return chosen;
  }

  const tabs = (
    <nav className="page-tabs" aria-label="pages">
      {PAGES.map((item) => (
        <a key={item.page} href={routeHref({ page: item.page })} className={page === item.page ? 'tab selected' : 'tab'} aria-current={page === item.page ? 'page' : undefined} data-testid={`tab-${item.page}`}>
          {item.label}
        </a>
      ))}
    </nav>
  );

  let content: ReactNode;
  switch (route.page) {
    case 'run':
      content = (
        <RunPage
          db={db}
          profiles={profiles}
          profile={profile}
          onProfilesChanged={(all, active) => {
            setProfiles(all);
            setProfile(active);
          }}
          suite={suite}
          isBuiltinSuite={suite === builtinSuite}
          onChooseSuite={chooseSuite}
          unsupportedAtLoad={unsupportedAtLoad}
          storedSuiteProblems={storedSuiteProblems}
          selectedTaskIds={selectedTaskIds}
          onSelectTasks={(next) => setSelectedTaskList([...next])}
          harness={harness}
          onActivateHarness={(version) => void activateHarness(version)}
          branch={branch}
          loader={loader}
          sandbox={sandbox}
          runsVersion={runsVersion}
          onRunsChanged={refreshRuns}
          traceRunId={route.traceRunId}
          onOpenTrace={(runId) => navigate({ page: 'run', traceRunId: runId })}
          onCompare={(leftRunId, rightRunId) => navigate({ page: 'compare', leftRunId, rightRunId })}
          taskTitle={taskTitle}
          findTask={findTask}
          recoveredRuns={boot.recoveredRuns}
        />
      );
      break;
    case 'compare':
      content = <CompareTraces db={db} leftRunId={route.leftRunId} rightRunId={route.rightRunId} taskTitle={taskTitle} onClose={() => navigate({ page: 'run' })} />;
      break;
    case 'evolve': {
      const selectedTasks = suite.tasks.filter((task) => selectedTaskIds.has(task.id));
      content = (
        <EvolvePage
          db={db}
          // Evolving over a chosen subset keeps a first try short; with fewer than MIN_EVOLUTION_TASKS selected, the whole suite is used.
          suite={selectedTasks.length >= MIN_EVOLUTION_TASKS ? { id: `${suite.id}-selection`, name: `${selectedTasks.length} selected tasks`, tasks: selectedTasks } : suite}
          profiles={profiles}
          activeProfile={profile}
          harness={harness}
          loader={loader}
          sandbox={sandbox}
          selectedEvolutionId={route.evolutionId}
          onSelectEvolution={(evolutionId) => navigate({ page: 'evolve', evolutionId }, { replace: !route.evolutionId })}
          rolloutTraceId={route.rolloutTraceId}
          onOpenRolloutTrace={(evolutionId, traceId) => navigate({ page: 'evolve', evolutionId, ...(traceId ? { rolloutTraceId: traceId } : {}) })}
          findTask={findTask}
        />
      );
      break;
    }
    case 'versions':
      content = (
        <VersionsPage
          db={db}
          active={harness}
          leftHash={route.leftHash}
          rightHash={route.rightHash}
          onDiff={(leftHash, rightHash) => navigate({ page: 'versions', leftHash, rightHash }, { replace: true })}
          onActivate={(version) => activateHarness(version)}
          onBranch={async (version) => {
            await activateHarness(version, { branch: true });
            navigate({ page: 'run' });
          }}
        />
      );
      break;
    case 'matrix':
      content = <MatrixPage db={db} profiles={profiles} suite={suite} loader={loader} sandbox={sandbox} onRunsChanged={refreshRuns} />;
      break;
    case 'models':
      content = <ModelsPage profiles={profiles} activeProfile={profile} loader={loader} onUseWebLLMModel={useWebLLMModel} />;
      break;
    case 'learn':
      content = (
        <LearnPage
          db={db}
          onStartTour={() => startTour(navigate)}
          onUseExample={async (version) => {
            await activateHarness(version);
            navigate({ page: 'run' });
          }}
        />
      );
      break;
    case 'workspace':
      content = (
        <WorkspacePage
          db={db}
          onImported={refreshRuns}
          onUseSuite={(next) => {
            chooseSuite(next);
            navigate({ page: 'run' });
          }}
          onOpenTrace={(runId) => navigate({ page: 'run', traceRunId: runId })}
          onActivate={(version) => activateHarness(version)}
          onRestored={() => window.location.reload()}
        />
      );
      break;
  }

  return (
    <main className="workbench">
      {tabs}
      {page === 'run' && <WelcomeCard onStartTour={() => startTour(navigate)} />}
      <ErrorBoundary area={`the ${page} page`}>
        <Suspense fallback={<p className="muted" data-testid="page-loading">Loading this page…</p>}>{content}</Suspense>
      </ErrorBoundary>
    </main>
  );
}

/** The guided tour (driver.js) loads only when someone starts it. */
function startTour(navigate: ReturnType<typeof useRoute>['navigate']) {
  void import('./learn/tour.js').then((module) => module.runTour(navigate));
}
