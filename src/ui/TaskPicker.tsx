import type { ReactNode } from 'react';
import type { SuiteCheckReport } from '../core/tasks/check-suite.js';
import type { Task } from '../core/tasks/types.js';
import { Panel } from './Panel.js';
import { SuiteCheck } from './SuiteCheck.js';

interface Props {
  suiteName: string;
  tasks: Task[];
  selected: ReadonlySet<string>;
  onChange(selected: Set<string>): void;
  /** Where the user switches suites. */
  suiteControls?: ReactNode;
  /** Tasks of the loaded suite that could not be loaded here, with why; the suite check counts them as unsupported. */
  unsupportedAtLoad?: SuiteCheckReport['unsupported'];
}

/** Step 3: which tasks to run. Each has a hidden verifier that decides pass or fail after the agent ends. */
export function TaskPicker({ suiteName, tasks, selected, onChange, suiteControls, unsupportedAtLoad }: Props) {
  return (
    <Panel
      step={2}
      title="Tasks"
      testId="task-picker"
      controls={suiteControls}
      resetKey={tasks}
      help={`Pick tasks from the ${suiteName}. Each starts in a fresh sandbox with its own files; after the agent finishes, a verifier script it never sees decides pass or fail.`}
      actions={
        <>
          <button type="button" className="small" onClick={() => onChange(new Set(tasks.map((task) => task.id)))} data-testid="tasks-select-all">
            Select all
          </button>
          <button type="button" className="small" onClick={() => onChange(new Set())} data-testid="tasks-select-none">
            Select none
          </button>
        </>
      }
    >
      <TaskList tasks={tasks} selected={selected} onChange={onChange} />
      <SuiteCheck key={suiteName} tasks={tasks} unsupportedAtLoad={unsupportedAtLoad} />
    </Panel>
  );
}

/**
 * The tasks with their checkboxes. Its own component, rendered inside the panel's error boundary: a task of the
 * wrong shape that breaks the list must not break the panel, whose suite picker is the way out.
 */
function TaskList({ tasks, selected, onChange }: Pick<Props, 'tasks' | 'selected' | 'onChange'>) {
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <>
      <p className="muted" data-testid="tasks-selected-count">
        {selected.size} of {tasks.length} selected
      </p>
      <ul className="task-list">
        {tasks.map((task) => (
          <li key={task.id} className={selected.has(task.id) ? 'task selected' : 'task'} data-testid="task-item" data-task-id={task.id}>
            <label className="task-label">
              <input type="checkbox" checked={selected.has(task.id)} onChange={(event) => toggle(task.id, event.target.checked)} data-testid={`task-checkbox-${task.id}`} />
              <span className="task-title">{task.title}</span>
              <span className="chip">{task.category}</span>
              <span className={`chip difficulty-${task.difficulty}`}>{task.difficulty}</span>
              {task.requires?.map((capability) => (
                <span key={capability} className="chip" title="the sandbox must offer this; the in-browser one lacks yq, tar and xan">
                  needs {capability}
                </span>
              ))}
            </label>
            <details className="task-details">
              <summary>Instruction</summary>
              <pre className="instruction">{task.instruction}</pre>
            </details>
          </li>
        ))}
      </ul>
    </>
  );
}
