// B1: a shell tool call's round trip — just-bash in Node (the CLI's sandbox) and page → sandbox worker → just-bash →
// page in headless Chromium — against native `bash -c` started from Node, command by command, rounds interleaved.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createThreadSandbox, stopIdleSandboxThreads } from '../src/cli/thread-sandbox.js';
import { JustBashSandbox } from '../src/core/sandbox/just-bash-sandbox.js';
import { type BenchFigure, type Check, geometricMean, judged, median, ratio, skipped, type Table } from './figure.js';
import { type BenchPage, chromiumUnavailable, openBenchPage } from './chromium.js';
import { nativeBash } from './native-shell.js';
import { comparableOutput, SHELL_COMMANDS, shellFixtureFiles } from './shell-commands.js';

const TARGET = { comparison: 'at-most', value: 1 } as const;

export const figure: BenchFigure = {
  id: 'B1',
  title: 'Shell tool round trip vs native bash',
  target: TARGET,
  unit: '×',
  async measure({ log, quick }) {
    const rounds = quick ? 5 : 25;
    const files = shellFixtureFiles();
    const directory = await mkdtemp(join(tmpdir(), 'bench-b1-'));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(directory, path)), { recursive: true });
      await writeFile(join(directory, path), content);
    }
    // The CLI's sandbox (just-bash in a worker_thread), and just-bash in-process beside it for comparison.
    const node = await createThreadSandbox();
    const inProcess = new JustBashSandbox();
    for (const [path, content] of Object.entries(files)) {
      await node.writeFile(`/work/${path}`, content);
      await inProcess.writeFile(`/work/${path}`, content);
    }

    let browser: BenchPage | undefined;
    let browserSkip = chromiumUnavailable();
    if (!browserSkip) {
      try {
        browser = await openBenchPage();
        await browser.call('prepareShell', files);
      } catch (error) {
        browserSkip = (error as Error).message;
      }
    }

    const native: number[][] = SHELL_COMMANDS.map(() => []);
    const inNode: number[][] = SHELL_COMMANDS.map(() => []);
    const inProcessTimes: number[][] = SHELL_COMMANDS.map(() => []);
    const inBrowser: number[][] = SHELL_COMMANDS.map(() => []);
    const mismatches = new Set<string>();
    try {
      // Round 0 warms every path up (JIT, the worker's first load, the page cache) and checks the outputs agree.
      for (let round = 0; round <= rounds; round++) {
        for (const [index, { name, command }] of SHELL_COMMANDS.entries()) {
          const bash = await nativeBash(command, directory);
          const threadStarted = performance.now();
          const ours = await node.exec(command, { cwd: '/work' });
          const threadMs = performance.now() - threadStarted;
          const local = await inProcess.exec(command, { cwd: '/work' });
          if (round === 0 && (comparableOutput(name, bash.stdout) !== comparableOutput(name, ours.stdout) || bash.exitCode !== ours.exitCode)) mismatches.add(`${name} (Node)`);
          if (round > 0) {
            native[index].push(bash.ms);
            inNode[index].push(threadMs);
            inProcessTimes[index].push(local.durationMs);
          }
        }
        if (browser) {
          const measured = await browser.call('shellRound', [...SHELL_COMMANDS]);
          if (round === 0) {
            for (const [index, { name }] of SHELL_COMMANDS.entries()) {
              const bashOut = (await nativeBash(SHELL_COMMANDS[index].command, directory)).stdout;
              if (comparableOutput(name, bashOut) !== comparableOutput(name, measured.stdout[index])) mismatches.add(`${name} (Chromium)`);
            }
          } else measured.ms.forEach((ms, index) => inBrowser[index].push(ms));
        }
        if (round % 5 === 0) log(`round ${round}/${rounds}`);
      }
    } finally {
      await browser?.close();
      await node.dispose();
      await stopIdleSandboxThreads();
      await rm(directory, { recursive: true, force: true });
    }

    const nativeMedians = native.map(median);
    const nodeRatios = inNode.map((times, index) => ratio(median(times), nativeMedians[index]));
    const browserRatios = browser ? inBrowser.map((times, index) => ratio(median(times), nativeMedians[index])) : [];
    const table: Table = {
      title: `Median ms per command over ${rounds} interleaved rounds (ratio = sandbox ÷ native bash; below 1 is faster than native)`,
      columns: ['command', 'native bash -c (Node)', 'CLI sandbox: thread → just-bash (Node)', 'ratio Node', ...(browser ? ['page → worker → just-bash (Chromium)', 'ratio Chromium'] : []), 'just-bash in-process (Node)', 'ratio in-process', 'same output'],
      rows: SHELL_COMMANDS.map(({ name, command }, index) => [
        `${name}: \`${command}\``,
        nativeMedians[index],
        median(inNode[index]),
        nodeRatios[index],
        ...(browser ? [median(inBrowser[index]), browserRatios[index]] : []),
        median(inProcessTimes[index]),
        ratio(median(inProcessTimes[index]), nativeMedians[index]),
        [...mismatches].some((entry) => entry.startsWith(`${name} (`)) ? `differs: ${[...mismatches].filter((entry) => entry.startsWith(`${name} (`)).join(', ')}` : 'yes',
      ]),
    };
    const nativeGeo = geometricMean(nativeMedians);
    const checks: Check[] = [
      judged(`geo-mean ratio over ${SHELL_COMMANDS.length} commands, Node (the CLI's sandbox thread)`, geometricMean(nodeRatios), TARGET, '×', { value: nativeGeo, label: 'native geo-mean ms' }),
      browser
        ? judged(`geo-mean ratio over ${SHELL_COMMANDS.length} commands, Chromium`, geometricMean(browserRatios), TARGET, '×', { value: nativeGeo, label: 'native geo-mean ms' })
        : skipped(`geo-mean ratio over ${SHELL_COMMANDS.length} commands, Chromium`, TARGET, '×', browserSkip ?? 'not measured'),
    ];
    return {
      id: 'B1',
      title: figure.title,
      checks,
      tables: [table],
      notes: [
        'Each round runs every command once natively (`bash -c` spawned from Node with `execFile`, in a temp dir holding the same files), once in the CLI\'s sandbox (`createThreadSandbox`: just-bash in a worker_thread, timed around `await sandbox.exec()` on the main thread, so the thread round trip counts), once in an in-process `JustBashSandbox` (informative), and once on the bench page in headless Chromium, where the page calls the app\'s `WorkerSandbox` (comlink → the app\'s sandbox worker → just-bash\'s browser build) and times `await sandbox.exec()` on the page. A warm-up round first, whose outputs are compared (for `ls -la`, only the names).',
        'The native time includes starting a bash process, as a native sandbox would pay per command; just-bash interprets in the same process (Node) or worker (Chromium). The figure is the geometric mean of the per-command ratios of medians.',
      ],
    };
  },
};
