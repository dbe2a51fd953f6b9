import { JUST_BASH_CAPABILITIES } from './capabilities.js';
import { type ExecOptions, type ExecResult, type FileEntry, type Sandbox, type SandboxCapability, TIMEOUT_EXIT_CODE } from './types.js';

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

/** A running worker: how to talk to it and how to kill it. */
export interface SandboxWorkerHandle {
  api: SandboxWorkerApi;
  terminate(): void;
}

/** Time the worker gets beyond the command timeout to answer by itself before it is killed. */
export const KILL_GRACE_MS = 1500;

/**
 * A sandbox hosted in a killable worker (a Web Worker in the page, a worker_thread in Node).
 * just-bash cannot interrupt a tight loop from inside, so a command that outlives its timeout — or is aborted —
 * terminates the worker; a fresh one starts with the files as they were before that command.
 */
export class RestartableSandbox implements Sandbox {
  private current: SandboxWorkerHandle;
  /** Files as they were before the running command; what a restarted worker gets back. */
  private lastSnapshot: SnapshotEntry[] = [];
  restarts = 0;

  constructor(
    private readonly spawn: () => SandboxWorkerHandle,
    readonly kind = 'just-bash-worker',
    private readonly killGraceMs = KILL_GRACE_MS,
    /** What the hosted sandbox offers; the only worker today hosts just-bash. */
    readonly capabilities: readonly SandboxCapability[] = JUST_BASH_CAPABILITIES,
  ) {
    this.current = spawn();
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const started = performance.now();
    const { signal, ...rest } = options;
    if (signal?.aborted) return this.stopped(started, 'aborted before it started', false);
    this.lastSnapshot = await this.current.api.snapshot();
    // Aborted while the snapshot was taken (a fresh worker may take a second to load): an abort listener added now
    // would never fire.
    if (signal?.aborted) return this.stopped(started, 'aborted before it started', false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const deadline = new Promise<'killed' | 'aborted'>((resolve) => {
      // Node and browsers fire a timer above 2^31-1 ms at once.
      timer = setTimeout(() => resolve('killed'), Math.min(timeoutMs + this.killGraceMs, 2 ** 31 - 1));
      onAbort = () => resolve('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([this.current.api.exec(command, { ...rest, timeoutMs }), deadline]);
      if (result === 'killed' || result === 'aborted') {
        await this.restart();
        return this.stopped(started, result === 'killed' ? `command did not stop within ${Math.round(timeoutMs / 1000)}s` : 'command aborted', result === 'killed');
      }
      return result;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
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
    await this.current.api.restore(this.lastSnapshot);
  }

  readFile(path: string): Promise<string> {
    return this.current.api.readFile(path);
  }

  writeFile(path: string, content: string): Promise<void> {
    return this.current.api.writeFile(path, content);
  }

  exists(path: string): Promise<boolean> {
    return this.current.api.exists(path);
  }

  listFiles(dir: string): Promise<string[]> {
    return this.current.api.listFiles(dir);
  }

  exportTree(dir: string): Promise<FileEntry[]> {
    return this.current.api.exportTree(dir);
  }

  async dispose(): Promise<void> {
    this.current.terminate();
  }
}
