import { lazy, Suspense, useState } from 'react';
import type { SuiteCheckReport } from '../core/tasks/check-suite.js';
import type { TaskSuite } from '../core/tasks/types.js';

// Harbor and Terminal-Bench import pulls in YAML and TOML parsers; they load when this section is opened.
const SuiteLoader = lazy(() => import('./SuiteLoader.js').then((module) => ({ default: module.SuiteLoader })));

interface Props {
  isBuiltin: boolean;
  onChoose(suite: TaskSuite | undefined, unsupported?: SuiteCheckReport['unsupported']): void;
  /** Tasks of the suite kept from the last visit that could not be used after the reload, with why. */
  storedSuiteProblems: Array<{ task: string; reason: string }>;
}

/**
 * Where the user switches suites: load a Harbor / Terminal-Bench folder or zip, or go back to the built-in suite.
 * Rendered outside the Tasks panel's error boundary: it is the way out of a suite that breaks the task list.
 */
export function SuiteControls({ isBuiltin, onChoose, storedSuiteProblems }: Props) {
  const [opened, setOpened] = useState(storedSuiteProblems.length > 0);
  return (
    <details className="suite-controls" data-testid="suite-controls" open={storedSuiteProblems.length > 0 || undefined} onToggle={(event) => event.currentTarget.open && setOpened(true)}>
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
      {opened && (
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <SuiteLoader onLoaded={(loaded, details) => onChoose(loaded, details.unsupported)} />
        </Suspense>
      )}
      {(!isBuiltin || storedSuiteProblems.length > 0) && (
        <button type="button" className="small" onClick={() => onChoose(undefined)} data-testid="suite-builtin">
          Back to the built-in suite
        </button>
      )}
    </details>
  );
}
