import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/cli/load-suite.js';
import { LIMITS } from '../../src/core/limits.js';
import { importSuite } from '../../src/core/tasks/harbor/index.js';
import { SuiteTooLargeError, unzipSuite } from '../../src/core/tasks/suite-archive.js';
import { HARBOR_CSV_TOTALS, writeFolder } from '../fixtures/harbor-task-folders.js';
import { startCli } from '../fixtures/self-harness-cli.js';

/**
 * Suites from strangers: a bad file or task is refused on its own, with a reason that names it; the rest loads.
 * Archives are sized before they are inflated, deep nesting is refused before it is parsed, and nothing is written
 * outside where the user said.
 */

const encoder = new TextEncoder();

function suiteTask(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    title: `Task ${id}`,
    instruction: 'Write hello into out.txt',
    initialFiles: {},
    verifier: { script: 'grep -q hello out.txt' },
    solution: 'echo hello > out.txt',
    agentTimeoutSec: 60,
    verifierTimeoutSec: 10,
    category: 'files',
    difficulty: 'easy',
    tags: [],
    ...extra,
  };
}

const suiteJson = (tasks: unknown[]) => new Map([['suite.json', JSON.stringify({ id: 'hostile', name: 'hostile', tasks })]]);

/** A zip whose entries declare `declared` bytes each while holding almost nothing: what inflating would allocate. */
function zipDeclaring(entries: number, declared: number): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (let index = 0; index < entries; index++) files[`bomb/part-${index}.txt`] = new Uint8Array(1000);
  const zip = zipSync(files, { level: 9 });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // Patch the uncompressed size in every local header (PK\x03\x04, +22) and central header (PK\x01\x02, +24).
  for (let offset = 0; offset + 4 <= zip.length; offset++) {
    const signature = view.getUint32(offset, true);
    if (signature === 0x04034b50) view.setUint32(offset + 22, declared, true);
    else if (signature === 0x02014b50) view.setUint32(offset + 24, declared, true);
  }
  return zip;
}

describe('archives are sized before they are inflated', () => {
  it('refuses a zip whose entries expand past the suite limit without inflating any (4 GB declared in a few KB)', () => {
    const bomb = zipDeclaring(2, 0xfff00000);
    expect(bomb.length).toBeLessThan(10_000);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => unzipSuite(bomb, 'bomb.zip')).toThrow(SuiteTooLargeError);
    expect(() => unzipSuite(bomb, 'bomb.zip')).toThrow(/bomb\.zip expands to .* a suite may hold at most 256 MB/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a zip with more entries than a suite may have', () => {
    const files: Record<string, Uint8Array> = {};
    for (let index = 0; index <= LIMITS.suiteFiles; index++) files[`f${index}`] = new Uint8Array(0);
    expect(() => unzipSuite(zipSync(files), 'many.zip')).toThrow(/many\.zip holds 20,001 files; a suite may have at most 20,000/);
  });

  it('leaves out one entry above the per-file limit, with a note, and reads the rest', () => {
    const files: Record<string, Uint8Array> = { 'a/task.toml': encoder.encode('x = 1'), 'a/big.bin': new Uint8Array(LIMITS.taskFileBytes + 1) };
    const read = unzipSuite(zipSync(files, { level: 1 }));
    expect([...read.files.keys()]).toEqual(['a/task.toml']);
    expect(read.notes).toEqual([{ task: 'a/big.bin', note: 'left out: 8 MB is above the limit of one task file (8 MB)' }]);
  });

  it('`tasks check` on a zip bomb says why, exit 2, in seconds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bomb-'));
    await writeFile(join(dir, 'bomb.zip'), zipDeclaring(3, 0xfff00000));
    const { code, stderr } = await startCli(['tasks', 'check', join(dir, 'bomb.zip')]).done;
    expect(code).toBe(2);
    expect(stderr).toMatch(/bomb\.zip expands to .*; a suite may hold at most 256 MB/);
  }, 60_000);
});

