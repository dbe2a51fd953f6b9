import { z } from 'zod';
import { formatCount, LIMITS } from '../limits.js';
import type { Task } from './types.js';

/**
 * The shape of a task as a suite file (suite.json, a stored suite in the page) may carry it: every field typed,
 * every text within its limit, every file path inside the sandbox's tree. `validateTask` adds the sentences about
 * ids, working directory, environment and timeouts; together they decide whether a task from outside is taken.
 * A task that fails is refused on its own, with the reasons; the rest of its suite loads.
 */

const text = (what: string, max: number) =>
  z.string({ error: `${what} must be text` }).max(max, { error: `${what} has more than ${formatCount(max)} characters (the limit)` });

/** A file path a task may name: no `..` part (it would leave the directory it is written under) and no NUL byte. */
const FilePath = z
  .string()
  .min(1, { error: 'a file path is empty' })
  .max(4096, { error: 'a file path is longer than 4,096 characters' })
  .refine((path) => !path.includes('\0'), { error: 'a file path contains a NUL byte' })
  .refine((path) => !path.replace(/\\/g, '/').split('/').includes('..'), { error: 'a file path contains ".." (it would leave its directory)' });

const Files = (what: string) =>
  z
    .record(z.string(), text(`a file of ${what}`, LIMITS.taskFileBytes), { error: `${what} must be an object of path → text` })
    .superRefine((files, context) => {
      for (const path of Object.keys(files)) {
        const checked = FilePath.safeParse(path);
        if (!checked.success) context.addIssue({ code: 'custom', message: `${what}: ${JSON.stringify(path.slice(0, 200))}: ${checked.error.issues[0].message}` });
      }
      if (Object.keys(files).length > LIMITS.suiteFiles) context.addIssue({ code: 'custom', message: `${what} has more than ${formatCount(LIMITS.suiteFiles)} files (the limit)` });
    });

/**
 * A capability's name. Which ones a sandbox offers is the sandbox's business: a task needing one it lacks is
 * unsupported there, with the reason, when it runs — not malformed.
 */
const Capability = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'requires names capabilities such as bash, coreutils, node' });

/** The fields `validateTask` does not check itself; unknown fields are allowed (and dropped by `normalizeTask`). */
export const TaskShape = z.object({
  title: text('title', 1000),
  instruction: text('instruction', LIMITS.instructionChars),
  initialFiles: Files('initialFiles'),
  setupScript: text('setupScript', LIMITS.taskFileBytes).optional(),
  verifier: z.object(
    {
      script: text('the verifier script', LIMITS.taskFileBytes),
      files: Files('verifier.files').optional(),
    },
    { error: 'verifier must be an object with a script' },
  ),
  solution: text('solution', LIMITS.taskFileBytes).optional(),
  category: text('category', 200),
  difficulty: z.enum(['easy', 'medium', 'hard'], { error: 'difficulty must be easy, medium or hard' }),
  tags: z.array(text('a tag', 200), { error: 'tags must be a list of text' }).max(100, { error: 'more than 100 tags' }),
  requires: z.array(Capability, { error: 'requires must be a list of capability names' }).max(20, { error: 'more than 20 requirements' }).optional(),
  agentTimeoutSec: z.number({ error: 'agentTimeoutSec must be a number' }),
  verifierTimeoutSec: z.number({ error: 'verifierTimeoutSec must be a number' }),
});

/** Problems with the task's shape, by top-level field: `{field: 'title', message: 'title must be text'}`. */
export function taskShapeIssues(value: object): Array<{ field: string; message: string }> {
  const parsed = TaskShape.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    const where = issue.message.startsWith(field) || issue.message.startsWith(`a file of ${field}`) || issue.message.startsWith('the verifier') ? '' : `${issue.path.map(String).join('.')}: `;
    return { field, message: `${where}${issue.message}` };
  });
}

/** A task's time limit within the documented maximum (`LIMITS.taskTimeoutSec`), whole seconds. */
export function clampTaskTimeoutSec(seconds: number): number {
  return Math.min(LIMITS.taskTimeoutSec, Math.ceil(seconds));
}

/**
 * Only the fields a task has, with its time limits within the documented maximum; what was clamped is returned as
 * notes. Call it on a task that passed `validateTask`.
 */
export function normalizeTask(task: Task): { task: Task; notes: string[] } {
  const notes: string[] = [];
  const clamped = (field: 'agentTimeoutSec' | 'verifierTimeoutSec') => {
    const value = clampTaskTimeoutSec(task[field]);
    if (value !== task[field]) notes.push(`${field} ${task[field]} is above the maximum of ${formatCount(LIMITS.taskTimeoutSec)} s; using ${formatCount(value)} s`);
    return value;
  };
  const clean: Task = {
    id: task.id,
    title: task.title,
    instruction: task.instruction,
    ...(task.workdir !== undefined ? { workdir: task.workdir } : {}),
    ...(task.env !== undefined ? { env: task.env } : {}),
    initialFiles: task.initialFiles,
    ...(task.setupScript !== undefined ? { setupScript: task.setupScript } : {}),
    verifier: { script: task.verifier.script, ...(task.verifier.files !== undefined ? { files: task.verifier.files } : {}) },
    ...(task.solution !== undefined ? { solution: task.solution } : {}),
    agentTimeoutSec: clamped('agentTimeoutSec'),
    verifierTimeoutSec: clamped('verifierTimeoutSec'),
    category: task.category,
    difficulty: task.difficulty,
    tags: task.tags,
    ...(task.requires !== undefined ? { requires: task.requires } : {}),
  };
  return { task: clean, notes };
}
