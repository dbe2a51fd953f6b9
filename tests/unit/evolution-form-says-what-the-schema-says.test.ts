// @vitest-environment happy-dom
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_EVOLUTION_SETTINGS, type EvolutionSettings } from '../../src/core/evolve/config.js';
import { EvolutionConfigForm } from '../../src/ui/evolve/EvolutionConfigForm.js';

/**
 * The Evolve page's form accepts and refuses what the CLI and a resumed evolution do, with the same words, and warns
 * before a run that could never accept an edit.
 */

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | undefined;
afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
  // The form remembers what was typed across reloads; each test starts from a first visit.
  window.localStorage.clear();
});

async function renderForm(taskCount: number) {
  const container = document.createElement('div');
  document.body.append(container);
  const onStart = vi.fn<(config: EvolutionSettings) => void>();
  root = createRoot(container);
  await act(async () =>
    root!.render(createElement(EvolutionConfigForm, { harnessLabel: 'default', suiteName: 'tiny', taskCount, defaults: DEFAULT_EVOLUTION_SETTINGS, onStart })),
  );
  const byTestId = <T extends HTMLElement>(id: string) => container.querySelector<T>(`[data-testid="${id}"]`);
  /** Type into a field the way React sees it: the native value setter, then an input event. */
  const type = async (id: string, value: string) => {
    const element = byTestId<HTMLInputElement | HTMLSelectElement>(id)!;
    const prototype = element instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    await act(async () => {
      Object.getOwnPropertyDescriptor(prototype, 'value')!.set!.call(element, value);
      element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    });
  };
  const start = byTestId<HTMLButtonElement>('evolve-start')!;
  const said = () => container.querySelector('.status-text')?.textContent ?? '';
  return { container, byTestId, type, start, said, onStart };
}

describe('the evolution form', () => {
  it('refuses α outside (0, 1) and a fractional k with the schema messages, and starts once they are fixed', async () => {
    const form = await renderForm(12);
    expect(form.start.disabled).toBe(false);
    await form.type('evolve-acceptance', 'statistical');
    await form.type('evolve-alpha', '5');
    expect(form.start.disabled).toBe(true);
    expect(form.said()).toBe('α (one-sided) must be a number between 0 and 1 (both excluded), not 5');
    await form.type('evolve-alpha', '0.05');
    await form.type('evolve-attempts', '1.5');
    expect(form.said()).toBe('Attempts per task (k) must be a whole number of at least 1, not 1.5');
    await form.type('evolve-attempts', '3');
    await form.type('evolve-split', '2,1,1');
    expect(form.start.disabled).toBe(false);
    await act(async () => form.start.click());
    expect(form.onStart).toHaveBeenCalledTimes(1);
    expect(form.onStart.mock.calls[0][0]).toMatchObject({ attempts: 3, acceptance: { kind: 'statistical', alpha: 0.05 }, splitRatios: { heldIn: 0.5, heldOut: 0.25, test: 0.25 } });
  });

  it('remembers what was typed across a reload, and shows the proposer answer caps with their defaults', async () => {
    const first = await renderForm(12);
    await first.type('evolve-attempts', '3');
    await first.type('evolve-split', '2/1/1');
    await first.type('evolve-mining-max-answer-tokens', '1024');
    await act(async () => root?.unmount());
    const again = await renderForm(12);
    expect(again.byTestId<HTMLInputElement>('evolve-attempts')!.value).toBe('3');
    expect(again.byTestId<HTMLInputElement>('evolve-split')!.value).toBe('2/1/1');
    expect(again.byTestId<HTMLInputElement>('evolve-proposal-max-answer-tokens')!.value).toBe('3072');
    await act(async () => again.start.click());
    expect(again.onStart.mock.calls[0][0]).toMatchObject({ attempts: 3, miningMaxAnswerTokens: 1024, proposalMaxAnswerTokens: 3072 });
    await again.type('evolve-mining-max-answer-tokens', '8');
    expect(again.said()).toBe('Longest weakness-mining answer (tokens) must be a whole number of tokens from 16 to 131072, not 8');
  });

  it('says what is wrong with typed split ratios, and lists every problem', async () => {
    const form = await renderForm(12);
    await form.type('evolve-split', '0.5,0.5');
    expect(form.said()).toBe('Split held-in / held-out / test must be three numbers separated by commas or slashes (like 0.5,0.25,0.25), not "0.5,0.5"');
    await form.type('evolve-weaknesses', '0');
    const listed = [...form.byTestId('evolve-problems')!.querySelectorAll('li')].map((item) => item.textContent);
    expect(listed).toEqual([
      'Split held-in / held-out / test must be three numbers separated by commas or slashes (like 0.5,0.25,0.25), not "0.5,0.5"',
      'Weaknesses to address per iteration must be a whole number of at least 1, not 0',
    ]);
    expect(form.start.disabled).toBe(true);
  });

  it('needs at least 4 tasks, in the one message', async () => {
    const form = await renderForm(3);
    expect(form.start.disabled).toBe(true);
    expect(form.said()).toBe('An evolution needs at least 4 tasks (held-in, held-out and test); this suite has 3.');
  });

  it('warns, before the run, that the statistical rule can never accept on 4 tasks with k = 1 or 2', async () => {
    const form = await renderForm(4);
    expect(form.byTestId('evolve-warnings')).toBeNull();
    await form.type('evolve-acceptance', 'statistical');
    await form.type('evolve-attempts', '1');
    // 2 held-in tasks × 1 attempt: the held-in sign test's best p is 0.25; k = 2 (p = 0.0625) is still not enough.
    expect(form.byTestId('evolve-warnings')?.textContent).toMatch(/can never accept an edit here.*p=0\.250 ≥ α.*at least 3 attempts per task/);
    expect(form.start.disabled).toBe(false); // a warning, not a refusal: the person decides
    await form.type('evolve-attempts', '2');
    expect(form.byTestId('evolve-warnings')?.textContent).toMatch(/p=0\.0625 ≥ α/);
    await form.type('evolve-attempts', '3');
    expect(form.byTestId('evolve-warnings')).toBeNull();
  });
});
