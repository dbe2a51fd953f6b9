import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryEvolutionStore } from '../../src/cli/fs-evolution-store.js';
import { createEvolution, EvolutionRefused, readEvolutionState, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import type { EvolutionEvent } from '../../src/core/evolve/events.js';
import { parseEvolutionState, parseRolloutRecord } from '../../src/core/evolve/state-schema.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { agentTurn, GOOD_RULE, proposerTurn, tasks } from '../fixtures/tiny-world.js';

/** The frozen copy of format version 1 (tests/fixtures/evolution-format-v1): never regenerated. */
const FROZEN = new URL('../fixtures/evolution-format-v1/', import.meta.url).pathname;

async function frozenCopy(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'evolution-v1-'));
  await cp(FROZEN, directory, { recursive: true });
  return directory;
}

const models = () => ({ agentModel: new ScriptedModel((request) => agentTurn(request), 'scripted:agent'), proposerModel: new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer') });

async function resume(directory: string) {
  const store = new DirectoryEvolutionStore(directory);
  const events: EvolutionEvent[] = [];
  const state = await runEvolution({ store, tasks, ...models(), createSandbox: async () => new JustBashSandbox(), onEvent: (event) => void events.push(event) });
  return { store, state, events };
}

describe('evolution state format', () => {
  it('migrates a format-1 state.json and its rollout files, and the evolution resumes from them without re-running any', async () => {
    const directory = await frozenCopy();
    const read = await readEvolutionState(new DirectoryEvolutionStore(directory));
    expect(read.ok && read.migratedFrom).toBe(1);
    const migrated = read.ok ? read.state! : undefined;
    expect(migrated?.formatVersion).toBe(2);
    expect(migrated?.models.agent).toMatchObject({ key: 'scripted:agent', legacy: true });
    expect(migrated?.config.adaptiveValidation).toBe(false);
    const v1Keys = new Set(migrated!.usedRollouts);
    expect(v1Keys.size).toBe(18);

    // Every format-1 rollout file reads as a valid cached rollout under the migrated (legacy) model key.
    const v1Store = new DirectoryEvolutionStore(directory);
    for (const key of v1Keys) expect((await v1Store.getRollout(key))?.key).toBe(key);
    expect(v1Store.quarantined).toEqual([]);

    const { state, events, store } = await resume(directory);
    expect(events.some((event) => event.type === 'notice' && event.message === 'upgraded the stored evolution from format version 1 to 2')).toBe(true);
    const rerun = events.filter((event) => event.type === 'rollout-end' && !event.cached && v1Keys.has(event.record.key));
    expect(rerun).toEqual([]);
    expect(store.quarantined).toEqual([]);
    expect(state.status).toBe('done');
    expect(state.versions[state.currentHash].harness.rules.map((rule) => rule.text)).toEqual([GOOD_RULE]);
    const saved = JSON.parse(await readFile(join(directory, 'state.json'), 'utf8'));
    expect(saved.formatVersion).toBe(2);
  }, 60_000);

  it('refuses what is not a valid state with a message, leaves the file as it was, and never spins', async () => {
    const frozen = JSON.parse(await readFile(join(FROZEN, 'state.json'), 'utf8'));
    const cases: Array<[string, string, RegExp]> = [
      ['empty object', '{}', /has no formatVersion/],
      ['null', 'null', /expected a JSON object/],
      ['a newer format', JSON.stringify({ ...frozen, formatVersion: 99 }), /format version 99 is newer than this build reads \(1–2\)/],
      ['an unknown stage', JSON.stringify({ ...frozen, stage: 'banana' }), /stage: Invalid option/],
      ['a truncated file', JSON.stringify(frozen).slice(0, 500), /is not valid JSON/],
      ['a dangling current version', JSON.stringify({ ...frozen, currentHash: 'nope' }), /the current version nope is missing/],
    ];
    for (const [name, text, message] of cases) {
      const directory = await mkdtemp(join(tmpdir(), 'evolution-bad-'));
      await writeFile(join(directory, 'state.json'), text);
      const attempt = resume(directory);
      await expect(attempt, name).rejects.toBeInstanceOf(EvolutionRefused);
      await expect(attempt, name).rejects.toThrow(message);
      expect(await readFile(join(directory, 'state.json'), 'utf8'), name).toBe(text);
    }
  }, 60_000);

  it('quarantines a corrupt or mismatched rollout file with the reason, runs that rollout again, and finishes', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'evolution-quarantine-'));
    const controller = new AbortController();
    const first = models();
    const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: '', agentModelId: 'a', proposerModelId: 'p' };
    await createEvolution(new DirectoryEvolutionStore(directory), { id: 'q', config, baseHarness: createDefaultHarness(), tasks, ...first });
    let seen = 0;
    const paused = await runEvolution({ store: new DirectoryEvolutionStore(directory), tasks, ...first, createSandbox: async () => new JustBashSandbox(), signal: controller.signal, onEvent: (event) => void (event.type === 'rollout-end' && ++seen === 6 && controller.abort()) });
    expect(paused.status).toBe('paused');
    const files = (await readdir(join(directory, 'rollouts'))).sort();
    expect(files).toHaveLength(6);
    const truncated = join(directory, 'rollouts', files[0]);
    await writeFile(truncated, (await readFile(truncated, 'utf8')).slice(0, 200));
    // A file holding another rollout (a tampered or mis-copied cache entry).
    await writeFile(join(directory, 'rollouts', files[1]), await readFile(join(directory, 'rollouts', files[2]), 'utf8'));
    const { state, store, events } = await resume(directory);
    expect(state.status).toBe('done');
    expect(store.quarantined.map((item) => item.reason).sort()).toEqual([expect.stringMatching(/^it holds rollout .* not /), expect.stringMatching(/^not valid JSON/)]);
    expect(events.filter((event) => event.type === 'rollout-end' && !event.cached && event.replayed)).toHaveLength(2);
    const quarantine = await readdir(join(directory, 'quarantine'));
    expect(quarantine.filter((name) => name.endsWith('.reason.txt'))).toHaveLength(2);
    expect(quarantine.filter((name) => name.endsWith('.json'))).toHaveLength(2);
    expect((await readdir(join(directory, 'rollouts'))).includes(files[0])).toBe(true); // run again and written again
  }, 60_000);

  it('rollout records: format 1 reads, unknown versions and outcomes are refused', async () => {
    const files = (await readdir(join(FROZEN, 'rollouts'))).sort();
    const v1 = JSON.parse(await readFile(join(FROZEN, 'rollouts', files[0]), 'utf8'));
    expect(v1.formatVersion).toBeUndefined();
    const parsed = parseRolloutRecord(v1, v1.key);
    expect(parsed.ok && parsed.value.formatVersion).toBe(2);
    expect(parseRolloutRecord({ ...v1, formatVersion: 3 })).toMatchObject({ ok: false, error: expect.stringMatching(/format version 3/) });
    expect(parseRolloutRecord({ ...v1, outcome: 'banana' })).toMatchObject({ ok: false, error: expect.stringMatching(/outcome/) });
    expect(parseRolloutRecord({ ...v1, taskId: 'other' })).toMatchObject({ ok: false, error: expect.stringMatching(/key does not match/) });
    expect(parseEvolutionState([])).toMatchObject({ ok: false });
  });
});
