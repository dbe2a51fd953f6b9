import { describeConfigProblems, parseEvolutionConfig } from '../core/evolve/config.js';
import type { EvolutionState, EvolutionStore, RolloutRecord } from '../core/evolve/state.js';
import type { StudioDatabase } from './db.js';

/** One evolution's state in IndexedDB; the rollout cache is shared by every evolution (same key = same result). */
export class DexieEvolutionStore implements EvolutionStore {
  constructor(
    private readonly db: StudioDatabase,
    readonly evolutionId: string,
  ) {}

  loadState(): Promise<EvolutionState | undefined> {
    return this.db.evolutions.get(this.evolutionId);
  }

  async saveState(state: EvolutionState): Promise<void> {
    if (state.id !== this.evolutionId) throw new Error(`this store holds evolution ${this.evolutionId}, not ${state.id}`);
    await this.db.evolutions.put(state);
  }

  getRollout(key: string): Promise<RolloutRecord | undefined> {
    return this.db.rollouts.get(key);
  }

  async putRollout(record: RolloutRecord): Promise<void> {
    await this.db.rollouts.put(record);
  }
}

export function listEvolutions(db: StudioDatabase): Promise<EvolutionState[]> {
  return db.evolutions.orderBy('startedAt').reverse().toArray();
}

/**
 * Import an evolution written by the CLI (`state.json` + `rollouts/*.json`). An existing evolution with the same id
 * is never overwritten: the import gets a new id, so nothing stored is lost.
 */
export async function importEvolution(db: StudioDatabase, state: EvolutionState, rollouts: RolloutRecord[]): Promise<EvolutionState> {
  if (state?.formatVersion !== 1 || !state.id || !state.versions || !state.config) throw new Error('not an evolution state file (state.json from `self-harness evolve --out`)');
  const config = parseEvolutionConfig(state.config);
  if (!config.ok) throw new Error(`the evolution's settings are not valid: ${describeConfigProblems(config.problems)}`);
  let imported: EvolutionState = { ...state, config: config.value };
  if (await db.evolutions.get(state.id)) imported = { ...imported, id: `${state.id}-imported-${Date.now().toString(36)}` };
  await db.transaction('rw', db.evolutions, db.rollouts, async () => {
    await db.evolutions.add(imported);
    // Rollouts are content-addressed by key: an existing one is the same result, so keep it.
    const existing = new Set(await db.rollouts.where('key').anyOf(rollouts.map((rollout) => rollout.key)).primaryKeys());
    await db.rollouts.bulkAdd(rollouts.filter((rollout) => rollout.key && !existing.has(rollout.key)));
  });
  return imported;
}
