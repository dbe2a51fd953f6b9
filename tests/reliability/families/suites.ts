import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { loadSuite } from '../../../src/cli/load-suite.js';
import { main } from '../../../src/cli/main.js';
import { LIMITS } from '../../../src/core/limits.js';
import { exportSuiteToHarbor, importSuite } from '../../../src/core/tasks/harbor/index.js';
import { SuiteTooLargeError, unzipSuite } from '../../../src/core/tasks/suite-archive.js';
import type { Task } from '../../../src/core/tasks/types.js';
import { validateTask } from '../../../src/core/tasks/validate-task.js';
import { HARBOR_CSV_TOTALS, TBENCH_WORD_COUNT } from '../../fixtures/harbor-task-folders.js';
import { hostileValue, mutate, prototypePolluted } from '../hostile-values.js';
import { ensure, type Reliability } from '../reliability.js';

/** Suites from strangers: suite.json shapes, zips (bombs, junk, names), task.toml/task.yaml shapes, encodings, paths. */

const TASK_FIELDS = [
  'id', 'title', 'instruction', 'initialFiles', 'initialFiles.notes.txt', 'setupScript', 'verifier', 'verifier.script', 'verifier.files',
  'verifier.files.fixture.txt', 'solution', 'agentTimeoutSec', 'verifierTimeoutSec', 'category', 'difficulty', 'tags', 'requires', 'workdir', 'env', 'env.NAME',
];

const goodTask = (id: string): Task => ({
  id,
  title: `Task ${id}`,
  instruction: 'Write hello into out.txt',
  initialFiles: { 'notes.txt': 'a note' },
  verifier: { script: 'grep -q hello out.txt', files: { 'fixture.txt': 'x' } },
  solution: 'echo hello > out.txt',
  agentTimeoutSec: 60,
  verifierTimeoutSec: 10,
  category: 'files',
  difficulty: 'easy',
  tags: ['a'],
});

/** What every loaded task must be, however hostile its file: sound, typed, within limits, inside its tree. */
function ensureSound(task: Task, where: string): void {
  ensure(validateTask(task).length === 0, `${where}: a loaded task is not valid: ${validateTask(task).join('; ')}`);
  ensure(typeof task.title === 'string' && typeof task.instruction === 'string', `${where}: title or instruction is not text`);
  ensure(task.agentTimeoutSec <= LIMITS.taskTimeoutSec && task.verifierTimeoutSec <= LIMITS.taskTimeoutSec, `${where}: a time limit above the maximum was kept`);
  const paths = [...Object.keys(task.initialFiles), ...Object.keys(task.verifier.files ?? {})];
  ensure(!paths.some((path) => path.split('/').includes('..')), `${where}: a file path climbs out with ..`);
}

function ensureImported(result: ReturnType<typeof importSuite>, where: string): void {
  for (const task of result.suite.tasks) ensureSound(task, where);
  for (const item of result.unsupported) ensure(typeof item.reason === 'string' && item.reason.length > 3, `${where}: a refusal without a reason`);
  for (const [path] of exportSuiteToHarbor(result.suite.tasks)) ensure(!path.split('/').includes('..'), `${where}: export would write ${path}`);
  ensure(!prototypePolluted(), `${where}: Object.prototype was polluted`);
}

