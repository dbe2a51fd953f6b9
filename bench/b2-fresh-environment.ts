// B2: a fresh task environment — a new sandbox with the task's initial files, ready to answer its first command —
// against the native equivalent: a temp dir, the same files, and a first `bash -c`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createThreadSandbox, prestartSandboxThread, stopIdleSandboxThreads } from '../src/cli/thread-sandbox.js';
import { JustBashSandbox } from '../src/core/sandbox/just-bash-sandbox.js';
import type { Sandbox } from '../src/core/sandbox/types.js';
import { builtinSuite } from '../src/core/tasks/builtin/index.js';
import { prepareTaskSandbox } from '../src/core/tasks/task-sandbox.js';
import { taskWorkdir } from '../src/core/tasks/types.js';
import { type BenchFigure, type Check, judged, percentile, ratio, skipped } from './figure.js';
import { type BenchPage, chromiumUnavailable, openBenchPage } from './chromium.js';
import { nativeBash } from './native-shell.js';

const TARGET = { comparison: 'at-most', value: 20 } as const;

/** Tasks with a setup script are left out: their scripts write to sandbox paths (/work, /data) a native temp dir lacks. */
const tasks = () => builtinSuite.tasks.filter((task) => !task.setupScript);

async function nativeEnvironment(files: Record<string, string>): Promise<{ ms: number; directory: string }> {
  const started = performance.now();
  const directory = await mkdtemp(join(tmpdir(), 'bench-b2-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(directory, path.replace(/^\/+/, ''));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  const first = await nativeBash('pwd', directory);
  const ms = performance.now() - started;
  if (first.exitCode !== 0) throw new Error(`native bash failed in ${directory}`);
  return { ms, directory };
}

/** A new sandbox from `create`, the task's files, a first command; disposal (a thread handed back for reuse) untimed. */
async function nodeEnvironment(task: ReturnType<typeof tasks>[number], create: () => Promise<Sandbox>): Promise<number> {
  const started = performance.now();
  const sandbox = await create();
  await prepareTaskSandbox(task, sandbox);
  const first = await sandbox.exec('pwd', { cwd: taskWorkdir(task) });
  const ms = performance.now() - started;
  await sandbox.dispose();
  if (first.exitCode !== 0) throw new Error(`pwd failed in a fresh sandbox for ${task.id}: ${first.stderr}`);
  return ms;
}

const inProcessSandbox = async (): Promise<Sandbox> => new JustBashSandbox();

export const figure: BenchFigure = {
  id: 'B2',
  title: 'Fresh task environment vs a native temp dir',
  target: TARGET,
  unit: 'ms',
  async measure({ log, quick }) {
    const suite = tasks();
    const rounds = quick ? 1 : 4;
    const native: number[] = [];
    const node: number[] = [];
    const inProcess: number[] = [];
    const browser: number[] = [];
    let page: BenchPage | undefined;
    let browserSkip = chromiumUnavailable();
    if (!browserSkip) {
      try {
        page = await openBenchPage();
        await page.call('freshEnvironments', suite.slice(0, 3).map((task) => task.id)); // warm-up: the worker's code into the cache
      } catch (error) {
        browserSkip = (error as Error).message;
      }
    }
    try {
      prestartSandboxThread(1);
      for (const task of suite.slice(0, 3)) {
        await nodeEnvironment(task, createThreadSandbox); // warm-up
        await nodeEnvironment(task, inProcessSandbox);
      }
      for (let round = 0; round < rounds; round++) {
        for (const task of suite) {
          const made = await nativeEnvironment(task.initialFiles);
          native.push(made.ms);
          await rm(made.directory, { recursive: true, force: true });
          node.push(await nodeEnvironment(task, createThreadSandbox));
          inProcess.push(await nodeEnvironment(task, inProcessSandbox));
        }
        if (page) browser.push(...(await page.call('freshEnvironments', suite.map((task) => task.id))));
        log(`round ${round + 1}/${rounds}: ${suite.length} tasks`);
      }
    } finally {
      await page?.close();
      await stopIdleSandboxThreads();
    }
    const p50 = (values: number[]) => percentile(values, 50);
    const p95 = (values: number[]) => percentile(values, 95);
    const row = (label: string, values: number[]) => [label, values.length, p50(values), p95(values), ratio(p50(values), p50(native)), ratio(p95(values), p95(native))];
    const checks: Check[] = [
      judged('p50 sandbox + initial files + first command, Node (the CLI\'s sandbox thread)', p50(node), TARGET, 'ms', { value: p50(native), label: 'native p50 ms' }),
      page ? judged('p50 worker sandbox + initial files + first command, Chromium', p50(browser), TARGET, 'ms', { value: p50(native), label: 'native p50 ms' }) : skipped('p50 worker sandbox + initial files + first command, Chromium', TARGET, 'ms', browserSkip ?? 'not measured'),
    ];
    return {
      id: 'B2',
      title: figure.title,
      checks,
      tables: [
        {
          title: `Fresh environments for ${suite.length} built-in tasks × ${rounds} rounds (ms; ratio = ÷ native)`,
          columns: ['environment', 'samples', 'p50', 'p95', 'p50 ratio', 'p95 ratio'],
          rows: [row('native: mkdtemp + files + `bash -c pwd` (Node)', native), row('the CLI\'s createThreadSandbox (a reused worker_thread) + files + `pwd` (Node)', node), row('new JustBashSandbox in-process + files + `pwd` (Node, informative)', inProcess), ...(page ? [row('new WorkerSandbox (a pooled Web Worker) + files + `pwd` (Chromium)', browser)] : [])],
        },
      ],
      notes: [
        `Each sample makes one task's environment from nothing: a new sandbox, the task's initial files written with \`prepareTaskSandbox\` (what every attempt does), and a first command (\`pwd\`) answered — in Node the CLI's \`createThreadSandbox\` (just-bash in a worker_thread; a disposed sandbox hands its thread back emptied, and one spare is kept started, so a fresh environment rarely waits for a thread to load) and, for comparison, an in-process \`JustBashSandbox\`; in Chromium the page's \`WorkerSandbox\`, whose Web Workers come from a page-wide pool (one started ahead; a sandbox disposed cleanly hands its worker back emptied, a killed one is never reused), as every attempt in the app gets them. The baseline makes a temp dir, writes the same files and runs \`bash -c pwd\` in it. Cleanup is not timed. The ${builtinSuite.tasks.length - suite.length} built-in tasks with a setup script are left out on every side (their scripts write to sandbox paths a temp dir lacks).`,
      ],
    };
  },
};
