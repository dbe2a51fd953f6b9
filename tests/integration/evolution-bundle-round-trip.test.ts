import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { buildReport } from '../../src/core/evolve/report.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionState } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import type { BundleManifest } from '../../src/core/share/bundle.js';
import { exportEvolutionBundle, importBundle } from '../../src/store/bundles.js';
import { StudioDatabase } from '../../src/store/db.js';
import { DexieEvolutionStore, listEvolutionRollouts, listEvolutions } from '../../src/store/evolution-store.js';
import { saveModelProfile } from '../../src/store/model-profiles.js';
import { getTrace } from '../../src/store/studio-store.js';
import { agentTurn, proposerTurn, tasks } from '../fixtures/tiny-world.js';

/**
 * An evolution travels as one zip: its state, every version of its tree, every rollout's trace and its tasks. In a
 * fresh workspace its versions, decisions, report and traces open without a model, and its rollouts are the shared
 * cache's: the same evolution run there again costs the agent nothing. A bundle that does not validate stores nothing.
 */

const names: string[] = [];
const open: StudioDatabase[] = [];
function workspace() {
  const name = `evolution-bundle-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  const db = new StudioDatabase(name);
  open.push(db);
  return db;
}
afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  for (const name of names.splice(0)) await Dexie.delete(name);
});

const KEY = 'sk-evolution-SECRET-0123456789';
const LEAKY_MODEL_ID = 'openai-compatible:tiny@https://alice:urlpass-4242@models.example/v1';
const taskById = new Map(tasks.map((task) => [task.id, task]));
const findTask = (taskId: string) => taskById.get(taskId);
const sandbox = async () => new JustBashSandbox();

async function evolveIn(db: StudioDatabase, id: string, agent: ScriptedModel, proposer: ScriptedModel): Promise<EvolutionState> {
  const store = new DexieEvolutionStore(db, id);
  const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: '', agentModelId: agent.id, proposerModelId: proposer.id };
  await createEvolution(store, { id, config, baseHarness: createDefaultHarness(), tasks, agentModel: agent, proposerModel: proposer });
  return runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, createSandbox: sandbox });
}

const models = () => ({ agent: new ScriptedModel((request) => agentTurn(request), LEAKY_MODEL_ID), proposer: new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer') });

async function exportedEvolution() {
  const source = workspace();
  await saveModelProfile(source, { id: 'p1', provider: 'openai-compatible', label: 'Agent', baseUrl: 'https://models.example/v1', model: 'tiny', apiKey: KEY, actionProtocol: 'native_tools' });
  const { agent, proposer } = models();
  const state = await evolveIn(source, 'evo-shared', agent, proposer);
  expect(state.status).toBe('done');
  expect(state.currentHash).not.toBe(state.baseHash);
  const exported = await exportEvolutionBundle(source, state.id, findTask);
  if (!exported.ok) throw new Error(exported.error);
  return { source, state, exported };
}

/** The zip with one file changed (or removed, when `change` returns undefined). */
function edited(bytes: Uint8Array, path: string, change: (text: string) => string | undefined): Uint8Array {
  const files = unzipSync(bytes);
  const next = change(strFromU8(files[path]));
  if (next === undefined) delete files[path];
  else files[path] = strToU8(next);
  return zipSync(files);
}

async function nothingStored(db: StudioDatabase) {
  for (const table of [db.evolutions, db.rollouts, db.runs, db.traceEvents, db.harnesses]) expect(await table.count(), table.name).toBe(0);
}

describe('evolution bundles', () => {
  it('carry the state, every version, every rollout trace and the tasks; import into a fresh workspace opens all of it at zero model cost', async () => {
    const { source, state, exported } = await exportedEvolution();
    const files = unzipSync(exported.bytes);
    const manifest = JSON.parse(strFromU8(files['bundle.json'])) as BundleManifest;
    expect(manifest).toMatchObject({ kind: 'evolution', evolution: { id: 'evo-shared', file: 'evolution/state.json' }, suite: { hash: state.config.suiteHash } });
    expect(manifest.harnesses.map((entry) => entry.hash).sort()).toEqual(Object.keys(state.versions).sort());
    expect(manifest.episodes.map((episode) => episode.rolloutKey).sort()).toEqual([...state.usedRollouts].sort());
    expect(Object.keys(files).filter((path) => path.endsWith('.jsonl'))).toHaveLength(state.usedRollouts.length);
    const everything = Object.values(files).map((bytes) => strFromU8(bytes)).join('\n');
    for (const secret of [KEY, 'urlpass-4242', 'alice:']) expect(everything).not.toContain(secret);
    expect(everything).toContain('models.example/v1');

    const target = workspace();
    const imported = await importBundle(target, exported.bytes, exported.fileName);
    if (!imported.ok) throw new Error(imported.errors.join('; '));
    if (imported.kind !== 'evolution') throw new Error('an evolution bundle came back as a batch');
    expect(imported.evolution.id).toBe('evo-shared');
    expect(imported.rollouts).toBe(state.usedRollouts.length);
    expect(imported.tasks.map((task) => task.id).sort()).toEqual(tasks.map((task) => task.id).sort());

    // Versions, decisions and the report are the evolution's own.
    const [opened] = await listEvolutions(target);
    expect(opened.versions[opened.currentHash].harness).toEqual(state.versions[state.currentHash].harness);
    expect(opened.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason])).toEqual(state.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason]));
    const report = buildReport(opened);
    expect(report.acceptedEdits.length).toBeGreaterThan(0);
    // The stored state is what travels (the loop's last in-memory copy may differ in its elapsed time by a tick).
    const [stored] = await listEvolutions(source);
    expect(report).toEqual(buildReport(stored));
    // Base and current versions are saved versions too, with the lineage they came with.
    expect(await target.harnesses.get(state.currentHash)).toMatchObject({ source: 'import', origin: { fileName: exported.fileName, viaBundle: true } });
    expect((await target.harnesses.get(state.currentHash))?.origin?.lineage?.steps.at(-1)?.hash).toBe(state.currentHash);
    expect(await target.harnesses.get(state.baseHash)).toBeDefined();

    // Every rollout's trace opens like a run's: a run record of kind rollout and its events, as in the source.
    const rows = await listEvolutionRollouts(target, opened);
    expect(rows).toHaveLength(state.usedRollouts.length);
    for (const row of rows) {
      expect(await target.runs.get(row.traceId)).toMatchObject({ kind: 'rollout', rolloutKey: row.key, taskId: row.taskId, outcome: row.outcome });
      const sourceRow = await source.rollouts.get(row.key);
      expect((await getTrace(target, row.traceId)).map((event) => event.type)).toEqual((await getTrace(source, sourceRow!.traceId)).map((event) => event.type));
    }

    // The rollouts are the shared cache's: the same evolution run again here never calls the agent.
    const again = models();
    const rerun = await evolveIn(target, 'evo-again', again.agent, again.proposer);
    expect(rerun.status).toBe('done');
    expect(again.agent.calls).toHaveLength(0);
    expect(rerun.currentHash).toBe(state.currentHash);

    // Imported twice, nothing is replaced: the second copy gets its own id.
    const second = await importBundle(target, exported.bytes, exported.fileName);
    expect(second.ok && second.kind === 'evolution' && second.evolution.id).toMatch(/^evo-shared-imported-/);
    expect(await target.evolutions.count()).toBe(3);
  }, 120_000);

  it('refuses a bundle whose state, rollouts or traces do not validate, and stores nothing', async () => {
    const { exported } = await exportedEvolution();
    const manifestOf = (bytes: Uint8Array) => JSON.parse(strFromU8(unzipSync(bytes)['bundle.json'])) as BundleManifest;
    const first = manifestOf(exported.bytes).episodes[0];
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['a state that is not one', edited(exported.bytes, 'evolution/state.json', (text) => JSON.stringify({ ...JSON.parse(text), stage: 'daydreaming' })), /evolution\/state\.json: not a valid evolution state/],
      ['a newer state format', edited(exported.bytes, 'evolution/state.json', (text) => JSON.stringify({ ...JSON.parse(text), formatVersion: 99 })), /format version 99 is newer/],
      ['a trace with a line cut', edited(exported.bytes, first.file, (text) => text.split('\n').slice(1).join('\n')), /events, the manifest says/],
      [
        'a rollout filed under another key',
        edited(exported.bytes, 'bundle.json', (text) => {
          const manifest = JSON.parse(text) as BundleManifest;
          manifest.episodes[0].attempt += 7;
          return JSON.stringify(manifest);
        }),
        /its key does not match/,
      ],
      [
        'a rollout missing',
        edited(exported.bytes, 'bundle.json', (text) => {
          const manifest = JSON.parse(text) as BundleManifest;
          manifest.episodes = manifest.episodes.slice(1);
          return JSON.stringify(manifest);
        }),
        /rollouts the evolution used are not in the bundle/,
      ],
      ['a version missing', edited(exported.bytes, 'bundle.json', (text) => JSON.stringify({ ...JSON.parse(text), harnesses: [] })), /versions have no snapshot|is not in the bundle/],
      ['no state file', edited(exported.bytes, 'evolution/state.json', () => undefined), /evolution\/state\.json is named in bundle\.json but missing/],
    ];
    for (const [what, bytes, message] of cases) {
      const target = workspace();
      const result = await importBundle(target, bytes, 'evolution.bundle.zip');
      expect(result.ok, what).toBe(false);
      expect(!result.ok && result.errors.join('\n'), what).toMatch(message);
      await nothingStored(target);
    }
  }, 120_000);

  it('is refused at export when the evolution\'s tasks are not loaded, or changed since it ran', async () => {
    const { source, state } = await exportedEvolution();
    const notLoaded = await exportEvolutionBundle(source, state.id, () => undefined);
    expect(!notLoaded.ok && notLoaded.error).toMatch(/not in the current suite: load the suite it ran on \(tiny\)/);
    const changed = await exportEvolutionBundle(source, state.id, (taskId) => {
      const task = findTask(taskId);
      return task && { ...task, instruction: `${task.instruction} (edited)` };
    });
    expect(!changed.ok && changed.error).toMatch(/differ from the ones this evolution ran on/);
  }, 120_000);
});
