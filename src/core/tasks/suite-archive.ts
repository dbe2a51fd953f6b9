import { unzipSync } from 'fflate';
import { formatBytes, formatCount, LIMITS } from '../limits.js';

/**
 * Files of a suite as a loader reads them (a zip, a folder on disk, a folder picked in the page), within the limits:
 * at most `LIMITS.suiteFiles` files and `LIMITS.suiteBytes` bytes in all, no file above `LIMITS.taskFileBytes`.
 * Sizes are checked before anything is read or inflated, so a 4 MB zip bomb that expands to gigabytes is refused
 * from its directory alone. A file too large is left out with a note; too many files or bytes refuse the whole input
 * with a message that names the limit.
 */
export interface SuiteFilesRead {
  files: Map<string, Uint8Array>;
  /** Files left out, and why (`{task: path, note}`, as the importer's notes are shaped). */
  notes: Array<{ task: string; note: string }>;
}

export class SuiteTooLargeError extends Error {
  override name = 'SuiteTooLargeError';
}

/** A file to read, by its path and the size it declares, before its bytes are read. */
export interface SizedEntry {
  path: string;
  size: number;
}

/**
 * Which entries to read: the ones within the per-file limit. Throws `SuiteTooLargeError` when the entries (all of
 * them, as declared) pass the count or total-size limit.
 */
export function planSuiteRead(entries: readonly SizedEntry[], what: string): { read: Set<string>; notes: SuiteFilesRead['notes'] } {
  const files = entries.filter((entry) => !entry.path.endsWith('/'));
  if (files.length > LIMITS.suiteFiles) {
    throw new SuiteTooLargeError(`${what} holds ${formatCount(files.length)} files; a suite may have at most ${formatCount(LIMITS.suiteFiles)}`);
  }
  // Every declared byte counts, read or not: the input as a whole is what is too large.
  const total = files.reduce((sum, entry) => sum + entry.size, 0);
  if (total > LIMITS.suiteBytes) {
    throw new SuiteTooLargeError(`${what} expands to ${formatBytes(total)}; a suite may hold at most ${formatBytes(LIMITS.suiteBytes)}`);
  }
  const read = new Set<string>();
  const notes: SuiteFilesRead['notes'] = [];
  for (const entry of files) {
    if (entry.size > LIMITS.taskFileBytes) notes.push({ task: entry.path, note: `left out: ${formatBytes(entry.size)} is above the limit of one task file (${formatBytes(LIMITS.taskFileBytes)})` });
    else read.add(entry.path);
  }
  return { read, notes };
}

/**
 * The files of a zip, within the limits. The central directory is read first (fflate's filter sees each entry's
 * declared size without inflating it); inflation writes into a buffer of the declared size and no further, so the
 * declared sizes bound what is produced.
 */
export function unzipSuite(bytes: Uint8Array, what = 'the zip'): SuiteFilesRead {
  if (bytes.length > LIMITS.suiteBytes) throw new SuiteTooLargeError(`${what} is ${formatBytes(bytes.length)}; a suite may hold at most ${formatBytes(LIMITS.suiteBytes)}`);
  const entries: SizedEntry[] = [];
  try {
    unzipSync(bytes, {
      filter: (file) => {
        entries.push({ path: file.name, size: file.originalSize });
        if (entries.length > LIMITS.suiteFiles + 1) throw new SuiteTooLargeError(`${what} holds more than ${formatCount(LIMITS.suiteFiles)} files, the most a suite may have`);
        return false;
      },
    });
  } catch (error) {
    if (error instanceof SuiteTooLargeError) throw error;
    throw new Error(`${what} is not a readable .zip file: ${(error as Error).message}`);
  }
  const plan = planSuiteRead(entries, what);
  let inflated: Record<string, Uint8Array>;
  try {
    inflated = unzipSync(bytes, { filter: (file) => plan.read.has(file.name) });
  } catch (error) {
    throw new Error(`${what} is not a readable .zip file: ${(error as Error).message}`);
  }
  return { files: new Map(Object.entries(inflated).filter(([path]) => !path.endsWith('/'))), notes: plan.notes };
}
