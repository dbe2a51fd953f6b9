import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG, MemoryEvolutionStore } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { StudioDatabase } from '../../src/store/db.js';
import { DexieEvolutionStore, importEvolution, listEvolutionRollouts, listEvolutions } from '../../src/store/evolution-store.js';
import { getTrace } from '../../src/store/studio-store.js';
import { agentTurn, proposerTurn, tasks } from '../fixtures/tiny-world.js';

const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: 's', agentModelId: 'scripted:agent', proposerModelId: 'scripted:proposer' };
const models = () => ({ agentModel: new ScriptedModel((request) => agentTurn(request), 'scripted:agent'), proposerModel: new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer') });

describe('evolutions in IndexedDB', () => {
  it('run, survive a closed tab (a new connection) and share the rollout cache', async () => {
    const name = `evo-${Math.random()}`;
    const db = new StudioDatabase(name);
    const store = new DexieEvolutionStore(db, 'evo-a');
    await createEvolution(store, { id: 'evo-a', config, baseHarness: createDefaultHarness(), tasks, ...models() });
    const controller = new AbortController();
    let progressCount = 0;
    const paused = await runEvolution({ store, tasks, ...models(), createSandbox: async () => new JustBashSandbox(), signal: controller.signal, onEvent: (event) => void (event.type === 'rollout-end' && ++progressCount === 10 && controller.abort()) });
    expect(paused.status).toBe('paused');
    db.close();

    const reopened = new StudioDatabase(name);
    const done = await runEvolution({ store: new DexieEvolutionStore(reopened, 'evo-a'), tasks, ...models(), createSandbox: async () => new JustBashSandbox() });
    expect(done.status).toBe('done');
    expect((await listEvolutions(reopened)).map((state) => state.id)).toEqual(['evo-a']);
    expect(await reopened.rollouts.count()).toBe(done.executedRollouts);
    // One trace store: every rollout the evolution used opens like a run.
    const used = await listEvolutionRollouts(reopened, done);
    expect(used).toHaveLength(done.usedRollouts.length);
    for (const rollout of used) {
      expect(await reopened.runs.get(rollout.traceId)).toMatchObject({ kind: 'rollout', taskId: rollout.taskId, outcome: rollout.outcome });
      const trace = await getTrace(reopened, rollout.traceId);
      expect([trace[0].type, trace.at(-1)?.type]).toEqual(['run-start', 'run-end']);
    }
    reopened.close();
    await Dexie.delete(name);
  });

  it('imports what the CLI wrote without overwriting an evolution of the same id', async () => {
    const cliDisk = new MemoryEvolutionStore();
    await createEvolution(cliDisk, { id: 'evo-cli', config, baseHarness: createDefaultHarness(), tasks, ...models() });
    await runEvolution({ store: cliDisk, tasks, ...models(), createSandbox: async () => new JustBashSandbox() });
    const name = `evo-${Math.random()}`;
    const db = new StudioDatabase(name);
    const first = await importEvolution(db, cliDisk.state!, [...cliDisk.rollouts.values()]);
    const second = await importEvolution(db, cliDisk.state!, [...cliDisk.rollouts.values()]);
    expect(first.id).toBe('evo-cli');
    expect(second.id).toMatch(/^evo-cli-imported-/);
    expect(await db.evolutions.count()).toBe(2);
    expect(await db.rollouts.count()).toBe(cliDisk.rollouts.size);
    await expect(importEvolution(db, { nonsense: true }, [])).rejects.toThrow(/not an evolution state file .*no formatVersion/);
    await expect(importEvolution(db, { ...cliDisk.state!, stage: 'banana' }, [])).rejects.toThrow(/stage/);
    const [good] = [...cliDisk.rollouts.values()];
    const third = await importEvolution(db, cliDisk.state!, [good, { ...good, outcome: 'banana' }, 'garbage']);
    expect(third.skippedRollouts).toBe(2);
    db.close();
    await Dexie.delete(name);
  });
});
