import type { Hook } from '../../harness/schema.js';
import { capText, LIMITS } from '../../limits.js';
import { formatShellOutput } from '../tools/shell.js';
import type { Processor } from './processor.js';

type RunShellHook = Extract<Hook, { processor: 'run_shell' }>;

/** Runs a snippet inside the sandbox, with the agent's current shell state; a non-zero exit is a failed check. */
export const runShell: Processor<RunShellHook> = async (hook, context) => {
  const result = await context.sandbox.exec(hook.params.command, {
    cwd: context.state.shell.cwd,
    env: context.state.shell.env,
    timeoutMs: context.timeoutMs,
    signal: context.signal,
  });
  const ok = result.exitCode === 0;
  // A hook printing 60 MB shows the agent its head and tail: hook output is bounded like tool output.
  const output = hook.params.showOutput === false
    ? `exit code: ${result.exitCode}`
    : formatShellOutput(capText(result.stdout, LIMITS.hookOutputChars, 'hook output'), capText(result.stderr, LIMITS.hookOutputChars, 'hook output'), result.exitCode);
  const header = !ok && hook.params.failMessage ? `${hook.params.failMessage}\n` : '';
  return { ok, message: `${header}[hook ${hook.id}: ${hook.params.command}]\n${output}` };
};
