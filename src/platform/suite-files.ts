import { type ImportedSuite, importSuite } from '../core/tasks/harbor/index.js';
import { formatBytes, LIMITS } from '../core/limits.js';
import { planSuiteRead, SuiteTooLargeError, unzipSuite } from '../core/tasks/suite-archive.js';

/**
 * Task suites from what a user gives the page — a .zip, a picked folder, or a dropped folder — read into the
 * `Map<path, bytes>` the core importer takes. Harbor and Terminal-Bench task folders and this app's suite.json all
 * work; tasks the sandbox cannot run come back in `unsupported` with the reason.
 */
export type LoadedSuiteFiles = ImportedSuite;

/** One file with its path inside what the user picked (`tasks/csv-totals/task.toml`). */
export interface PathedFile {
  path: string;
  file: Blob;
}

/** A .zip of one task folder, a folder of task folders, or a suite.json. */
export async function loadSuiteFromZip(file: Blob): Promise<LoadedSuiteFiles> {
  const what = nameOf(file) ?? 'the zip';
  // Checked before the bytes are read: a multi-gigabyte file would not fit in the tab.
  if (file.size > LIMITS.suiteBytes) throw new SuiteTooLargeError(`${what} is ${formatBytes(file.size)}; a suite may hold at most ${formatBytes(LIMITS.suiteBytes)}`);
  const read = unzipSuite(new Uint8Array(await file.arrayBuffer()), what);
  const imported = importSuite(read.files, { name: nameOf(file)?.replace(/\.zip$/i, '') });
  return { ...imported, notes: [...read.notes, ...imported.notes] };
}

/**
 * Files from `<input type="file" webkitdirectory>` (paths from `webkitRelativePath`), or plain files. A single .zip
 * among them is read as a zip.
 */
export async function loadSuiteFromFileList(files: FileList | File[]): Promise<LoadedSuiteFiles> {
  const list = Array.from(files);
  if (list.length === 1 && /\.zip$/i.test(list[0].name)) return loadSuiteFromZip(list[0]);
  return loadSuiteFromPathedFiles(list.map((file) => ({ path: file.webkitRelativePath || file.name, file })));
}

/** Files with their paths, e.g. from a drop (see `filesFromDrop`). */
export async function loadSuiteFromPathedFiles(entries: readonly PathedFile[]): Promise<LoadedSuiteFiles> {
  if (entries.length === 1 && /\.zip$/i.test(entries[0].path)) return loadSuiteFromZip(entries[0].file);
  // Sizes first: nothing is read when the folder is past the limits, and a file too large is left out with a note.
  const plan = planSuiteRead(entries.map(({ path, file }) => ({ path, size: file.size })), 'the folder');
  const files = new Map<string, Uint8Array>();
  for (const { path, file } of entries) if (plan.read.has(path)) files.set(path, new Uint8Array(await file.arrayBuffer()));
  const imported = importSuite(files, { name: commonTopFolder(entries.map((entry) => entry.path)) });
  return { ...imported, notes: [...plan.notes, ...imported.notes] };
}

/** Everything dropped — files and whole folders, recursively — with paths relative to the drop. */
export async function filesFromDrop(dataTransfer: DataTransfer): Promise<PathedFile[]> {
  const roots = Array.from(dataTransfer.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((entry): entry is FileSystemEntry => Boolean(entry));
  if (!roots.length) return Array.from(dataTransfer.files).map((file) => ({ path: file.name, file }));
  const out: PathedFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      if (out.length >= LIMITS.suiteFiles) throw new SuiteTooLargeError(`the dropped folder holds more than ${LIMITS.suiteFiles} files, the most a suite may have`);
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ path, file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries returns the listing in batches; an empty batch ends it.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child, path);
      }
    }
  };
  for (const root of roots) await walk(root, '');
  return out;
}

function nameOf(file: Blob): string | undefined {
  return 'name' in file && typeof file.name === 'string' ? file.name : undefined;
}

/** `tasks` for `tasks/a/x` and `tasks/b/y`; undefined when the paths do not share one top folder. */
function commonTopFolder(paths: readonly string[]): string | undefined {
  const tops = new Set(paths.map((path) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '')));
  const [top] = tops;
  return tops.size === 1 && top ? top : undefined;
}
