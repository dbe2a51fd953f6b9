import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvolutionState } from '../../src/core/evolve/state.js';
import { createDefaultHarness, harnessHash } from '../../src/core/harness/index.js';
import { createSnapshot, serializeSnapshot } from '../../src/core/share/snapshot.js';
import { startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';

/** `self-harness evolve --harness NAME.harness.json` starts from a snapshot file exported by the app. */

const root = new URL('../..', import.meta.url).pathname;
let server: Awaited<ReturnType<typeof startScriptedOpenAIServer>>;

beforeAll(async () => {
  server = await startScriptedOpenAIServer(() => ({ text: 'done', toolCalls: [{ name: 'finish', args: { summary: 'done' } }] }));
});
afterAll(() => server.close());

function cli(args: string[]) {
  const child = spawn(process.execPath, [join(root, 'bin/self-harness.mjs'), ...args], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

describe('evolve --harness with a snapshot file', () => {
  it('takes the harness inside the snapshot as the base version, and refuses an edited snapshot', async () => {
    const harness = createDefaultHarness();
    harness.name = 'from-the-app';
    harness.rules = [{ id: 'be-brief', text: 'Keep commands short.', source: { kind: 'human' } }];
    const made = createSnapshot({ hash: await harnessHash(harness), harness, label: 'from the app', exportedBy: 'test', versions: new Map(), evolutions: [] });
    if (!made.ok) throw new Error(made.error);
    const dir = await mkdtemp(join(tmpdir(), 'snapshot-cli-'));
    const file = join(dir, 'from-the-app.harness.json');
    await writeFile(file, serializeSnapshot(made.snapshot));

    const out = join(dir, 'out');
    const run = cli(['evolve', '--suite', 'builtin', '--base-url', server.baseUrl, '--model', 'm', '--harness', file, '--out', out]);
    // The base version is written before the first rollout; that is all this test needs.
    const state = await new Promise<EvolutionState>((resolve) => {
      const poll = setInterval(async () => {
        const saved = await readFile(join(out, 'state.json'), 'utf8').then(JSON.parse, () => undefined);
        if (saved) {
          clearInterval(poll);
          resolve(saved);
        }
      }, 50);
    });
    run.child.kill('SIGKILL');
    await run.done;
    expect(state.baseHash).toBe(made.snapshot.hash);
    expect(state.versions[state.baseHash].harness.rules[0].text).toBe('Keep commands short.');

    const edited = join(dir, 'edited.harness.json');
    await writeFile(edited, JSON.stringify({ ...made.snapshot, harness: { ...harness, name: 'edited' } }));
    const refused = await cli(['evolve', '--suite', 'builtin', '--base-url', server.baseUrl, '--model', 'm', '--harness', edited, '--out', join(dir, 'out2')]).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/edited after export/);
  }, 60_000);
});
