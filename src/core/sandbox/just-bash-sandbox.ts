import { Bash } from 'just-bash';
import { clampTimerMs } from '../limits.js';
import { JUST_BASH_CAPABILITIES } from './capabilities.js';
import { createChangeTrackingFs, type FileSystemChanges } from './change-tracking-fs.js';
import { type ExecOptions, type ExecResult, type FileEntry, type Sandbox, SANDBOX_WORKDIR, TIMEOUT_EXIT_CODE } from './types.js';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * just-bash sets `exec`'s env variables in the shell but does not export them, so `bash script.sh` would not see
 * them; a process's environment is exported to its children. Marked on the command's first line, so line numbers in
 * error messages stay the command's own.
 */
function exportingEnv(command: string, env: Record<string, string> | undefined): string {
  const names = Object.keys(env ?? {}).filter((name) => VARIABLE_NAME.test(name));
  return names.length ? `export ${names.join(' ')}; ${command}` : command;
}

/** Variables just-bash reports that are shell internals, not user state worth carrying over. */
const SHELL_INTERNALS = new Set(['IFS', 'OSTYPE', 'MACHTYPE', 'HOSTTYPE', 'HOSTNAME', 'OLDPWD', 'OPTIND', 'SHELLOPTS', 'BASHOPTS', '?', 'PWD', '_']);

/**
 * The embedded sandbox: just-bash's interpreter with an in-memory file system.
 * Runs in-process (Node, tests, the CLI) and inside the sandbox Web Worker in the page.
 * Shell state resets on each exec; only files persist, which is exactly what the persist-shell-state policy is for.
 */
export class JustBashSandbox implements Sandbox {
  readonly kind = 'just-bash';
  readonly capabilities = JUST_BASH_CAPABILITIES;
  private readonly bash: Bash;
  /** just-bash starts without /tmp; scripts expect one. */
  private readonly ready: Promise<void>;
  private readonly files = createChangeTrackingFs();

  constructor(private readonly defaultTimeoutMs = 30_000) {
    this.bash = new Bash({
      fs: this.files.fs,
      cwd: SANDBOX_WORKDIR,
      executionLimits: { maxCommandCount: 100_000, maxLoopIterations: 100_000 },
    });
    this.files.startTracking();
    this.ready = this.bash.fs.mkdir('/tmp', { recursive: true });
  }

  /** The paths written, removed, copied or moved since the last call (or `unknown`); a worker's snapshot reads only those. */
  takeFileChanges(): FileSystemChanges {
    return this.files.takeChanges();
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    await this.ready;
    const started = performance.now();
    const timeoutMs = clampTimerMs(options.timeoutMs ?? this.defaultTimeoutMs);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve('timeout');
      }, timeoutMs);
    });
    try {
      const run = this.bash.exec(exportingEnv(command, options.env), {
        cwd: options.cwd ?? SANDBOX_WORKDIR,
        env: options.env,
        signal: controller.signal,
      } as Parameters<Bash['exec']>[1]);
      // An in-process tight loop cannot be interrupted; the worker-backed sandbox terminates the worker instead.
      const result = await Promise.race([run, timeout]);
      const durationMs = performance.now() - started;
      if (result === 'timeout') {
        run.catch(() => undefined);
        return { stdout: '', stderr: `command timed out after ${Math.round(timeoutMs / 1000)}s`, exitCode: TIMEOUT_EXIT_CODE, durationMs, timedOut: true };
      }
      const env = (result as { env?: Record<string, string> }).env ?? {};
      const finalEnv: Record<string, string> = {};
      for (const [key, value] of Object.entries(env)) if (!SHELL_INTERNALS.has(key)) finalEnv[key] = value;
      return {
        stdout: result.stdout,
        stderr: result.stderr,
        exitCode: result.exitCode,
        durationMs,
        timedOut: result.exitCode === TIMEOUT_EXIT_CODE && controller.signal.aborted,
        finalCwd: env.PWD,
        finalEnv,
      };
    } catch (error) {
      return { stdout: '', stderr: `sandbox error: ${(error as Error).message}`, exitCode: 1, durationMs: performance.now() - started, timedOut: false };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async readFile(path: string): Promise<string> {
    await this.ready;
    return this.bash.fs.readFile(this.resolve(path));
  }

  async writeFile(path: string, content: string): Promise<void> {
    await this.ready;
    const full = this.resolve(path);
    const parent = full.slice(0, full.lastIndexOf('/')) || '/';
    await this.bash.fs.mkdir(parent, { recursive: true });
    await this.bash.fs.writeFile(full, content);
  }

  exists(path: string): Promise<boolean> {
    return this.bash.fs.exists(this.resolve(path));
  }

  async listFiles(dir: string): Promise<string[]> {
    const root = this.resolve(dir);
    const out: string[] = [];
    const walk = async (current: string) => {
      if (!(await this.bash.fs.exists(current))) return;
      for (const name of await this.bash.fs.readdir(current)) {
        const child = current === '/' ? `/${name}` : `${current}/${name}`;
        const stat = await this.bash.fs.stat(child);
        if (stat.isDirectory) await walk(child);
        else out.push(child);
      }
    };
    await walk(root);
    return out.sort();
  }

  async exportTree(dir: string): Promise<FileEntry[]> {
    const files = await this.listFiles(dir);
    return Promise.all(files.map(async (path) => ({ path, content: await this.bash.fs.readFile(path) })));
  }

  async isDirectory(path: string): Promise<boolean> {
    return (await this.bash.fs.stat(this.resolve(path))).isDirectory;
  }

  /** Whether `chmod +x` was given; a worker's snapshot keeps it, so a restored tool still runs. */
  async isExecutable(path: string): Promise<boolean> {
    return ((await this.bash.fs.stat(this.resolve(path))).mode & 0o111) !== 0;
  }

  async makeExecutable(path: string): Promise<void> {
    await this.bash.fs.chmod(this.resolve(path), 0o755);
  }

  async dispose(): Promise<void> {}

  private resolve(path: string): string {
    return path.startsWith('/') ? path : `${SANDBOX_WORKDIR}/${path}`;
  }
}
