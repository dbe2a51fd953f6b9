import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSuite } from '../../src/core/tasks/harbor/index.js';
import { HARBOR_PYTHON_STATS, ownSolution, SOLVABLE_TASK_FOLDERS } from '../fixtures/harbor-task-folders.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, runTasks, saveOpenAIModel, type StudioUnderTest, startStudio } from './support.js';

/**
 * Imported Harbor and Terminal-Bench tasks run at the paths they declare, in the page (issue 8). A user drops a zip
 * of task folders into the Tasks panel; the model (a scripted OpenAI-compatible server) answers each task with that
 * task's own solve.sh, byte for byte, as one shell command, then finishes. Every task the browser's sandbox supports
 * passes; the one that needs tar (missing from just-bash's browser build) is refused with the reason. "Check every
 * task" plays the same unrewritten solutions and finds no defect.
 */
let studio: StudioUnderTest | undefined;
let model: ScriptedOpenAIServer | undefined;
let zipPath = '';
const { suite } = importSuite(new Map(Object.entries(SOLVABLE_TASK_FOLDERS)));
const solutionByInstruction = new Map(suite.tasks.map((task) => [task.instruction, ownSolution(SOLVABLE_TASK_FOLDERS, task.id)]));

beforeAll(async () => {
  const files = Object.fromEntries(Object.entries({ ...SOLVABLE_TASK_FOLDERS, ...HARBOR_PYTHON_STATS }).map(([path, content]) => [`harbor-suite/${path}`, strToU8(content)]));
  zipPath = join(await mkdtemp(join(tmpdir(), 'harbor-paths-')), 'harbor-suite.zip');
  await writeFile(zipPath, zipSync(files));
  model = await startScriptedOpenAIServer((request, turn) => {
    if (turn > 0) return { toolCalls: [{ name: 'finish', args: { summary: 'ran the task’s own solution' } }] };
    const system = request.messages[0]?.content ?? '';
    const solution = [...solutionByInstruction].find(([instruction]) => system.includes(instruction))?.[1];
    return solution ? { toolCalls: [{ name: 'shell', args: { command: solution } }] } : { text: 'no task of the fixture matches this prompt' };
  });
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await model?.close();
});

describe('Harbor tasks keep their paths in the page', () => {
  it('every supported task passes when the agent replays its own solve.sh, and the suite check finds no defect', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await page.getByTestId('suite-controls').locator('summary').click();
    await page.getByTestId('suite-loader-zip').setInputFiles(zipPath);
    await page.getByTestId('suite-loader-result').waitFor();
    const ids = suite.tasks.map((task) => task.id).sort();
    await expect.poll(async () => (await page.getByTestId('task-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-task-id')))).sort()).toEqual(ids);

    await saveOpenAIModel(page, model!.baseUrl, 'replays-solve-sh');
    await runTasks(page, ids);
    const outcomes = Object.fromEntries(
      await Promise.all(ids.map(async (id) => [id, await page.locator(`[data-testid="task-progress"][data-task-id="${id}"]`).getAttribute('data-outcome')] as const)),
    );
    expect(outcomes).toEqual({ 'archive-logs': 'infra_error', 'csv-totals': 'pass', 'inventory-value': 'pass', 'log-report': 'pass', 'word-count': 'pass' });

    // Each agent was told its task's own directory, and every solution ran as the agent's one shell command.
    const systems = model!.requests.filter((request) => !request.messages.some((message) => message.role === 'assistant')).map((request) => request.messages[0].content ?? '');
    expect(systems.filter((system) => system.includes('Your working directory is /app.'))).toHaveLength(3);
    expect(systems.filter((system) => system.includes('Your working directory is /srv/inventory.'))).toHaveLength(1);
    expect(systems.some((system) => system.includes('/work'))).toBe(false);

    await page.getByTestId('suite-check-button').click();
    await page.locator('[data-testid="suite-check"][data-state="done"]').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('suite-check-defects').count()).toBe(0);
    expect(await page.getByTestId('suite-check-summary').textContent()).toMatch(/^4 passed, 0 failed/);
    expect(await page.getByTestId('suite-check-unsupported').textContent()).toMatch(/task needs tar/);
  }, 240_000);
});
