import { JustBashSandbox } from './just-bash-sandbox.js';
import type { SandboxWorkerApi, SnapshotChanges, SnapshotEntry } from './restartable-sandbox.js';

/** Directories that belong to the interpreter, not to the task. */
const SYSTEM_DIRS = new Set(['/dev', '/proc']);
/** The placeholder just-bash keeps in /bin and /usr/bin for each of its commands; a task's own tools there are kept. */
const BUILT_IN_COMMAND = /^#!\/bin\/bash\n# Built-in command: [^\n]*\n$/;

const isSystemPath = (path: string) => SYSTEM_DIRS.has(`/${path.split('/')[1]}`);

/** The task's files at or under `root` (`/` for all), as a snapshot keeps them. */
async function readFiles(sandbox: JustBashSandbox, root: string): Promise<SnapshotEntry[]> {
  const paths = ((await sandbox.isDirectory(root)) ? await sandbox.listFiles(root) : [root]).filter((path) => !isSystemPath(path));
  const entries = await Promise.all(
    paths.map(async (path): Promise<SnapshotEntry> => {
      const content = await sandbox.readFile(path);
      return (await sandbox.isExecutable(path)) ? { path, content, executable: true } : { path, content };
    }),
  );
  return entries.filter((entry) => !BUILT_IN_COMMAND.test(entry.content));
}

/**
 * What a sandbox worker exposes (through comlink in the page, through worker_threads messages in Node): one just-bash
 * sandbox, which `reset` replaces with an empty one so that a worker can serve the next task attempt.
 */
export function createSandboxWorkerApi(): SandboxWorkerApi {
  let sandbox = new JustBashSandbox();
  return {
    exec: (command, options) => sandbox.exec(command, options),
    readFile: (path) => sandbox.readFile(path),
    writeFile: (path, content) => sandbox.writeFile(path, content),
    exists: (path) => sandbox.exists(path),
    listFiles: (dir) => sandbox.listFiles(dir),
    exportTree: (dir) => sandbox.exportTree(dir),
    async snapshot({ complete = false } = {}): Promise<SnapshotChanges> {
      const changes = sandbox.takeFileChanges();
      if (complete || changes.kind === 'unknown') return { complete: true, removed: [], entries: await readFiles(sandbox, '/') };
      const entries: SnapshotEntry[] = [];
      for (const path of changes.paths) {
        if (isSystemPath(path) || !(await sandbox.exists(path))) continue;
        entries.push(...(await readFiles(sandbox, path)));
      }
      // Each changed path is dropped with everything under it, then what is there now is put back.
      return { complete: false, removed: changes.paths, entries };
    },
    async restore(entries) {
      for (const entry of entries) {
        await sandbox.writeFile(entry.path, entry.content);
        if (entry.executable) await sandbox.makeExecutable(entry.path);
      }
      // The caller holds exactly these files: its next snapshot needs only what changes from here.
      sandbox.takeFileChanges();
    },
    async reset() {
      // A new interpreter with a new file system: nothing of the last attempt (files, cwd, env, functions) is left.
      sandbox = new JustBashSandbox();
    },
  };
}
