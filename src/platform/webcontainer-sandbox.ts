import { WebContainer, type SpawnOptions, type WebContainerProcess } from '@webcontainer/api';
import { clampTimerMs } from '../core/limits';
import { WEBCONTAINER_CAPABILITIES } from '../core/sandbox/capabilities';
import { TaskPathMapping } from '../core/sandbox/path-mapping';
import { type ExecOptions, type ExecResult, type FileEntry, type Sandbox, type SandboxOptions, TIMEOUT_EXIT_CODE } from '../core/sandbox/types';

/**
 * The WebContainer sandbox: StackBlitz's in-browser Node.js runtime (real `node` and `npm`) behind the same
 * `Sandbox` interface as just-bash. One WebContainer per page, shared: each sandbox is a directory
 * `tasks/<random id>` holding that task's working directory (/work, or an imported task's /app), /verifier, /tmp
 * and the other directories the task names (see core/sandbox/path-mapping.ts).
 *
 * Facts that shape this file: `WebContainer.boot()` loads its runtime in an iframe from stackblitz.com, so it
 * cannot boot offline — offline it does not fail, it hangs, hence the boot timeout; it needs a cross-origin
 * isolated page (COOP/COEP); only one instance may exist per page; its shell is `jsh`, whose output arrives as one
 * terminal stream (stdout and stderr interleaved). Commercial production use needs a StackBlitz licence.
 */

/** Boot can hang forever when stackblitz.com is unreachable; this is how long we wait. */
export const BOOT_TIMEOUT_MS = 20_000;
/** The WebContainer's workdir folder name, and the folder under it that holds one directory per sandbox. */
const WORKDIR_NAME = 'studio';
const TASKS_DIR = 'tasks';
/** Output kept per command; a runaway `yes` must not fill the tab's memory. */
const MAX_OUTPUT_CHARS = 1_000_000;
/** How long to wait for the output stream to drain after the process has exited (it can trail the exit code). */
const OUTPUT_DRAIN_MS = 1000;

export type WebContainerBootResult = { ok: true } | { ok: false; reason: string };

/** What boot() threw when it did not answer in time. */
export class WebContainerBootTimeout extends Error {
  override readonly name = 'WebContainerBootTimeout';
  constructor(readonly timeoutMs: number) {
    super(`WebContainer.boot() did not answer within ${Math.round(timeoutMs / 1000)} s`);
  }
}

/** What the page knew when a boot failed. */
export interface WebContainerBootContext {
  crossOriginIsolated: boolean;
  online: boolean;
  /** What boot() threw, a WebContainerBootTimeout, or undefined when boot was not tried. */
  error?: unknown;
  /** False when the browser lacks what WebContainers need (SharedArrayBuffer, Web Workers, WebAssembly, a DOM). */
  supported?: boolean;
}

/** Why a WebContainer could not boot, in words a user can act on. Pure. */
export function explainBootFailure(context: WebContainerBootContext): string {
  const message = context.error instanceof Error ? context.error.message : context.error === undefined ? '' : String(context.error);
  if (context.supported === false) {
    return 'this browser cannot run WebContainers (they need SharedArrayBuffer, Web Workers and WebAssembly in a page); use a recent Chromium-based browser or Firefox';
  }
  if (!context.crossOriginIsolated) return 'the page is not cross-origin isolated (COOP/COEP headers missing)';
  if (!context.online) return 'WebContainers load their runtime from StackBlitz and this browser is offline';
  if (context.error instanceof WebContainerBootTimeout || (context.error as Error | undefined)?.name === 'WebContainerBootTimeout') {
    const seconds = Math.round(((context.error as WebContainerBootTimeout).timeoutMs ?? BOOT_TIMEOUT_MS) / 1000);
    return `WebContainers load their runtime from StackBlitz and it did not answer within ${seconds} s: this browser is offline or cannot reach stackblitz.com (reload the page to try again)`;
  }
  if (/failed to fetch|network|load failed|fetch|ERR_INTERNET|ERR_NAME|ERR_CONNECTION/i.test(message)) {
    return `WebContainers load their runtime from StackBlitz and this browser is offline or cannot reach stackblitz.com (${message})`;
  }
  if (/single WebContainer instance/i.test(message)) {
    return 'another WebContainer is already running in this page (only one may exist per page); reload the page';
  }
  if (/SharedArrayBuffer|not supported|unsupported/i.test(message)) return `this browser cannot run WebContainers: ${message}`;
  return `the WebContainer did not boot: ${message || 'unknown error'}`;
}

