import { SANDBOX_WORKDIR, type SandboxCapability } from '../sandbox/types.js';

/**
 * A task with a verifiable outcome. The verifier's files are written into the sandbox only after the agent ends,
 * so the agent can never read or edit them; its exit code decides pass (0) or fail (anything else).
 */
export interface Task {
  /** Stable, kebab-case, unique within a suite. */
  id: string;
  title: string;
  /** What the agent is told; Markdown. */
  instruction: string;
  /**
   * The directory the agent starts in and the setup script, verifier and reference solution run from — an imported
   * Harbor task's `WORKDIR` (e.g. `/app`). Absent means `/work` (every built-in task).
   */
  workdir?: string;
  /**
   * Variables every command of the task sees — the agent's, hooks', the setup script's, the verifier's and the
   * solution's — like a Docker image's `ENV`. Values are literal. Absent means none beyond the sandbox's own.
   */
  env?: Record<string, string>;
  /** Path (absolute, or relative to the working directory) → content, written before the agent starts. */
  initialFiles: Record<string, string>;
  /** Shell commands run once from the working directory after the initial files are written, e.g. to generate a large tree. */
  setupScript?: string;
  verifier: {
    /** Bash script run from the working directory after the agent ends; exit 0 = pass. */
    script: string;
    /** Extra files the verifier needs (fixtures, hidden inputs); written under /verifier only after the agent ends. */
    files?: Record<string, string>;
  };
  /** Reference solution: a bash script that, run from the working directory on the initial state, makes the verifier pass. */
  solution?: string;
  agentTimeoutSec: number;
  verifierTimeoutSec: number;
  category: string;
  difficulty: 'easy' | 'medium' | 'hard';
  tags: string[];
  /**
   * What the sandbox must offer (e.g. `['node', 'npm']`); absent means nothing is checked.
   * A sandbox that declares capabilities lacking one of these ends the attempt as infra_error before the agent starts.
   */
  requires?: SandboxCapability[];
}

export type TaskOutcome = 'pass' | 'fail' | 'timeout' | 'agent_error' | 'infra_error';

export interface VerifierResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface TaskSuite {
  id: string;
  name: string;
  tasks: Task[];
}

export const VERIFIER_DIR = '/verifier';

/** Where the task's agent, setup, verifier and solution run: its own `workdir`, else `/work`. */
export function taskWorkdir(task: Pick<Task, 'workdir'>): string {
  return task.workdir ?? SANDBOX_WORKDIR;
}

/** An initial file's path as the sandbox sees it: relative paths live under the task's working directory. */
export function taskFilePath(task: Pick<Task, 'workdir'>, path: string): string {
  return path.startsWith('/') ? path : `${taskWorkdir(task).replace(/\/$/, '')}/${path}`;
}
