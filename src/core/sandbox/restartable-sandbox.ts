import { JUST_BASH_CAPABILITIES } from './capabilities.js';
import {
  type ExecOptions,
  type ExecResult,
  type FileEntry,
  type Sandbox,
  type SandboxCapability,
  SandboxUnavailableError,
  TIMEOUT_EXIT_CODE,
} from './types.js';

/** A file as a snapshot keeps it: its content, and whether it was executable (a tool the task put on PATH). */
export interface SnapshotEntry extends FileEntry {
  executable?: boolean;
}

/**
 * The files that changed since the worker's previous snapshot: drop every `removed` path and everything under it, then
 * put `entries` in. `complete` means `entries` are all the files (the first snapshot, or one taken after a change the
 * worker could not follow).
 */
export interface SnapshotChanges {
  complete: boolean;
  removed: string[];
  entries: SnapshotEntry[];
}

/** The sandbox operations a worker offers, plus snapshot/restore so a replacement can take over. */
export interface SandboxWorkerApi {
  exec(command: string, options: Omit<ExecOptions, 'signal'>): Promise<ExecResult>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  listFiles(dir: string): Promise<string[]>;
  exportTree(dir: string): Promise<FileEntry[]>;
  /** What changed since the previous snapshot; `complete` asks for every file. */
  snapshot(options?: { complete?: boolean }): Promise<SnapshotChanges>;
  /** Into a fresh worker: the files as the last snapshot left them. */
  restore(entries: SnapshotEntry[]): Promise<void>;
  /** Replace the worker's sandbox with an empty one, for the next task attempt. */
  reset(): Promise<void>;
}

/** A running worker: how to talk to it, how to kill it, and how it says it has failed. */
export interface SandboxWorkerHandle {
  api: SandboxWorkerApi;
  terminate(): void;
  /**
   * Resolves with the worker's own error text when it could not load its code or died (e.g. "SyntaxError: …");
   * never settles while it is fine. Without it, only the answer deadline notices a dead worker.
   */
  failed?: Promise<string>;
  /**
   * The sandbox is done with this worker: nothing is in flight and its last command ended by itself, so the worker
   * may be emptied and serve another sandbox (a fresh worker takes ~100 ms to start in the page). Without it, a
   * disposed sandbox terminates its worker.
   */
  release?(): void;
}

/** Time the worker gets beyond the command timeout to answer by itself before it is killed. */
export const KILL_GRACE_MS = 1500;

/** How long a worker may take to answer any call but a command (files, snapshots) before it is treated as dead. */
export const ANSWER_DEADLINE_MS = 20_000;

/**
 * How long a fresh worker may take to answer its first call, which includes loading its code (a dev server may still
 * be transforming it on a slow machine). A worker whose code cannot load says so at once; this is for one that
 * neither loads nor fails.
 */
export const STARTUP_DEADLINE_MS = 60_000;

export interface RestartableSandboxOptions {
  kind?: string;
  /** What the hosted sandbox offers; the only worker today hosts just-bash. */
  capabilities?: readonly SandboxCapability[];
  killGraceMs?: number;
  answerDeadlineMs?: number;
  startupDeadlineMs?: number;
}

type Settled<T> = { value: T } | { failure: string } | { stop: 'killed' | 'aborted' };

/**
 * A sandbox hosted in a killable worker (a Web Worker in the page, a worker_thread in Node).
 * just-bash cannot interrupt a tight loop from inside, so a command that outlives its timeout — or is aborted —
 * terminates the worker; a fresh one starts with the files as they were before that command.
 *
 * A worker that fails (cannot load, dies, or does not answer within `answerDeadlineMs`) is not restarted: it would
 * fail again the same way. Every operation then throws a `SandboxUnavailableError` with the worker's own error
 * text, so the run ends as an infrastructure error at once instead of waiting for an answer that cannot come.
 */
