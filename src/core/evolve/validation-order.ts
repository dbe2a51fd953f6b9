import type { AcceptanceRule, TaskPasses } from './gate.js';
import type { SplitName } from './splits.js';

/** One candidate rollout to run: a task and the index (0-based) of its attempt. */
export type PlannedAttempt = [taskId: string, attemptIndex: number];

/** Full validation: every held-in and held-out task, every attempt, task by task. */
export function fullOrder(taskIds: readonly string[], attempts: number): PlannedAttempt[] {
  return taskIds.flatMap((taskId) => Array.from({ length: attempts }, (_, index) => [taskId, index] as PlannedAttempt));
}

/**
 * Adaptive validation's order: the rollouts most likely to settle the gate first. It uses only the parent's fresh pass
 * counts (never the cache), so a resumed evolution replays the same order and reaches the same decisions.
 *
 * - held-out tasks the parent passed (they can fall; one fail may already reject), interleaved with
 * - held-in tasks the parent failed (where a real fix gains; if they stay failed, the candidate cannot rise),
 * - then held-in tasks the parent passed (the candidate must keep them to be accepted),
 * - then held-out tasks the parent failed (they cannot fall, so they rarely matter).
 * Within a group, the first attempt of every task comes before any second attempt.
 */
export function adaptiveOrder(rule: AcceptanceRule, splitOf: Record<string, SplitName>, parent: TaskPasses, attempts: number): PlannedAttempt[] {
  const tolerance = rule.kind === 'strict' ? 0 : (rule.heldOutTolerance ?? 0);
  const tasks = Object.keys(parent).sort();
  const byParent = (direction: 1 | -1) => (a: string, b: string) => direction * (parent[a] - parent[b]) || a.localeCompare(b);
  const atRiskHeldOut = tasks.filter((taskId) => splitOf[taskId] === 'heldOut' && parent[taskId] > tolerance).sort(byParent(-1));
  const gainHeldIn = tasks.filter((taskId) => splitOf[taskId] === 'heldIn' && parent[taskId] < attempts).sort(byParent(1));
  const keptHeldIn = tasks.filter((taskId) => splitOf[taskId] === 'heldIn' && parent[taskId] >= attempts);
  const safeHeldOut = tasks.filter((taskId) => splitOf[taskId] === 'heldOut' && parent[taskId] <= tolerance);
  const attemptMajor = (group: string[]) => Array.from({ length: attempts }, (_, index) => group.map((taskId) => [taskId, index] as PlannedAttempt)).flat();
  const first = attemptMajor(atRiskHeldOut);
  const second = attemptMajor(gainHeldIn);
  const interleaved: PlannedAttempt[] = [];
  for (let index = 0; index < Math.max(first.length, second.length); index++) {
    if (index < first.length) interleaved.push(first[index]);
    if (index < second.length) interleaved.push(second[index]);
  }
  return [...interleaved, ...attemptMajor(keptHeldIn), ...attemptMajor(safeHeldOut)];
}
