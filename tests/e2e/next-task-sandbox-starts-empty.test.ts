import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ChatRequest, type ScriptedOpenAIServer, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, openTrace, runTasks, saveOpenAIModel, type StudioUnderTest, startStudio } from './support.js';

/**
 * The page reuses sandbox workers: a finished task hands its worker back emptied, and the next task gets it instead
 * of waiting ~100 ms for a new one (bench B2). In a real Chromium: the first task leaves files, a variable, a function
 * and a directory change behind; the next task, run on the same worker, sees none of them — only its own files.
 */

function taskById(id: string): Task {
  const task = builtinSuite.tasks.find((candidate) => candidate.id === id);
  if (!task) throw new Error(`built-in task "${id}" is missing; the e2e script is written for it`);
  return task;
}

const FIRST = taskById('organize-inbox-by-extension');
const SECOND = taskById('dedupe-by-content');

const systemText = (request: ChatRequest) => request.messages.find((message) => message.role === 'system')?.content ?? '';
const isTask = (request: ChatRequest, task: Task) => systemText(request).includes(task.instruction.slice(0, 80));

const LEAVE_TRACES =
  'echo first-task-secret > /tmp/left-behind.txt; mkdir -p /app && echo x > /app/leftover; echo x > /work/first-task-file; export LEFT_BEHIND=yes; leftover() { echo still here; }; cd /tmp; echo traces left';
const LOOK_FOR_TRACES = 'pwd; ls -A /tmp /app 2>&1; ls /work | grep -c first-task-file; echo "LEFT_BEHIND=${LEFT_BEHIND:-none}"; type leftover 2>&1; ls -d /work/photos';

function script(request: ChatRequest, turn: number): ScriptedReply {
  const command = isTask(request, FIRST) ? LEAVE_TRACES : isTask(request, SECOND) ? LOOK_FOR_TRACES : undefined;
  if (command && turn === 0) return { text: 'Looking around.', toolCalls: [{ name: 'shell', args: { command } }] };
  return { text: 'Done.', toolCalls: [{ name: 'finish', args: { summary: 'done' } }] };
}

let model: ScriptedOpenAIServer | undefined;
let studio: StudioUnderTest | undefined;

beforeAll(async () => {
  model = await startScriptedOpenAIServer(script);
  studio = await startStudio({ serve: 'built' });
});

afterAll(async () => {
  await studio?.close();
  await model?.close();
});

describe('the next task on a reused sandbox worker', () => {
  it('sees nothing of the task before it: no files, variables, functions or working directory', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    const sandboxWorkers: string[] = [];
    page.on('worker', (worker) => {
      if (worker.url().includes('sandbox')) sandboxWorkers.push(worker.url());
    });
    await page.goto(studio!.url);
    await saveOpenAIModel(page, model!.baseUrl, 'scripted-e2e');

    await runTasks(page, [FIRST.id]);
    const startedForTheFirst = sandboxWorkers.length;
    await runTasks(page, [SECOND.id]);
    // The second task ran on a worker started before (the first one's, emptied, or the spare): none was started for it.
    expect(startedForTheFirst).toBeGreaterThanOrEqual(1);
    expect(sandboxWorkers.length).toBe(startedForTheFirst);

    await openTrace(page, FIRST.id);
    expect((await page.locator('[data-testid="trace-event"][data-type="tool-result"] [data-testid="trace-tool-output"]').allTextContents()).join('\n')).toContain('traces left');
    await openTrace(page, SECOND.id);
    const output = (await page.locator('[data-testid="trace-event"][data-type="tool-result"] [data-testid="trace-tool-output"]').allTextContents()).join('\n');
    // In /work, with an empty /tmp and no /app.
    expect(output).toContain('stdout:\n/work\n/tmp:\n\n');
    expect(output).toMatch(/\/app: No such file or directory\n0\n/);
    expect(output).toContain('LEFT_BEHIND=none');
    expect(output).toMatch(/leftover: not found/);
    expect(output).not.toMatch(/left-behind|first-task-secret|\/app:\s*\n\s*leftover|still here/);
    // Its own files are there.
    expect(output).toContain('\n/work/photos\n');
  }, 120_000);
});