export async function suitesFamily(reliability: Reliability): Promise<void> {
  const { random } = reliability;

  for (let index = 0; index < 70; index++) {
    const { mutated, path } = mutate(goodTask('middle') as unknown as Record<string, unknown>, TASK_FIELDS, random);
    await reliability.check(`suite.json with ${path} = ${JSON.stringify(mutated[path.split('.')[0]])?.slice(0, 40)}`, 'bad-input', () => {
      const files = new Map([['suite.json', JSON.stringify({ id: 'hostile', name: 'hostile', tasks: [goodTask('first'), mutated, goodTask('last')] })]]);
      const result = importSuite(files);
      ensureImported(result, 'suite.json');
      const ids = result.suite.tasks.map((task) => task.id);
      ensure(ids.includes('first') && ids.includes('last'), `one bad task took its neighbours down (loaded: ${ids.join(', ')})`);
      ensure(result.suite.tasks.length + result.unsupported.length === 3, 'a task was neither loaded nor refused');
    });
  }

  for (let index = 0; index < 10; index++) {
    await reliability.check(`suite.json as a whole: ${index}`, 'bad-input', () => {
      const whole = random.pick<unknown>([hostileValue(random), { tasks: hostileValue(random) }, { id: hostileValue(random), name: hostileValue(random), tasks: [goodTask('only')] }]);
      const text = random.chance(0.2) ? random.text(random.between(0, 500)) : JSON.stringify(whole) ?? 'undefined';
      ensureImported(importSuite(new Map([['suite.json', text]])), 'suite.json');
    });
  }

  const harborFiles = (changes: Record<string, string | Uint8Array>) => new Map<string, string | Uint8Array>([...Object.entries(HARBOR_CSV_TOTALS), ...Object.entries(changes)]);

  for (let index = 0; index < 30; index++) {
    const toml = random.pick([
      () => `[agent]\ntimeout_sec = ${random.pick(['"soon"', '[1, 2]', '-1', '1e308', 'inf', 'nan', '0', '{ a = 1 }'])}\n[verifier]\ntimeout_sec = ${random.pick(['1e308', '"x"', '3'])}\n`,
      () => `a = ${'['.repeat(random.between(50, 5000))}${']'.repeat(random.between(0, 5000))}`,
      () => `[metadata]\ntags = ${random.pick(['3', '"csv"', '[1, {a=1}]'])}\ndifficulty = ${random.pick(['1', '"nightmare"', '[]'])}\ncategory = ${random.pick(['{}', '2', '"ok"'])}\n`,
      () => `[verifier.env]\n${random.pick(['"X;rm -rf /"', '"A B"', '"$(id)"', 'GOOD'])} = "1"\n`,
      () => random.text(random.between(0, 400)),
      () => `${'[a.b.c]\n'.repeat(random.between(1, 50))}x = 1`,
    ])();
    await reliability.check(`task.toml shape ${index}`, 'bad-input', () => {
      const started = performance.now();
      const result = importSuite(harborFiles({ 'csv-totals/task.toml': toml }));
      ensureImported(result, 'task.toml');
      ensure(result.suite.tasks.length + result.unsupported.length === 1, 'the task was neither loaded nor refused');
      ensure(performance.now() - started < 2000, 'importing took more than 2 s');
    });
  }

  for (let index = 0; index < 20; index++) {
    const yaml = random.pick([
      () => `instruction: ${'['.repeat(random.between(50, 3000))}`,
      () => `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\ninstruction: bomb\n`,
      () => Array.from({ length: random.between(70, 400) }, (_, depth) => `${' '.repeat(depth)}k${depth}:`).join('\n'),
      () => `instruction: ${JSON.stringify(hostileValue(random))}\nmax_agent_timeout_sec: ${random.pick(['1e308', '"x"', '-5', '[]'])}\n`,
      () => random.text(random.between(0, 400)),
    ])();
    await reliability.check(`task.yaml shape ${index}`, 'bad-input', () => {
      const started = performance.now();
      const files = new Map<string, string>(Object.entries(TBENCH_WORD_COUNT));
      const yamlPath = [...files.keys()].find((path) => path.endsWith('task.yaml'))!;
      files.set(yamlPath, yaml);
      const result = importSuite(files);
      ensureImported(result, 'task.yaml');
      ensure(performance.now() - started < 2000, 'importing took more than 2 s');
    });
  }

  for (let index = 0; index < 16; index++) {
    const bytes = random.pick([
      () => Uint8Array.from([...'Café résumé: total per région'].map((char) => char.charCodeAt(0))),
      () => new Uint8Array([0xff, 0xfe, ...strToU8('h\u0000i\u0000')]),
      () => random.bytes(random.between(0, 300)),
      () => new Uint8Array([0xef, 0xbb, 0xbf]),
      () => new Uint8Array([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]),
      () => new Uint8Array(0),
    ])();
    await reliability.check(`instruction.md of ${bytes.length} odd bytes`, 'bad-input', () => {
      const result = importSuite(harborFiles({ 'csv-totals/instruction.md': bytes }));
      ensureImported(result, 'instruction.md');
      const refusal = result.unsupported[0]?.reason;
      ensure(result.suite.tasks.length === 1 || /instruction\.md/.test(refusal ?? ''), `refused without naming instruction.md: ${refusal}`);
    });
  }

  for (let index = 0; index < 30; index++) {
    await reliability.check(`zip ${index}`, 'bad-input', () => {
      const entries: Record<string, Uint8Array> = {};
      if (random.chance(0.6)) for (const [path, content] of Object.entries(HARBOR_CSV_TOTALS)) entries[`suite/${path}`] = strToU8(content);
      for (let entry = random.int(30); entry > 0; entry--) {
        const name = random.pick(['../evil.txt', '/abs/evil.txt', 'a\\..\\..\\b.txt', '__MACOSX/._x', '.DS_Store', `deep/${'d/'.repeat(40)}f`, random.text(20, 'abc/._-'), 'suite/csv-totals/../../climb.txt']);
        entries[name] = random.chance(0.5) ? random.bytes(random.int(2000)) : strToU8(random.text(random.int(500)));
      }
      let zip = zipSync(entries, { level: random.pick([0, 1, 9]) as 0 | 1 | 9 });
      const damage = random.int(4);
      if (damage === 1) zip = zip.slice(0, random.int(zip.length));
      else if (damage === 2) for (let flip = 0; flip < 10; flip++) zip[random.int(zip.length)] ^= 0xff;
      else if (damage === 3) {
        const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
        for (let offset = 0; offset + 30 <= zip.length; offset++) if (view.getUint32(offset, true) === 0x02014b50) view.setUint32(offset + 24, 0xfff00000, true);
      }
      let read: ReturnType<typeof unzipSuite>;
      try {
        read = unzipSuite(zip, 'fuzz.zip');
      } catch (error) {
        ensure(error instanceof SuiteTooLargeError || /fuzz\.zip is not a readable \.zip file/.test((error as Error).message), `an unclear error: ${(error as Error).message}`);
        return;
      }
      ensureImported(importSuite(read.files), 'zip');
    });
  }

  const bomb = (() => {
    const files: Record<string, Uint8Array> = {};
    for (let index = 0; index < 4; index++) files[`bomb/${index}.txt`] = new Uint8Array(1000);
    const zip = zipSync(files, { level: 9 });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let offset = 0; offset + 30 <= zip.length; offset++) {
      if (view.getUint32(offset, true) === 0x04034b50) view.setUint32(offset + 22, 0xfff00000, true);
      if (view.getUint32(offset, true) === 0x02014b50) view.setUint32(offset + 24, 0xfff00000, true);
    }
    return zip;
  })();
  await reliability.check('zip declaring 16 GB in a few KB', 'bad-input', () => {
    const before = process.memoryUsage().arrayBuffers;
    let refused = false;
    try {
      unzipSuite(bomb, 'bomb.zip');
    } catch (error) {
      refused = error instanceof SuiteTooLargeError;
    }
    ensure(refused, 'the bomb was not refused');
    ensure(process.memoryUsage().arrayBuffers - before < 128 * 1024 * 1024, 'the bomb was inflated');
  });

  const scratch = await mkdtemp(join(tmpdir(), 'reliability-suites-'));
  try {
    for (let index = 0; index < 4; index++) {
      await reliability.check(`folder with a non-UTF-8 file name ${index}`, 'bad-input', async () => {
        const dir = join(scratch, `names-${index}`);
        for (const [path, content] of Object.entries(HARBOR_CSV_TOTALS)) {
          await mkdir(join(dir, path, '..'), { recursive: true });
          await writeFile(join(dir, path), content);
        }
        const name = Buffer.from([0x66, random.between(0x80, 0xff), random.between(0x80, 0xff), 0x2e, 0x74]);
        await writeFile(Buffer.concat([Buffer.from(`${dir}/csv-totals/environment/`), name]), 'odd');
        const loaded = await loadSuite(dir);
        ensure(loaded.suite.tasks.length === 1, `the suite did not load: ${JSON.stringify(loaded.unsupported)}`);
        ensure(loaded.notes.some((note) => /not UTF-8/.test(note.note)), 'the file left out is not noted');
      });
    }

    for (let index = 0; index < 8; index++) {
      await reliability.check(`tasks export of a suite whose paths climb out ${index}`, 'bad-input', async () => {
        const dir = join(scratch, `export-${index}`);
        await mkdir(dir, { recursive: true });
        const climb = `${'../'.repeat(random.between(1, 6))}escaped-${index}.txt`;
        const hostile = random.chance(0.5) ? { ...goodTask('climb'), initialFiles: { [climb]: 'x' } } : { ...goodTask('climb'), verifier: { script: 'exit 0', files: { [`/${climb}`]: 'x' } } };
        await writeFile(join(dir, 'suite.json'), JSON.stringify({ id: 's', tasks: [hostile, goodTask('fine')] }));
        const before = await readdir(dir);
        const lines: string[] = [];
        const code = await main(['tasks', 'export', join(dir, 'suite.json'), '--out', join(dir, 'out')], (line) => lines.push(line), (line) => lines.push(line));
        ensure(code === 0 || code === 2, `exit code ${code}`);
        const after = (await readdir(dir)).filter((name) => name !== 'out');
        ensure(after.length === before.length, `something was written beside --out: ${after.join(', ')}`);
        ensure((await readdir(join(dir, 'out')).catch(() => [])).every((name) => name === 'fine'), 'an escaping task was exported');
        // Wherever the climbing paths would have landed, nothing is there.
        for (const path of exportSuiteToHarbor([hostile as Task]).keys()) ensure(!existsSync(resolve(dir, 'out', path)) || resolve(dir, 'out', path).startsWith(resolve(dir, 'out', 'fine')), `${path} was written`);
      });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
