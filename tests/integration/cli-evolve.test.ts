import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvolutionState } from '../../src/core/evolve/state.js';
import { startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { startCli } from '../fixtures/self-harness-cli.js';
import { tasks, tinyWorldReply } from '../fixtures/tiny-world.js';

let server: Awaited<ReturnType<typeof startScriptedOpenAIServer>>;

let suiteDir: string;

beforeAll(async () => {
  server = await startScriptedOpenAIServer((request) => tinyWorldReply(request));
  suiteDir = await mkdtemp(join(tmpdir(), 'suite-'));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
});
afterAll(() => server.close());

const cli = startCli;

describe('npx self-harness evolve', () => {
  it('runs the loop against an OpenAI-compatible endpoint, survives a kill -9, resumes and writes a report', async () => {
    const out = await mkdtemp(join(tmpdir(), 'evolve-'));
    const args = ['evolve', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'tiny-model', '--api-key-env', 'TINY_KEY', '--out', out];

    const first = cli(args, { TINY_KEY: 'sk-test' });
    // Kill it for real once it has made progress on disk.
    await new Promise<void>((resolve) => {
      const poll = setInterval(async () => {
        const state = await readFile(join(out, 'state.json'), 'utf8').then(JSON.parse, () => undefined);
        if (state && state.usedRollouts.length >= 8) {
          clearInterval(poll);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 50);
    });
    const killed = await first.done;
    expect(killed.code).toBeNull();
    expect(existsSync(join(out, 'report.md'))).toBe(false);

    // kill -9 left the killed process's lock behind; the resume takes it over and says so, and nothing else.
    expect(JSON.parse(await readFile(join(out, '.lock'), 'utf8')).pid).toBe(first.child.pid);
    const second = await cli(args, { TINY_KEY: 'sk-test' }).done;
    expect(second.stderr).toBe(`note: took over ${join(out, '.lock')} from pid ${first.child.pid}, which is no longer running\n`);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/resuming evolution evo-/);
    expect(second.stdout).toMatch(/done: converged: every held-in attempt passes/);

    const state = JSON.parse(await readFile(join(out, 'state.json'), 'utf8')) as EvolutionState;
    expect(state.status).toBe('done');
    expect(state.candidates.map((candidate) => candidate.status).sort()).toEqual(['merged', 'rejected']);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Accepted edits/);
    expect(report).toMatch(/double-check/);
    const finalHarness = JSON.parse(await readFile(join(out, 'harness-final.json'), 'utf8'));
    expect(finalHarness.rules[0].id).toBe('double-check');
    expect(server.requests.every((request) => request.model === 'tiny-model')).toBe(true);
    expect(existsSync(join(out, '.lock'))).toBe(false); // released at the end
  }, 120_000);

  it('says clearly what is missing', async () => {
    const result = await cli(['evolve', '--suite', 'builtin', '--model', 'x', '--out', '/tmp/x']).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--base-url is required/);
    const noKey = await cli(['evolve', '--suite', 'builtin', '--base-url', server.baseUrl, '--model', 'x', '--out', '/tmp/x', '--api-key-env', 'NOT_SET_ANYWHERE']).done;
    expect(noKey.stderr).toMatch(/environment variable NOT_SET_ANYWHERE .* is not set/);
  }, 60_000);
});
