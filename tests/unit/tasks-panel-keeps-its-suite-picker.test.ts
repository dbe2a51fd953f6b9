// @vitest-environment happy-dom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkStoredSuite } from '../../src/core/tasks/stored-suite.js';
import type { Task } from '../../src/core/tasks/types.js';
import { TaskPicker } from '../../src/ui/TaskPicker.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/**
 * A malformed suite crashed the Tasks panel ("Minified React error #31" for `title: {"x": 1}`), and the suite picker
 * lived inside the crash, so there was no way out, not even by reloading. Now a stored suite is checked like a
 * loaded one, and a crash in the task list keeps the picker.
 */

const good: Task = {
  id: 'good',
  title: 'A good task',
  instruction: 'do it',
  initialFiles: {},
  verifier: { script: 'exit 0' },
  agentTimeoutSec: 60,
  verifierTimeoutSec: 10,
  category: 'files',
  difficulty: 'easy',
  tags: [],
};
const malformed = { ...good, id: 'bad-title', title: { x: 1 } } as unknown as Task;

afterEach(() => {
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('the Tasks panel with a malformed suite', () => {
  it('a stored suite is checked as if loaded anew: the bad task is refused with its reason, the good one kept', () => {
    const checked = checkStoredSuite({ id: 'mine', name: 'Mine', tasks: [malformed, good, 'junk'] });
    expect(checked?.suite.tasks.map((task) => task.id)).toEqual(['good']);
    expect(checked?.refused).toEqual([
      { task: 'bad-title', reason: 'task "bad-title": title must be text' },
      { task: '?', reason: 'task is not an object' },
    ]);
    expect(checkStoredSuite({ tasks: 'many' })).toBeUndefined();
    expect(checkStoredSuite(null)).toBeUndefined();
  });

  it('a crash in the task list shows an error in place and keeps the suite picker usable', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    const onPickBuiltin = vi.fn();
    const controls = createElement('button', { type: 'button', 'data-testid': 'suite-builtin', onClick: onPickBuiltin }, 'Back to the built-in suite');
    const render = (tasks: Task[]) => createElement(TaskPicker, { suiteName: 'stored suite', tasks, selected: new Set<string>(), onChange: () => undefined, suiteControls: controls });

    await act(async () => root.render(render([good, malformed])));
    expect(container.querySelector('[data-testid="error-boundary"]')?.textContent).toMatch(/Something went wrong in the Tasks panel/);
    const picker = container.querySelector<HTMLButtonElement>('[data-testid="suite-builtin"]');
    expect(picker).not.toBeNull();
    await act(async () => picker!.click());
    expect(onPickBuiltin).toHaveBeenCalledTimes(1);

    // A field that breaks the list's own code (found by the reliability suite: `requires: "tar"` threw from
    // TaskPicker's body, outside its boundary, and took the whole workbench down).
    const odd = { ...good, id: 'odd-requires', requires: 'tar' } as unknown as Task;
    await act(async () => root.render(render([odd])));
    expect(container.querySelector('[data-testid="error-boundary"]')?.textContent).toMatch(/Something went wrong in the Tasks panel/);
    expect(container.querySelector('[data-testid="suite-builtin"]')).not.toBeNull();

    // Choosing another suite clears the error: the list renders again.
    await act(async () => root.render(render([good])));
    expect(container.querySelector('[data-testid="error-boundary"]')).toBeNull();
    expect(container.querySelectorAll('[data-testid="task-item"]')).toHaveLength(1);
    await act(async () => root.unmount());
  });
});
