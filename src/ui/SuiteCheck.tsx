import { useState } from 'react';
import { checkSuite, summarizeChecks, type SuiteCheckReport, type TaskCheck } from '../core/tasks/check-suite.js';
import type { Task } from '../core/tasks/types.js';
import { WorkerSandbox } from '../platform/worker-sandbox.js';
import { ProgressBar } from './ProgressBar.js';

interface Props {
  tasks: Task[];
  /** Tasks of the loaded suite that could not even be loaded here, with why; counted as unsupported, as the CLI does. */
  unsupportedAtLoad?: SuiteCheckReport['unsupported'];
}

/**
 * Checks every task of the suite in this browser's own sandbox: the verifier fails on the untouched state and the
 * reference solution passes it. Counts as the CLI does (`self-harness tasks check`): a task that needs what this
 * sandbox lacks is unsupported here, with the reason, never a failure. If the sandbox itself fails (its worker
 * cannot load), the check stops and says why instead of counting every task as broken.
 */
export function SuiteCheck({ tasks, unsupportedAtLoad = [] }: Props) {
  const [checks, setChecks] = useState<TaskCheck[]>([]);
  const [running, setRunning] = useState(false);
  const report = summarizeChecks(tasks.length, checks, unsupportedAtLoad);

  async function run() {
    setRunning(true);
    setChecks([]);
    const done: TaskCheck[] = [];
    try {
      await checkSuite(tasks, async () => new WorkerSandbox(), {
        onTask: (check) => {
          done.push(check);
          setChecks([...done]);
        },
      });
    } finally {
      setRunning(false);
    }
  }

  const started = running || checks.length > 0;
  return (
    <div className="suite-check" data-testid="suite-check" data-state={running ? 'running' : checks.length ? 'done' : 'idle'}>
      <div className="button-row">
        <button type="button" className="secondary" disabled={running || tasks.length === 0} onClick={() => void run()} data-testid="suite-check-button">
          Check every task in this browser
        </button>
        {started && (
          <span className="status-text" data-testid="suite-check-summary">
            {report.ok} passed, {report.defects.length} failed, {report.unsupported.length} unsupported
            {running ? ` (checking ${checks.length}/${tasks.length}…)` : ''}
          </span>
        )}
      </div>
      {running && <ProgressBar value={checks.length / tasks.length} label="tasks checked" />}
      {report.sandboxFailure && (
        <p className="error-box" role="alert" data-testid="suite-check-error">
          The check stopped after {checks.length} of {tasks.length} tasks because the sandbox could not run: {report.sandboxFailure}
        </p>
      )}
      {started && report.unsupported.length > 0 && (
        <div data-testid="suite-check-unsupported">
          <p className="muted">Unsupported here — not defects; the reason says what this sandbox lacks:</p>
          <ul className="muted">
            {report.unsupported.map((item) => (
              <li key={`${item.task}:${item.reason}`}>
                <strong>{item.task}</strong>: {item.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {report.defects.length > 0 && (
        <ul className="error-list" data-testid="suite-check-defects">
          {report.defects.map((defect) => (
            <li key={defect.task}>
              <strong>{defect.task}</strong>: {defect.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
