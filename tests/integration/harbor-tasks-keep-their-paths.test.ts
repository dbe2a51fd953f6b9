/**
 * Imported Harbor and Terminal-Bench tasks run at the paths they declare (issue 8). An agent that does exactly what
 * a task's own reference solution does — the folder's solve.sh, byte for byte, as its one shell command — passes,
 * on the command line's path: the folder read by the CLI's loader, the CLI's in-process just-bash sandbox, runTask.
 * Before, the importer moved `/app` to `/work` in the instruction and scripts, and such an agent failed every task.
 * `self-harness tasks check` runs the same unrewritten solutions, played as the agent.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/cli/load-suite.js';
import { main } from '../../src/cli/main.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { runTask } from '../../src/core/tasks/run-task.js';
import type { Task } from '../../src/core/tasks/types.js';
import { HARBOR_BROKEN_SOLUTION, HARBOR_PYTHON_STATS, ownSolution, SOLVABLE_TASK_FOLDERS, writeFolder } from '../fixtures/harbor-task-folders.js';

const SOLVABLE = ['archive-logs', 'csv-totals', 'inventory-value', 'log-report', 'word-count'];

let suiteDir = '';
let tasks: Task[] = [];
beforeAll(async () => {
  suiteDir = await mkdtemp(join(tmpdir(), 'harbor-paths-'));
  await writeFolder(suiteDir, { ...SOLVABLE_TASK_FOLDERS, ...HARBOR_PYTHON_STATS });
  const loaded = await loadSuite(suiteDir);
  tasks = loaded.suite.tasks;
  expect(loaded.unsupported.map((item) => item.task)).toEqual(['python-stats']);
});

/** One attempt on the CLI's sandbox by a scripted agent whose only action is `command` (none: finish at once). */
async function replayAsAgent(task: Task, command: string | undefined) {
  const model = new ScriptedModel([
    ...(command === undefined ? [] : [{ toolCalls: [{ name: 'shell', args: { command } }] }]),
    { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] },
  ]);
  const shellResults: Array<{ exitCode?: number; output: string }> = [];
  const result = await runTask({
    task,
    harness: createDefaultHarness(),
    harnessHash: 'default',
    model,
    createSandbox: async () => new JustBashSandbox(),
    onEvent: (event) => {
      if (event.type === 'tool-result' && event.tool === 'shell') shellResults.push({ exitCode: event.exitCode, output: event.output });
    },
  });
  return { result, shellResults, systemPrompt: String(model.calls[0].messages[0].content) };
}

describe('an imported task’s own solution, replayed as the agent, passes at the paths the task declares', () => {
  it('loads every solvable fixture, each at its own WORKDIR', () => {
    expect(tasks.map((task) => [task.id, task.workdir ?? '/work'])).toEqual([
      ['archive-logs', '/app'],
      ['csv-totals', '/app'],
      ['inventory-value', '/srv/inventory'],
      ['log-report', '/app'],
      ['word-count', '/app'],
    ]);
  });

  it.each(SOLVABLE)('%s', async (id) => {
    const task = tasks.find((candidate) => candidate.id === id)!;
    const solution = ownSolution(SOLVABLE_TASK_FOLDERS, id);
    const { result, shellResults, systemPrompt } = await replayAsAgent(task, solution);
    expect(shellResults).toHaveLength(1);
    expect(shellResults[0].exitCode, shellResults[0].output).toBe(0);
    expect(result.outcome, `${result.reason}\n${result.verifier?.stdout}${result.verifier?.stderr}`).toBe('pass');
    // The agent was told the task's own directory and its instruction as written.
    expect(systemPrompt).toContain(`Your working directory is ${task.workdir}.`);
    expect(systemPrompt).toContain(task.instruction);
    expect(systemPrompt).not.toContain('/work');

    // The verifier can fail: an agent that does nothing does not pass.
    expect((await replayAsAgent(task, undefined)).result.outcome).toBe('fail');
  });

  it('gives every command the image’s ENV and starts it in the WORKDIR', async () => {
    const task = tasks.find((candidate) => candidate.id === 'inventory-value')!;
    const { shellResults } = await replayAsAgent(task, 'pwd; echo "$STOCK_FILE"; ls /data /output');
    expect(shellResults[0].output).toBe('exit code: 0\nstdout:\n/srv/inventory\n/srv/inventory/stock.json\n/data:\nprices.csv\n\n/output:\n');
  });
});

describe('self-harness tasks check runs the same unrewritten solutions', () => {
  it('finds every solvable task sound and the broken one defective, listing the Python task as unsupported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harbor-paths-check-'));
    await writeFolder(dir, { ...SOLVABLE_TASK_FOLDERS, ...HARBOR_PYTHON_STATS, ...HARBOR_BROKEN_SOLUTION });
    const lines: string[] = [];
    const code = await main(['tasks', 'check', dir, '--json'], (line) => lines.push(line));
    const report = JSON.parse(lines.join('\n'));
    expect(report).toMatchObject({ tasks: 6, ok: 5 });
    expect(report.defects).toEqual([{ task: 'broken-solution', reason: expect.stringMatching(/^the verifier fails on the reference solution \(exit 1\): FAIL: reward '0'/) }]);
    expect(report.unsupported.map((item: { task: string }) => item.task)).toEqual(['python-stats']);
    expect(code).toBe(1);
  }, 60_000);
});
