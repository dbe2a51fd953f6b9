import { useEffect, useMemo, useState } from 'react';
import { MIN_EVOLUTION_TASKS } from '../core/evolve/config.js';
import { newProfileId, suggestProfileName, uniqueProfileName, type ModelProfile } from '../core/model/profile.js';
import { builtinSuite } from '../core/tasks/builtin/index.js';
import { checkStoredSuite } from '../core/tasks/stored-suite.js';
import type { TaskSuite } from '../core/tasks/types.js';
import { SuiteLoader } from './SuiteLoader.js';
import type { HarnessVersionRecord } from '../store/db.js';
import { saveModelProfile, setActiveModelProfileId } from '../store/model-profiles.js';
import { getSetting, setSetting } from '../store/studio-store.js';
import { EvolvePage } from './evolve/EvolvePage.js';
import { HarnessPanel } from './HarnessPanel.js';
import { ModelPanel } from './ModelPanel.js';
import { Panel } from './Panel.js';
import { RunHistory } from './RunHistory.js';
import { RunPanel } from './RunPanel.js';
import type { StudioBoot } from './studio-boot.js';
import { TaskPicker } from './TaskPicker.js';
import { TraceViewer } from './TraceViewer.js';
import { useModelLoader } from './use-model-loader.js';
import { useSandboxChoice } from './use-sandbox-choice.js';
import { ModelsPage } from './models/ModelsPage.js';

type Page = 'run' | 'evolve' | 'models';

const PAGES: Array<{ page: Page; label: string }> = [
  { page: 'run', label: 'Run tasks' },
  { page: 'evolve', label: 'Evolve the harness' },
  { page: 'models', label: 'Models' },
];

/**
 * The whole flow on one page: model → harness → tasks → run → runs and traces; the Evolve and Models tabs share its
 * state (profiles, the loaded model, the sandbox choice).
 */
const LOADED_SUITE_SETTING = 'loadedSuite';

