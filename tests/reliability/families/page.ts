import { strToU8, zipSync } from 'fflate';
import { Window } from 'happy-dom';
import { checkStoredSuite } from '../../../src/core/tasks/stored-suite.js';
import type { Task } from '../../../src/core/tasks/types.js';
import { validateTask } from '../../../src/core/tasks/validate-task.js';
import { HARBOR_CSV_TOTALS } from '../../fixtures/harbor-task-folders.js';
import { hostileValue, mutate } from '../hostile-values.js';
import { ensure, type Reliability } from '../reliability.js';

/**
 * The page: hostile suites handed to the Tasks panel (as a stored suite, and straight to the list) and to the suite
 * loader. A crash stays inside its error boundary, the suite picker stays on screen and clickable, and no render
 * takes more than a second. Runs in happy-dom, registered here, last, so no other family sees a DOM.
 */

const TASK_FIELDS = ['id', 'title', 'instruction', 'category', 'difficulty', 'tags', 'requires', 'initialFiles', 'verifier', 'agentTimeoutSec'];

const task = (id: string): Task => ({
  id,
  title: `Task ${id}`,
  instruction: 'Write hello into out.txt',
  initialFiles: {},
  verifier: { script: 'exit 0' },
  agentTimeoutSec: 60,
  verifierTimeoutSec: 10,
  category: 'files',
  difficulty: 'easy',
  tags: [],
});

/** happy-dom's window as the global environment React and the app expect. */
function registerDom(): void {
  const window = new Window({ url: 'http://localhost/' });
  const globals = globalThis as Record<string, unknown>;
  // Node has its own Event, EventTarget, File and Blob; the DOM must get happy-dom's.
  const domFirst = new Set(['Event', 'CustomEvent', 'EventTarget', 'File', 'Blob', 'FileList', 'DataTransfer', 'KeyboardEvent', 'MouseEvent']);
  for (const key of Object.getOwnPropertyNames(window)) {
    if ((key in globals && !domFirst.has(key)) || key === 'undefined') continue;
    try {
      globals[key] = (window as unknown as Record<string, unknown>)[key];
    } catch {
      // Some of happy-dom's own internals cannot be read outside it; React needs none of them.
    }
  }
  globals.window = window;
  globals.document = window.document;
  globals.IS_REACT_ACT_ENVIRONMENT = true;
}

export async function pageFamily(reliability: Reliability): Promise<void> {
  const { random } = reliability;
  registerDom();
  const { act, createElement } = await import('react');
  const { createRoot } = await import('react-dom/client');
  const { TaskPicker } = await import('../../../src/ui/TaskPicker.js');
  const { SuiteLoader } = await import('../../../src/ui/SuiteLoader.js');
  // React reports every caught render error on the console; the boundary showing it is what is checked here.
  const consoleError = console.error;
  console.error = () => undefined;

  try {
    for (let index = 0; index < 40; index++) {
      const stored = random.chance(0.2) ? hostileValue(random) : { id: hostileValue(random), name: 'stored', tasks: [task('kept'), mutate(task('bad') as unknown as Record<string, unknown>, TASK_FIELDS, random).mutated, hostileValue(random)] };
      await reliability.check(`stored suite ${index}`, 'bad-input', () => {
        const checked = checkStoredSuite(stored);
        if (!checked) return;
        for (const kept of checked.suite.tasks) ensure(validateTask(kept).length === 0, `a kept task is not valid: ${validateTask(kept).join('; ')}`);
        ensure(typeof checked.suite.name === 'string' && typeof checked.suite.id === 'string', 'the suite has no name');
        ensure(checked.suite.tasks.some((kept) => kept.id === 'kept') || !Array.isArray((stored as { tasks?: unknown }).tasks), 'a good task was dropped');
      });
    }

    for (let index = 0; index < 40; index++) {
      const tasks = [task('first'), mutate(task('odd') as unknown as Record<string, unknown>, TASK_FIELDS, random).mutated as unknown as Task, task('last')];
      await reliability.check(`Tasks panel given an unchecked task ${index}`, 'bad-input', async () => {
        const container = document.createElement('div');
        document.body.append(container);
        const root = createRoot(container);
        let picked = 0;
        const controls = createElement('button', { type: 'button', 'data-testid': 'suite-builtin', onClick: () => (picked += 1) }, 'Back to the built-in suite');
        const started = performance.now();
        try {
          await act(async () => root.render(createElement(TaskPicker, { suiteName: 'hostile', tasks, selected: new Set<string>(), onChange: () => undefined, suiteControls: controls })));
          ensure(performance.now() - started < 1000, `rendering took ${Math.round(performance.now() - started)} ms`);
          const picker = container.querySelector<HTMLButtonElement>('[data-testid="suite-builtin"]');
          ensure(picker, 'the suite picker is gone');
          await act(async () => picker.click());
          ensure(picked === 1, 'the suite picker does not answer');
          const crashed = container.querySelector('[data-testid="error-boundary"]');
          ensure(crashed || container.querySelectorAll('[data-testid="task-item"]').length === 3, 'neither the list nor an error in its place');
        } finally {
          await act(async () => root.unmount());
          container.remove();
        }
      });
    }

    for (let index = 0; index < 12; index++) {
      await reliability.check(`suite loader given a hostile zip ${index}`, 'bad-input', async () => {
        const entries: Record<string, Uint8Array> = {};
        if (random.chance(0.5)) for (const [path, content] of Object.entries(HARBOR_CSV_TOTALS)) entries[path] = strToU8(content);
        if (random.chance(0.5)) entries['suite.json'] = strToU8(random.chance(0.5) ? JSON.stringify({ tasks: [mutate(task('z') as unknown as Record<string, unknown>, TASK_FIELDS, random).mutated] }) : random.text(200));
        for (let entry = random.int(6); entry > 0; entry--) entries[random.pick(['../x', '/abs', 'a/b/c.txt', 'task.toml'])] = random.bytes(random.int(300));
        let zip = zipSync(entries);
        if (random.chance(0.3)) zip = zip.slice(0, random.int(zip.length));
        const container = document.createElement('div');
        document.body.append(container);
        const root = createRoot(container);
        try {
          await act(async () => root.render(createElement(SuiteLoader, { onLoaded: () => undefined })));
          const input = container.querySelector<HTMLInputElement>('[data-testid="suite-loader-zip"]')!;
          Object.defineProperty(input, 'files', { value: [new File([zip], 'hostile.zip')] });
          await act(async () => {
            input.dispatchEvent(new Event('change', { bubbles: true }));
          });
          const deadline = Date.now() + 5000;
          while (!container.querySelector('[data-testid="suite-loader-error"], [data-testid="suite-loader-result"]') && Date.now() < deadline) {
            await act(async () => new Promise((resolve) => setTimeout(resolve, 20)));
          }
          ensure(container.querySelector('[data-testid="suite-loader-error"], [data-testid="suite-loader-result"]'), 'the loader said nothing');
          ensure(container.querySelector('[data-testid="suite-loader-zip"]'), 'the loader lost its file input');
        } finally {
          await act(async () => root.unmount());
          container.remove();
        }
      });
    }
  } finally {
    console.error = consoleError;
  }
}
