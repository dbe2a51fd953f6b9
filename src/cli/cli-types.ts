import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command writes: `out` for results (stdout), `err` for notes, warnings and errors (stderr). One line per call. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** The person typed something the command cannot take; `main` prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {}

/** A command or subcommand: the words that name it, its usage text (what `--help` prints), and what it does. */
export interface CliCommand {
  words: string[];
  /** One line for the overview. */
  summary: string;
  usage: string;
  run(argv: string[], output: CliOutput): Promise<number>;
}

/** Exit codes, the same for every command. */
export const EXIT = {
  /** It ran (a `run` with failed attempts still exits 0). */
  ok: 0,
  /** It ran and found a problem (a defect, a failed evolution), or `--out` is in use by another process. */
  failed: 1,
  /** Bad flags or input: nothing was done. */
  usage: 2,
  /** An evolution paused on its own (the model could not be reached, the time budget ran out): run it again to resume. */
  paused: 3,
  /** Interrupted (Ctrl-C) after writing what was finished. */
  interrupted: 130,
} as const;

/** `node:util` parseArgs, with its errors turned into usage errors that read well. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${/'([^']+)'/.exec(message)?.[1] ?? message}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${/'([^']+)'/.exec(message)?.[1] ?? message}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${/Option '(-[^ ']+)/.exec(message)?.[1] ?? 'an option'} needs a value`);
    throw error;
  }
}

/**
 * A numeric flag as the schema should see it: undefined when absent, a number when it reads as one, otherwise the text
 * itself, so the schema's message can quote what was typed.
 */
export function numericFlag(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return value.trim() !== '' && Number.isFinite(parsed) ? parsed : value;
}
