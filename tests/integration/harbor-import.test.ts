import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/cli/load-suite.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { builtinTasks } from '../../src/core/tasks/builtin/index.js';
import { checkTask } from '../../src/core/tasks/check-suite.js';
import { exportSuiteToHarbor, importHarborTask, importSuite, replayDockerfile } from '../../src/core/tasks/harbor/index.js';
import { prepareTaskSandbox, runVerifier } from '../../src/core/tasks/task-sandbox.js';
import { loadSuiteFromFileList, loadSuiteFromZip } from '../../src/platform/suite-files.js';
import { type Task, taskWorkdir } from '../../src/core/tasks/types.js';
import {
  folderFiles,
  HARBOR_CSV_TOTALS,
  HARBOR_INVENTORY_VALUE,
  HARBOR_LOG_REPORT,
  HARBOR_PYTHON_STATS,
  HARBOR_WEB_SERVICE,
  TBENCH_PYTEST,
  TBENCH_WORD_COUNT,
  writeFolder,
} from '../fixtures/harbor-task-folders.js';

const sandbox = async () => new JustBashSandbox();

let suiteDir: string;
beforeAll(async () => {
  suiteDir = await mkdtemp(join(tmpdir(), 'harbor-suite-'));
  await writeFolder(suiteDir, { ...HARBOR_CSV_TOTALS, ...HARBOR_PYTHON_STATS, ...HARBOR_WEB_SERVICE, ...TBENCH_WORD_COUNT, ...TBENCH_PYTEST });
});

/** Verifier verdict after `agent` (a shell script standing in for the agent) ran on the prepared task. */
async function verdictAfter(task: Task, agent: string): Promise<{ exitCode: number; output: string }> {
  const box = new JustBashSandbox();
  await prepareTaskSandbox(task, box);
  if (agent) await box.exec(agent, { cwd: taskWorkdir(task), env: task.env });
  const result = await runVerifier(task, box);
  return { exitCode: result.exitCode, output: result.stdout + result.stderr };
}

