import { describe, expect, it } from 'vitest';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { builtinSuite, builtinTasks } from '../../src/core/tasks/builtin/index.js';
import { checkTask } from '../../src/core/tasks/check-suite.js';
import { prepareTaskSandbox, runVerifier } from '../../src/core/tasks/task-sandbox.js';
import { validateTask } from '../../src/core/tasks/validate-task.js';

describe('built-in starter suite', () => {
  it('has at least 60 tasks across at least 8 categories, with unique ids', () => {
    expect(builtinSuite.id).toBe('builtin-starter');
    expect(builtinSuite.tasks).toBe(builtinTasks);
    expect(builtinTasks.length).toBeGreaterThanOrEqual(60);
    expect(new Set(builtinTasks.map((t) => t.category)).size).toBeGreaterThanOrEqual(8);
    const ids = builtinTasks.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('mixes difficulties and keeps timeouts in range', () => {
    expect(new Set(builtinTasks.map((t) => t.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
    for (const task of builtinTasks) {
      expect(task.agentTimeoutSec, task.id).toBeGreaterThanOrEqual(120);
      expect(task.agentTimeoutSec, task.id).toBeLessThanOrEqual(300);
      expect(task.verifierTimeoutSec, task.id).toBeGreaterThanOrEqual(10);
      expect(task.verifierTimeoutSec, task.id).toBeLessThanOrEqual(30);
      expect(task.solution, task.id).toBeTruthy();
    }
  });

  describe.each(builtinTasks.map((task) => [task.id, task] as const))('%s', (_id, task) => {
    it('is valid', () => {
      expect(validateTask(task)).toEqual([]);
    });

    it('fails its verifier on the untouched initial state', async () => {
      const sandbox = new JustBashSandbox();
      await prepareTaskSandbox(task, sandbox);
      const result = await runVerifier(task, sandbox);
      expect(result.timedOut).toBe(false);
      expect(result.exitCode, result.stdout + result.stderr).not.toBe(0);
      expect(result.stdout.trim(), 'a failing verifier prints a reason').not.toBe('');
    });

    it('passes its verifier after the reference solution, played as the agent', async () => {
      const check = await checkTask(task, async () => new JustBashSandbox());
      expect(check.reason).toBe('');
      expect(check.ok).toBe(true);
    });
  });
});
