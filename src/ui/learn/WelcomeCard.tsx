import { usePersistentState } from '../shell/use-persistent-state.js';

/**
 * First visit: offer the guided tour instead of springing it on the page (it never covers a page someone is using).
 * Dismissed once, it stays away; the tour is always on the Learn page and in the header.
 */
export function WelcomeCard({ onStartTour }: { onStartTour(): void }) {
  const [dismissed, setDismissed] = usePersistentState<boolean>('welcome-dismissed', false, (value): value is boolean => typeof value === 'boolean');
  if (dismissed) return null;
  return (
    <aside className="welcome-card" data-testid="welcome-card" aria-label="welcome">
      <div>
        <strong>New here?</strong> A two-minute tour walks through one turn of the Self-Harness loop on this page: the harness → a run → its trace → a weakness →
        a proposed edit → the validation gate → a new version. Every step points at the real control.
      </div>
      <div className="button-row">
        <button
          type="button"
          className="primary"
          onClick={() => {
            setDismissed(true);
            onStartTour();
          }}
          data-testid="welcome-start-tour"
        >
          Take the tour
        </button>
        <a className="small-link" href="#/learn">
          Glossary and examples
        </a>
        <button type="button" className="small" onClick={() => setDismissed(true)} data-testid="welcome-dismiss">
          No thanks
        </button>
      </div>
    </aside>
  );
}