describe('importing a directory of Harbor and Terminal-Bench task folders', () => {
  it('loads the supported tasks and lists the others with their reasons', async () => {
    const loaded = await loadSuite(suiteDir);
    expect(loaded.suite.tasks.map((task) => task.id).sort()).toEqual(['csv-totals', 'word-count']);
    const reasons = Object.fromEntries(loaded.unsupported.map((item) => [item.task, item.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['pytest-task', 'python-stats', 'web-service']);
    expect(reasons['python-stats']).toMatch(/installs python3, python3-pip with apt-get; the sandbox cannot install packages/);
    expect(reasons['web-service']).toMatch(/EXPOSE\): the task serves network port 8080/);
    expect(reasons['web-service']).toMatch(/CMD\): the container starts `\["nginx"/);
    expect(reasons['pytest-task']).toMatch(/run-tests\.sh uses curl \(needs the network\).*uv \(installs Python packages\)/);
  });

  it('maps a Harbor task: metadata, timeouts, WORKDIR /app as its working directory, COPY as an initial file, RUN in the setup, nothing rewritten', async () => {
    const folder = folderFiles(HARBOR_CSV_TOTALS, 'csv-totals');
    const imported = importHarborTask({ name: 'csv-totals', files: folder, binary: new Set() });
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const task = imported.task;
    expect(task).toMatchObject({ id: 'csv-totals', title: 'Sales totals per region', category: 'data-processing', difficulty: 'easy', tags: ['csv', 'bash'], agentTimeoutSec: 300, verifierTimeoutSec: 60 });
    expect(task.workdir).toBe('/app');
    expect(task.initialFiles).toEqual({ 'data.csv': 'region,amount\nwest,7\neast,10\nnorth,15\neast,20\n' });
    expect(task.instruction).toBe(folder.get('instruction.md')!.trimEnd());
    expect(task.setupScript).toContain('mkdir -p /app/out');
    expect(task.verifier.files).toEqual({ 'tests/test.sh': folder.get('tests/test.sh') });
    expect(task.solution).toContain(folder.get('solution/solve.sh')!.replace(/'/g, `'\\''`));
    expect(JSON.stringify(task)).not.toContain('/work');
  });

  it('checks the supported Harbor task as sound: the verifier fails untouched and passes after solve.sh', async () => {
    const { suite } = importSuite(new Map(Object.entries(HARBOR_CSV_TOTALS)));
    expect(await checkTask(suite.tasks[0], sandbox)).toMatchObject({ task: 'csv-totals', ok: true, reason: '' });
  });

  it('passes a Harbor task only on a reward of at least 1, and fails when test.sh writes no reward', async () => {
    const task = importSuite(new Map(Object.entries(HARBOR_CSV_TOTALS))).suite.tasks[0];
    const right = "printf 'region,total\\neast,30\\nnorth,15\\nwest,7\\n' > /app/out/totals.csv";
    expect((await verdictAfter(task, right)).exitCode).toBe(0);
    expect((await verdictAfter(task, "printf 'region,total\\neast,30\\n' > out/totals.csv")).exitCode).not.toBe(0);

    const withReward = (line: string): Task => ({ ...task, verifier: { ...task.verifier, files: { 'tests/test.sh': `mkdir -p /logs/verifier\n${line}\n` } } });
    expect((await verdictAfter(withReward('echo 1.0 > /logs/verifier/reward.txt'), '')).exitCode).toBe(0);
    expect((await verdictAfter(withReward('echo 0.5 > /logs/verifier/reward.txt'), '')).exitCode).not.toBe(0);
    expect((await verdictAfter(withReward(`echo '{"reward": 1}' > /logs/verifier/reward.json`), '')).exitCode).toBe(0);
    const none = await verdictAfter(withReward('exit 0'), '');
    expect(none.exitCode).not.toBe(0);
    expect(none.output).toMatch(/wrote no \/logs\/verifier\/reward\.txt \(exit status 0\)/);
  });

  it('imports the original Terminal-Bench layout and checks it as sound', async () => {
    const { suite, unsupported } = importSuite(new Map(Object.entries(TBENCH_WORD_COUNT)));
    expect(unsupported).toEqual([]);
    const task = suite.tasks[0];
    expect(task).toMatchObject({ id: 'word-count', difficulty: 'medium', category: 'file-operations', tags: ['text-processing', 'bash'], agentTimeoutSec: 240, verifierTimeoutSec: 30 });
    expect(task.instruction).toContain('/app/words.txt');
    expect(task.workdir).toBe('/app');
    expect(task.initialFiles).toEqual({ 'words.txt': 'the cat saw the dog\nthe dog ran\ncat nap\n' });
    expect(await checkTask(task, sandbox)).toMatchObject({ ok: true, reason: '' });
  });

  it('reports, never crashes on, Dockerfiles and scripts the sandbox cannot replay', () => {
    const context = { files: new Map([['a.txt', 'a\n']]), binary: new Set(['logo.png']), label: 'environment/' };
    const reasons = (dockerfile: string) => replayDockerfile(dockerfile, context, 'Dockerfile').unsupported.join('; ');
    expect(reasons('FROM node:20 AS build\nFROM ubuntu:24.04\nCOPY --from=build /out /app\n')).toMatch(/multi-stage.*copies from another image/);
    expect(reasons('FROM ubuntu\nRUN pip install numpy\n')).toMatch(/RUN\): uses pip \(installs Python packages\)/);
    expect(reasons('FROM ubuntu\nRUN make all\n')).toMatch(/make \(needs a compiler/);
    expect(reasons('FROM ubuntu\nADD https://example.com/x.tgz /opt/\n')).toMatch(/downloads https:\/\/example\.com\/x\.tgz/);
    expect(reasons('FROM ubuntu\nCOPY missing.txt /app/\n')).toMatch(/missing\.txt is not in environment\//);
    expect(reasons('FROM ubuntu\nCOPY logo.png /app/\n')).toMatch(/logo\.png is a binary file/);
    expect(reasons('FROM ubuntu\nFROBNICATE now\n')).toMatch(/line 2 \(FROBNICATE\): unknown instruction/);
    expect(reasons('FROM ubuntu\nRUN apt-get update && apt-get install -y jq gzip\nWORKDIR /app\nCOPY a.txt .\nCMD ["bash"]\n')).toBe('');
  });

  it('exports [verifier] env to test.sh, and refuses a name that is not a shell variable name', async () => {
    const withEnv = (env: string) => ({ ...HARBOR_CSV_TOTALS, 'csv-totals/task.toml': `[verifier]\ntimeout_sec = 30\n\n[verifier.env]\n${env}\n` });
    const task = importSuite(new Map(Object.entries(withEnv('EXPECTED_ROWS = "3"')))).suite.tasks[0];
    expect(task.verifier.script).toContain("export EXPECTED_ROWS='3'");
    const refused = importSuite(new Map(Object.entries(withEnv('"X;touch /pwned;Y" = "1"'))));
    expect(refused.suite.tasks).toEqual([]);
    expect(refused.unsupported).toEqual([{ task: 'csv-totals', reason: 'task.toml [verifier] env: "X;touch /pwned;Y" is not a shell variable name' }]);
  });

  it('replays COPY, ENV, ARG and RUN the way Docker would, in the sandbox', async () => {
    const files = {
      'env-task/task.toml': '[agent]\ntimeout_sec = 120\n[verifier]\ntimeout_sec = 30\n',
      'env-task/instruction.md': 'Run `greet` and save its output in /srv/app/greeting.txt.\n',
      'env-task/environment/Dockerfile': [
        'FROM ubuntu:24.04',
        'ARG GREETING=hello',
        'ENV APP_HOME=/srv/app PATH="/srv/app/bin:${PATH}"',
        'WORKDIR /srv/app',
        'COPY greet /usr/local/bin/greet',
        'COPY data/ ./data/',
        'COPY *.conf /etc/app/',
        'RUN echo "$GREETING from $APP_HOME" > banner.txt && \\',
        '    ls data > data-list.txt',
        'RUN <<EOF',
        'mkdir -p logs',
        'echo started > logs/boot.log',
        'EOF',
      ].join('\n'),
      'env-task/environment/greet': '#!/bin/bash\necho "greetings from $(pwd)"\n',
      'env-task/environment/data/one.txt': '1\n',
      'env-task/environment/data/two.txt': '2\n',
      'env-task/environment/app.conf': 'mode=fast\n',
      'env-task/tests/test.sh': '#!/bin/bash\nmkdir -p /logs/verifier\ngrep -q "greetings from /srv/app" /srv/app/greeting.txt && echo 1 > /logs/verifier/reward.txt\n',
      'env-task/solution/solve.sh': '#!/bin/bash\ngreet > /srv/app/greeting.txt\n',
    };
    const { suite, unsupported, notes } = importSuite(new Map(Object.entries(files)));
    expect(unsupported).toEqual([]);
    const task = suite.tasks[0];
    expect(Object.keys(task.initialFiles).sort()).toEqual(['/etc/app/app.conf', '/usr/bin/greet', 'data/one.txt', 'data/two.txt']);
    expect(task.instruction).toBe('Run `greet` and save its output in /srv/app/greeting.txt.');
    expect(task.workdir).toBe('/srv/app');
    expect(task.env).toEqual({ APP_HOME: '/srv/app', PATH: '/srv/app/bin:/usr/bin:/bin' });
    expect(notes.map((item) => item.note).join('\n')).toContain('/usr/local/bin/greet is copied to /usr/bin/greet');

    const box = new JustBashSandbox();
    await prepareTaskSandbox(task, box);
    expect(await box.readFile('/srv/app/banner.txt')).toBe('hello from /srv/app\n');
    expect(await box.readFile('/srv/app/data-list.txt')).toBe('one.txt\ntwo.txt\n');
    expect(await box.readFile('/srv/app/logs/boot.log')).toBe('started\n');
    expect((await box.exec('greet; echo "$APP_HOME"', { cwd: task.workdir, env: task.env })).stdout).toBe('greetings from /srv/app\n/srv/app\n');
    expect(await checkTask(task, sandbox)).toMatchObject({ ok: true });
  });
});

describe('the page’s loaders: a .zip or a picked folder', () => {
  const fixtures = { ...HARBOR_CSV_TOTALS, ...HARBOR_PYTHON_STATS, ...TBENCH_WORD_COUNT };

  it('reads a .zip of task folders, wrapped in one top folder as zips usually are', async () => {
    const zip = zipSync(Object.fromEntries(Object.entries(fixtures).map(([path, content]) => [`my-tasks/${path}`, strToU8(content)])));
    const loaded = await loadSuiteFromZip(new File([zip], 'my-tasks.zip'));
    expect(loaded.suite.name).toBe('my-tasks');
    expect(loaded.suite.tasks.map((task) => task.id).sort()).toEqual(['csv-totals', 'word-count']);
    expect(loaded.unsupported.map((item) => item.task)).toEqual(['python-stats']);
  });

  it('reads a .zip of a single task folder’s contents, naming the task after the zip', async () => {
    const zip = zipSync(Object.fromEntries([...folderFiles(HARBOR_CSV_TOTALS, 'csv-totals')].map(([path, content]) => [path, strToU8(content)])));
    const loaded = await loadSuiteFromZip(new File([zip], 'Sales Totals.zip'));
    expect(loaded.suite.tasks.map((task) => task.id)).toEqual(['sales-totals']);
  });

  it('reads a picked folder through webkitRelativePath', async () => {
    const files = Object.entries(fixtures).map(([path, content]) => {
      const file = new File([content], path.slice(path.lastIndexOf('/') + 1));
      Object.defineProperty(file, 'webkitRelativePath', { value: `picked/${path}` });
      return file;
    });
    const loaded = await loadSuiteFromFileList(files);
    expect(loaded.suite.name).toBe('picked');
    expect(loaded.suite.tasks.map((task) => task.id).sort()).toEqual(['csv-totals', 'word-count']);
    expect(loaded.unsupported[0]).toMatchObject({ task: 'python-stats', reason: expect.stringContaining('python3') });
  });
});

describe('exporting a suite to Harbor and importing it back', () => {
  const exported = exportSuiteToHarbor(builtinTasks);
  const reimported = importSuite(exported, { name: 'builtin-starter' });

  it('writes Harbor’s layout for every task', () => {
    for (const task of builtinTasks) {
      for (const file of ['task.toml', 'instruction.md', 'environment/Dockerfile', 'tests/test.sh', 'solution/solve.sh']) {
        expect(exported.has(`${task.id}/${file}`), `${task.id}/${file}`).toBe(true);
      }
      expect(exported.get(`${task.id}/tests/test.sh`)).toContain('/logs/verifier/reward.txt');
    }
  });

  it('reads back every task with the same id, instruction, files, timeouts and metadata', () => {
    expect(reimported.unsupported).toEqual([]);
    expect(reimported.suite.tasks.map((task) => task.id).sort()).toEqual(builtinTasks.map((task) => task.id).sort());
    for (const original of builtinTasks) {
      const back = reimported.suite.tasks.find((task) => task.id === original.id)!;
      expect(back.instruction, original.id).toBe(original.instruction);
      expect(back.title, original.id).toBe(original.title);
      const { '/tmp/self-harness-setup.sh': setup, ...initialFiles } = back.initialFiles;
      expect(initialFiles, original.id).toEqual(original.initialFiles);
      expect(setup, original.id).toBe(original.setupScript);
      expect([back.agentTimeoutSec, back.verifierTimeoutSec, back.category, back.difficulty, back.tags], original.id).toEqual([
        original.agentTimeoutSec,
        original.verifierTimeoutSec,
        original.category,
        original.difficulty,
        original.tags,
      ]);
    }
  });

  it('keeps an imported task’s WORKDIR, ENV and paths through export and import, and it still checks as sound', async () => {
    const imported = importSuite(new Map(Object.entries({ ...HARBOR_INVENTORY_VALUE, ...HARBOR_LOG_REPORT, ...TBENCH_WORD_COUNT }))).suite.tasks;
    const back = importSuite(exportSuiteToHarbor(imported)).suite.tasks;
    expect(back.map((task) => [task.id, task.workdir, task.env])).toEqual([
      ['inventory-value', '/srv/inventory', { STOCK_FILE: '/srv/inventory/stock.json' }],
      ['log-report', '/app', undefined],
      ['word-count', '/app', undefined],
    ]);
    for (const original of imported) {
      const task = back.find((candidate) => candidate.id === original.id)!;
      expect(task.instruction).toBe(original.instruction);
      const { '/tmp/self-harness-setup.sh': _setup, ...initialFiles } = task.initialFiles;
      expect(initialFiles).toEqual(original.initialFiles);
      expect(await checkTask(task, sandbox), task.id).toMatchObject({ ok: true, reason: '' });
    }
  });

  it.each(reimported.suite.tasks.map((task) => [task.id, task] as const))('%s still checks as sound after the round trip', async (_id, task) => {
    const check = await checkTask(task, sandbox);
    expect(check.reason).toBe('');
    expect(check.ok).toBe(true);
  });
});