describe('one bad file or task never rejects the whole suite', () => {
  it('a file whose name is not UTF-8 is left out with a note (it was ENOENT on a file that exists)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'names-'));
    await writeFolder(dir, HARBOR_CSV_TOTALS);
    await writeFile(Buffer.concat([Buffer.from(`${dir}/csv-totals/environment/`), Buffer.from([0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74])]), 'latin-1 name');
    const loaded = await loadSuite(dir);
    expect(loaded.suite.tasks.map((task) => task.id)).toEqual(['csv-totals']);
    expect(loaded.notes).toContainEqual({ task: 'csv-totals/environment/f\uFFFD.txt', note: 'left out: its name is not UTF-8 text' });
  });

  it('a Latin-1 instruction.md is read as Windows-1252, with a note (it was "missing or empty")', () => {
    const files = new Map<string, string | Uint8Array>(Object.entries(HARBOR_CSV_TOTALS));
    files.set('csv-totals/instruction.md', Uint8Array.from([...'Résumé: write the totals to /app/out/totals.csv'].map((char) => char.charCodeAt(0))));
    const imported = importSuite(files);
    expect(imported.unsupported).toEqual([]);
    expect(imported.suite.tasks[0].instruction).toBe('Résumé: write the totals to /app/out/totals.csv');
    expect(imported.notes).toContainEqual({ task: 'csv-totals', note: 'instruction.md is not UTF-8; it was read as Windows-1252 (Latin-1)' });
  });

  it('a task with a title that is an object is refused with its reason, and its neighbours load', () => {
    const imported = importSuite(suiteJson([suiteTask('good-one'), suiteTask('bad-title', { title: { x: 1 } }), suiteTask('good-two')]));
    expect(imported.suite.tasks.map((task) => task.id)).toEqual(['good-one', 'good-two']);
    expect(imported.unsupported).toEqual([{ task: 'bad-title', reason: 'task "bad-title": title must be text' }]);
  });

  it('every field of the wrong type is a reason, never a crash', () => {
    const hostile = [
      suiteTask('a', { instruction: 42 }),
      suiteTask('b', { tags: 'csv' }),
      suiteTask('c', { difficulty: 'impossible' }),
      suiteTask('d', { initialFiles: { 'a.txt': 7 } }),
      suiteTask('e', { verifier: 'exit 0' }),
      suiteTask('f', { requires: [42] }),
      suiteTask('g', { instruction: 'x'.repeat(LIMITS.instructionChars + 1) }),
      null,
      'task',
      [],
    ];
    const imported = importSuite(suiteJson(hostile));
    expect(imported.suite.tasks).toEqual([]);
    expect(imported.unsupported).toHaveLength(hostile.length);
    for (const item of imported.unsupported) expect(item.reason.length).toBeGreaterThan(5);
    expect(imported.unsupported[6].reason).toMatch(/instruction has more than 200,000 characters \(the limit\)/);
  });

  it('clamps a time limit of 1e308 s to the documented maximum, with a note', () => {
    const imported = importSuite(suiteJson([suiteTask('forever', { agentTimeoutSec: 1e308 })]));
    expect(imported.suite.tasks[0].agentTimeoutSec).toBe(LIMITS.taskTimeoutSec);
    expect(imported.notes).toContainEqual({ task: 'forever', note: 'agentTimeoutSec 1e+308 is above the maximum of 86,400 s; using 86,400 s' });
    const harbor = new Map(Object.entries(HARBOR_CSV_TOTALS));
    harbor.set('csv-totals/task.toml', HARBOR_CSV_TOTALS['csv-totals/task.toml'].replace('timeout_sec = 300.0', 'timeout_sec = 1e308'));
    expect(importSuite(harbor).suite.tasks[0].agentTimeoutSec).toBe(LIMITS.taskTimeoutSec);
  });

  it('refuses deep nesting before parsing it: suite.json, task.toml and task.yaml', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const started = performance.now();
    const json = importSuite(new Map([['suite.json', `{"tasks": ${deep}}`]]));
    expect(json.unsupported).toEqual([{ task: 'suite.json', reason: 'suite.json nests deeper than 10,000 levels (the limit); flatten it' }]);
    // One deep task in a sound file is refused on its own.
    const oneDeep = importSuite(suiteJson([suiteTask('fine'), suiteTask('deep', { setupScript: JSON.parse('['.repeat(100) + ']'.repeat(100)) })]));
    expect(oneDeep.suite.tasks.map((task) => task.id)).toEqual(['fine']);
    expect(oneDeep.unsupported).toEqual([{ task: 'deep', reason: 'task "deep" nests deeper than 64 levels (the limit); flatten it' }]);
    const toml = new Map(Object.entries(HARBOR_CSV_TOTALS));
    toml.set('csv-totals/task.toml', `x = ${deep}`);
    expect(importSuite(toml).unsupported[0].reason).toMatch(/task\.toml nests deeper than 64 levels/);
    const yaml = importSuite(new Map([['deep/task.yaml', `instruction: ${deep}`]]));
    expect(yaml.unsupported[0].reason).toMatch(/task\.yaml nests deeper than 64 levels/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('`tasks export` never writes outside --out, even for a suite.json whose file keys climb out of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'escape-'));
    const suite = join(dir, 'suite.json');
    await writeFile(
      suite,
      JSON.stringify({
        id: 'escape',
        tasks: [
          suiteTask('climb', { initialFiles: { '../../../../escaped-initial.txt': 'pwned' } }),
          suiteTask('climb-verifier', { verifier: { script: 'exit 0', files: { '/../../../../escaped-verifier.txt': 'pwned' } } }),
          suiteTask('fine'),
        ],
      }),
    );
    const out = join(dir, 'out');
    const { code, stderr } = await startCli(['tasks', 'export', suite, '--out', out]).done;
    expect(code).toBe(0);
    expect(stderr).toMatch(/skipping unsupported task climb: .*initialFiles: "..\/..\/..\/..\/escaped-initial.txt": a file path contains ".."/);
    expect(stderr).toMatch(/skipping unsupported task climb-verifier: .*contains ".."/);
    expect(await readdir(out)).toEqual(['fine']);
    for (const leaked of ['escaped-initial.txt', 'escaped-verifier.txt']) {
      expect(existsSync(join(dir, leaked))).toBe(false);
      expect(existsSync(join('/', leaked))).toBe(false);
    }
    expect(await readFile(join(out, 'fine', 'instruction.md'), 'utf8')).toBe('Write hello into out.txt\n');
  }, 60_000);
});