/** The page's side of explainBootFailure. `supported` does not depend on isolation (SharedArrayBuffer does). */
function pageContext(): Omit<WebContainerBootContext, 'error'> {
  const page = globalThis as { crossOriginIsolated?: boolean; document?: unknown; navigator?: { onLine?: boolean } };
  const hasPlatform = typeof page.document !== 'undefined' && typeof Worker !== 'undefined' && typeof WebAssembly !== 'undefined' && 'crossOriginIsolated' in page;
  const crossOriginIsolated = page.crossOriginIsolated === true;
  return {
    supported: hasPlatform && (!crossOriginIsolated || typeof SharedArrayBuffer !== 'undefined'),
    crossOriginIsolated,
    online: page.navigator?.onLine !== false,
  };
}

let instance: WebContainer | undefined;
/** The one boot of this page; reused by every caller. */
let booting: Promise<WebContainer> | undefined;
/** Set when a boot hung past its timeout: the library's iframe will not retry, so later calls fail at once. */
let hungReason: string | undefined;

/**
 * Boots the page's WebContainer once (later calls reuse it) and says why not when it cannot.
 * Checks isolation and connectivity first, so the common failures are explained at once instead of after a hang.
 */
export async function bootWebContainer(options: { timeoutMs?: number } = {}): Promise<WebContainerBootResult> {
  if (instance) return { ok: true };
  const context = pageContext();
  if (!context.supported || !context.crossOriginIsolated || !context.online) return { ok: false, reason: explainBootFailure(context) };
  if (hungReason) return { ok: false, reason: hungReason };
  booting ??= WebContainer.boot({ coep: 'require-corp', workdirName: WORKDIR_NAME }).then(
    (container) => {
      instance = container;
      globalThis.addEventListener?.('pagehide', teardownWebContainer, { once: true });
      return container;
    },
    (error: unknown) => {
      booting = undefined; // a boot that failed (rather than hung) may be tried again
      throw error;
    },
  );
  const timeoutMs = options.timeoutMs ?? BOOT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([booting, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new WebContainerBootTimeout(timeoutMs)), clampTimerMs(timeoutMs))))]);
    return { ok: true };
  } catch (error) {
    const reason = explainBootFailure({ ...pageContext(), error });
    if (error instanceof WebContainerBootTimeout) hungReason = reason;
    return { ok: false, reason };
  } finally {
    clearTimeout(timer);
  }
}

/** Releases the page's WebContainer (on page leave; registered for `pagehide` once it boots). Safe to call twice. */
export function teardownWebContainer(): void {
  const container = instance;
  instance = undefined;
  booting = undefined;
  container?.teardown();
}

/** The part of a WebContainer this sandbox uses; a test can hand in a stand-in. */
export interface WebContainerLike {
  /** Absolute path of the container's workdir (e.g. `/home/studio`); what the shell and Node see. */
  readonly workdir: string;
  /** Paths are relative to the workdir. */
  fs: {
    readFile(path: string, encoding: 'utf-8'): Promise<string>;
    writeFile(path: string, data: string): Promise<void>;
    mkdir(path: string, options: { recursive: true }): Promise<unknown>;
    readdir(path: string, options: { withFileTypes: true }): Promise<Array<{ name: string; isDirectory(): boolean }>>;
    rm(path: string, options: { recursive?: boolean; force?: boolean }): Promise<void>;
  };
  spawn(command: string, args: string[], options?: SpawnOptions): Promise<WebContainerProcess>;
}

/**
 * A terminal stream as plain text: ANSI escape sequences removed, CRLF as LF, and of a line rewritten with `\r`
 * (npm's spinner, progress bars) only what a terminal would finally show.
 */
