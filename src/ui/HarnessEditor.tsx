import { lazy, Suspense, useState } from 'react';
import { ErrorBoundary } from './ErrorBoundary.js';

const MonacoHarnessEditor = lazy(() => import('./MonacoHarnessEditor.js'));

interface Props {
  value: string;
  onChange(value: string): void;
}

type Mode = 'closed' | 'monaco' | 'plain';

/**
 * The harness JSON editor. Monaco (about 1 MB) loads only when the editor is opened, so the start page stays light;
 * a plain text area is there on request or when Monaco cannot load.
 */
export function HarnessEditor({ value, onChange }: Props) {
  const [mode, setMode] = useState<Mode>('closed');
  const [monacoOpened, setMonacoOpened] = useState(false);
  const textarea = (
    <textarea className="code-textarea" spellCheck={false} value={value} onChange={(event) => onChange(event.target.value)} data-testid="harness-textarea" aria-label="Harness JSON" />
  );
  return (
    <div className="harness-editor">
      <label className="inline-check">
        <input
          type="checkbox"
          checked={mode === 'plain'}
          onChange={(event) => setMode(event.target.checked ? 'plain' : monacoOpened ? 'monaco' : 'closed')}
          data-testid="harness-plain-toggle"
        />
        Plain text editor
      </label>
      {mode === 'plain' && textarea}
      {mode === 'closed' && (
        <div className="editor-closed">
          <button
            type="button"
            onClick={() => {
              setMonacoOpened(true);
              setMode('monaco');
            }}
            data-testid="harness-open-editor"
          >
            Open the code editor
          </button>
          <span className="muted">with schema checks and hovers that explain every field (loads on demand)</span>
        </div>
      )}
      {mode === 'monaco' && (
        <>
          <ErrorBoundary area="the code editor (switch to the plain text editor above)">
            <Suspense fallback={<p className="muted">Loading the editor…</p>}>
              <MonacoHarnessEditor value={value} onChange={onChange} />
            </Suspense>
          </ErrorBoundary>
          <p className="help" data-testid="editor-tab-hint">
            Tab indents inside the editor. To move on with Tab, press <kbd>Ctrl</kbd>+<kbd>M</kbd> (Mac: <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>M</kbd>) first; press it again to
            indent with Tab.
          </p>
        </>
      )}
    </div>
  );
}
