/**
 * A task folder as plain data — path (relative to the folder, `/`-separated) → text — so the same importer serves
 * the CLI (a directory on disk), the page (a dropped folder or a .zip) and tests (a literal Map).
 */
export interface TaskFolder {
  /** The folder's own name; it becomes the task id. */
  name: string;
  files: ReadonlyMap<string, string>;
  /** Paths whose bytes are not UTF-8 text; a task cannot carry them (initial files and verifier files are text). */
  binary: ReadonlySet<string>;
  /** Text files that were not UTF-8 and were read as Windows-1252 (Latin-1) instead; the importer notes them. */
  latin1?: ReadonlySet<string>;
}

/** What a loader hands the importer: path → text or raw bytes, paths relative to what the user picked. */
export type FolderFiles = ReadonlyMap<string, string | Uint8Array>;

/** Files that tools add to archives and folders and that are never part of a task. */
const JUNK = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|\.git\/)/;

/** `./a\b//c` → `a/b/c`; undefined for junk such as `__MACOSX/…` or `.DS_Store`. */
export function normalizeFolderPath(path: string): string | undefined {
  const clean = path.replace(/\\/g, '/').split('/').filter((part) => part !== '' && part !== '.').join('/');
  if (!clean || JUNK.test(clean) || clean.split('/').includes('..')) return undefined;
  return clean;
}

/** Decode bytes as UTF-8; undefined when they are not text (invalid UTF-8 or a NUL byte). */
export function decodeText(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return text.includes('\u0000') ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * Files written by people in an editor, which may be saved in an older single-byte encoding: when such a file is not
 * UTF-8 (and has no NUL byte, so it is not binary) it is read as Windows-1252, the superset of Latin-1 editors use.
 */
const PROSE_FILE = /(^|\/)instruction\.md$/i;

/** Normalize paths and decode contents; binary files are kept by name only. */
export function decodeFolderFiles(files: FolderFiles): { files: Map<string, string>; binary: Set<string>; latin1: Set<string> } {
  const text = new Map<string, string>();
  const binary = new Set<string>();
  const latin1 = new Set<string>();
  for (const [rawPath, content] of files) {
    const path = normalizeFolderPath(rawPath);
    if (!path) continue;
    if (typeof content === 'string') text.set(path, content);
    else {
      const decoded = decodeText(content);
      if (decoded !== undefined) text.set(path, decoded);
      else if (PROSE_FILE.test(path) && !content.includes(0)) {
        text.set(path, new TextDecoder('windows-1252').decode(content));
        latin1.add(path);
      } else binary.add(path);
    }
  }
  return { files: text, binary, latin1 };
}

/** The files under `prefix/` (or all, for ''), with the prefix removed. */
export function subFolder(folder: Pick<TaskFolder, 'files' | 'binary' | 'latin1'>, prefix: string, name: string): TaskFolder {
  const strip = (path: string) => (prefix ? (path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined) : path);
  const files = new Map<string, string>();
  const binary = new Set<string>();
  const latin1 = new Set<string>();
  for (const path of folder.latin1 ?? []) {
    const inner = strip(path);
    if (inner !== undefined) latin1.add(inner);
  }
  for (const [path, content] of folder.files) {
    const inner = strip(path);
    if (inner !== undefined) files.set(inner, content);
  }
  for (const path of folder.binary) {
    const inner = strip(path);
    if (inner !== undefined) binary.add(inner);
  }
  return { name, files, binary, latin1 };
}

/** `My Task_2` → `my-task-2`: a valid task id from a folder name. */
export function taskIdFrom(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return id || 'task';
}
