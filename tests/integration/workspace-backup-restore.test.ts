// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { exportDB } from 'dexie-export-import';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import type { ModelProfile } from '../../src/core/model/profile.js';
import { scrubSecrets } from '../../src/core/share/secrets.js';
import { exportWorkspace, restoreWorkspace } from '../../src/store/backup.js';
import { DEFAULT_DB_NAME, StudioDatabase } from '../../src/store/db.js';
import { listModelProfiles, saveModelProfile } from '../../src/store/model-profiles.js';
import { appendTraceEvents, saveHarnessVersion, setSetting, startRun } from '../../src/store/studio-store.js';

/** Backup → restore of the whole workspace; a refused or failed restore changes nothing; keys never leave. */

const names: string[] = [];
const open: Dexie[] = [];
function workspace(): StudioDatabase {
  const name = `${DEFAULT_DB_NAME}-test-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  const db = new StudioDatabase(name);
  open.push(db);
  return db;
}
afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  for (const name of names.splice(0)) await Dexie.delete(name);
});

const KEY = 'sk-backup-SECRET-0123456789';
const profile = { id: 'p1', provider: 'openai-compatible' as const, label: 'Agent', baseUrl: 'https://carol:urlpass99@models.example/v1', model: 'm', apiKey: KEY, actionProtocol: 'native_tools' as const } satisfies ModelProfile;

async function fill(db: StudioDatabase) {
  await saveModelProfile(db, profile);
  const harness = createDefaultHarness();
  harness.rules = [{ id: 'r', text: 'A rule.', source: { kind: 'human' } }];
  const version = await saveHarnessVersion(db, harness, { source: 'editor', label: 'with a rule' });
  const run = await startRun(db, { batchId: 'b1', harnessHash: version.hash, modelId: `openai-compatible:m@${profile.baseUrl}`, taskId: 't', suiteId: 's', attempt: 1 });
  await appendTraceEvents(db, run.id, [
    { type: 'model-error', seq: 0, timestamp: 1, step: 0, error: { kind: 'auth', message: `401 for key ${KEY}`, retryable: false } },
  ]);
  await setSetting(db, 'activeHarnessHash', version.hash);
  return { version, run };
}

async function dump(db: StudioDatabase) {
  const result: Record<string, unknown[]> = {};
  for (const table of db.tables) result[table.name] = await table.toArray();
  return JSON.stringify(result);
}

describe('workspace backup and restore', () => {
  it('backs up everything but secrets, and restores it into another workspace with progress', async () => {
    const source = workspace();
    const { version, run } = await fill(source);
    const progress: number[] = [];
    const backup = await exportWorkspace(source, (step) => progress.push(step.fraction));
    expect(progress.at(-1)).toBe(1);
    const text = await backup.text();
    for (const secret of [KEY, 'urlpass99', 'carol:']) expect(text).not.toContain(secret);
    expect(text).toContain('models.example/v1');

    const target = workspace();
    await target.open();
    const phases = new Set<string>();
    const result = await restoreWorkspace(target, backup, (step) => phases.add(step.phase));
    expect(result).toMatchObject({ ok: true });
    expect(phases).toEqual(new Set(['read', 'replace']));
    expect((await target.harnesses.get(version.hash))?.label).toBe('with a rule');
    expect((await target.runs.get(run.id))?.taskId).toBe('t');
    expect(await target.traceEvents.count()).toBe(1);
    // The profile comes back without its key: this workspace never had one for it.
    const [restored] = await listModelProfiles(target);
    expect(restored).toMatchObject({ id: 'p1', label: 'Agent' });
    expect((restored as { apiKey?: string }).apiKey).toBeUndefined();
  });

  it('keeps the API key of a profile the workspace already has when restoring its own backup', async () => {
    const db = workspace();
    await fill(db);
    const backup = await exportWorkspace(db);
    const result = await restoreWorkspace(db, backup);
    expect(result).toMatchObject({ ok: true, keptKeys: 1 });
    expect((await listModelProfiles(db))[0]).toMatchObject({ apiKey: KEY });
  });

  it('refuses a foreign file, another database, a newer format or a broken file, and changes nothing', async () => {
    const db = workspace();
    await fill(db);
    const before = await dump(db);
    const good = await (await exportWorkspace(db)).text();

    const other = new Dexie(`someone-elses-app-${Math.random().toString(36).slice(2)}`);
    names.push(other.name);
    open.push(other);
    other.version(1).stores({ notes: '++id' });
    await other.table('notes').add({ text: 'hi' });
    const foreignDb = await exportDB(other);

    const newer = JSON.parse(good);
    newer.data.databaseVersion = 99;
    const truncated = good.slice(0, Math.floor(good.length * 0.8));

    const cases: Array<[string, Blob, RegExp]> = [
      ['plain JSON', new Blob(['{"hello": "world"}']), /not a workspace backup/],
      ['another database', foreignDb, /another database/],
      ['a newer format', new Blob([JSON.stringify(newer)]), /newer version of Self-Harness Studio/],
      ['a truncated file', new Blob([truncated]), /incomplete|could not be read/],
    ];
    for (const [what, file, message] of cases) {
      const result = await restoreWorkspace(db, file);
      expect(result.ok, what).toBe(false);
      expect(!result.ok && result.error, what).toMatch(message);
      expect(await dump(db), what).toBe(before);
    }
  });

  it('upgrades a backup of an older workspace (v3: profiles in one settings array, rollouts with their events inline) through v4 and v5', async () => {
    const name = `${DEFAULT_DB_NAME}-legacy-${Math.random().toString(36).slice(2)}`;
    names.push(name);
    const legacy = new Dexie(name);
    open.push(legacy);
    legacy.version(1).stores({ harnesses: '&hash, parentHash, createdAt', runs: '&id, harnessHash, taskId, startedAt', traceEvents: '[runId+seq], runId', settings: '&key' });
    legacy.version(2).stores({ runs: '&id, batchId, harnessHash, modelId, taskId, startedAt, [harnessHash+modelId+taskId+attempt]', batches: '&id, startedAt' });
    legacy.version(3).stores({ evolutions: '&id, startedAt, status', rollouts: '&key, harnessHash, taskId, createdAt' });
    await legacy.table('settings').put({ key: 'modelProfiles', value: [{ id: 'anthropic', provider: 'anthropic', label: 'Claude', apiKey: 'sk-ant-legacy-key', model: 'claude-haiku-4-5' }] });
    // An evolution of that profile's model, and a rollout of it as v3 kept them: its trace inside the cache row.
    await legacy.table('evolutions').put({ id: 'evo-old', startedAt: 1, status: 'done', config: { agentModelId: 'anthropic:claude-haiku-4-5', proposerModelId: 'anthropic:claude-haiku-4-5' } });
    const events = [
      { type: 'run-start', seq: 0, timestamp: 10, traceFormat: 1, taskId: 'task-00', harnessHash: 'h'.repeat(64), modelId: 'anthropic:claude-haiku-4-5', systemPrompt: 'You are an agent.', instruction: 'Do it.' },
      { type: 'run-end', seq: 1, timestamp: 20, reason: 'finished', message: 'done', steps: 1, toolCalls: 0, formatErrors: 0, usage: { inputTokens: 5, outputTokens: 2 }, durationMs: 10 },
    ];
    const rolloutKey = `${'h'.repeat(64)}|anthropic:claude-haiku-4-5|suite|task-00|1`;
    await legacy.table('rollouts').put({ key: rolloutKey, harnessHash: 'h'.repeat(64), modelId: 'anthropic:claude-haiku-4-5', suiteHash: 'suite', taskId: 'task-00', attempt: 1, outcome: 'pass', reason: 'verifier passed', usage: { inputTokens: 5, outputTokens: 2 }, steps: 1, durationMs: 10, events, createdAt: 20 });
    // As "Back up workspace" writes it: key fields dropped.
    const oldBackup = await exportDB(legacy, { transform: (_table, value, key) => ({ value: scrubSecrets(value), key }) });

    const db = workspace();
    await db.open();
    const result = await restoreWorkspace(db, oldBackup);
    expect(result).toMatchObject({ ok: true });
    const profiles = await listModelProfiles(db);
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({ id: 'anthropic', provider: 'anthropic', label: 'Claude', apiKey: '' });
    expect(await db.settings.get('modelProfiles')).toBeUndefined();
    // v4: the evolution is linked to the profile of its model.
    expect(await db.evolutionProfiles.get('evo-old')).toMatchObject({ agentProfileId: 'anthropic', agentProfileName: 'Claude' });
    // v5: the rollout's trace moved into the one trace store, under a run of kind rollout that the trace viewer opens.
    const row = await db.rollouts.get(rolloutKey);
    expect(row?.events).toBeUndefined();
    expect(await db.runs.get(row!.traceId)).toMatchObject({ kind: 'rollout', rolloutKey, taskId: 'task-00', outcome: 'pass' });
    expect((await db.traceEvents.where('runId').equals(row!.traceId).toArray()).map((record) => record.type)).toEqual(['run-start', 'run-end']);
  });
});
