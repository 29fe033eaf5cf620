// The last line of defence of the UI: a view that throws (results no rule foresaw, a bug) shows a
// clear message and a way back to the first screen instead of a blank page. Going back forgets
// the results that broke the view, including a bundle the browser-mode server replays on reload.
import { Component, type ErrorInfo, type JSX, type ReactNode } from 'react';
import type { OpenedBundleView } from '../../../shared/ipc/contract.js';
import { useApp } from '../store.js';

/** sessionStorage key of the presented bundle the user walked away from (it is replayed on every reload). */
const FORGOTTEN_KEY = 'sipladder-forgotten-bundle';

/** Shown on the first screen when the browser-mode server replays a bundle the user walked away from. */
export const FORGOTTEN_BUNDLE_NOTICE = 'The bundle that could not be shown was not opened again; open its file to try once more.';

/** Identifies a presented bundle well enough to recognise its replay; nothing in it is trusted. */
function bundleKey(b: Pick<OpenedBundleView, 'createdAt' | 'appVersion' | 'result'>): string {
  return JSON.stringify([b.createdAt, b.appVersion, b.result?.startedAt, b.result?.trace?.length]);
}

/** Whether this presented bundle is the one that broke the view and was left (see ErrorBoundary). */
export function isForgottenBundle(b: OpenedBundleView): boolean {
  return sessionStorage.getItem(FORGOTTEN_KEY) === bundleKey(b);
}

/** Back to the first screen: everything but the account form and the running demo is reset. */
function forgetShownResults(): void {
  const s = useApp.getState();
  if (s.opened && s.result) sessionStorage.setItem(FORGOTTEN_KEY, bundleKey({ ...s.opened, result: s.result }));
  s.forgetResults();
}

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // For support staff: the component stack says which view failed.
    console.error('SIP Ladder view failed:', error, info.componentStack);
  }

  private readonly back = (): void => {
    forgetShownResults();
    this.setState({ error: null });
  };

  override render(): ReactNode {
    return this.state.error ? <Failure message={this.state.error.message} onBack={this.back} /> : this.props.children;
  }
}

function Failure({ message, onBack }: { message: string; onBack: () => void }): JSX.Element {
  return (
    <main>
      <section className="card" role="alert" data-testid="error-boundary">
        <h1>These results cannot be shown</h1>
        <p>
          Something in them is not what SIP Ladder expected (for example a damaged or hand-edited bundle), so this view stopped instead of showing something
          wrong.
        </p>
        <p className="technical" data-testid="error-boundary-message">
          {message}
        </p>
        <button type="button" className="primary" onClick={onBack} data-testid="error-boundary-back">
          Back to the first screen
        </button>
      </section>
    </main>
  );
}
