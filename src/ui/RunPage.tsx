import { lazy, Suspense } from 'react';
import type { ModelProfile } from '../core/model/profile.js';
import type { SuiteCheckReport } from '../core/tasks/check-suite.js';
import type { Task, TaskSuite } from '../core/tasks/types.js';
import type { HarnessVersionRecord, StudioDatabase } from '../store/db.js';
import { BatchList } from './BatchList.js';
import { HarnessPanel } from './HarnessPanel.js';
import { ModelPanel } from './ModelPanel.js';
import { Panel } from './Panel.js';
import { RunHistory } from './RunHistory.js';
import { RunPanel } from './RunPanel.js';
import { SuiteControls } from './SuiteControls.js';
import { TaskPicker } from './TaskPicker.js';
// The trace viewer (and its virtual list) loads when a trace is opened.
const TraceViewer = lazy(() => import('./TraceViewer.js').then((module) => ({ default: module.TraceViewer })));
import type { ModelLoader } from './use-model-loader.js';
import type { SandboxChoice } from './use-sandbox-choice.js';

interface Props {
  db: StudioDatabase;
  profiles: ModelProfile[];
  profile?: ModelProfile;
  onProfilesChanged(profiles: ModelProfile[], active: ModelProfile | undefined): void;
  suite: TaskSuite;
  isBuiltinSuite: boolean;
  onChooseSuite(suite: TaskSuite | undefined, unsupported?: SuiteCheckReport['unsupported']): void;
  /** The loaded suite's tasks that could not be loaded, with why: the suite check counts them as unsupported. */
  unsupportedAtLoad: SuiteCheckReport['unsupported'];
  /** Tasks of the suite kept from the last visit that could not be used after the reload, with why. */
  storedSuiteProblems: Array<{ task: string; reason: string }>;
  selectedTaskIds: ReadonlySet<string>;
  onSelectTasks(selected: Set<string>): void;
  harness: HarnessVersionRecord;
  onActivateHarness(version: HarnessVersionRecord): void;
  branch?: { label: string; note: string };
  loader: ModelLoader;
  sandbox: SandboxChoice;
  runsVersion: number;
  onRunsChanged(): void;
  traceRunId?: string;
  onOpenTrace(runId: string | undefined): void;
  onCompare(leftRunId: string, rightRunId: string): void;
  taskTitle(taskId: string): string;
  findTask(taskId: string): Task | undefined;
  recoveredRuns: number;
}

/** The whole flow on one page: model → tasks → harness → run → runs and traces (a trace has its own URL). */
export function RunPage(props: Props) {
  const { db, suite, selectedTaskIds, harness, runsVersion, traceRunId } = props;
  const selectedTasks = suite.tasks.filter((task) => selectedTaskIds.has(task.id));
  const taskTitles = new Map(suite.tasks.map((task) => [task.id, task.title]));
  return (
    <>
      {props.recoveredRuns > 0 && (
        <p className="notice notice-warn" role="status">
          {props.recoveredRuns} run{props.recoveredRuns === 1 ? ' was' : 's were'} interrupted when the page closed; they are marked as infra errors and their partial traces are kept.
        </p>
      )}
      <div className="setup-grid">
        <ModelPanel db={db} profiles={props.profiles} activeProfile={props.profile} loader={props.loader} onChanged={props.onProfilesChanged} />
        <TaskPicker
          suiteName={suite.name}
          tasks={suite.tasks}
          selected={selectedTaskIds}
          onChange={props.onSelectTasks}
          unsupportedAtLoad={props.unsupportedAtLoad}
          suiteControls={<SuiteControls isBuiltin={props.isBuiltinSuite} onChoose={props.onChooseSuite} storedSuiteProblems={props.storedSuiteProblems} />}
        />
      </div>
      <HarnessPanel db={db} active={harness} onActivate={props.onActivateHarness} branch={props.branch} />
      <RunPanel db={db} suiteId={suite.id} suiteName={suite.name} profile={props.profile} harness={harness} tasks={selectedTasks} loader={props.loader} sandbox={props.sandbox} onRunsChanged={props.onRunsChanged} />
      <Panel
        step={5}
        title="Runs and traces"
        testId="runs-panel"
        help="Every run saved in this browser, newest first. Click one to read its trace: what the model said, which tools it called and what came back, where a policy stepped in, and what the verifier decided. Each trace has its own link."
      >
        <BatchList db={db} refreshKey={runsVersion} findTask={props.findTask} onChanged={props.onRunsChanged} />
        <div className={traceRunId ? 'runs-layout with-trace' : 'runs-layout'}>
          <RunHistory
            db={db}
            refreshKey={runsVersion}
            taskTitles={taskTitles}
            selectedRunId={traceRunId}
            onSelect={(runId) => props.onOpenTrace(runId)}
            onCompare={props.onCompare}
            onDeleted={() => {
              props.onRunsChanged();
              props.onOpenTrace(undefined);
            }}
          />
          {traceRunId && (
            <Suspense fallback={<p className="muted">Loading the trace…</p>}>
              <TraceViewer key={traceRunId} db={db} runId={traceRunId} refreshKey={runsVersion} taskTitle={props.taskTitle} onClose={() => props.onOpenTrace(undefined)} />
            </Suspense>
          )}
        </div>
      </Panel>
    </>
  );
}
