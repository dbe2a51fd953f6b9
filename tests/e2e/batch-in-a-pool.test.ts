import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ChatRequest, type ScriptedOpenAIServer, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, saveOpenAIModel, type StudioUnderTest, startStudio } from './support.js';

/**
 * The Run panel's "Episodes at once": a batch of four tasks at pool size 2 (two episodes at once, each in its own
 * episode worker with its sandbox worker inside) ends with the same outcome per task as at pool size 1, and Stop ends every running episode at once.
 */

const withSolution = builtinSuite.tasks.filter((task) => task.solution && !task.requires?.length);
// Two are solved with their reference solution, two are "finished" at once (their verifier fails).
const SOLVED = withSolution.slice(0, 2);
const GIVEN_UP = withSolution.slice(2, 4);
const ALL = [...SOLVED, ...GIVEN_UP];

const systemText = (request: ChatRequest) => request.messages.find((message) => message.role === 'system')?.content ?? '';
const isTask = (request: ChatRequest, task: Task) => systemText(request).includes(task.instruction.slice(0, 80));

let stalling = false;
function script(request: ChatRequest, turn: number): ScriptedReply {
  // A slow answer, so episodes overlap.
  const delayMs = 120;
  if (stalling) return { text: 'Looking around.', toolCalls: [{ name: 'shell', args: { command: 'ls' } }], delayMs };
  const solved = SOLVED.find((task) => isTask(request, task));
  if (solved) {
    const steps: ScriptedReply[] = [
      { toolCalls: [{ name: 'write_file', args: { path: '/tmp/solve.sh', content: solved.solution } }], delayMs },
      { toolCalls: [{ name: 'shell', args: { command: 'bash /tmp/solve.sh' } }], delayMs },
      { toolCalls: [{ name: 'finish', args: { summary: 'solved' } }], delayMs },
    ];
    return steps[Math.min(turn, steps.length - 1)];
  }
  return { text: 'Nothing to do here.', toolCalls: [{ name: 'finish', args: { summary: 'Done without changes.' } }], delayMs };
}

let studio: StudioUnderTest | undefined;
let model: ScriptedOpenAIServer | undefined;

beforeAll(async () => {
  model = await startScriptedOpenAIServer(script);
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await model?.close();
});

const row = (id: string) => `[data-testid="task-progress"][data-task-id="${id}"]`;

describe('a batch in a pool of episodes', () => {
  it('pool size 2 gives the same outcomes as pool size 1, two episodes at once; Stop stops every running one', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(60_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await saveOpenAIModel(page, model!.baseUrl, 'pool');
    await page.getByTestId('tasks-select-none').click();
    for (const task of ALL) await page.getByTestId(`task-checkbox-${task.id}`).check();

    const runAt = async (poolSize: number) => {
      await page.getByTestId('pool-size').fill(String(poolSize));
      model!.concurrency.most = 0;
      await page.getByTestId('run-button').click();
      await page.waitForFunction((count) => document.querySelectorAll('[data-testid="task-progress"][data-status="done"]').length === count, ALL.length);
      await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();
      const outcomes: Record<string, string | null> = {};
      const ranIn = new Set<string | null>();
      for (const task of ALL) {
        outcomes[task.id] = await page.locator(row(task.id)).getAttribute('data-outcome');
        ranIn.add(await page.locator(row(task.id)).getAttribute('data-ran-in'));
      }
      return { outcomes, most: model!.concurrency.most, ranIn: [...ranIn] };
    };
    const one = await runAt(1);
    expect(one.most).toBe(1);
    expect(one.outcomes).toEqual(Object.fromEntries([...SOLVED.map((task) => [task.id, 'pass']), ...GIVEN_UP.map((task) => [task.id, 'fail'])]));
    const two = await runAt(2);
    expect(two.most).toBe(2);
    expect(two.outcomes).toEqual(one.outcomes);
    // The agent loop and verifier of every episode ran in an episode Web Worker, not on the page's thread.
    expect(one.ranIn).toEqual(['episode-worker']);
    expect(two.ranIn).toEqual(['episode-worker']);

    // The setting is kept across a reload.
    await page.reload();
    expect(await page.getByTestId('pool-size').inputValue()).toBe('2');

    // Stop while two episodes are running: both end "stopped by the user", the queued ones never start.
    stalling = true;
    await page.getByTestId('tasks-select-none').click();
    for (const task of ALL.slice(0, 3)) await page.getByTestId(`task-checkbox-${task.id}`).check();
    await page.getByTestId('run-button').click();
    await page.waitForFunction(
      (ids) => ids.filter((id) => /step [2-9]/.test(document.querySelector(`[data-testid="task-progress"][data-task-id="${id}"] [data-testid="task-progress-status"]`)?.textContent ?? '')).length === 2,
      ALL.slice(0, 2).map((task) => task.id),
    );
    const pressed = Date.now();
    await page.getByTestId('stop-button').click();
    await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();
    const stoppedWithin = Date.now() - pressed;
    for (const task of ALL.slice(0, 2)) {
      expect(await page.locator(row(task.id)).getAttribute('data-outcome')).toBe('agent_error');
      expect(await page.locator(`${row(task.id)} [data-testid="task-progress-reason"]`).textContent()).toContain('stopped by the user');
    }
    expect((await page.locator(`${row(ALL[2].id)} [data-testid="task-progress-status"]`).textContent())?.trim()).toBe('skipped (stopped)');
    expect(stoppedWithin).toBeLessThan(1000);
  }, 180_000);
});
