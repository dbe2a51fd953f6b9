import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Task } from '../../src/core/tasks/types.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, saveOpenAIModel, type StudioUnderTest, startStudio } from './support.js';

/**
 * Set-up of the tests in which a worker is broken: the built app, unchanged, with a scripted model that always
 * answers with one shell call, and pages in which the browser is handed `hostCode` instead of the worker's real host
 * module (the module its entry point loads), as a bad build would break it. Registers its own beforeAll/afterAll.
 */
export interface StudioWithBrokenWorkerHost {
  /** The selector of the task's row in the Run panel. */
  row: string;
  model(): ScriptedOpenAIServer;
  /** A page of the app with the model saved and only `task` chosen; `served` counts how often the broken host was served. */
  pageWithHost(hostCode: string): Promise<{ page: Page; served: () => number }>;
  /** Runs the chosen task and waits until it is done and the run controls are idle. */
  runAndWaitUntilIdle(page: Page): Promise<void>;
}

export function studioWithBrokenWorkerHost(hostModule: RegExp, task: Task): StudioWithBrokenWorkerHost {
  let studio: StudioUnderTest | undefined;
  let model: ScriptedOpenAIServer | undefined;
  const row = `[data-testid="task-progress"][data-task-id="${task.id}"]`;

  beforeAll(async () => {
    model = await startScriptedOpenAIServer(() => ({ text: 'Looking around.', toolCalls: [{ name: 'shell', args: { command: 'ls' } }] }));
    studio = await startStudio();
  });

  afterAll(async () => {
    await studio?.close();
    await model?.close();
  });

  return {
    row,
    model: () => model!,
    async pageWithHost(hostCode) {
      const page = await studio!.context.newPage();
      page.setDefaultTimeout(30_000);
      forwardConsole(page);
      let served = 0;
      await page.route(hostModule, async (route) => {
        served += 1;
        await route.fulfill({ status: 200, contentType: 'text/javascript', body: hostCode });
      });
      await page.goto(studio!.url);
      await saveOpenAIModel(page, model!.baseUrl, 'scripted-e2e');
      await page.getByTestId('tasks-select-none').click();
      await page.getByTestId(`task-checkbox-${task.id}`).check();
      return { page, served: () => served };
    },
    async runAndWaitUntilIdle(page) {
      await page.getByTestId('run-button').click();
      await page.locator(`${row}[data-status="done"]`).waitFor();
      await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();
    },
  };
}
