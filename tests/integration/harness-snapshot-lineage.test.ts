import { describe, expect, it } from 'vitest';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionState, MemoryEvolutionStore } from '../../src/core/evolve/state.js';
import { createDefaultHarness, harnessHash } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { suiteHash } from '../../src/core/tasks/suite-hash.js';
import { createSnapshot, type KnownVersion, parseHarnessFile, serializeSnapshot, snapshotFileName } from '../../src/core/share/snapshot.js';
import { agentTurn, GOOD_RULE, proposerTurn, tasks } from '../fixtures/tiny-world.js';

/** A snapshot file carries a version's lineage — accepted edits with weakness, gate verdict and flips — and never a secret. */

const LEAKY_AGENT_ID = 'openai-compatible:tiny@https://alice:sk-live-SECRET123456@models.example/v1?api-key=QUERYSECRET99';

async function evolveTinyWorld(agentModelId = 'scripted:agent'): Promise<EvolutionState> {
  const store = new MemoryEvolutionStore();
  const agent = new ScriptedModel((request) => agentTurn(request), agentModelId);
  const proposer = new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer');
  const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: 'suite-hash', agentModelId, proposerModelId: 'scripted:proposer' };
  await createEvolution(store, { id: 'evo-1', config, baseHarness: createDefaultHarness(), tasks, agentModel: agent, proposerModel: proposer });
  return runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, createSandbox: async () => new JustBashSandbox() });
}

async function defaultVersion(): Promise<KnownVersion> {
  return { hash: await harnessHash(createDefaultHarness()), label: 'Default (minimal start)', source: 'default' };
}

describe('harness snapshot files', () => {
  it('exports an evolved version with its accepted edit, weakness, gate verdict, flips, model, suite and scores, and reads it back', async () => {
    const state = await evolveTinyWorld();
    expect(state.currentHash).not.toBe(state.baseHash);
    const base = await defaultVersion();
    const result = createSnapshot({ hash: state.currentHash, harness: state.versions[state.currentHash].harness, label: 'tiny evolved', exportedBy: 'test', versions: new Map([[base.hash, base]]), evolutions: [state] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { snapshot } = result;

    expect(snapshot.lineage.parentHashes.at(-1)).toBe(state.baseHash);
    expect(snapshot.lineage.steps[0]).toMatchObject({ hash: base.hash, kind: 'default', label: 'Default (minimal start)' });
    const last = snapshot.lineage.steps.at(-1)!;
    expect(last.hash).toBe(state.currentHash);
    expect(last.evolutionId).toBe('evo-1');
    const accepted = last.acceptedEdits.flatMap((item) => item.edits);
    expect(accepted.some((edit) => edit.op === 'add_rule' && edit.text === GOOD_RULE)).toBe(true);
    const verdict = last.acceptedEdits.find((item) => item.gate)!;
    expect(verdict.weakness?.title).toBeTruthy();
    expect(verdict.gate!.accepted).toBe(true);
    expect(verdict.gate!.rule).toEqual({ kind: 'paper' });
    expect(verdict.gate!.flips.some((flip) => flip.flip === 'fail→pass')).toBe(true);
    // The gate's own record of the decision: compared with the parent's fresh attempts, with the rollouts it took.
    expect(verdict.gate!.rollouts?.spent).toBeGreaterThan(0);
    expect(verdict.gate!.flips.every((flip) => flip.attempts === state.config.attempts)).toBe(true);
    // The suite hash is the one the evolution computed from its tasks (rollouts are cached under it).
    expect(snapshot.evolvedOn).toMatchObject({ evolutionId: 'evo-1', agentModelId: 'scripted:agent', proposerModelId: 'scripted:proposer', suiteId: 'tiny', suiteHash: await suiteHash(tasks) });
    expect(snapshot.scores.heldIn?.total).toBeGreaterThan(0);

    const read = await parseHarnessFile(serializeSnapshot(snapshot));
    expect(read.ok && read.kind === 'snapshot' && read.snapshot).toEqual(snapshot);
    expect(snapshotFileName('Tiny evolved!')).toBe('tiny-evolved.harness.json');
  });

  it('never writes an API key or URL credential that a model id carried', async () => {
    const state = await evolveTinyWorld(LEAKY_AGENT_ID);
    const base = await defaultVersion();
    const result = createSnapshot({ hash: state.currentHash, harness: state.versions[state.currentHash].harness, label: 'x', exportedBy: 'test', versions: new Map([[base.hash, base]]), evolutions: [state] });
    expect(result.ok).toBe(true);
    const text = result.ok ? serializeSnapshot(result.snapshot) : '';
    expect(text).toContain('models.example/v1');
    for (const secret of ['sk-live-SECRET123456', 'alice', 'QUERYSECRET99']) expect(text).not.toContain(secret);
  });

  it('refuses a harness that itself holds a credential instead of exporting a version it is not', async () => {
    const harness = createDefaultHarness();
    harness.hooks = [{ id: 'fetch', at: 'onStart', processor: 'run_shell', params: { command: 'curl https://bob:hunter2hunter2@example.com/x', showOutput: true } }];
    const result = createSnapshot({ hash: await harnessHash(harness), harness, label: 'x', exportedBy: 'test', versions: new Map(), evolutions: [] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain('credential');
  });

  it('reads a bare harness too, and refuses an edited, a newer or a foreign file with a clear message', async () => {
    const harness = createDefaultHarness();
    const bare = await parseHarnessFile(JSON.stringify(harness));
    expect(bare.ok && bare.kind).toBe('harness');

    const base = await defaultVersion();
    const made = createSnapshot({ hash: base.hash, harness, label: 'default', exportedBy: 'test', versions: new Map([[base.hash, base]]), evolutions: [] });
    if (!made.ok) throw new Error(made.error);
    const edited = { ...made.snapshot, harness: { ...harness, name: 'changed by hand' } };
    const tampered = await parseHarnessFile(JSON.stringify(edited));
    expect(!tampered.ok && tampered.errors[0]).toMatch(/edited after export/);

    const newer = await parseHarnessFile(JSON.stringify({ ...made.snapshot, formatVersion: 2 }));
    expect(!newer.ok && newer.errors[0]).toMatch(/format version 2.*update the app/i);

    const bundle = await parseHarnessFile(JSON.stringify({ format: 'self-harness-bundle' }));
    expect(!bundle.ok && bundle.errors[0]).toMatch(/run bundle/);
    const foreign = await parseHarnessFile('{"hello": 1}');
    expect(!foreign.ok && foreign.errors[0]).toMatch(/not a harness file/);
    const broken = await parseHarnessFile('{not json');
    expect(!broken.ok && broken.errors[0]).toMatch(/not valid JSON/);
  });
});