export function cleanTerminalOutput(text: string): string {
  const plain = text
    // OSC (title, hyperlinks, jsh's prompt marks) … BEL or ST
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '')
    // CSI (colours, cursor moves, erase line) and two-character escapes
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b[@-Z\\-_]/g, '')
    .replace(/\r\n/g, '\n');
  return plain
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((part, index, all) => part !== '' || index === all.length - 1);
      return parts.length ? parts[parts.length - 1] : '';
    })
    .join('\n');
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** One task attempt's sandbox inside the page's WebContainer. Create with `WebContainerSandbox.create()`. */
export class WebContainerSandbox implements Sandbox {
  readonly kind = 'webcontainer';
  readonly capabilities = WEBCONTAINER_CAPABILITIES;
  /** This sandbox's directory relative to the workdir (`tasks/<id>`): for the fs API and spawn's cwd. */
  readonly root: string;
  /** The same directory as an absolute path: what the shell and Node see, and what command text is mapped to. */
  readonly shellRoot: string;
  /** The task's directories, all under `root`. */
  readonly paths: TaskPathMapping;
  private readonly running = new Set<WebContainerProcess>();

  /** Throws when the task's directories cannot be mapped (`/`, or one holding the system's own, such as `/usr`). */
  constructor(
    private readonly container: WebContainerLike,
    private readonly defaultTimeoutMs = 30_000,
    id = randomId(),
    task?: SandboxOptions,
  ) {
    this.root = `${TASKS_DIR}/${id}`;
    this.shellRoot = `${container.workdir.replace(/\/$/, '')}/${this.root}`;
    this.paths = new TaskPathMapping(task);
  }

  /** Boots the page's WebContainer if needed and makes a fresh directory; throws with the readable boot reason. */
  static async create(options: { defaultTimeoutMs?: number; bootTimeoutMs?: number; task?: SandboxOptions } = {}): Promise<WebContainerSandbox> {
    const boot = await bootWebContainer({ timeoutMs: options.bootTimeoutMs });
    if (!boot.ok || !instance) throw new Error(boot.ok ? 'the WebContainer was torn down' : boot.reason);
    return WebContainerSandbox.inside(instance, options.defaultTimeoutMs, options.task);
  }

