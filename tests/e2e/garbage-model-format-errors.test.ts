import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, openTrace, runTasks, saveOpenAIModel, type StudioUnderTest, startStudio, textOf } from './support.js';

/**
 * A model that answers prose instead of actions: the run ends as an agent error and every format error is in the trace.
 * Its endpoint also returned no tool call to the probe, so the run switched to json_action and says so (issue 13).
 */

let studio: StudioUnderTest | undefined;
let model: ScriptedOpenAIServer | undefined;

beforeAll(async () => {
  model = await startScriptedOpenAIServer(() => ({ text: 'Sure! I would love to help with that task.' }));
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await model?.close();
});

describe('a model that answers garbage', () => {
  it('shows the format errors in the trace and ends the run as an agent error', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);

    const task = builtinSuite.tasks[0];
    await saveOpenAIModel(page, model!.baseUrl, 'chatty');
    await runTasks(page, [task.id]);
    expect(await page.locator(`[data-testid="task-progress"][data-task-id="${task.id}"]`).getAttribute('data-outcome')).toBe('agent_error');
    expect(await textOf(page, '[data-testid="run-notice"]')).toMatch(/^Switched to json_action: the endpoint returned no native tool call/);
    expect(model!.requests[0].tools?.length).toBe(1);
    expect(model!.requests.slice(1).every((request) => request.tools === undefined && request.response_format?.type === 'json_schema')).toBe(true);

    await openTrace(page, task.id);
    expect(await page.locator('[data-testid="trace-event"][data-type="format-error"]').count()).toBeGreaterThanOrEqual(1);
    expect(await textOf(page, '[data-testid="trace-event"][data-type="format-error"]')).toContain('Sure! I would love to help');
    expect(await textOf(page, '[data-testid="trace-end-reason"]')).toBe('format_errors');
  }, 60_000);
});
