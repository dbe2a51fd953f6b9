import { unmetRequirements } from '../sandbox/capabilities.js';
import { isSandboxUnavailable } from '../sandbox/types.js';
import type { SandboxFactory } from '../sandbox/types.js';
import { prepareTaskSandbox, runSolution, runVerifier } from './task-sandbox.js';
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
 * Soundness of one task: its shape is valid, its verifier fails on the untouched initial state,
 * and its reference solution makes the verifier pass. Each check runs in a fresh sandbox.
 */
export async function checkTask(task: Task, createSandbox: SandboxFactory): Promise<TaskCheck> {
  const started = Date.now();
  const result = (reason: string): TaskCheck => ({ task: task.id, ok: !reason, reason, durationMs: Date.now() - started });
  const problems = validateTask(task);
  if (problems.length) return result(problems.join('; '));
  if (!task.solution) return result('no reference solution');
  try {
    const untouched = await createSandbox();
    const unmet = unmetRequirements(task.requires, untouched);
    if (unmet) {
      await untouched.dispose();
      return { ...result(unmet), unsupported: true };
    }
    try {
      await prepareTaskSandbox(task, untouched);
      const verdict = await runVerifier(task, untouched);
      if (verdict.exitCode === 0) return result('the verifier passes on the untouched initial state');
    } finally {
      await untouched.dispose();
    }
    const solved = await createSandbox();
    try {
      await prepareTaskSandbox(task, solved);
      const solution = await runSolution(task, solved);
      if (solution.exitCode !== 0) return result(`the reference solution exits with ${solution.exitCode}: ${solution.stderr.trim().slice(0, 300)}`);
      const verdict = await runVerifier(task, solved);
      if (verdict.exitCode !== 0) return result(`the verifier fails on the reference solution (exit ${verdict.exitCode}): ${(verdict.stdout + verdict.stderr).trim().slice(0, 300)}`);
    } finally {
      await solved.dispose();
    }
  } catch (error) {
    if (isSandboxUnavailable(error)) return { ...result(error.message), ok: false, sandboxFailed: true };
    return result(`check crashed: ${(error as Error).message}`);
  }
  return result('');
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
