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

/** The sandbox operations a worker offers, plus snapshot/restore so a replacement can take over. */
export interface SandboxWorkerApi {
  exec(command: string, options: Omit<ExecOptions, 'signal'>): Promise<ExecResult>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  listFiles(dir: string): Promise<string[]>;
  exportTree(dir: string): Promise<FileEntry[]>;
  snapshot(): Promise<SnapshotEntry[]>;
  restore(entries: SnapshotEntry[]): Promise<void>;
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
  /** Files as they were before the running command; what a restarted worker gets back. */
  private lastSnapshot: SnapshotEntry[] = [];
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
    const snapshot = await this.settle('taking a snapshot of the files', (api) => api.snapshot(), { ms: this.answerDeadlineMs, passed: 'unavailable' }, signal);
    if ('stop' in snapshot) return this.stopped(started, 'aborted before it started', false);
    this.lastSnapshot = snapshot.value;
    const result = await this.settle('running a command', (api) => api.exec(command, { ...rest, timeoutMs }), { ms: timeoutMs + this.killGraceMs, passed: 'kill' }, signal);
    if ('value' in result) return result.value;
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

  private async restart(): Promise<void> {
    this.current.terminate();
    this.current = this.spawn();
    this.restarts += 1;
    const snapshot = this.lastSnapshot;
    await this.call('restoring the files', (api) => api.restore(snapshot));
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
    const handle = this.current;
    const limitMs = deadline.passed === 'unavailable' && !this.started.has(handle) ? Math.max(deadline.ms, this.startupDeadlineMs) : deadline.ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const answered = () => this.started.add(handle);
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
    this.current.terminate();
    this.close();
  }
}
