import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryEvolutionStore } from '../../../src/cli/fs-evolution-store.js';
import * as evolutionLoop from '../../../src/core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionConfig, type EvolutionState, type EvolutionStore, MemoryEvolutionStore } from '../../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../../src/core/harness/index.js';
import { ScriptedModel } from '../../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../../src/core/sandbox/just-bash-sandbox.js';
import { agentTurn, proposerTurn, tasks } from '../../fixtures/tiny-world.js';
import { ensure, type Reliability } from '../reliability.js';

/**
 * Crash, resume, corruption: an evolution stopped at random points resumes to the same decisions as one that was
 * never stopped; files of a stopped evolution are truncated, garbled or replaced, and a resume then either recovers
 * or refuses with a message, and never destroys the files it was not given broken. Lost = a decision that changed,
 * or an intact file that disappeared or stopped parsing.
 */

const { createEvolution, runEvolution } = evolutionLoop;

const config: EvolutionConfig = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: 'tiny-hash', agentModelId: 'scripted:agent', proposerModelId: 'scripted:proposer' };

const models = () => ({ agentModel: new ScriptedModel((request) => agentTurn(request), 'scripted:agent'), proposerModel: new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer') });

/** What must not depend on interruptions: every decision and the version tree. */
function decisions(state: EvolutionState): string {
  return JSON.stringify({
    status: state.status,
    currentHash: state.currentHash,
    candidates: state.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason]),
    versions: Object.values(state.versions).map((version) => [version.hash, version.parentHash, version.status, version.scores]).sort(),
    usedRollouts: state.usedRollouts,
  });
}

/** Runs (or resumes) the evolution in `store`; aborts it after `stopAfter` rollouts when given. */
async function run(store: EvolutionStore, stopAfter?: number): Promise<EvolutionState> {
  const controller = new AbortController();
  let rollouts = 0;
  return runEvolution({
    store,
    tasks,
    ...models(),
    // Every rollout asks for a sandbox: the stop comes in the middle of one, as a kill would.
    createSandbox: async () => {
      if (stopAfter !== undefined && ++rollouts > stopAfter) controller.abort();
      return new JustBashSandbox();
    },
    signal: controller.signal,
  });
}

async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.set(path, await readFile(path, 'utf8'));
    }
  };
  await walk(dir);
  return out;
}

export async function crashResumeFamily(reliability: Reliability): Promise<void> {
  const { random } = reliability;
  const reference = new MemoryEvolutionStore();
  await createEvolution(reference, { id: 'evo', config, baseHarness: createDefaultHarness(), tasks });
  const expected = decisions(await run(reference));

  // Stopped again and again at random points, resumed each time: the same decisions.
  for (let chain = 0; chain < 2; chain++) {
    const store = new MemoryEvolutionStore();
    await createEvolution(store, { id: 'evo', config, baseHarness: createDefaultHarness(), tasks });
    let state: EvolutionState | undefined;
    for (let stop = 0; stop < 12 && state?.status !== 'done'; stop++) {
      await reliability.check(`chain ${chain}: stopped at a random rollout (${stop})`, 'fault', async () => {
        state = await run(store, random.between(0, 12));
        ensure(['paused', 'done'].includes(state.status), `a stopped evolution is ${state.status}: ${state.stopReason}`);
      });
    }
    await reliability.check(`chain ${chain}: resumed to the end`, 'fault', async () => {
      state = await run(store);
      return { lost: decisions(state) === expected ? 0 : 1 };
    });
  }

  // A stopped evolution on disk, then one of its files broken before the resume.
  const scratch = await mkdtemp(join(tmpdir(), 'reliability-evolution-'));
  try {
    const pristine = join(scratch, 'pristine');
    const store = new DirectoryEvolutionStore(pristine);
    await createEvolution(store, { id: 'evo', config, baseHarness: createDefaultHarness(), tasks });
    await run(store, 20);
    const pristineFiles = await filesOf(pristine);
    const rolloutFiles = [...pristineFiles.keys()].filter((path) => path.includes('/rollouts/'));
    // State shapes (an empty object, another format version, an unknown stage) need the state schema; without it a
    // resume may do anything, so they are tried only where the loop validates what it loads.
    const validatesState = 'readEvolutionState' in evolutionLoop;
    if (!validatesState) reliability.skip('state.json shape corruptions ({}, null, formatVersion 99, stage "banana"): this build does not validate evolution state yet');

    const damages: Array<{ name: string; damage: (text: string) => string; state?: boolean }> = [
      { name: 'truncated', damage: (text) => text.slice(0, random.int(text.length)) },
      { name: 'garbage bytes', damage: () => Buffer.from(random.bytes(200)).toString('latin1') },
      { name: 'empty', damage: () => '' },
      { name: 'JSON null', damage: () => 'null', state: true },
      { name: 'an empty object', damage: () => '{}', state: true },
      { name: 'wrong types', damage: (text) => text.replace(/"outcome":"[a-z_]+"/, '"outcome":42').replace(/"status":"[a-z_]+"/, '"status":["x"]'), state: true },
      { name: 'format version 99', damage: (text) => text.replace(/^\{/, '{"formatVersion":99,'), state: true },
      { name: 'an unknown stage', damage: (text) => text.replace(/"stage":"[a-z_]+"/, '"stage":"banana"'), state: true },
    ];
    for (let index = 0; index < 20; index++) {
      const damage = random.pick(damages);
      const target = random.chance(0.35) ? 'state.json' : 'a rollout';
      if (target === 'state.json' && damage.state && !validatesState) continue;
      await reliability.check(`resume after ${target} was ${damage.name} (${index})`, 'fault', async () => {
        const dir = join(scratch, `case-${index}`);
        await cp(pristine, dir, { recursive: true });
        const broken = target === 'state.json' ? join(dir, 'state.json') : join(dir, random.pick(rolloutFiles).slice(pristine.length + 1));
        await writeFile(broken, damage.damage(await readFile(broken, 'utf8')));
        let outcome = 'recovered';
        try {
          // The resume reads the stored state and reuses the stored rollouts first; a few new ones are enough.
          const state = await run(new DirectoryEvolutionStore(dir), 4);
          outcome = state.status;
        } catch (error) {
          ensure(error instanceof Error && error.message.length > 5, 'refused without a message');
          ensure(!/^(TypeError|RangeError)$/.test(error.name) || target !== 'a rollout', `a broken rollout crashed the resume: ${error.name}: ${error.message}`);
          outcome = 'refused';
        }
        ensure(outcome !== 'running', `the resume ended as ${outcome}`);
        // Every file that was intact is still there and still parses.
        let lost = 0;
        for (const path of pristineFiles.keys()) {
          const copy = join(dir, path.slice(pristine.length + 1));
          if (copy === broken) continue;
          const text = await readFile(copy, 'utf8').catch(() => undefined);
          if (text === undefined) continue; // a resume may replace a file atomically; its new content is checked below
          try {
            JSON.parse(text);
          } catch {
            lost += 1;
          }
        }
        const stateText = await readFile(join(dir, 'state.json'), 'utf8').catch(() => undefined);
        if (broken !== join(dir, 'state.json') && (stateText === undefined || !JSON.parse(stateText))) lost += 1;
        return { lost };
      }, 30_000);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