export class RestartableSandbox implements Sandbox {
  readonly kind: string;
  readonly capabilities: readonly SandboxCapability[];
  private current: SandboxWorkerHandle;
  /** Files as they were before the running command, by path; what a restarted worker gets back. */
  private readonly files = new Map<string, SnapshotEntry>();
  /** A snapshot's answer was not applied (the command was aborted meanwhile): the next one must list every file. */
  private snapshotLost = false;
  /** Calls each worker has not answered yet; a worker is reusable only with none. */
  private readonly inFlight = new WeakMap<SandboxWorkerHandle, number>();
  private disposed = false;
  /** Whether the last command ended by itself; after a timeout or an abort the worker is never reused. */
  private lastCommandEnded = true;
  private unavailable: SandboxUnavailableError | undefined;
  /** Settles every call still waiting when the sandbox is disposed, so none waits (or keeps a timer) for ever. */
  private close: () => void = () => {};
  private readonly closed = new Promise<{ failure: string }>((resolve) => {
    this.close = () => resolve({ failure: 'the sandbox was closed while a call was waiting for its worker' });
  });
  private readonly killGraceMs: number;
  private readonly answerDeadlineMs: number;
  private readonly startupDeadlineMs: number;
  /** Workers that have answered at least once: past their start-up. */
  private readonly started = new WeakSet<SandboxWorkerHandle>();
  restarts = 0;

  constructor(
    private readonly spawn: () => SandboxWorkerHandle,
    options: RestartableSandboxOptions = {},
  ) {
    this.kind = options.kind ?? 'just-bash-worker';
    this.capabilities = options.capabilities ?? JUST_BASH_CAPABILITIES;
    this.killGraceMs = options.killGraceMs ?? KILL_GRACE_MS;
    this.answerDeadlineMs = options.answerDeadlineMs ?? ANSWER_DEADLINE_MS;
    this.startupDeadlineMs = options.startupDeadlineMs ?? STARTUP_DEADLINE_MS;
    this.current = spawn();
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const started = performance.now();
    const { signal, ...rest } = options;
    if (signal?.aborted) return this.stopped(started, 'aborted before it started', false);
    const complete = this.snapshotLost;
    this.snapshotLost = true;
    const snapshot = await this.settle('taking a snapshot of the files', (api) => api.snapshot({ complete }), { ms: this.answerDeadlineMs, passed: 'unavailable' }, signal);
    if ('stop' in snapshot) return this.stopped(started, 'aborted before it started', false);
    this.applySnapshot(snapshot.value);
    this.snapshotLost = false;
    this.lastCommandEnded = false;
    const result = await this.settle('running a command', (api) => api.exec(command, { ...rest, timeoutMs }), { ms: timeoutMs + this.killGraceMs, passed: 'kill' }, signal);
    if ('value' in result) {
      this.lastCommandEnded = !result.value.timedOut;
      return result.value;
    }
    await this.restart();
    return this.stopped(started, result.stop === 'killed' ? `command did not stop within ${Math.round(timeoutMs / 1000)}s` : 'command aborted', result.stop === 'killed');
  }

  private stopped(started: number, what: string, timedOut: boolean): ExecResult {
    return {
      stdout: '',
      stderr: `${what}; the sandbox was restarted and its files restored to their state before this command`,
      exitCode: TIMEOUT_EXIT_CODE,
      durationMs: performance.now() - started,
      timedOut,
    };
  }

  private applySnapshot(changes: SnapshotChanges): void {
    if (changes.complete) this.files.clear();
    for (const removed of changes.removed) {
      const under = removed === '/' ? '/' : `${removed}/`;
      for (const path of this.files.keys()) if (path === removed || path.startsWith(under)) this.files.delete(path);
    }
    for (const entry of changes.entries) this.files.set(entry.path, entry);
  }

  private async restart(): Promise<void> {
    this.current.terminate();
    this.current = this.spawn();
    this.restarts += 1;
    const snapshot = [...this.files.values()];
    await this.call('restoring the files', (api) => api.restore(snapshot));
    // The fresh worker holds just these files, as the snapshot says: its next one needs only the changes.
    this.snapshotLost = false;
    this.lastCommandEnded = true;
  }

