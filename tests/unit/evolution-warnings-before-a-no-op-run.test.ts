import { describe, expect, it } from 'vitest';
import { DEFAULT_EVOLUTION_SETTINGS, type EvolutionSettings } from '../../src/core/evolve/config.js';
import { evolutionWarnings } from '../../src/core/evolve/evolution-warnings.js';
import { type AcceptanceRule, decide } from '../../src/core/evolve/gate.js';
import { type SplitName, type SplitRatios, splitTasks } from '../../src/core/evolve/splits.js';
import type { Task } from '../../src/core/tasks/types.js';

/**
 * A suite too small for the acceptance rule to ever accept an edit used to run to the end and accept nothing, with no
 * word why. The warning is said before the run; here it is checked against the gate itself on the best case a
 * candidate can reach: every held-in and held-out attempt failed before and passes after. (The statistical rule's sign
 * test counts held-in pairs only; held-out is guarded per task, so its best case is no fall.)
 */

const task = (id: string, category: string): Task => ({
  id, title: id, instruction: id, initialFiles: {}, verifier: { script: 'true' }, agentTimeoutSec: 1, verifierTimeoutSec: 1, category, difficulty: 'easy', tags: [],
});
const suite = (count: number) => Array.from({ length: count }, (_, index) => task(`t${index}`, `c${index % 3}`));

function bestCaseAccepted(settings: Pick<EvolutionSettings, 'splitRatios' | 'attempts' | 'acceptance'>, count: number): boolean {
  const splits = splitTasks(suite(count), settings.splitRatios, 1);
  const judged = [...splits.heldIn, ...splits.heldOut];
  if (!splits.heldIn.length) return false; // nothing is ever mined, so nothing is ever proposed
  const splitOf: Record<string, SplitName> = {};
  for (const name of ['heldIn', 'heldOut', 'test'] as SplitName[]) for (const id of splits[name]) splitOf[id] = name;
  const parent = Object.fromEntries(judged.map((id) => [id, 0]));
  const candidate = Object.fromEntries(judged.map((id) => [id, settings.attempts]));
  return decide(settings.acceptance, splitOf, parent, candidate, settings.attempts).accepted;
}

const kinds = (settings: Pick<EvolutionSettings, 'splitRatios' | 'attempts' | 'acceptance'>, count: number) => evolutionWarnings(settings, count).map((warning) => warning.kind);

describe('warnings before an evolution', () => {
  it('say when the statistical rule can never accept, exactly when the gate would refuse even the best candidate', () => {
    const rules: AcceptanceRule[] = [{ kind: 'paper' }, { kind: 'strict' }, { kind: 'statistical', alpha: 0.05 }, { kind: 'statistical', alpha: 0.01 }, { kind: 'statistical', alpha: 0.2 }];
    const ratiosList: SplitRatios[] = [DEFAULT_EVOLUTION_SETTINGS.splitRatios, { heldIn: 0.2, heldOut: 0.2, test: 0.6 }, { heldIn: 0.7, heldOut: 0.3, test: 0 }];
    let neverAccepts = 0;
    for (const acceptance of rules) {
      for (const splitRatios of ratiosList) {
        for (let attempts = 1; attempts <= 3; attempts++) {
          for (let count = 4; count <= 12; count++) {
            const settings = { splitRatios, attempts, acceptance };
            const warned = kinds(settings, count).some((kind) => kind === 'never_accepts' || kind === 'no_held_in');
            expect({ count, attempts, acceptance, splitRatios, warned }).toEqual({ count, attempts, acceptance, splitRatios, warned: !bestCaseAccepted(settings, count) });
            if (warned) neverAccepts += 1;
          }
        }
      }
    }
    expect(neverAccepts).toBeGreaterThan(5); // the cases exist, and were checked
  });

  it('name the numbers and what would help', () => {
    const [warning] = evolutionWarnings({ splitRatios: DEFAULT_EVOLUTION_SETTINGS.splitRatios, attempts: 1, acceptance: { kind: 'statistical', alpha: 0.05 } }, 4);
    expect(warning).toEqual({
      kind: 'never_accepts',
      message:
        'The statistical rule at α=0.05 can never accept an edit here: with 4 tasks (2 held-in / 1 held-out / 1 test) and 1 attempt each, ' +
        'a candidate that wins all 2 held-in task × attempt pairs still has p=0.250 ≥ α. Use more tasks, at least 3 attempts per task, a larger α, or the paper rule.',
    });
  });

  it('say nothing for the defaults on a suite of 4 or more', () => {
    for (let count = 4; count <= 62; count++) expect(evolutionWarnings(DEFAULT_EVOLUTION_SETTINGS, count)).toEqual([]);
  });

  it('say when no task is held-in, held-out or kept for the test', () => {
    expect(kinds({ ...DEFAULT_EVOLUTION_SETTINGS, splitRatios: { heldIn: 0.1, heldOut: 0.45, test: 0.45 } }, 4)).toEqual(['no_held_in']);
    expect(kinds({ ...DEFAULT_EVOLUTION_SETTINGS, splitRatios: { heldIn: 0.7, heldOut: 0.3, test: 0 } }, 10)).toEqual(['no_test']);
    expect(kinds({ ...DEFAULT_EVOLUTION_SETTINGS, splitRatios: { heldIn: 0.9, heldOut: 0.05, test: 0.05 } }, 6)).toEqual(['no_held_out', 'no_test']);
  });
});
