import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentEvent } from '../core/agent/events.js';
import { harnessHash } from '../core/harness/index.js';
import type { TokenUsage } from '../core/model/types.js';
import { episodesOf, runEpisodes } from '../core/pool/run-episodes.js';
import type { TaskRunResult } from '../core/tasks/run-task.js';
import type { Task, TaskOutcome } from '../core/tasks/types.js';
import { evolutionSettingsSchema } from '../core/evolve/config.js';
import { createThreadEpisodeRunner } from './thread-episode-runner.js';
import { type CliCommand, EXIT, numericFlag, parseFlags, UsageError } from './cli-types.js';
import { chooseTasks, readHarnessFile, withOutLock } from './command-inputs.js';
import { CONCURRENCY_OPTION, CONCURRENCY_USAGE, concurrencyFrom } from './concurrency.js';
import { loadSuite } from './load-suite.js';
import { redactDataForOutput } from './secrets.js';
import { checkModelFlags, createAgentModel, MODEL_OPTIONS, MODEL_USAGE, probedAgentModel, withAnswerTokenCap } from './model-options.js';

const RUN_OPTIONS = {
  ...MODEL_OPTIONS,
  suite: { type: 'string' },
  out: { type: 'string' },
  harness: { type: 'string' },
  attempts: { type: 'string', default: '1' },
  tasks: { type: 'string' },
  ...CONCURRENCY_OPTION,
} as const;

/** One finished attempt, as `results.json` lists it. */
export interface RunAttemptResult {
  task: string;
  attempt: number;
  outcome: TaskOutcome;
  reason: string;
  steps: number;
  durationMs: number;
  usage: TokenUsage;
  /** The agent's trace, one event per line, relative to --out. */
  trace: string;
}

/** `<out>/results.json`: written after every attempt, so a killed run leaves what it finished. */
export interface RunResults {
  suite: string;
  model: string;
  harnessHash: string;
  /** How many tasks were measured. */
  tasks: number;
  /** Attempts per task (k). */
  attempts: number;
  passed: number;
  failed: number;
  results: RunAttemptResult[];
  /** Tasks the suite holds but this sandbox cannot run, with why: neither passed nor failed. */
  unsupported: Array<{ task: string; reason: string }>;
  startedAt: string;
  finishedAt?: string;
  /** True when Ctrl-C ended the run before every attempt was made. */
  interrupted: boolean;
}

const fileNameOf = (taskId: string) => taskId.replace(/[^A-Za-z0-9._-]/g, '_');

function attemptRow(task: string, attempt: string, outcome: string, seconds: string, reason: string): string {
  return `${task.padEnd(40)} ${attempt.padEnd(7)} ${outcome.padEnd(11)} ${seconds.padStart(6)}  ${reason}`.trimEnd();
}

async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(redactDataForOutput(value), null, 2)}\n`);
  await rename(temporary, path);
}

export const runCommand: CliCommand = {
  words: ['run'],
  summary: 'measure a harness on a suite without evolving it: a pass table and results.json',
  usage: `self-harness run --suite <dir|zip|suite.json|builtin> --model <id> --out <dir> [--base-url <url>] [options]

  Measure a harness without evolving it — the baseline to take before an evolution. Runs k attempts of every task
  (or of --tasks), prints a row per attempt as it finishes (and a pass count per task when k > 1), writes
  <out>/results.json and each attempt's trace to <out>/traces/<task>-<attempt>.jsonl, and ends with the line
  "N passed, M failed", counting attempts (every outcome other than pass is a failure). Tasks the sandbox cannot run
  are listed as unsupported and not counted.

  --suite <dir|zip|suite.json|builtin>   the tasks (required)
  --out <dir>               where results.json and traces/ go (required; one process at a time: <out>/.lock)
