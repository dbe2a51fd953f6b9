import { type CliCommand, type CliOutput, EXIT, UsageError } from './cli-types.js';
import { evolveCommand } from './evolve-command.js';
import { runCommand } from './run-command.js';
import { redactForOutput } from './secrets.js';
import { tasksCheckCommand, tasksExportCommand, tasksImportCommand } from './tasks-commands.js';

/** Every command, in the order the overview lists them. */
export const COMMANDS: CliCommand[] = [tasksCheckCommand, tasksExportCommand, tasksImportCommand, runCommand, evolveCommand];

/** Groups of subcommands (`tasks`): `self-harness tasks --help` lists what is in them. */
const GROUPS: Record<string, string> = {
  tasks: 'check, export and import task suites (built-in, Harbor, Terminal-Bench, suite.json)',
};

const EXIT_CODES = `Exit codes: 0 it ran (a run with failed attempts too); 1 a defect, a failed evolution, or --out in use by
another process; 2 bad flags or input; 3 an evolution paused because the model could not be reached or its time
budget ran out (run the same command again to resume); 130 interrupted by Ctrl-C.`;

const listing = (commands: CliCommand[]) => commands.map((command) => `  ${command.usage.split('\n')[0]}\n      ${command.summary}`);

const overview = () =>
  ['self-harness — Self-Harness Studio on the command line', '', ...listing(COMMANDS), '', "Run `self-harness <command> --help` (or -h) for a command's flags.", '', EXIT_CODES].join('\n');

function groupUsage(group: string): string {
  const members = COMMANDS.filter((command) => command.words[0] === group);
  return [`self-harness ${group} <${members.map((command) => command.words[1]).join('|')}> — ${GROUPS[group]}`, '', ...listing(members), '', `Run \`self-harness ${group} <subcommand> --help\` for its flags.`].join('\n');
}

/** `--help` or `-h` before a `--` asks for help, wherever it stands. */
const asksForHelp = (argv: string[]) => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
};

/** The command named by the leading words of `argv`, and the arguments after them. */
function resolve(words: string[]): { command?: CliCommand; group?: string; rest: string[] } {
  for (const command of COMMANDS) {
    if (command.words.every((word, index) => words[index] === word)) return { command, rest: words.slice(command.words.length) };
  }
  if (GROUPS[words[0]]) return { group: words[0], rest: words.slice(1) };
  return { rest: words };
}

export async function main(
  argv: string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  // Whatever a command prints, a key it was given (or a server echoed) never reaches the terminal or a log.
  const output: CliOutput = { out: (line) => out(redactForOutput(line)), err: (line) => err(redactForOutput(line)) };
  const [first] = argv;
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    // `self-harness help evolve` is `self-harness evolve --help`.
    const { command, group } = first === 'help' ? resolve(argv.slice(1)) : {};
    out(command ? command.usage : group ? groupUsage(group) : overview());
    return EXIT.ok;
  }
  const { command, group, rest } = resolve(argv);
  if (!command) {
    if (group && asksForHelp(rest) && !rest.filter((arg) => !arg.startsWith('-')).length) {
      out(groupUsage(group));
      return EXIT.ok;
    }
    output.err(`self-harness: ${group ? `unknown ${group} subcommand: ${rest[0] ?? '(none)'}` : `unknown command: ${first}`}`);
    output.err(group ? groupUsage(group) : overview());
    return EXIT.usage;
  }
  if (asksForHelp(rest)) {
    out(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, output);
  } catch (error) {
    output.err(`self-harness: ${(error as Error).message}`);
    if (error instanceof UsageError) output.err(`\n${command.usage}`);
    return EXIT.usage;
  }
}
