import type { SandboxFactory } from '../core/sandbox/types';
import { createWorkerSandbox } from './worker-sandbox';

/** The sandboxes a user can pick: the embedded just-bash one (default) or a WebContainer (Node.js/npm tasks). */
export type SandboxPreference = 'just-bash' | 'webcontainer';

export interface SandboxFactoryChoice {
  factory: SandboxFactory;
  /** What the factory really makes; `just-bash` when a WebContainer was wanted but could not start. */
  kind: SandboxPreference;
  /**
   * Set when `webcontainer` was preferred and the embedded sandbox is used instead: why, as a clause to show the
   * user, e.g. "the page is not cross-origin isolated (COOP/COEP headers missing)".
   */
  fallbackReason?: string;
}

/**
 * The sandbox factory for a run. Preferring `webcontainer` boots the page's WebContainer now (at most
 * BOOT_TIMEOUT_MS) so a failure is known, and explained, before any task starts; it then falls back to the
 * embedded just-bash sandbox in a Web Worker. Never throws.
 */
export async function createSandboxFactory(preferred: SandboxPreference): Promise<SandboxFactoryChoice> {
  if (preferred === 'just-bash') return { factory: createWorkerSandbox, kind: 'just-bash' };
  // Loaded only when chosen: the WebContainer client stays out of the start page's download.
  const { bootWebContainer, WebContainerSandbox } = await import('./webcontainer-sandbox');
  const boot = await bootWebContainer();
  if (!boot.ok) return { factory: createWorkerSandbox, kind: 'just-bash', fallbackReason: boot.reason };
  return { factory: (task) => WebContainerSandbox.create({ task }), kind: 'webcontainer' };
}
