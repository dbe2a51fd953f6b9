import { readFile } from 'node:fs/promises';
import { createDefaultHarness, type HarnessDocument } from '../core/harness/index.js';
import { parseHarnessFile } from '../core/share/snapshot.js';
import type { Task } from '../core/tasks/types.js';
import { type CliOutput, EXIT, UsageError } from './cli-types.js';
import { lockOutDirectory } from './out-lock.js';

/**
 * The harness in `path` — a bare harness (`harness-final.json`) or a snapshot file exported by the app
 * (`NAME.harness.json`, whose hash is checked) — checked against the harness schema; the default harness when no path
 * is given.
 */
export async function readHarnessFile(path: string | undefined): Promise<HarnessDocument> {
  if (!path) return createDefaultHarness();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --harness ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const parsed = await parseHarnessFile(text);
  if (!parsed.ok) throw new UsageError(`${path} is not a valid harness or harness snapshot:\n  ${parsed.errors.join('\n  ')}`);
  return parsed.harness;
}

/** The tasks named by `--tasks id,id` (in the suite's order), or every task; an unknown id is a usage error listing it. */
export function chooseTasks(tasks: readonly Task[], idsFlag: string | undefined): Task[] {
  if (idsFlag === undefined) return [...tasks];
  const wanted = idsFlag.split(',').map((id) => id.trim()).filter(Boolean);
  if (!wanted.length) throw new UsageError('--tasks needs task ids separated by commas');
  const known = new Set(tasks.map((task) => task.id));
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length) throw new UsageError(`--tasks: no task ${unknown.map((id) => JSON.stringify(id)).join(', ')} in this suite (it has ${tasks.length} tasks; \`self-harness tasks check <suite>\` lists them)`);
  return tasks.filter((task) => wanted.includes(task.id));
}

/**
 * Run `body` holding `<out>/.lock`, so no second process writes the same directory; the lock goes when `body` ends,
 * however it ends. When another live process holds it, says which and exits 1 without touching anything.
 */
export async function withOutLock(directory: string, command: string, { err }: CliOutput, body: () => Promise<number>): Promise<number> {
  const attempt = await lockOutDirectory(directory, command);
  if (!attempt.ok) {
    err(`self-harness: ${attempt.message}`);
    return EXIT.failed;
  }
  if (attempt.tookOverFrom !== undefined) err(`note: took over ${attempt.lock.path} from pid ${attempt.tookOverFrom}, which is no longer running`);
  try {
    return await body();
  } finally {
    await attempt.lock.release();
  }
}
