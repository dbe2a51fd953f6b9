import { useEffect, useState } from 'react';
import { ErrorBoundary } from './ErrorBoundary.js';
import { errorMessage } from './format.js';
import { bootStudio, type StudioBoot } from './studio-boot.js';
import { Workbench } from './Workbench.js';

/** Header, then the workbench once the local database is open. */
export function App() {
  const [boot, setBoot] = useState<StudioBoot | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  useEffect(() => {
    bootStudio().then(setBoot, (error: unknown) => setFailure(errorMessage(error)));
  }, []);

  return (
    <div className="app">
      <header className="app-header">
        <div className="app-title">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={32} height={32} />
          <h1>Self-Harness Studio</h1>
          <a className="header-link" href="#/learn" data-testid="header-learn">
            Tour, glossary, paper
          </a>
        </div>
        <p className="tagline">
          An LLM agent solves terminal tasks in a sandbox that runs inside this browser tab. Every step is recorded, so you can see what the harness around the model
          does — and improve it. Nothing leaves your machine except the calls to the model you choose.
        </p>
      </header>
      <ErrorBoundary area="the workbench">
        {failure ? (
          <div className="error-box" role="alert" data-testid="boot-error">
            <strong>Could not open the local database.</strong> The studio keeps everything in this browser's IndexedDB, which may be blocked (private window, storage
            disabled, or the disk is full).
            <pre>{failure}</pre>
          </div>
        ) : boot ? (
          <Workbench boot={boot} />
        ) : (
          <p className="muted" data-testid="booting">
            Opening your local workspace…
          </p>
        )}
      </ErrorBoundary>
    </div>
  );
}
