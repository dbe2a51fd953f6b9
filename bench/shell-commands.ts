// B1's commands and the files they work on: the same in just-bash (Node and the page's worker) and in native bash.
// Pure data, imported by the Node side and by the bench page in Chromium.

export interface BenchCommand {
  /** What the row is called in the results: the kind of work, as the issue lists them. */
  name: string;
  command: string;
}

export const SHELL_COMMANDS: readonly BenchCommand[] = [
  { name: 'echo', command: 'echo hello world' },
  { name: 'grep', command: "grep -c 'ERROR' app.log" },
  { name: 'sed', command: "sed -n 's/^line 999 /last: /p' lines.txt" },
  { name: 'awk', command: "awk '{ s += $3 } END { print s }' lines.txt" },
  { name: 'jq', command: "jq '[.users[] | select(.active)] | length' users.json" },
  { name: 'sort | uniq', command: 'sort words.txt | uniq -c' },
  { name: 'find', command: "find tree -name '*.txt' | sort" },
  { name: 'ls', command: 'ls -la tree/a' },
  { name: 'a loop', command: 'total=0; for i in $(seq 1 200); do total=$((total + i)); done; echo $total' },
  { name: '4-stage pipe', command: "grep ERROR app.log | cut -d' ' -f3 | sort | uniq -c" },
  { name: 'wc', command: 'wc -l lines.txt app.log' },
  { name: 'head | tail', command: 'head -n 600 lines.txt | tail -n 2' },
];

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'omicron', 'pi', 'rho', 'sigma', 'tau', 'upsilon'];
const LEVELS = ['INFO', 'INFO', 'WARN', 'ERROR', 'INFO', 'DEBUG'];
const SERVICES = ['api', 'db', 'cache', 'auth', 'queue'];

/** The working directory's files, relative paths → content (deterministic). */
export function shellFixtureFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'lines.txt': `${Array.from({ length: 1000 }, (_, index) => `line ${index} ${index * 7}`).join('\n')}\n`,
    'app.log': `${Array.from({ length: 500 }, (_, index) => `2026-11-0${(index % 9) + 1}T10:00:${String(index % 60).padStart(2, '0')} ${LEVELS[index % LEVELS.length]} ${SERVICES[(index * 7) % SERVICES.length]} request ${index} took ${(index * 13) % 900} ms`).join('\n')}\n`,
    'words.txt': `${Array.from({ length: 1000 }, (_, index) => WORDS[(index * 7 + (index >> 3)) % WORDS.length]).join('\n')}\n`,
    'users.json': JSON.stringify({ users: Array.from({ length: 200 }, (_, index) => ({ id: index, name: `user${index}`, active: index % 3 === 0, roles: index % 5 === 0 ? ['admin'] : ['user'] })) }, null, 2),
  };
  for (const directory of ['a', 'b', 'c', 'a/deep', 'b/deeper/still']) {
    for (let index = 0; index < 8; index++) files[`tree/${directory}/file-${index}.${index % 2 ? 'txt' : 'md'}`] = `${directory} ${index}\n`;
  }
  return files;
}

/**
 * What must agree between native bash and just-bash: the text with runs of blanks collapsed (`uniq -c` and `wc` pad
 * their counts to other widths); for `ls -la` only the names, since owners, sizes and dates differ between a real file
 * system and just-bash's in-memory one, and just-bash marks directories with a trailing `/`.
 */
export function comparableOutput(name: string, stdout: string): string {
  const lines = stdout.trim().split('\n').map((line) => line.trim().replace(/\s+/g, ' '));
  if (name !== 'ls') return lines.join('\n');
  return lines
    .map((line) => (line.split(' ').at(-1) ?? '').replace(/\/$/, ''))
    .filter((entry) => entry && entry !== '.' && entry !== '..' && !/^\d+$/.test(entry))
    .sort()
    .join('\n');
}
