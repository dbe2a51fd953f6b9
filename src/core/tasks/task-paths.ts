import { SYSTEM_DIRECTORIES } from '../sandbox/path-mapping.js';
import type { SandboxOptions } from '../sandbox/types.js';
import { type Task, taskWorkdir, VERIFIER_DIR } from './types.js';

/** An absolute path at the start of a word: not inside `./x/y`, `$HOME/x`, `https://h/x` or `a/b`. */
const ABSOLUTE_PATH_IN_TEXT = /(?<![\w.~/$})\]-])\/([A-Za-z_][\w.-]*)/g;

/**
 * What a sandbox must provide for `task`: its working directory and the top-level directories of every absolute
 * path it names — in its files, its instruction and its scripts (e.g. Harbor's `/tests` and `/logs/verifier`, or a
 * `/data/input.csv` the instruction mentions). `/tmp` and the verifier's directory are always included.
 */
export function sandboxOptionsFor(task: Task): SandboxOptions {
  const workdir = taskWorkdir(task);
  const directories = new Set<string>(['/tmp', VERIFIER_DIR]);
  const add = (path: string) => {
    const top = `/${path.split('/')[1] ?? ''}`;
    if (top !== '/' && !SYSTEM_DIRECTORIES.has(top)) directories.add(top);
  };
  for (const path of [...Object.keys(task.initialFiles), ...Object.keys(task.verifier.files ?? {})]) if (path.startsWith('/')) add(path);
  const verifierScripts = Object.entries(task.verifier.files ?? {}).filter(([path, content]) => isScript(path, content));
  const scripts = [task.instruction, task.setupScript ?? '', task.verifier.script, task.solution ?? '', ...verifierScripts.map(([, content]) => content)];
  for (const text of scripts) for (const match of text.matchAll(ABSOLUTE_PATH_IN_TEXT)) add(`/${match[1]}`);
  return { workdir, directories: [...directories].filter((directory) => !isWithin(directory, workdir)).sort() };
}

/** `/app/data` is within `/app`; `/application` is not. */
function isWithin(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

/** Scripts name paths; data files (fixtures, expected outputs) are not read for them. */
function isScript(path: string, content: string): boolean {
  return /\.(sh|bash|py)$/.test(path) || content.startsWith('#!');
}
