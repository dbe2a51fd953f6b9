import { lazy, Suspense, useState } from 'react';
import type { SuiteCheckReport } from '../core/tasks/check-suite.js';
import type { TaskSuite } from '../core/tasks/types.js';

// Harbor and Terminal-Bench import pulls in YAML and TOML parsers; they load when this section is opened.
const SuiteLoader = lazy(() => import('./SuiteLoader.js').then((module) => ({ default: module.SuiteLoader })));

/** Where the user switches suites: load a Harbor / Terminal-Bench folder or zip, or go back to the built-in suite. */
export function SuiteControls({ isBuiltin, onChoose }: { isBuiltin: boolean; onChoose(suite: TaskSuite | undefined, unsupported?: SuiteCheckReport['unsupported']): void }) {
  const [opened, setOpened] = useState(false);
  return (
    <details className="suite-controls" data-testid="suite-controls" onToggle={(event) => event.currentTarget.open && setOpened(true)}>
      <summary>Load another suite (Harbor / Terminal-Bench folder or zip)</summary>
      {opened && (
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <SuiteLoader onLoaded={(loaded, details) => onChoose(loaded, details.unsupported)} />
        </Suspense>
      )}
      {!isBuiltin && (
        <button type="button" className="small" onClick={() => onChoose(undefined)} data-testid="suite-builtin">
          Back to the built-in suite
        </button>
      )}
    </details>
  );
}
