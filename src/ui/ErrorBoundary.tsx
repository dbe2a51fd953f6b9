import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** Where the failure happened, shown to the user ("the harness panel"). */
  area: string;
  /** When it changes (another suite was chosen), a shown failure is cleared and the children render again. */
  resetKey?: unknown;
  children: ReactNode;
}

interface State {
  error?: Error;
  /** The reset key the failure happened under. */
  errorKey?: unknown;
}

/** Turns a render crash into a visible message instead of a blank page; the rest of the app keeps working. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = {};

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  override componentDidUpdate(previous: Props): void {
    if (this.state.error && previous.resetKey !== this.props.resetKey) this.setState({ error: undefined });
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Error in ${this.props.area}:`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="error-box" role="alert" data-testid="error-boundary">
        <strong>Something went wrong in {this.props.area}.</strong>
        <pre>{String(error?.message ?? error)}</pre>
        <div className="button-row">
          <button type="button" onClick={() => this.setState({ error: undefined })}>
            Try again
          </button>
          <button type="button" onClick={() => window.location.reload()}>
            Reload the page
          </button>
        </div>
      </div>
    );
  }
}
