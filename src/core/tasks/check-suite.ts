import { unmetRequirements } from '../sandbox/capabilities.js';
import { isSandboxUnavailable } from '../sandbox/types.js';
import type { SandboxFactory } from '../sandbox/types.js';
import { createOracleModel, oracleHarness } from './oracle-agent.js';
import { runTask, type TaskRunResult } from './run-task.js';
import { sandboxOptionsFor } from './task-paths.js';
import type { Task } from './types.js';
import { validateTask } from './validate-task.js';

export interface TaskCheck {
  task: string;
  ok: boolean;
  /** Empty when ok. */
  reason: string;
  /** The task needs something this sandbox lacks: not a defect of the task, but it cannot be checked here. */
  unsupported?: boolean;
  /** The sandbox itself failed (its worker could not load or died): the task was not judged; `reason` says why. */
  sandboxFailed?: boolean;
  durationMs: number;
}

export interface SuiteCheckReport {
  tasks: number;
  ok: number;
  defects: Array<{ task: string; reason: string }>;
  unsupported: Array<{ task: string; reason: string }>;
  /** Set when the check stopped because the sandbox itself failed: its error text. The rest was not checked. */
  sandboxFailure?: string;
}

/**
 * Soundness of one task: its shape is valid, the agent that does nothing fails it, and the reference solution —
 * played as the agent by the oracle (`oracle-agent.ts`), one shell call through `runTask` — passes it. So the check
 * takes the path every agent takes: the task's own working directory and environment, its unrewritten solution,
 * the shell tool, and the verifier only after the agent ends. Each attempt runs in a fresh sandbox.
 */
export async function checkTask(task: Task, createSandbox: SandboxFactory): Promise<TaskCheck> {
  const started = Date.now();
  const result = (reason: string): TaskCheck => ({ task: task.id, ok: !reason, reason, durationMs: Date.now() - started });
  const problems = validateTask(task);
  if (problems.length) return result(problems.join('; '));
  if (!task.solution) return result('no reference solution');
  try {
    const first = await createSandbox(sandboxOptionsFor(task));
    const unmet = unmetRequirements(task.requires, first);
    if (unmet) {
      await first.dispose();
      return { ...result(unmet), unsupported: true };
    }
    const untouched = await runAsOracle(task, undefined, async () => first);
    if (untouched.run.sandboxUnavailable) return { ...result(untouched.run.sandboxUnavailable), ok: false, sandboxFailed: true };
    if (untouched.run.outcome === 'pass') return result('the verifier passes on the untouched initial state');
    if (!untouched.run.verifier) return result(untouched.run.reason);

    const solved = await runAsOracle(task, task.solution, createSandbox);
    if (solved.run.sandboxUnavailable) return { ...result(solved.run.sandboxUnavailable), ok: false, sandboxFailed: true };
    if (solved.solution && solved.solution.exitCode !== 0) {
      return result(`the reference solution exits with ${solved.solution.exitCode}: ${solved.solution.output.trim().slice(-300)}`);
    }
    if (solved.run.outcome === 'pass') return result('');
    if (!solved.run.verifier) return result(solved.run.reason);
    const verdict = solved.run.verifier;
    return result(`the verifier fails on the reference solution (exit ${verdict.exitCode}): ${(verdict.stdout + verdict.stderr).trim().slice(0, 300)}`);
  } catch (error) {
    if (isSandboxUnavailable(error)) return { ...result(error.message), ok: false, sandboxFailed: true };
    return result(`check crashed: ${(error as Error).message}`);
  }
}

/** One attempt with the oracle as the agent; also what its shell call (the solution) exited with and printed. */
async function runAsOracle(
  task: Task,
  solution: string | undefined,
  createSandbox: SandboxFactory,
): Promise<{ run: TaskRunResult; solution?: { exitCode: number; output: string } }> {
  let ran: { exitCode: number; output: string } | undefined;
  const run = await runTask({
    task,
    harness: oracleHarness(task),
    harnessHash: 'oracle',
    model: createOracleModel(solution),
    createSandbox,
    onEvent: (event) => {
      if (event.type === 'tool-result' && event.tool === 'shell') ran = { exitCode: event.exitCode ?? 1, output: shownError(event.output) };
    },
  });
  return { run, solution: ran };
}

/** What a failed solution said: its stderr when it printed any, else everything the shell tool showed. */
function shownError(output: string): string {
  const stderr = output.indexOf('\nstderr:\n');
  return stderr >= 0 ? output.slice(stderr + '\nstderr:\n'.length) : output;
}

/**
 * The report for the checks done so far: each task is ok, a defect, or unsupported here (with the tasks the loader
 * already found unsupported listed first). A check the sandbox itself failed is none of these; it is the report's
 * `sandboxFailure`. The CLI and the page's "Check every task" both count with this.
 */
export function summarizeChecks(tasks: number, checks: readonly TaskCheck[], unsupportedAtLoad: SuiteCheckReport['unsupported'] = []): SuiteCheckReport {
  const judged = checks.filter((check) => !check.sandboxFailed);
  const defects = judged.filter((check) => !check.ok && !check.unsupported).map(({ task, reason }) => ({ task, reason }));
  const unsupportedHere = judged.filter((check) => check.unsupported).map(({ task, reason }) => ({ task, reason }));
  const failure = checks.find((check) => check.sandboxFailed);
  return {
    tasks,
    ok: judged.filter((check) => check.ok).length,
    defects,
    unsupported: [...unsupportedAtLoad, ...unsupportedHere],
    ...(failure ? { sandboxFailure: failure.reason } : {}),
  };
}

/** Check tasks one by one; stops at a sandbox that failed (every further check would fail the same way). */
export async function checkSuite(
  tasks: readonly Task[],
  createSandbox: SandboxFactory,
  options: { unsupported?: SuiteCheckReport['unsupported']; onTask?: (check: TaskCheck) => void } = {},
): Promise<{ report: SuiteCheckReport; checks: TaskCheck[] }> {
  const checks: TaskCheck[] = [];
  for (const task of tasks) {
    const check = await checkTask(task, createSandbox);
    checks.push(check);
    options.onTask?.(check);
    if (check.sandboxFailed) break;
  }
  return { report: summarizeChecks(tasks.length, checks, options.unsupported), checks };
}
