import { capText, LIMITS } from '../limits.js';
import { SANDBOX_WORKDIR, type Sandbox } from '../sandbox/types.js';
import { type Task, taskFilePath, taskWorkdir, VERIFIER_DIR, type VerifierResult } from './types.js';

/** How long a task's setup script may run. */
export const SETUP_TIMEOUT_MS = 60_000;

/**
 * Create the task's working directory, write the initial files and run the setup script from the working directory;
 * throws with a clear message if the task's own setup fails.
 */
export async function prepareTaskSandbox(task: Task, sandbox: Sandbox): Promise<void> {
  const workdir = taskWorkdir(task);
  // Every sandbox starts with /work and /tmp; another working directory is made here, from /tmp, which always exists.
  if (workdir !== SANDBOX_WORKDIR) {
    const made = await sandbox.exec(`mkdir -p '${workdir.replace(/'/g, `'\\''`)}'`, { cwd: '/tmp', timeoutMs: 10_000 });
    if (made.exitCode !== 0) throw new Error(`could not create the working directory ${workdir}: ${made.stderr.slice(0, 300)}`);
  }
  for (const [path, content] of Object.entries(task.initialFiles)) await sandbox.writeFile(taskFilePath(task, path), content);
  if (task.setupScript) {
    const setup = await sandbox.exec(task.setupScript, { cwd: workdir, env: task.env, timeoutMs: SETUP_TIMEOUT_MS });
    if (setup.exitCode !== 0) throw new Error(`setup script of task "${task.id}" failed (exit ${setup.exitCode}): ${setup.stderr.slice(0, 500)}`);
  }
}

/** Only now do the verifier's files enter the sandbox: the agent has ended and cannot see or edit them. */
export async function runVerifier(task: Task, sandbox: Sandbox): Promise<VerifierResult> {
  for (const [path, content] of Object.entries(task.verifier.files ?? {})) {
    await sandbox.writeFile(path.startsWith('/') ? path : `${VERIFIER_DIR}/${path}`, content);
  }
  await sandbox.writeFile(`${VERIFIER_DIR}/verify.sh`, task.verifier.script);
  const result = await sandbox.exec(`bash ${VERIFIER_DIR}/verify.sh`, { cwd: taskWorkdir(task), env: task.env, timeoutMs: task.verifierTimeoutSec * 1000 });
  // The verifier's output is kept in the run record: bounded, so a verifier printing megabytes cannot bloat the store.
  const kept = (text: string) => capText(text, LIMITS.verifierOutputChars, 'verifier output');
  return { exitCode: result.exitCode, stdout: kept(result.stdout), stderr: kept(result.stderr), durationMs: result.durationMs, timedOut: result.timedOut };
}
