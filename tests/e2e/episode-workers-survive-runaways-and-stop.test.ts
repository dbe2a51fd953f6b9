import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ChatRequest, type ScriptedOpenAIServer, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, saveOpenAIModel, type StudioUnderTest, startStudio } from './support.js';

/**
 * Episodes run in episode workers (agent loop, tools, verifier), each with its sandbox as a worker of its own. A
 * command that spins for ever only costs its sandbox worker: the episode goes on and ends, and the page answers all
 * the while. Stop ends every running episode within a second, and everything they did up to then is stored.
 */

const plain = builtinSuite.tasks.filter((task) => !task.requires?.length);
const SPINNER = plain[0];
const [FIRST, SECOND] = plain.slice(1, 3);
// CPU-bound for hours in one just-bash command: each awk loop stays under just-bash's iteration limit, their product
// does not (a shell loop ends at just-bash's command count, a single awk loop at its iteration limit).
const RUNAWAY = "awk 'BEGIN { for (i = 0; i < 99999; i++) for (j = 0; j < 99999; j++) x++ }'";

const systemText = (request: ChatRequest) => request.messages.find((message) => message.role === 'system')?.content ?? '';
const isTask = (request: ChatRequest, task: Task) => systemText(request).includes(task.instruction.slice(0, 80));

function script(request: ChatRequest): ScriptedReply {
  if (isTask(request, SPINNER)) {
    const killed = request.messages.some((message) => message.content?.includes('command did not stop'));
    return killed ? { toolCalls: [{ name: 'finish', args: { summary: 'gave up' } }] } : { toolCalls: [{ name: 'shell', args: { command: RUNAWAY } }] };
  }
  // Every other task keeps looking around, slowly, until it is stopped.
  return { text: 'Looking around.', toolCalls: [{ name: 'shell', args: { command: 'ls' } }], delayMs: 150 };
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

/** How long the page takes to run a task of its own (a timer and a frame), in ms. */
const pageLatency = (page: import('playwright-core').Page) =>
  page.evaluate(() => {
    const started = performance.now();
    return new Promise<number>((resolve) => setTimeout(() => requestAnimationFrame(() => resolve(performance.now() - started)), 0));
  });

interface StoredRun {
  id: string;
  taskId: string;
  status: string;
  outcome?: string;
  reason?: string;
  ranIn?: string;
  events: AgentEvent[];
}

/** Every run and its trace, read from the page's IndexedDB as stored. */
const storedRuns = (page: import('playwright-core').Page) =>
  page.evaluate(
    () =>
      new Promise<StoredRun[]>((resolve, reject) => {
        const open = indexedDB.open('self-harness-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const database = open.result;
          const transaction = database.transaction(['runs', 'traceEvents'], 'readonly');
          const runs = transaction.objectStore('runs').getAll();
          const events = transaction.objectStore('traceEvents').getAll();
          transaction.oncomplete = () => {
            const byRun = new Map<string, AgentEvent[]>();
            for (const record of events.result as Array<{ runId: string; event: AgentEvent }>) (byRun.get(record.runId) ?? byRun.set(record.runId, []).get(record.runId)!).push(record.event);
            resolve((runs.result as StoredRun[]).map((run) => ({ ...run, events: (byRun.get(run.id) ?? []).sort((a, b) => a.seq - b.seq) })));
            database.close();
          };
        };
      }),
  );

describe('episodes in workers', () => {
  it('a command that spins for ever restarts only its sandbox: the episode ends and the page stays responsive', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(60_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await saveOpenAIModel(page, model!.baseUrl, 'spinner');
    await page.getByTestId('pool-size').fill('1');
    await page.getByTestId('tasks-select-none').click();
    await page.getByTestId(`task-checkbox-${SPINNER.id}`).check();
    await page.getByTestId('run-button').click();
    await page.waitForFunction((id) => (document.querySelector(`[data-testid="task-progress"][data-task-id="${id}"] [data-testid="task-progress-status"]`)?.textContent ?? '').includes('running a tool'), SPINNER.id);

    // While the command spins (30 s until its timeout), the page keeps answering.
    const latencies: number[] = [];
    for (let probe = 0; probe < 10; probe += 1) {
      latencies.push(await pageLatency(page));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(Math.max(...latencies)).toBeLessThan(500);
    expect(await page.locator(row(SPINNER.id)).getAttribute('data-status')).toBe('running');

    await page.locator(`${row(SPINNER.id)}[data-status="done"]`).waitFor({ timeout: 90_000 });
    expect(await page.locator(row(SPINNER.id)).getAttribute('data-outcome')).toBe('fail');
    expect(await page.locator(row(SPINNER.id)).getAttribute('data-ran-in')).toBe('episode-worker');
    // The agent was told its command was stopped and its sandbox restarted, and finished after that.
    const told = model!.requests.filter((request) => isTask(request, SPINNER)).at(-1)!;
    expect(told.messages.some((message) => /command did not stop within 30s; the sandbox was restarted/.test(message.content ?? ''))).toBe(true);
    await page.close();
  }, 180_000);

  it('Stop ends every running episode within a second, and their runs and traces are stored whole', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(60_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await page.getByTestId('pool-size').fill('2');
    await page.getByTestId('tasks-select-none').click();
    for (const task of [FIRST, SECOND]) await page.getByTestId(`task-checkbox-${task.id}`).check();
    await page.getByTestId('run-button').click();
    await page.waitForFunction(
      (ids) => ids.every((id) => /step [3-9]/.test(document.querySelector(`[data-testid="task-progress"][data-task-id="${id}"] [data-testid="task-progress-status"]`)?.textContent ?? '')),
      [FIRST.id, SECOND.id],
    );
    const pressed = Date.now();
    await page.getByTestId('stop-button').click();
    await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();
    expect(Date.now() - pressed).toBeLessThan(1000);

    // After a reload, both runs are finished as stopped, each with its whole trace up to the Stop.
    await page.reload();
    await page.getByTestId('run-button').waitFor();
    const runs = (await storedRuns(page)).filter((run) => run.taskId === FIRST.id || run.taskId === SECOND.id);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run).toMatchObject({ status: 'done', outcome: 'agent_error', reason: 'stopped by the user', ranIn: 'episode-worker' });
      expect(run.events.map((event) => event.seq)).toEqual(run.events.map((_event, index) => index));
      expect(run.events[0].type).toBe('run-start');
      expect(run.events.at(-1)).toMatchObject({ type: 'run-end', reason: 'aborted' });
      // "step 3" was shown: the first two steps' commands had answered.
      expect(run.events.filter((event) => event.type === 'tool-result').length).toBeGreaterThanOrEqual(2);
    }
    await page.close();
  }, 120_000);
});
