import { SANDBOX_WORKDIR, type SandboxOptions } from './types.js';

/**
 * Per-task isolation by directory, for a sandbox whose file system is shared by every task in the page
 * (a WebContainer: one instance per page). Each sandbox gets its own root directory, and the task's own absolute
 * directories live under it: its working directory (`/work`, or an imported task's `/app`), the verifier's
 * `/verifier`, `/tmp`, and any other directory the task names (`/tests`, `/logs`, `/data`):
 * `/app/x` ↔ `<root>/app/x`. Nothing else of the task's `/` is mapped; `/usr`, `/bin` stay the container's own.
 *
 * The same root is used in two spellings: relative to the WebContainer's workdir for its `fs` API and spawn
 * `cwd` (`tasks/k3f9/app/x`), and absolute for text the shell and Node see (`/home/app/tasks/k3f9/app/x`).
 */

/** What a task maps when it names nothing else: the default working directory, the verifier's and /tmp. */
export const DEFAULT_MAPPED_ROOTS = [SANDBOX_WORKDIR, '/verifier', '/tmp'] as const; // '/verifier' = VERIFIER_DIR (tasks/types.ts, a layer above)

/**
 * The operating system's own top-level directories. A task may name paths inside them (`/usr/bin/tool`), but they are
 * never mapped: the container's programs live there (a WebContainer's node in /usr, its workdir in /home).
 */
export const SYSTEM_DIRECTORIES: ReadonlySet<string> = new Set([
  '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/run', '/sbin', '/sys', '/usr',
]);

/** Characters that continue a word or a path: a mapped root must not be preceded or followed by one of these. */
const BEFORE = String.raw`(?<![\w.~/$})\]-])`;
const AFTER = String.raw`(?![\w.-])`;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `/work/./a//b/../c` → `/work/a/c`; a relative path is taken as relative to `workdir`. */
export function normalizeTaskPath(path: string, workdir: string = SANDBOX_WORKDIR): string {
  const absolute = path.startsWith('/') ? path : `${workdir}/${path}`;
  const parts: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** One task's mapped directories and the conversions between its paths and the sandbox's real ones. */
export class TaskPathMapping {
  /** Working directory: where commands run and relative paths resolve. */
  readonly workdir: string;
  /** Mapped directories, outermost only: the one holding the working directory, then the others sorted. */
  readonly roots: readonly string[];
  private readonly rootsPattern: string;
  private readonly taskPathInText: RegExp;

  /**
   * Throws for a directory that cannot be mapped: `/`, or one holding the system's own directories (`/usr`).
   * Without options, the built-in tasks' mapping: /work, /verifier and /tmp.
   */
  constructor(options: SandboxOptions = { workdir: SANDBOX_WORKDIR, directories: [] }) {
    this.workdir = normalizeTaskPath(options.workdir);
    const wanted = [this.workdir, '/verifier', '/tmp', ...options.directories.map((directory) => normalizeTaskPath(directory))];
    for (const directory of wanted) {
      const blocked = directory === '/' ? '/' : [...SYSTEM_DIRECTORIES].find((system) => system === directory || system.startsWith(`${directory}/`));
      if (blocked) throw new Error(`${directory} cannot be a task's own directory: ${blocked === '/' ? 'it is the root' : `it holds the system's ${blocked}`}`);
    }
    const unique = [...new Set(wanted)].sort();
    const outermost = unique.filter((root) => !unique.some((other) => other !== root && root.startsWith(`${other}/`)));
    // The one holding the working directory first: messages name it before /tmp and /verifier.
    const home = outermost.find((root) => this.workdir === root || this.workdir.startsWith(`${root}/`))!;
    this.roots = [home, ...outermost.filter((root) => root !== home)];
    this.rootsPattern = [...this.roots].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
    this.taskPathInText = new RegExp(`${BEFORE}(${this.rootsPattern})${AFTER}`, 'g');
  }

  /** `/app/./a//b/../c` → `/app/a/c`; relative paths are under the working directory. */
  normalize(path: string): string {
    return normalizeTaskPath(path, this.workdir);
  }

  /** True when the (normalized) task path is one of the mapped roots or lies under one. */
  isMapped(path: string): boolean {
    const normalized = this.normalize(path);
    return this.roots.some((root) => normalized === root || normalized.startsWith(`${root}/`));
  }

  /**
   * A task path → the same path under `root`: `toRooted('tasks/k3f9', '/work/x')` = `tasks/k3f9/work/x`.
   * Throws for a path outside the mapped roots, so a task never reaches another task's files or the container's own.
   */
  toRooted(root: string, path: string): string {
    const normalized = this.normalize(path);
    if (!this.isMapped(normalized)) throw new Error(`${path} is outside this sandbox: only ${this.roots.join(', ')} are available`);
    return `${trimTrailingSlash(root)}${normalized}`;
  }

  /** The inverse of toRooted: `tasks/k3f9/work/x` → `/work/x`; undefined for a path outside `root`. */
  fromRooted(root: string, rootedPath: string): string | undefined {
    const base = trimTrailingSlash(root);
    if (rootedPath !== base && !rootedPath.startsWith(`${base}/`)) return undefined;
    const taskPath = rootedPath.slice(base.length) || '/';
    return taskPath.startsWith('/') && this.isMapped(taskPath) ? normalizeTaskPath(taskPath) : undefined;
  }

  /**
   * Moves the task's absolute paths in a command line, a script or an environment value under `root` (absolute):
   * `cat /work/a.txt > /tmp/b` → `cat /h/tasks/k3f9/work/a.txt > /h/tasks/k3f9/tmp/b`. Only whole path starts are
   * touched: `./work`, `$HOME/tmp`, `/home/u/work`, `/tmpfile` and `https://x/tmp` stay as they are.
   * Text, not a shell parser: a path built at run time (`d=/wo; cat ${d}rk/x`) is not seen.
   */
  mapText(root: string, text: string): string {
    const base = trimTrailingSlash(root);
    return text.replace(this.taskPathInText, (match) => `${base}${match}`);
  }

  /**
   * The inverse of mapText, for what comes back out (command output, file contents): `<root>/work/x` → `/work/x`,
   * so the agent only ever sees its own paths. Exact for text that went through mapText, because a root holds a
   * random id that no task text contains.
   */
  unmapText(root: string, text: string): string {
    const base = trimTrailingSlash(root);
    if (!text.includes(base)) return text;
    return text.replace(new RegExp(`${escapeRegExp(base)}(?=(?:${this.rootsPattern})${AFTER})`, 'g'), '');
  }
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
