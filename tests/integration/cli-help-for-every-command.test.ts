import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../../src/cli/main.js';
import { startCli } from '../fixtures/self-harness-cli.js';

/** `self-harness evolve --help` printed "Unknown option '--help'" and exited 2. Every command now answers -h / --help. */

async function inProcess(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (line) => out.push(line), (line) => err.push(line));
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('--help', () => {
  it('`self-harness evolve --help` prints evolve\'s usage and exits 0 (the reported bug, as a real process)', async () => {
    const { code, stdout, stderr } = await startCli(['evolve', '--help']).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^self-harness evolve --suite /);
    expect(stdout).toMatch(/--split 0\.5,0\.25,0\.25/);
    const short = await startCli(['run', '-h']).done;
    expect(short.code).toBe(0);
    expect(short.stdout).toMatch(/^self-harness run --suite /);
  }, 60_000);

  it.each(COMMANDS.flatMap((command) => ['--help', '-h'].map((flag) => [command.words.join(' '), flag] as const)))('`self-harness %s %s` prints its usage and exits 0', async (words, flag) => {
    const command = COMMANDS.find((item) => item.words.join(' ') === words)!;
    const result = await inProcess([...command.words, flag]);
    expect(result).toEqual({ code: 0, stdout: command.usage, stderr: '' });
    // Help wins over anything else on the line, even flags that would be wrong.
    expect(await inProcess([...command.words, '--no-such-flag', flag])).toEqual({ code: 0, stdout: command.usage, stderr: '' });
    expect(await inProcess(['help', ...command.words])).toEqual({ code: 0, stdout: command.usage, stderr: '' });
  });

  it('every usage names its command and lists -h, --help', () => {
    for (const command of COMMANDS) {
      expect(command.usage.startsWith(`self-harness ${command.words.join(' ')} `)).toBe(true);
      expect(command.usage).toMatch(/-h, --help/);
    }
  });

  it('the group `tasks` and the program itself answer too', async () => {
    for (const argv of [['tasks', '--help'], ['tasks', '-h'], ['help', 'tasks']]) {
      const result = await inProcess(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^self-harness tasks <check\|export\|import>/);
    }
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      const result = await inProcess(argv);
      expect(result.code).toBe(0);
      for (const command of COMMANDS) expect(result.stdout).toContain(`self-harness ${command.words.join(' ')} `);
    }
  });

  it('an unknown command or subcommand is a usage error (exit 2) that shows what exists', async () => {
    const unknown = await inProcess(['evolv']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^self-harness: unknown command: evolv\n/);
    expect(unknown.stderr).toContain('self-harness evolve --suite');
    const subcommand = await inProcess(['tasks', 'verify', 'builtin']);
    expect(subcommand.code).toBe(2);
    expect(subcommand.stderr).toMatch(/^self-harness: unknown tasks subcommand: verify\n/);
    const option = await inProcess(['evolve', '--suite', 'builtin', '--atempts', '2']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^self-harness: unknown option --atempts\n/);
  });
});