export function Workbench({ boot }: { boot: StudioBoot }) {
  const { db } = boot;
  const [profiles, setProfiles] = useState<ModelProfile[]>(boot.profiles);
  const [profile, setProfile] = useState<ModelProfile | undefined>(boot.activeProfile);
  const [harness, setHarness] = useState<HarnessVersionRecord>(boot.activeHarness);
  const [selectedTaskIds, setSelectedTaskIds] = useState<Set<string>>(() => new Set());
  const [runsVersion, setRunsVersion] = useState(0);
  const [selectedRunId, setSelectedRunId] = useState<string | undefined>();
  const loader = useModelLoader();
  const sandbox = useSandboxChoice(db, boot.sandboxPreference);
  const [page, setPage] = useState<Page>('run');

  const [suite, setSuite] = useState<TaskSuite>(builtinSuite);
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
      if (checked.suite.tasks.length) setSuite(checked.suite);
    });
  }, [db]);
  const chooseSuite = (next: TaskSuite | undefined) => {
    setSuite(next ?? builtinSuite);
    setSelectedTaskIds(new Set());
    setStoredSuiteProblems([]);
    void setSetting(db, LOADED_SUITE_SETTING, next);
  };
  const tasks = suite.tasks;
  const taskTitles = useMemo(() => new Map(tasks.map((task) => [task.id, task.title])), [tasks]);
  const selectedTasks = useMemo(() => tasks.filter((task) => selectedTaskIds.has(task.id)), [tasks, selectedTaskIds]);
  const refreshRuns = () => setRunsVersion((value) => value + 1);

  const tabs = (
    <nav className="page-tabs" aria-label="pages">
      {PAGES.map((item) => (
        <button key={item.page} type="button" className={page === item.page ? 'tab selected' : 'tab'} aria-current={page === item.page} onClick={() => setPage(item.page)} data-testid={`tab-${item.page}`}>
          {item.label}
        </button>
      ))}
    </nav>
  );

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

  if (page === 'models') {
    return (
      <main className="workbench">
        {tabs}
        <ModelsPage profiles={profiles} activeProfile={profile} loader={loader} onUseWebLLMModel={useWebLLMModel} />
      </main>
    );
  }

  if (page === 'evolve') {
    return (
      <main className="workbench">
        {tabs}
        <EvolvePage
          db={db}
          // Evolving over a chosen subset keeps a first try short; with fewer than MIN_EVOLUTION_TASKS selected, the whole suite is used.
          suite={selectedTasks.length >= MIN_EVOLUTION_TASKS ? { id: `${suite.id}-selection`, name: `${selectedTasks.length} selected tasks`, tasks: selectedTasks } : suite}
          profiles={profiles}
          activeProfile={profile}
          harness={harness}
          loader={loader}
          sandbox={sandbox}
        />
      </main>
    );
  }

  return (
    <main className="workbench">
      {tabs}
      {boot.recoveredRuns > 0 && (
        <p className="notice notice-warn" role="status">
          {boot.recoveredRuns} run{boot.recoveredRuns === 1 ? ' was' : 's were'} interrupted when the page closed; they are marked as infra errors and their partial traces are kept.
        </p>
      )}
      <div className="setup-grid">
        <ModelPanel
          db={db}
          profiles={profiles}
          activeProfile={profile}
          loader={loader}
          onChanged={(all, active) => {
            setProfiles(all);
            setProfile(active);
          }}
        />
        <TaskPicker
          suiteName={suite.name}
          tasks={tasks}
          selected={selectedTaskIds}
          onChange={setSelectedTaskIds}
          suiteControls={
            <details className="suite-controls" data-testid="suite-controls" open={storedSuiteProblems.length > 0 || undefined}>
              <summary>Load another suite (Harbor / Terminal-Bench folder or zip)</summary>
              {storedSuiteProblems.length > 0 && (
                <div className="notice notice-warn" role="status" data-testid="stored-suite-problems">
                  <p>
                    The suite kept from your last visit has {storedSuiteProblems.length} {storedSuiteProblems.length === 1 ? 'task' : 'tasks'} that cannot be used; the others are shown.
                  </p>
                  <ul className="error-list">
                    {storedSuiteProblems.slice(0, 20).map((item, index) => (
                      <li key={index}>
                        <strong>{item.task}</strong>: {item.reason}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <SuiteLoader onLoaded={(loaded) => chooseSuite(loaded)} />
              {(suite !== builtinSuite || storedSuiteProblems.length > 0) && (
                <button type="button" className="small" onClick={() => chooseSuite(undefined)} data-testid="suite-builtin">
                  Back to the built-in suite
                </button>
              )}
            </details>
          }
        />
      </div>
      <HarnessPanel db={db} active={harness} onActivate={setHarness} />
      <RunPanel db={db} suiteId={suite.id} profile={profile} harness={harness} tasks={selectedTasks} loader={loader} sandbox={sandbox} onRunsChanged={refreshRuns} />
      <Panel
        step={5}
        title="Runs and traces"
        testId="runs-panel"
        help="Every run saved in this browser, newest first. Click one to read its trace: what the model said, which tools it called and what came back, where a policy stepped in, and what the verifier decided."
      >
        <div className={selectedRunId ? 'runs-layout with-trace' : 'runs-layout'}>
          <RunHistory db={db} refreshKey={runsVersion} taskTitles={taskTitles} selectedRunId={selectedRunId} onSelect={setSelectedRunId} />
          {selectedRunId && (
            <TraceViewer
              key={selectedRunId}
              db={db}
              runId={selectedRunId}
              refreshKey={runsVersion}
              taskTitle={(taskId) => taskTitles.get(taskId) ?? taskId}
              onClose={() => setSelectedRunId(undefined)}
            />
          )}
        </div>
      </Panel>
    </main>
  );
}
