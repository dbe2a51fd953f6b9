import { useCallback, useEffect, useRef, useState } from 'react';
import { LimitedModel } from '../core/model/call-limits.js';
import type { ChatModel } from '../core/model/types.js';
import { clampConcurrency } from '../core/pool/ordered-pool.js';
import { createSandboxFactory, type SandboxFactoryChoice, type SandboxPreference } from '../platform/sandbox-choice.js';
import type { StudioDatabase } from '../store/db.js';
import { SETTINGS, setSetting } from '../store/studio-store.js';

/** What the chosen sandbox turned out to be, once tried. */
export type SandboxStatus =
  | { state: 'embedded' }
  | { state: 'starting' }
  | { state: 'ready' }
  /** WebContainer was chosen but cannot start; runs use the embedded sandbox. */
  | { state: 'fallback'; reason: string };

export interface SandboxChoice {
  preference: SandboxPreference;
  status: SandboxStatus;
  /** Save the preference; choosing WebContainer tries to start it at once, so a failure shows before any run. */
  choose(preference: SandboxPreference): void;
  /** The factory a run or an evolution uses now (the embedded one when a WebContainer cannot start). */
  resolve(): Promise<SandboxFactoryChoice>;
  /** Episodes a batch or an evolution runs at once, each in its own episode worker (results do not depend on it). */
  poolSize: number;
  /** Save the pool size (clamped to 1…`MAX_PAGE_POOL_SIZE`). */
  choosePoolSize(size: number): void;
}

/** The most episodes this page runs at once, whatever is asked: each holds an episode worker and its sandbox worker. */
export const MAX_PAGE_POOL_SIZE = 8;
/** The default is one per core, at most this many. */
export const DEFAULT_PAGE_POOL_CAP = 4;

export function defaultPagePoolSize(): number {
  return clampConcurrency(typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1, DEFAULT_PAGE_POOL_CAP);
}

/**
 * The pool size a run uses with a factory and a model: a WebContainer is one per page and runs one task at a time,
 * driven from the page's thread; with the embedded sandbox each episode runs in an episode worker of its own
 * (`episodeRunnerFor`). No more episodes than the model takes calls at once: an in-page
 * engine answers one request at a time, and an episode queued behind another's turn would spend its own time limit
 * waiting — its outcome would depend on the pool size.
 */
export function poolSizeFor(choice: SandboxFactoryChoice, poolSize: number, model?: ChatModel): number {
  if (choice.kind === 'webcontainer') return 1;
  return model instanceof LimitedModel ? Math.max(1, Math.min(poolSize, model.limiter.maxConcurrent)) : poolSize;
}

/** The sandbox setting shared by the Run panel and the Evolve page; persisted in the settings table. */
export function useSandboxChoice(db: StudioDatabase, initial: SandboxPreference, initialPoolSize?: number): SandboxChoice {
  const [poolSize, setPoolSize] = useState(() => (initialPoolSize === undefined ? defaultPagePoolSize() : clampConcurrency(initialPoolSize, MAX_PAGE_POOL_SIZE)));
  const choosePoolSize = useCallback(
    (size: number) => {
      const next = clampConcurrency(size, MAX_PAGE_POOL_SIZE);
      setPoolSize(next);
      void setSetting(db, SETTINGS.poolSize, next);
    },
    [db],
  );
  const [preference, setPreference] = useState<SandboxPreference>(initial);
  const [status, setStatus] = useState<SandboxStatus>({ state: initial === 'webcontainer' ? 'starting' : 'embedded' });
  const latest = useRef(preference);

  const resolve = useCallback(async (): Promise<SandboxFactoryChoice> => {
    const wanted = latest.current;
    if (wanted === 'webcontainer') setStatus((current) => (current.state === 'ready' || current.state === 'fallback' ? current : { state: 'starting' }));
    // Boots once per page; later calls return the booted container or the same failure at once.
    const choice = await createSandboxFactory(wanted);
    if (latest.current === wanted) {
      setStatus(wanted === 'just-bash' ? { state: 'embedded' } : choice.fallbackReason ? { state: 'fallback', reason: choice.fallbackReason } : { state: 'ready' });
    }
    return choice;
  }, []);

  const choose = useCallback(
    (next: SandboxPreference) => {
      latest.current = next;
      setPreference(next);
      setStatus({ state: next === 'webcontainer' ? 'starting' : 'embedded' });
      void setSetting(db, SETTINGS.sandboxPreference, next);
      if (next === 'webcontainer') void resolve();
    },
    [db, resolve],
  );

  // A WebContainer chosen in an earlier session is tried when the page opens.
  useEffect(() => {
    if (initial === 'webcontainer') void resolve();
  }, [initial, resolve]);

  return { preference, status, choose, resolve, poolSize, choosePoolSize };
}
