// B9 (issue 11, "Ctrl-C stops within 1 s"): how long `self-harness run` and `evolve` take to exit after Ctrl-C while
// the agent's command spins in the sandbox thread, against the floor: a bare Node process that exits on SIGINT.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDefaultHarness, serializeHarness } from '../src/core/harness/index.js';
import type { Task } from '../src/core/tasks/types.js';
import { startScriptedOpenAIServer } from '../tests/fixtures/scripted-openai-server.js';
import { startCli } from '../tests/fixtures/self-harness-cli.js';
import { type BenchFigure, type Check, judged, percentile } from './figure.js';

const TARGET = { comparison: 'at-most', value: 1 } as const;

/** A CPU-bound loop just-bash cannot interrupt from inside: only killing its thread stops it. */
const RUNAWAY = 'printf "b\\na\\n" > /tmp/s; for i in $(seq 1 50000); do sort -c /tmp/s; done';

/** Seconds from SIGINT to the exit of a Node process that does nothing but exit on it. */
async function bareNodeExit(): Promise<number> {
  const child = spawn(process.execPath, ['-e', "process.on('SIGINT', () => process.exit(130)); console.log('ready'); setInterval(() => {}, 1000)"]);
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const pressed = performance.now();
  child.kill('SIGINT');
  await exited;
  return (performance.now() - pressed) / 1000;
}

export const figure: BenchFigure = {
  id: 'B9',
  title: 'Ctrl-C to exit while a command spins (CLI)',
  target: TARGET,
  unit: 's',
  async measure({ quick, log }) {
    const rounds = quick ? 2 : 5;
    const server = await startScriptedOpenAIServer(() => ({ toolCalls: [{ name: 'shell', args: { command: RUNAWAY } }] }));
    const work = await mkdtemp(join(tmpdir(), 'bench-b9-'));
    try {
      const task: Task = { id: 'spin', title: 'spin', instruction: 'Sort the file.', initialFiles: {}, verifier: { script: 'exit 1' }, agentTimeoutSec: 600, verifierTimeoutSec: 10, category: 'spin', difficulty: 'easy', tags: [] };
      await writeFile(join(work, 'suite.json'), JSON.stringify({ id: 'spin', name: 'spin', tasks: [task, { ...task, id: 'spin-2' }, { ...task, id: 'spin-3' }, { ...task, id: 'spin-4' }] }));
      const harness = createDefaultHarness();
      harness.policies.commandTimeout.seconds = 600;
      await writeFile(join(work, 'harness.json'), serializeHarness(harness));

      /** Start the command, wait until the runaway command was asked for and has spun 1.5 s, press Ctrl-C, time the exit. */
      const interrupt = async (command: 'run' | 'evolve', round: number): Promise<number> => {
        const before = server.requests.length;
        const extra = command === 'evolve' ? ['--iterations', '1'] : [];
        const { child, done } = startCli([command, '--out', join(work, `${command}-${round}`), ...extra, '--suite', work, '--base-url', server.baseUrl, '--model', 'spinner', '--harness', join(work, 'harness.json')]);
        const deadline = Date.now() + 60_000;
        while (server.requests.length === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
        if (server.requests.length === before) throw new Error(`${command} never asked the model within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const pressed = performance.now();
        child.kill('SIGINT');
        const result = await done;
        const seconds = (performance.now() - pressed) / 1000;
        const expected = command === 'run' ? 130 : 0;
        if (result.code !== expected) throw new Error(`${command} exited ${result.code} after Ctrl-C (expected ${expected}): ${result.stderr.slice(-400)}`);
        return seconds;
      };

      const samples: Record<'run' | 'evolve' | 'node', number[]> = { run: [], evolve: [], node: [] };
      for (let round = 0; round < rounds; round++) {
        samples.node.push(await bareNodeExit());
        samples.run.push(await interrupt('run', round));
        samples.evolve.push(await interrupt('evolve', round));
        log(`round ${round + 1}/${rounds}: run ${samples.run.at(-1)!.toFixed(2)} s, evolve ${samples.evolve.at(-1)!.toFixed(2)} s, bare node ${samples.node.at(-1)!.toFixed(3)} s`);
      }
      const median = (values: number[]) => percentile(values, 50);
      const floor = { value: median(samples.node), label: 'a bare Node process exiting on SIGINT, median s' };
      const checks: Check[] = [judged('median seconds from Ctrl-C to exit, `run`', median(samples.run), TARGET, 's', floor), judged('median seconds from Ctrl-C to exit, `evolve` (pauses, writes state and report)', median(samples.evolve), TARGET, 's', floor)];
      const row = (name: string, values: number[]) => [name, median(values).toFixed(3), Math.max(...values).toFixed(3), values.map((value) => value.toFixed(2)).join(', ')];
      return {
        id: 'B9',
        title: figure.title,
        checks,
        tables: [{ title: `Seconds from SIGINT to exit, ${rounds} rounds`, columns: ['process', 'median', 'max', 'every round'], rows: [row('self-harness run', samples.run), row('self-harness evolve', samples.evolve), row('bare node (floor)', samples.node)] }],
        notes: [
          'Each round starts `self-harness run` and `self-harness evolve --iterations 1` (bin/self-harness.mjs, a real child process) against a scripted OpenAI-compatible server whose agent answers with a CPU-bound shell loop and a 600 s command timeout; once the model was asked, and 1.5 s later (the loop spinning in the sandbox thread), SIGINT is sent and the time to the process exit is measured. `run` must exit 130 with results.json marked interrupted; `evolve` pauses (exit 0) after writing its state and report. The floor is a Node process that only exits on SIGINT.',
        ],
      };
    } finally {
      await server.close();
      await rm(work, { recursive: true, force: true });
    }
  },
};
