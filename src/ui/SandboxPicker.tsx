import { DEFAULT_PAGE_POOL_CAP, MAX_PAGE_POOL_SIZE, type SandboxChoice } from './use-sandbox-choice.js';

/** "Sandbox: embedded just-bash / WebContainer", and what happened when a WebContainer was tried. */
export function SandboxPicker({ choice, disabled }: { choice: SandboxChoice; disabled?: boolean }) {
  const { preference, status } = choice;
  // A WebContainer runs one task at a time; when it cannot start, runs use the embedded sandbox and the pool again.
  const oneAtATime = preference === 'webcontainer' && status.state !== 'fallback';
  return (
    <div className="sandbox-picker">
      <fieldset className="segmented" data-testid="sandbox-choice" disabled={disabled}>
        <legend>Sandbox</legend>
        <label>
          <input type="radio" name="sandbox" value="just-bash" checked={preference === 'just-bash'} onChange={() => choice.choose('just-bash')} data-testid="sandbox-just-bash" />
          Embedded just-bash (default)
        </label>
        <label>
          <input type="radio" name="sandbox" value="webcontainer" checked={preference === 'webcontainer'} onChange={() => choice.choose('webcontainer')} data-testid="sandbox-webcontainer" />
          WebContainer (Node.js, npm)
        </label>
      </fieldset>
      <p className={status.state === 'fallback' ? 'notice notice-warn' : 'muted sandbox-status'} data-testid="sandbox-status" data-state={status.state}>
        {status.state === 'embedded' && 'bash with about 80 commands and an in-memory file system. Each task runs in a Web Worker of its own (agent, tools and checks), its shell in another. Works offline; no Node.js or npm.'}
        {status.state === 'starting' && 'Starting the WebContainer (its runtime comes from StackBlitz; this can take up to 20 s)…'}
        {status.state === 'ready' && 'WebContainer ready: real node and npm, shell jsh. Tasks written for bash tools (grep, sed, awk) may not run here. The WebContainer is one per page, so its tasks are driven from the page, one at a time.'}
        {status.state === 'fallback' && (
          <>
            <strong>The WebContainer cannot start</strong>: {status.reason}. Runs use the embedded just-bash sandbox instead.
          </>
        )}
      </p>
      <label className="field pool-size">
        <span>Episodes at once</span>
        <input
          type="number"
          min={1}
          max={MAX_PAGE_POOL_SIZE}
          step={1}
          value={choice.poolSize}
          disabled={disabled || oneAtATime}
          onChange={(event) => {
            const size = Number(event.target.value);
            if (Number.isFinite(size) && event.target.value !== '') choice.choosePoolSize(size);
          }}
          data-testid="pool-size"
        />
        <span className="muted">
          {oneAtATime
            ? 'The WebContainer runs one task at a time, driven from the page.'
            : `Each in its own episode worker (1–${MAX_PAGE_POOL_SIZE}; default one per core, at most ${DEFAULT_PAGE_POOL_CAP}). Outcomes and decisions are the same at any size; an in-page model still answers one call at a time.`}
        </span>
      </label>
    </div>
  );
}