  /** A fresh sandbox directory in a container that is already running (or a stand-in), for the task's directories. */
  static async inside(container: WebContainerLike, defaultTimeoutMs?: number, task?: SandboxOptions): Promise<WebContainerSandbox> {
    const sandbox = new WebContainerSandbox(container, defaultTimeoutMs, randomId(), task);
    // /verifier is created only when the verifier's files arrive, after the agent has ended.
    await container.fs.mkdir(`${sandbox.root}${sandbox.paths.workdir}`, { recursive: true });
    await container.fs.mkdir(`${sandbox.root}/tmp`, { recursive: true });
    return sandbox;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const failed = (stderr: string, exitCode = 1, timedOut = false, stdout = ''): ExecResult => ({
      stdout,
      stderr,
      exitCode,
      durationMs: performance.now() - started,
      timedOut,
    });
    if (options.signal?.aborted) return failed('command aborted before it started', TIMEOUT_EXIT_CODE);

    let cwd: string;
    try {
      cwd = this.paths.toRooted(this.root, options.cwd ?? this.paths.workdir);
    } catch (error) {
      return failed(`cannot run in ${options.cwd}: ${(error as Error).message}`);
    }
    const env: Record<string, string> = { TMPDIR: `${this.shellRoot}/tmp` };
    for (const [key, value] of Object.entries(options.env ?? {})) env[key] = this.paths.mapText(this.shellRoot, value);

    let process: WebContainerProcess;
    try {
      process = await this.container.spawn('jsh', ['-c', this.paths.mapText(this.shellRoot, command)], {
        cwd,
        env,
        // Wide, so the terminal does not wrap long lines into the captured text.
        terminal: { cols: 1000, rows: 50 },
      });
    } catch (error) {
      return failed(`sandbox error: ${this.unmap((error as Error).message)}`);
    }
    this.running.add(process);

    let output = '';
    let dropped = 0;
    const reading = process.output
      .pipeTo(
        new WritableStream<string>({
          write: (chunk) => {
            output += chunk;
            if (output.length > MAX_OUTPUT_CHARS) {
              dropped += output.length - MAX_OUTPUT_CHARS;
              output = output.slice(-MAX_OUTPUT_CHARS);
            }
          },
        }),
      )
      .catch(() => undefined);
    const text = () => (dropped ? `[${dropped} characters of earlier output dropped]\n` : '') + this.unmap(cleanTerminalOutput(output));

    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<'timeout' | 'aborted'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), clampTimerMs(timeoutMs));
      onAbort = () => resolve('aborted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([process.exit.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))), stop]);
      if (result === 'timeout' || result === 'aborted') {
        process.kill();
        await settle(reading, 200);
        const what = result === 'timeout' ? `command timed out after ${Math.round(timeoutMs / 1000)}s and was killed` : 'command aborted and killed';
        return failed(what, TIMEOUT_EXIT_CODE, result === 'timeout', text());
      }
      if (result instanceof Error) return failed(`sandbox error: ${this.unmap(result.message)}`, 1, false, text());
      await settle(reading, OUTPUT_DRAIN_MS);
      // One terminal stream: stderr arrives interleaved in stdout. finalCwd/finalEnv are not reported, so the
      // persistShellState policy cannot carry cwd and variables over in this sandbox.
      return { stdout: text(), stderr: '', exitCode: result, durationMs: performance.now() - started, timedOut: false };
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      this.running.delete(process);
    }
  }

  async readFile(path: string): Promise<string> {
    const content = await this.fs(() => this.container.fs.readFile(this.paths.toRooted(this.root, path), 'utf-8'));
    return this.unmap(content);
  }

  /**
   * Paths in the content are mapped too (`/work/x` → `<root>/work/x`), so a script written here — the verifier's,
   * or one the agent writes — finds its files when jsh or Node runs it; readFile maps them back.
   */
  async writeFile(path: string, content: string): Promise<void> {
    const target = this.paths.toRooted(this.root, path);
    const parent = target.slice(0, target.lastIndexOf('/'));
    await this.fs(async () => {
      await this.container.fs.mkdir(parent, { recursive: true });
      await this.container.fs.writeFile(target, this.paths.mapText(this.shellRoot, content));
    });
  }

  async exists(path: string): Promise<boolean> {
    let target: string;
    try {
      target = this.paths.toRooted(this.root, path);
    } catch {
      return false;
    }
    const slash = target.lastIndexOf('/');
    try {
      const entries = await this.container.fs.readdir(target.slice(0, slash), { withFileTypes: true });
      return entries.some((entry) => entry.name === target.slice(slash + 1));
    } catch {
      return false;
    }
  }

  /** `/` lists every mapped root (the working directory, /verifier, /tmp, …); any other directory outside them is refused. */
  async listFiles(dir: string): Promise<string[]> {
    const normalized = this.paths.normalize(dir);
    const starts = normalized === '/' ? [...this.paths.roots] : [normalized];
    const out: string[] = [];
    const walk = async (taskDir: string) => {
      let entries: Array<{ name: string; isDirectory(): boolean }>;
      try {
        entries = await this.container.fs.readdir(this.paths.toRooted(this.root, taskDir), { withFileTypes: true });
      } catch (error) {
        if (!this.paths.isMapped(taskDir)) throw error;
        return; // a directory that does not exist has no files, as in the embedded sandbox
      }
      for (const entry of entries) {
        const child = `${taskDir === '/' ? '' : taskDir}/${entry.name}`;
        if (entry.isDirectory()) await walk(child);
        else out.push(child);
      }
    };
    for (const start of starts) await walk(start);
    return out.sort();
  }

  async exportTree(dir: string): Promise<FileEntry[]> {
    const files = await this.listFiles(dir);
    return Promise.all(files.map(async (path) => ({ path, content: await this.readFile(path) })));
  }

  /** Kills what still runs and removes this sandbox's directory; the page's WebContainer stays up for the next task. */
  async dispose(): Promise<void> {
    for (const process of this.running) process.kill();
    this.running.clear();
    await this.container.fs.rm(this.root, { recursive: true, force: true });
  }

  /** Real paths in text going back to the agent become task paths again. */
  private unmap(text: string): string {
    return this.paths.unmapText(this.root, this.paths.unmapText(this.shellRoot, text));
  }

  /** fs errors name rooted paths; show the task's paths instead. */
  private async fs<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new Error(this.unmap((error as Error).message ?? String(error)));
    }
  }
}

/** Wait for `promise`, but no longer than `ms`. */
function settle(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, clampTimerMs(ms))))]).then(() => clearTimeout(timer));
}

export const createWebContainerSandbox = (task?: SandboxOptions) => WebContainerSandbox.create({ task });
