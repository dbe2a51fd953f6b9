import { InMemoryFs } from 'just-bash';

/** What changed in a file system since the changes were last taken. */
export type FileSystemChanges =
  /** Anything may have changed: only a full listing tells. */
  | { kind: 'unknown' }
  /** Only these paths (files, or directories with everything under them) may differ. */
  | { kind: 'paths'; paths: string[] };

/** Methods that only read; every other call is a change. */
const READS = new Set([
  'readFile',
  'readFileBytes',
  'readFileBuffer',
  'exists',
  'stat',
  'lstat',
  'readdir',
  'readdirWithFileTypes',
  'resolvePath',
  'getAllPaths',
  'readlink',
  'realpath',
]);

/** Which of a changing call's arguments are the paths it changes; a directory argument stands for all under it. */
const CHANGED_PATHS: Record<string, (args: unknown[]) => unknown[]> = {
  writeFile: (args) => [args[0]],
  appendFile: (args) => [args[0]],
  chmod: (args) => [args[0]],
  utimes: (args) => [args[0]],
  rm: (args) => [args[0]],
  cp: (args) => [args[1]],
  mv: (args) => [args[0], args[1]],
  // An empty directory holds no file, and snapshots keep files only.
  mkdir: () => [],
};

/** `/a//b/./c/..` → `/a/b`; undefined for a path that is not absolute. */
function normalizedAbsolute(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * just-bash's in-memory file system, noting which paths every write, removal, copy or move touches, so a snapshot
 * before each command re-reads only those instead of every file (issue 12, B3/B4: the full snapshot cost ~10 ms a
 * command in the CLI's sandbox thread). It errs on the safe side: a call it does not know, a relative path, or a link
 * (a write through a hard or symbolic link changes another path too) makes the next changes `unknown`, and after a
 * link every later one as well.
 */
export function createChangeTrackingFs(): { fs: InMemoryFs; takeChanges(): FileSystemChanges; startTracking(): void } {
  const target = new InMemoryFs();
  const paths = new Set<string>();
  let tracking = false;
  let unknown = false;
  let linked = false;
  const changed = (method: string, args: unknown[]) => {
    if (!tracking) return;
    if (method === 'symlink' || method === 'link') linked = true;
    const pick = CHANGED_PATHS[method];
    if (!pick) {
      unknown = true;
      return;
    }
    for (const path of pick(args)) {
      const normalized = normalizedAbsolute(path);
      if (normalized === undefined) unknown = true;
      else paths.add(normalized);
    }
  };
  const fs = new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (READS.has(property)) return value.bind(object);
      return (...args: unknown[]) => {
        changed(property, args);
        return (value as (...parameters: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return {
    fs,
    /** From here on changes count; what the interpreter writes while it starts is the same in every sandbox. */
    startTracking: () => {
      tracking = true;
    },
    takeChanges(): FileSystemChanges {
      const changes: FileSystemChanges = unknown || linked ? { kind: 'unknown' } : { kind: 'paths', paths: [...paths].sort() };
      paths.clear();
      unknown = false;
      return changes;
    },
  };
}
