import { JustBashSandbox } from './just-bash-sandbox.js';
import type { SandboxWorkerApi, SnapshotEntry } from './restartable-sandbox.js';

/** Directories that belong to the interpreter, not to the task. */
const SYSTEM_DIRS = new Set(['/dev', '/proc']);
/** The placeholder just-bash keeps in /bin and /usr/bin for each of its commands; a task's own tools there are kept. */
const BUILT_IN_COMMAND = /^#!\/bin\/bash\n# Built-in command: [^\n]*\n$/;

/** What a sandbox worker exposes (through comlink in the page, through worker_threads messages in Node). */
export function createSandboxWorkerApi(sandbox = new JustBashSandbox()): SandboxWorkerApi {
  return {
    exec: (command, options) => sandbox.exec(command, options),
    readFile: (path) => sandbox.readFile(path),
    writeFile: (path, content) => sandbox.writeFile(path, content),
    exists: (path) => sandbox.exists(path),
    listFiles: (dir) => sandbox.listFiles(dir),
    exportTree: (dir) => sandbox.exportTree(dir),
    async snapshot(): Promise<SnapshotEntry[]> {
      const paths = (await sandbox.listFiles('/')).filter((path) => !SYSTEM_DIRS.has(`/${path.split('/')[1]}`));
      const entries = await Promise.all(
        paths.map(async (path): Promise<SnapshotEntry> => {
          const content = await sandbox.readFile(path);
          return (await sandbox.isExecutable(path)) ? { path, content, executable: true } : { path, content };
        }),
      );
      return entries.filter((entry) => !BUILT_IN_COMMAND.test(entry.content));
    },
    async restore(entries) {
      for (const entry of entries) {
        await sandbox.writeFile(entry.path, entry.content);
        if (entry.executable) await sandbox.makeExecutable(entry.path);
      }
    },
  };
}
