import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name inside an `--out` directory. */
export const LOCK_FILE = '.lock';

interface LockContent {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
  /** Tells this holder's lock from a later one that happens to carry the same pid. */
  token: string;
}

export interface OutLock {
  path: string;
  /** Removes the lock file if it is still this process's. */
  release(): Promise<void>;
}

export type LockAttempt =
  | { ok: true; lock: OutLock; /** The pid of a dead process whose lock was taken over. */ tookOverFrom?: number }
  | { ok: false; message: string; holder: { pid?: number; host?: string } };

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(path: string): Promise<Partial<LockContent> | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockContent>;
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return {}; // unreadable: nobody can be shown to hold it
  }
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Make sure only one process writes `directory`: create `<directory>/.lock` holding this process's pid, or say who
 * holds it. The file appears whole (written aside, then hard-linked into place, which fails if one exists), so a
 * reader never sees half a lock. A lock whose process is gone — killed, crashed, or a pid equal to ours left from an
 * earlier run — is taken over: renamed aside first, so two processes taking over at once cannot both win.
 * A lock from another host cannot be checked and counts as held.
 */
export async function lockOutDirectory(directory: string, command: string): Promise<LockAttempt> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, LOCK_FILE);
  const content: LockContent = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString(), token: randomUUID() };
  const staging = `${path}.${process.pid}.${content.token.slice(0, 8)}.new`;
  await writeFile(staging, `${JSON.stringify(content)}\n`);
  let tookOverFrom: number | undefined;
  try {
    for (let tries = 0; tries < 10; tries++) {
      try {
        await link(staging, path);
        return { ok: true, lock: { path, release: () => releaseLock(path, content.token) }, tookOverFrom };
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = await readLock(path);
      if (!holder) continue; // released meanwhile: try again
      const sameHost = holder.host === undefined || holder.host === content.host;
      const alive = typeof holder.pid === 'number' && holder.pid !== process.pid && (!sameHost || isRunning(holder.pid));
      if (alive) {
        const where = sameHost ? '' : ` on ${holder.host}`;
        return {
          ok: false,
          holder: { pid: holder.pid, host: holder.host },
          message:
            `${directory} is in use by another self-harness process (pid ${holder.pid}${where}${holder.command ? `, ${holder.command}` : ''}): its lock file is ${path}. ` +
            `Wait for it to end, use another --out, or delete ${path} if that process is gone.`,
        };
      }
      // Stale: move it aside, and only then look again at what was moved, in case someone else took over first.
      const aside = `${path}.${process.pid}.stale`;
      try {
        await rename(path, aside);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue;
        throw error;
      }
      const moved = await readLock(aside);
      if (moved?.token !== undefined && moved.token !== holder.token) {
        // We moved a fresh lock someone else had just taken; put it back (unless yet another exists) and look again.
        await link(aside, path).catch(() => undefined);
      } else {
        tookOverFrom = holder.pid;
      }
      await unlink(aside).catch(() => undefined);
    }
    throw new Error(`could not take the lock ${path}: it keeps changing`);
  } finally {
    await unlink(staging).catch(() => undefined);
  }
}

async function releaseLock(path: string, token: string): Promise<void> {
  const holder = await readLock(path);
  if (holder?.token === token) await unlink(path).catch(() => undefined);
}
