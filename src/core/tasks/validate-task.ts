import { taskShapeIssues } from './task-schema.js';
import { type Task, VERIFIER_DIR } from './types.js';

/** `/app`, `/srv/app/data`: absolute, with no empty, `.` or `..` parts and no trailing slash. */
const ABSOLUTE_DIRECTORY = /^(\/[^/\0]+)+$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Problems that make a task unrunnable, as readable sentences; empty when the task is sound in shape. Takes anything
 * (a task from a file someone else wrote): every field of the wrong type is a problem, never a crash.
 */
export function validateTask(task: Partial<Task> | undefined): string[] {
  const problems: string[] = [];
  if (!task || typeof task !== 'object' || Array.isArray(task)) return ['task is not an object'];
  const name = typeof task.id === 'string' && task.id ? `task "${task.id.slice(0, 100)}"` : 'task';
  if (typeof task.id !== 'string' || task.id.length > 200 || !/^[a-z0-9][a-z0-9-]*$/.test(task.id)) problems.push(`${name}: id must be kebab-case letters and digits`);
  if (typeof task.instruction !== 'string' || !task.instruction.trim()) problems.push(`${name}: instruction is empty`);
  if (!task.verifier || typeof task.verifier.script !== 'string' || !task.verifier.script.trim()) {
    problems.push(`${name}: verifier is missing — a task without a verifier cannot be scored`);
  }
  if (!task.initialFiles || typeof task.initialFiles !== 'object' || Array.isArray(task.initialFiles)) problems.push(`${name}: initialFiles must be an object`);
  if (task.workdir !== undefined) {
    const workdir = task.workdir;
    if (typeof workdir !== 'string' || !ABSOLUTE_DIRECTORY.test(workdir) || workdir.split('/').some((part) => part === '.' || part === '..')) {
      problems.push(`${name}: workdir must be an absolute directory such as /app (got ${JSON.stringify(workdir)})`);
    } else if (workdir === VERIFIER_DIR || workdir.startsWith(`${VERIFIER_DIR}/`)) {
      problems.push(`${name}: workdir ${workdir} is where the verifier's files go; choose another directory`);
    }
  }
  if (task.env !== undefined) {
    if (!task.env || typeof task.env !== 'object' || Array.isArray(task.env)) problems.push(`${name}: env must be an object of variable names to text`);
    else {
      for (const [variable, value] of Object.entries(task.env)) {
        if (!VARIABLE_NAME.test(variable)) problems.push(`${name}: env name ${JSON.stringify(variable)} is not a shell variable name`);
        else if (typeof value !== 'string') problems.push(`${name}: env ${variable} must be text`);
      }
    }
  }
  if (!(typeof task.agentTimeoutSec === 'number' && task.agentTimeoutSec > 0 && Number.isFinite(task.agentTimeoutSec))) problems.push(`${name}: agentTimeoutSec must be positive`);
  if (!(typeof task.verifierTimeoutSec === 'number' && task.verifierTimeoutSec > 0 && Number.isFinite(task.verifierTimeoutSec))) problems.push(`${name}: verifierTimeoutSec must be positive`);
  // The shape check (types, sizes, file paths) of every field the sentences above did not already fault.
  const faulted = new Set(problems.map((problem) => /^task(?: "[^"]*")?: (\w+)/.exec(problem)?.[1]));
  for (const issue of taskShapeIssues(task)) if (!faulted.has(issue.field)) problems.push(`${name}: ${issue.message}`);
  return problems;
}
