import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ChatRequest, type ScriptedOpenAIServer, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, openTrace, RESULTS_DIR, runTasks, SERVE_MODES, saveOpenAIModel, type StudioUnderTest, startStudio, textOf } from './support.js';

/**
 * The whole user flow in a real Chromium: configure an OpenAI-compatible model (a scripted local server), pick two
 * tasks, run them, read both traces, reload, and find everything still there. Once against the built app and once
 * against the dev server (`npm start`), where the sandbox worker once failed to load and every run hung.
 */

function taskById(id: string): Task {
  const task = builtinSuite.tasks.find((candidate) => candidate.id === id);
  if (!task) throw new Error(`built-in task "${id}" is missing; the e2e script is written for it`);
  if (!task.solution) throw new Error(`built-in task "${id}" has no reference solution to script`);
  return task;
}

// A is solved with its reference solution; B is "finished" at once, so its verifier fails.
const TASK_PASS = taskById('organize-inbox-by-extension');
const TASK_FAIL = taskById('dedupe-by-content');

const systemText = (request: ChatRequest) => request.messages.find((message) => message.role === 'system')?.content ?? '';
const isTask = (request: ChatRequest, task: Task) => systemText(request).includes(task.instruction.slice(0, 80));

function script(request: ChatRequest, turn: number): ScriptedReply {
  if (isTask(request, TASK_PASS)) {
    const steps: ScriptedReply[] = [
      { text: 'I will write a script that moves each file by its extension.', toolCalls: [{ name: 'write_file', args: { path: '/tmp/solve.sh', content: TASK_PASS.solution } }] },
      { text: 'Now run it and list the result.', toolCalls: [{ name: 'shell', args: { command: 'bash /tmp/solve.sh && find sorted -type f | sort' } }] },
      { text: 'All files are sorted.', toolCalls: [{ name: 'finish', args: { summary: 'Moved every inbox file to sorted/<ext>/.' } }] },
    ];
    return steps[Math.min(turn, steps.length - 1)];
  }
  if (isTask(request, TASK_FAIL)) return { text: 'Nothing to do here.', toolCalls: [{ name: 'finish', args: { summary: 'Done without changes.' } }] };
  return { text: 'Unknown task.', toolCalls: [{ name: 'finish', args: { summary: 'unknown task' } }] };
}

let model: ScriptedOpenAIServer | undefined;

beforeAll(async () => {
  model = await startScriptedOpenAIServer(script);
});

afterAll(async () => {
  await model?.close();
});

