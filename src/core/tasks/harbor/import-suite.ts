import { parseJsonBounded } from '../../bounded-parse.js';
import { LIMITS, nestingMessage, valueDepthExceeds } from '../../limits.js';
import { normalizeTask } from '../task-schema.js';
import type { Task, TaskSuite } from '../types.js';
import { validateTask } from '../validate-task.js';
import { importHarborTask, importTerminalBenchTask, type TaskImport } from './import-task.js';
import { decodeFolderFiles, type FolderFiles, subFolder, taskIdFrom } from './task-folder.js';

/** A loaded suite and what could not be loaded, with why; unsupported tasks are never silently dropped. */
export interface ImportedSuite {
  suite: TaskSuite;
  unsupported: Array<{ task: string; reason: string }>;
  /** What the importer changed or skipped in tasks it did load (e.g. "apt-get install jq skipped"). */
  notes: Array<{ task: string; note: string }>;
}

export interface ImportSuiteOptions {
  /**
   * The folder's or zip's name: names the suite (unless a suite.json names it) and the task when the files are one
   * task folder at the top level.
   */
  name?: string;
  /** Overrides the suite id. */
  id?: string;
}

/**
 * Everything a user may point at, as one set of files: a directory of Harbor or Terminal-Bench task folders, a single
 * task folder, or a folder holding a `suite.json` (this app's own format). A task folder is any folder with a
 * `task.toml` (Harbor) or a `task.yaml` (Terminal-Bench); folders nested inside a task folder belong to it.
 */
export function importSuite(input: FolderFiles, options: ImportSuiteOptions = {}): ImportedSuite {
  const { files, binary, latin1 } = decodeFolderFiles(input);
  const name = options.name?.trim() || 'imported';
  const result: ImportedSuite = { suite: { id: options.id ?? taskIdFrom(name), name, tasks: [] }, unsupported: [], notes: [] };
  const seen = new Set<string>();
  const add = (loaded: Task) => {
    if (seen.has(loaded.id)) {
      result.unsupported.push({ task: loaded.id, reason: 'another task in this suite has the same id' });
      return;
    }
    seen.add(loaded.id);
    // Only the fields a task has, its time limits within the documented maximum.
    const { task, notes } = normalizeTask(loaded);
    for (const note of notes) result.notes.push({ task: task.id, note });
    result.suite.tasks.push(task);
  };

  // suite.json files, shallowest first (a zip often wraps everything in one top folder).
  const suiteFiles = [...files.keys()].filter((path) => /(^|\/)suite\.json$/.test(path)).sort((a, b) => depth(a) - depth(b));
  const suiteJson = suiteFiles.find((path) => depth(path) === depth(suiteFiles[0] ?? ''));
  if (suiteJson) {
    const parsed = parseSuiteJson(files.get(suiteJson)!, suiteJson);
    if ('error' in parsed) result.unsupported.push({ task: suiteJson, reason: parsed.error });
    else {
      if (parsed.name) result.suite.name = parsed.name;
      if (!options.id && parsed.id) result.suite.id = parsed.id;
      for (const entry of parsed.tasks) {
        const task = entry as Partial<Task> | undefined;
        const problems = valueDepthExceeds(task) ? [nestingMessage(`task "${String((task as { id?: unknown })?.id ?? '?').slice(0, 100)}"`)] : validateTask(task);
        if (problems.length) result.unsupported.push({ task: typeof task?.id === 'string' ? task.id.slice(0, 100) : '?', reason: problems.join('; ') });
        else add(task as Task);
      }
    }
  }

  for (const root of taskRoots([...files.keys()])) {
    const folderName = root ? root.slice(root.lastIndexOf('/') + 1) : name;
    const folder = subFolder({ files, binary, latin1 }, root, folderName);
    const imported: TaskImport = folder.files.has('task.toml') ? importHarborTask(folder) : importTerminalBenchTask(folder);
    if (!imported.ok) {
      result.unsupported.push({ task: imported.id, reason: imported.reason });
      continue;
    }
    const problems = validateTask(imported.task);
    if (problems.length) {
      result.unsupported.push({ task: imported.task.id, reason: problems.join('; ') });
      continue;
    }
    add(imported.task);
    for (const note of imported.notes) result.notes.push({ task: imported.task.id, note });
  }
  return result;
}

/** Folders holding a task.toml or task.yaml, outermost only, in path order. */
export function taskRoots(paths: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const path of paths) {
    const match = /^(?:(.*)\/)?task\.(toml|yaml)$/.exec(path);
    if (match) roots.add(match[1] ?? '');
  }
  const sorted = [...roots].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  const outer: string[] = [];
  for (const root of sorted) {
    if (!outer.some((parent) => parent === '' || root.startsWith(`${parent}/`))) outer.push(root);
  }
  return outer.sort();
}

function depth(path: string): number {
  return path ? path.split('/').length : 0;
}

function parseSuiteJson(text: string, path: string): { id?: string; name?: string; tasks: unknown[] } | { error: string } {
  const read = parseJsonBounded(text, path, LIMITS.suiteFileNestingDepth);
  if (!read.ok) return { error: read.message };
  const parsed = read.value as { id?: unknown; name?: unknown; tasks?: unknown } | null;
  if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.tasks)) return { error: `${path} has no "tasks" array` };
  // A suite's id and name are shown and used in keys: text only, of a readable length.
  const label = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined);
  return { id: label(parsed.id), name: label(parsed.name) ?? label(parsed.id), tasks: parsed.tasks };
}
