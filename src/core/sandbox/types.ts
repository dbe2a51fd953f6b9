/**
 * A place where the agent's shell commands run and its files live.
 * Implementations: just-bash in-process (Node, tests), just-bash in a Web Worker (the page), a WebContainer (the page,
 * for Node.js/npm tasks; `src/platform/webcontainer-sandbox.ts`).
 */

/**
 * What a sandbox can run, so a task that needs Node.js is not handed to a shell that has none.
 * `bash`: bash syntax and scripts (`bash script.sh`, loops, functions); `coreutils`: the usual text tools
 * (grep, sed, awk, wc, sort, find, …); `node`/`npm`/`python`: those runtimes. See `capabilities.ts`.
 */
/**
 * What a sandbox can run. `yq`, `tar` and `xan` are listed on their own because just-bash's browser build leaves them
 * out while its Node build has them.
 */
export type SandboxCapability = 'bash' | 'coreutils' | 'yq' | 'tar' | 'xan' | 'node' | 'npm' | 'python';

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
  /** True when the command was stopped by its timeout (exit code 124). */
  timedOut: boolean;
  /** Shell state after the command, so a policy can carry it to the next call. */
  finalCwd?: string;
  finalEnv?: Record<string, string>;
}

export interface FileEntry {
  path: string;
  content: string;
}

export interface Sandbox {
  readonly kind: string;
  /** What this sandbox offers; undefined means "not declared", and no task is refused for it. */
  readonly capabilities?: readonly SandboxCapability[];
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Paths of files (not directories) under `dir`, recursively, sorted. */
  listFiles(dir: string): Promise<string[]>;
  /** Every file under `dir` with its content; used for artifacts and snapshots. */
  exportTree(dir: string): Promise<FileEntry[]>;
  dispose(): Promise<void>;
}

/**
 * What one task attempt needs from its sandbox. A sandbox with its own in-memory file system (just-bash) has every
 * path already and may ignore this; one that shares a file system between tasks (a WebContainer) maps exactly these
 * directories into the attempt's own folder.
 */
export interface SandboxOptions {
  /** The task's working directory, e.g. `/app`; `/work` for built-in tasks. */
  workdir: string;
  /** Other absolute directories the task's files and scripts use, e.g. `/tests`, `/logs`, `/data`. */
  directories: readonly string[];
}

/**
 * Creates a fresh, empty sandbox; one per task attempt so runs never see each other's files. Called without
 * options, the task works in `/work`.
 */
export type SandboxFactory = (options?: SandboxOptions) => Promise<Sandbox>;

/** The working directory of a task that names none (every built-in task). */
export const SANDBOX_WORKDIR = '/work';
export const TIMEOUT_EXIT_CODE = 124;

/**
 * The sandbox itself is gone — its worker could not load its code, died, or stopped answering — so nothing more can
 * run in it. Thrown by every sandbox operation from then on. Not the task's or the agent's doing: a run that meets it
 * ends as an infrastructure error carrying this message (the worker's own error text).
 */
export class SandboxUnavailableError extends Error {
  readonly kind = 'sandbox_unavailable';
  override readonly name = 'SandboxUnavailableError';
}

export function isSandboxUnavailable(error: unknown): error is SandboxUnavailableError {
  return error instanceof Error && (error as { kind?: unknown }).kind === 'sandbox_unavailable';
}