${MODEL_USAGE}
  --harness file.json       the harness to measure (default: the paper's minimal harness)
  --attempts 1              attempts per task, k (a whole number ≥ 1)
  --tasks id,id             only these tasks of the suite
${CONCURRENCY_USAGE}
  -h, --help                this text

  results.json: {"suite", "model", "harnessHash", "tasks", "attempts", "passed", "failed",
                 "results": [{"task", "attempt", "outcome", "reason", "steps", "durationMs", "usage", "trace"}],
                 "unsupported": [{"task", "reason"}], "startedAt", "finishedAt", "interrupted"}

  Exit 0 when it ran, even if attempts failed; 1 when --out is in use; 2 on bad flags or an unreadable suite;
  130 when Ctrl-C stopped it (results.json then holds the attempts that finished).`,
  async run(argv, output) {
    const { out, err } = output;
    const { values } = parseFlags(argv, RUN_OPTIONS);
    if (!values.suite) throw new UsageError('--suite is required');
    checkModelFlags(values);
    if (!values.out) throw new UsageError('--out is required');
    // k means the same here as in an evolution: the same schema, the same words.
    const attempts = evolutionSettingsSchema.shape.attempts.safeParse(numericFlag(values.attempts));
    if (!attempts.success) throw new UsageError(`--attempts: ${attempts.error.issues[0].message}`);
    const k = attempts.data;
    const configuredModel = createAgentModel(values);
    const concurrency = concurrencyFrom(values.concurrency);
    const harness = withAnswerTokenCap(await readHarnessFile(values.harness), values);
    const hash = await harnessHash(harness);
    const loaded = await loadSuite(values.suite);
    const tasks = chooseTasks(loaded.suite.tasks, values.tasks);
    const directory = values.out;

    return withOutLock(directory, 'run', output, async () => {
      await mkdir(join(directory, 'traces'), { recursive: true });
      const results: RunResults = {
        suite: loaded.suite.name,
        // The tool-calling probe may switch the protocol; the model (and its id) stays the one asked for.
        model: configuredModel.id,
        harnessHash: hash,
        tasks: tasks.length,
        attempts: k,
        passed: 0,
        failed: 0,
        results: [],
        unsupported: loaded.unsupported,
        startedAt: new Date().toISOString(),
        interrupted: false,
      };
      const resultsPath = join(directory, 'results.json');
      await writeJsonAtomically(resultsPath, results);
      const controller = new AbortController();
      const onSignal = () => {
        err('stopping: the attempt in progress is dropped; results.json keeps the finished ones');
        // Every running episode's thread is told to stop and terminated within a moment, a spinning command and all.
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      // Each episode in a worker_thread of its own (its sandbox a thread of that thread), started ahead, one per slot.
      const episodes = createThreadEpisodeRunner();
      episodes.prestart(concurrency);
      try {
        const model = await probedAgentModel(configuredModel, output, controller.signal);
        out(`measuring ${tasks.length} tasks × ${k} attempts with ${model.id}, harness ${hash.slice(0, 12)}, ${concurrency} at once, into ${directory}`);
        out(attemptRow('TASK', 'ATTEMPT', 'OUTCOME', 'TIME', 'REASON'));
        // Events are appended as they come, in order, so a trace survives a kill up to its last event.
        const writing = new Map<number, Promise<void>>();
        const traceOf = (taskId: string, attempt: number) => `traces/${fileNameOf(taskId)}-${attempt}.jsonl`;
        // Episodes that ended before a Ctrl-C but wait for an earlier one to be recorded in order: kept, never dropped.
        const endedBeforeStop = new Map<number, { task: Task; attempt: number; result: TaskRunResult }>();
        const record = async (task: Task, attempt: number, result: TaskRunResult) => {
          results.results.push({ task: task.id, attempt, outcome: result.outcome, reason: result.reason, steps: result.steps, durationMs: result.durationMs, usage: result.usage, trace: traceOf(task.id, attempt) });
          if (result.outcome === 'pass') results.passed += 1;
          else results.failed += 1;
          await writeJsonAtomically(resultsPath, results);
          out(attemptRow(task.id, `${attempt}/${k}`, result.outcome, `${(result.durationMs / 1000).toFixed(1)}s`, result.reason));
        };
        // Episodes run `concurrency` at once; rows and results.json follow the plan's order, as at --concurrency 1.
        await runEpisodes(episodesOf(tasks, k), {
          harness,
          harnessHash: hash,
          model,
          runEpisode: episodes.run,
          concurrency,
          signal: controller.signal,
          onEpisodeStart: async ({ task, attempt }, index) => {
            const ready = writeFile(join(directory, traceOf(task.id, attempt)), '');
            writing.set(index, ready);
            await ready;
          },
          onEpisodeEvent: ({ task, attempt }, index, event: AgentEvent) => {
            const next = (writing.get(index) ?? Promise.resolve()).then(() => appendFile(join(directory, traceOf(task.id, attempt)), `${JSON.stringify(redactDataForOutput(event))}\n`));
            writing.set(index, next);
            return next;
          },
          onEpisodeFinish: ({ task, attempt }, index, result) => {
            if (!controller.signal.aborted) endedBeforeStop.set(index, { task, attempt, result });
          },
          onEpisodeEnd: async ({ task, attempt }, index, result) => {
            await writing.get(index);
            writing.delete(index);
            if (controller.signal.aborted) return;
            endedBeforeStop.delete(index);
            await record(task, attempt, result);
          },
        });
        await Promise.all(writing.values());
        // After a Ctrl-C: what ended before it, in plan order (results.json says it was interrupted).
        for (const index of [...endedBeforeStop.keys()].sort((a, b) => a - b)) {
          const { task, attempt, result } = endedBeforeStop.get(index)!;
          await record(task, attempt, result);
        }
      } finally {
        episodes.dispose();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      results.interrupted = controller.signal.aborted;
      results.finishedAt = new Date().toISOString();
      await writeJsonAtomically(resultsPath, results);
      if (k > 1) {
        out('');
        out(`${'TASK'.padEnd(40)} PASSED`);
        for (const task of tasks) {
          const mine = results.results.filter((item) => item.task === task.id);
          if (mine.length) out(`${task.id.padEnd(40)} ${mine.filter((item) => item.outcome === 'pass').length}/${mine.length}`);
        }
      }
      for (const item of loaded.unsupported) out(attemptRow(item.task, '-', 'unsupported', '-', item.reason));
      out(`${results.passed} passed, ${results.failed} failed`);
      return results.interrupted ? EXIT.interrupted : EXIT.ok;
    });
  },
};