  /**
   * One call to the current worker, raced against its failure, a deadline and an abort. Past a `kill` deadline, or
   * on abort, it settles as `stop` (the caller restarts the worker); past an `unavailable` deadline, or when the
   * worker fails, the sandbox becomes unavailable and this throws. Errors the call itself rejects with (a missing
   * file) pass through unchanged.
   */
  private async settle<T>(
    what: string,
    request: (api: SandboxWorkerApi) => Promise<T>,
    deadline: { ms: number; passed: 'kill' | 'unavailable' },
    signal?: AbortSignal,
  ): Promise<{ value: T } | { stop: 'killed' | 'aborted' }> {
    if (this.unavailable) throw this.unavailable;
    // A disposed sandbox's worker may already serve the next one: nothing more may reach it.
    if (this.disposed) throw new SandboxUnavailableError(`the sandbox was closed before ${what}`);
    const handle = this.current;
    const limitMs = deadline.passed === 'unavailable' && !this.started.has(handle) ? Math.max(deadline.ms, this.startupDeadlineMs) : deadline.ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    this.inFlight.set(handle, (this.inFlight.get(handle) ?? 0) + 1);
    const answered = () => {
      this.started.add(handle);
      this.inFlight.set(handle, (this.inFlight.get(handle) ?? 1) - 1);
    };
    const outcomes: Promise<Settled<T>>[] = [
      request(handle.api).then(
        (value) => {
          answered();
          return { value };
        },
        (error: unknown) => {
          answered();
          throw error;
        },
      ),
      new Promise((resolve) => {
        // Node fires a timer above 2^31-1 ms at once.
        timer = setTimeout(
          () => resolve(deadline.passed === 'kill' ? { stop: 'killed' } : { failure: `the sandbox worker did not answer within ${Math.round(limitMs / 1000)}s (${what})` }),
          Math.min(limitMs, 2 ** 31 - 1),
        );
      }),
    ];
    outcomes.push(this.closed);
    if (handle.failed) outcomes.push(handle.failed.then((text) => ({ failure: `the sandbox worker failed: ${text}` })));
    if (signal) {
      outcomes.push(
        new Promise((resolve) => {
          onAbort = () => resolve({ stop: 'aborted' });
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      );
    }
    try {
      const outcome = await Promise.race(outcomes);
      if ('failure' in outcome) throw this.becomeUnavailable(outcome.failure);
      return outcome;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  private async call<T>(what: string, request: (api: SandboxWorkerApi) => Promise<T>): Promise<T> {
    const outcome = await this.settle(what, request, { ms: this.answerDeadlineMs, passed: 'unavailable' });
    if ('value' in outcome) return outcome.value;
    throw new Error(`unreachable: ${what} was stopped without a signal`);
  }

  private becomeUnavailable(message: string): SandboxUnavailableError {
    this.current.terminate();
    this.unavailable = new SandboxUnavailableError(message);
    return this.unavailable;
  }

  readFile(path: string): Promise<string> {
    return this.call(`reading ${path}`, (api) => api.readFile(path));
  }

  writeFile(path: string, content: string): Promise<void> {
    return this.call(`writing ${path}`, (api) => api.writeFile(path, content));
  }

  exists(path: string): Promise<boolean> {
    return this.call(`looking for ${path}`, (api) => api.exists(path));
  }

  listFiles(dir: string): Promise<string[]> {
    return this.call(`listing ${dir}`, (api) => api.listFiles(dir));
  }

  exportTree(dir: string): Promise<FileEntry[]> {
    return this.call(`exporting ${dir}`, (api) => api.exportTree(dir));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const reusable = !this.unavailable && this.lastCommandEnded && !this.inFlight.get(this.current) && this.current.release;
    if (reusable) this.current.release?.();
    else this.current.terminate();
    this.close();
  }
}
