import type { ReactNode } from 'react';
import { ErrorBoundary } from './ErrorBoundary.js';

interface Props {
  step?: number;
  title: string;
  /** One or two sentences a newcomer reads to know what this panel is for. */
  help: ReactNode;
  testId: string;
  actions?: ReactNode;
  /**
   * Controls that must stay usable when the content crashes (the Tasks panel's suite picker: the way out of a bad
   * suite). Rendered above the content, outside its error boundary.
   */
  controls?: ReactNode;
  /** Clears a crash shown in the content when it changes, e.g. when another suite is chosen. */
  resetKey?: unknown;
  children: ReactNode;
}

/** A numbered card of the workbench; a crash inside stays inside. */
export function Panel({ step, title, help, testId, actions, controls, resetKey, children }: Props) {
  return (
    <section className="panel" data-testid={testId} aria-labelledby={`${testId}-title`}>
      <header className="panel-header">
        <div>
          <h2 id={`${testId}-title`}>
            {step !== undefined && <span className="step-number">{step}</span>}
            {title}
          </h2>
          <p className="help">{help}</p>
        </div>
        {actions && <div className="panel-actions">{actions}</div>}
      </header>
      {controls && (
        <ErrorBoundary area={`the ${title} panel's controls`} resetKey={resetKey}>
          {controls}
        </ErrorBoundary>
      )}
      <ErrorBoundary area={`the ${title} panel`} resetKey={resetKey}>
        {children}
      </ErrorBoundary>
    </section>
  );
}