describe.each(SERVE_MODES)('run two tasks end to end (%s app)', (serve) => {
  const SCREENSHOT = join(RESULTS_DIR, `e2e-run-two-tasks-${serve}.png`);
  let studio: StudioUnderTest | undefined;

  beforeAll(async () => {
    studio = await startStudio({ serve });
  });

  afterAll(async () => {
    await studio?.close();
  });

  it('configures a model, runs a passing and a failing task, shows their traces, and keeps them after a reload', async () => {
    const started = Date.now();
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);

    await page.goto(studio!.url);
    await page.getByRole('heading', { name: 'Self-Harness Studio' }).waitFor();
    expect(await page.evaluate(() => window.crossOriginIsolated), 'COOP/COEP headers make the page cross-origin isolated').toBe(true);

    // The default harness is active and readable without the editor.
    await page.getByTestId('harness-summary').waitFor();
    expect(await textOf(page, '[data-testid="harness-active-label"]')).toContain('Default');
    expect(await page.getByTestId('harness-policy-finishGuard').getAttribute('data-enabled')).toBe('false');

    // An invalid harness is refused with a readable reason, and nothing is saved.
    const versionsBefore = await page.getByTestId('harness-version').count();
    await page.getByTestId('harness-plain-toggle').check();
    const draft = JSON.parse(await page.getByTestId('harness-textarea').inputValue()) as { policies: Record<string, unknown> };
    draft.policies.fooBar = { enabled: true };
    await page.getByTestId('harness-textarea').fill(JSON.stringify(draft, null, 2));
    await page.getByTestId('harness-save').click();
    expect(await textOf(page, '[data-testid="harness-errors"]')).toContain('policies: unknown policy fooBar');
    expect(await page.getByTestId('harness-version').count()).toBe(versionsBefore);
    await page.getByTestId('harness-reset').click();
    await page.getByTestId('harness-plain-toggle').uncheck();

    // Run is disabled, with the reason shown, until a model is saved and a task is chosen.
    expect(await page.getByTestId('run-button').isDisabled()).toBe(true);
    expect(await textOf(page, '[data-testid="run-disabled-reason"]')).toContain('Save a model first');

    // An invalid model profile is refused inline.
    await page.getByTestId('model-base-url').fill('not a url');
    await page.getByTestId('model-save').click();
    expect(await textOf(page, '[data-testid="model-errors"]')).toContain('base URL');

    await saveOpenAIModel(page, model!.baseUrl, 'scripted-e2e');
    expect(await textOf(page, '[data-testid="run-disabled-reason"]')).toContain('Select at least one task');

    await runTasks(page, [TASK_PASS.id, TASK_FAIL.id]);
    const progressOutcome = (taskId: string) => page.locator(`[data-testid="task-progress"][data-task-id="${taskId}"]`).getAttribute('data-outcome');
    expect(await progressOutcome(TASK_PASS.id)).toBe('pass');
    expect(await progressOutcome(TASK_FAIL.id)).toBe('fail');
    // Under the dev server too, each episode ran in an episode worker with its sandbox worker nested inside it.
    for (const task of [TASK_PASS, TASK_FAIL]) expect(await page.locator(`[data-testid="task-progress"][data-task-id="${task.id}"]`).getAttribute('data-ran-in')).toBe('episode-worker');
    expect(await page.locator('[data-testid="task-progress"] [role="progressbar"][aria-valuenow="100"]').count()).toBe(2);
    expect(model!.requests.every((request) => request.model === 'scripted-e2e')).toBe(true);

    // The history lists both runs with their outcomes.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length >= 2);
    const rowOutcome = (taskId: string) => page.locator(`[data-testid="run-row"][data-task-id="${taskId}"]`).first().getAttribute('data-outcome');
    expect(await rowOutcome(TASK_PASS.id)).toBe('pass');
    expect(await rowOutcome(TASK_FAIL.id)).toBe('fail');

    // Passing trace: the write_file and shell calls, the shell output, the run end, and a passing verifier.
    await openTrace(page, TASK_PASS.id);
    const toolNames = await page.locator('[data-testid="trace-event"][data-type="tool-call"] [data-testid="trace-tool-name"]').allTextContents();
    expect(toolNames).toEqual(['write_file', 'shell', 'finish']);
    const outputs = (await page.locator('[data-testid="trace-event"][data-type="tool-result"] [data-testid="trace-tool-output"]').allTextContents()).join('\n');
    expect(outputs).toContain('sorted/jpg/Photo_2.JPG');
    expect(await textOf(page, '[data-testid="trace-end-reason"]')).toBe('finished');
    expect(await textOf(page, '[data-testid="verifier-exit-code"]')).toBe('0');

    // Failing trace: finish at once, run end, and a verifier that says why it failed.
    await openTrace(page, TASK_FAIL.id);
    expect(await page.locator('[data-testid="trace-event"][data-type="tool-call"]').count()).toBe(1);
    expect(await textOf(page, '[data-testid="trace-end-reason"]')).toBe('finished');
    expect(await textOf(page, '[data-testid="verifier-exit-code"]')).not.toBe('0');
    expect(await textOf(page, '[data-testid="verifier-stdout"]')).not.toBe('');
    expect(await page.getByTestId('trace-outcome').getAttribute('data-outcome')).toBe('fail');

    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-after-run.png'), fullPage: true });

    // After a reload everything comes back from IndexedDB: the model, both runs, and their traces.
    await page.reload();
    await page.getByTestId('run-history').waitFor();
    expect(await page.getByTestId('model-base-url').inputValue()).toBe(model!.baseUrl);
    expect(await rowOutcome(TASK_PASS.id)).toBe('pass');
    expect(await rowOutcome(TASK_FAIL.id)).toBe('fail');
    await openTrace(page, TASK_FAIL.id);
    expect(await textOf(page, '[data-testid="trace-end-reason"]')).toBe('finished');
    await openTrace(page, TASK_PASS.id);
    expect(await page.locator('[data-testid="trace-event"][data-type="tool-result"]').count()).toBeGreaterThanOrEqual(2);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`e2e flow (${serve} app) took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshot: ${SCREENSHOT}`);
  }, 180_000);
});
