/**
 * A value made the first time it is asked for, then kept. The built-in tasks' generated data (logs, records, trees)
 * is made this way, from getters on the tasks' files, verifier and solution: the start page lists every task but
 * needs none of their data, and generating all of it as the modules loaded cost ~150 ms of its time to interactive
 * (bench B6). A run, the suite check, the suite's hash or an export reads the getters and gets the same data as ever.
 */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
