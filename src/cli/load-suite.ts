import { readdir, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatBytes, LIMITS } from '../core/limits.js';
import { builtinSuite } from '../core/tasks/builtin/index.js';
import { importSuite } from '../core/tasks/harbor/index.js';
import { planSuiteRead, type SuiteFilesRead, unzipSuite } from '../core/tasks/suite-archive.js';
import type { TaskSuite } from '../core/tasks/types.js';

export interface LoadedSuite {
  suite: TaskSuite;
  /** Tasks that could not be loaded, with why; never silently dropped. */
  unsupported: Array<{ task: string; reason: string }>;
  /** What the importer changed or skipped in tasks it did load. */
  notes: Array<{ task: string; note: string }>;
}

/** Folders never part of a task, and too large to read for nothing. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '__pycache__', '.venv']);

/**
 * `builtin`; a `suite.json` file (this app's format); a `.zip`; or a directory: a folder of Harbor or Terminal-Bench
 * task folders, a single task folder, or a folder holding a suite.json. Folders go through the same core importer
 * the page uses, as a Map of path → bytes.
 */
export async function loadSuite(spec: string): Promise<LoadedSuite> {
  if (spec === 'builtin') return { suite: builtinSuite, unsupported: [], notes: [] };
  const info = await stat(spec).catch(() => undefined);
  if (!info) throw new Error(`suite not found: ${spec} (give "builtin", a directory, a .zip or a suite.json file)`);
  const name = basename(spec).replace(/\.(zip|json)$/i, '');
  let read: SuiteFilesRead;
  if (info.isDirectory()) read = await readDirectory(spec);
  else if (/\.zip$/i.test(spec)) read = unzipSuite(new Uint8Array(await readFile(spec)), spec);
  else {
    if (info.size > LIMITS.suiteBytes) throw new Error(`${spec} is ${formatBytes(info.size)}; a suite may hold at most ${formatBytes(LIMITS.suiteBytes)}`);
    read = { files: new Map([['suite.json', new Uint8Array(await readFile(spec))]]), notes: [] };
  }
  const imported = importSuite(read.files, { name });
  if (!imported.suite.tasks.length && !imported.unsupported.length) {
    throw new Error(`no tasks in ${spec}: expected task folders (task.toml or task.yaml) or a suite.json`);
  }
  return { ...imported, notes: [...read.notes, ...imported.notes] };
}

const SLASH = Buffer.from('/');
const utf8Name = new TextDecoder('utf-8', { fatal: true });

/**
 * Every file under `root`, path relative to it with `/` separators → bytes, within the suite limits (sizes are
 * checked before any file is read). Names are read as the bytes they are: a name that is not UTF-8 would come back
 * from a string `readdir` with replacement characters and then not be found (ENOENT); such a file is left out with a
 * note, and the rest of the suite loads.
 */
export async function readDirectory(root: string): Promise<SuiteFilesRead> {
  const found: Array<{ path: string; bytesPath: Buffer; size: number }> = [];
  const notes: SuiteFilesRead['notes'] = [];
  const walk = async (dir: Buffer, relative: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true, encoding: 'buffer' })) {
      // Past the limit the count is already refused; no need to list the rest of the tree.
      if (found.length > LIMITS.suiteFiles) return;
      const rawName = entry.name as unknown as Buffer;
      let name: string;
      try {
        name = utf8Name.decode(rawName);
      } catch {
        const shown = `${relative}${new TextDecoder().decode(rawName)}`;
        notes.push({ task: shown, note: 'left out: its name is not UTF-8 text' });
        continue;
      }
      const path = Buffer.concat([dir, SLASH, rawName]);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(name)) await walk(path, `${relative}${name}/`);
      } else if (entry.isFile()) {
        found.push({ path: `${relative}${name}`, bytesPath: path, size: (await stat(path)).size });
      }
    }
  };
  await walk(Buffer.from(root), '');
  const plan = planSuiteRead(found, root);
  const files = new Map<string, Uint8Array>();
  for (const file of found) if (plan.read.has(file.path)) files.set(file.path, new Uint8Array(await readFile(file.bytesPath)));
  return { files, notes: [...notes, ...plan.notes] };
}
