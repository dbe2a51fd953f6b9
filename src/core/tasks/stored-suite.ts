import { nestingMessage, valueDepthExceeds } from '../limits.js';
import { normalizeTask } from './task-schema.js';
import type { Task, TaskSuite } from './types.js';
import { validateTask } from './validate-task.js';

/** What was kept of a stored or imported suite: the sound tasks, and every refused one with its reasons. */
export interface CheckedSuite {
  suite: TaskSuite;
  refused: Array<{ task: string; reason: string }>;
}

/**
 * A suite kept from an earlier visit (or written by an older version of the app), checked as if it were loaded
 * anew: unusable tasks are refused with their reasons, the rest kept. Undefined when the value is not a suite at
 * all. Pure: the page decides what to show.
 */
export function checkStoredSuite(value: unknown): CheckedSuite | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { id, name, tasks } = value as { id?: unknown; name?: unknown; tasks?: unknown };
  if (!Array.isArray(tasks)) return undefined;
  const label = (text: unknown, fallback: string) => (typeof text === 'string' && text.trim() ? text.trim().slice(0, 200) : fallback);
  const suite: TaskSuite = { id: label(id, 'stored-suite'), name: label(name, label(id, 'stored suite')), tasks: [] };
  const refused: CheckedSuite['refused'] = [];
  const seen = new Set<string>();
  for (const entry of tasks) {
    const problems = valueDepthExceeds(entry) ? [nestingMessage('task')] : validateTask(entry as Partial<Task>);
    const taskId = typeof (entry as { id?: unknown } | null)?.id === 'string' ? (entry as { id: string }).id.slice(0, 100) : '?';
    if (problems.length) refused.push({ task: taskId, reason: problems.join('; ') });
    else if (seen.has(taskId)) refused.push({ task: taskId, reason: 'another task in this suite has the same id' });
    else {
      seen.add(taskId);
      suite.tasks.push(normalizeTask(entry as Task).task);
    }
  }
  return { suite, refused };
}
