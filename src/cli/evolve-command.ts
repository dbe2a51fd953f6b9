import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_EVOLUTION_SETTINGS, type EvolutionConfig, type EvolutionSettings, evolutionTaskCountProblem, parseEvolutionSettings, parseSplitRatiosText } from '../core/evolve/config.js';
import { createEvolution, type EvolutionProgress, runEvolution } from '../core/evolve/evolution-loop.js';
import { evolutionWarnings } from '../core/evolve/evolution-warnings.js';
import { buildReport, renderReportMarkdown } from '../core/evolve/report.js';
import { serializeHarness } from '../core/harness/index.js';
import { suiteHash } from '../core/tasks/suite-hash.js';
import { createThreadSandbox, killBusySandboxThreads, prestartSandboxThread } from './thread-sandbox.js';
import { type CliCommand, EXIT, numericFlag, parseFlags, UsageError } from './cli-types.js';
import { chooseTasks, readHarnessFile, withOutLock } from './command-inputs.js';
import { DirectoryEvolutionStore } from './fs-evolution-store.js';
import { withSecretsRedacted } from './redacting-store.js';
import { redactDataForOutput, redactForOutput } from './secrets.js';
import { loadSuite } from './load-suite.js';
import { checkModelFlags, createAgentModel, createModel, MODEL_OPTIONS, MODEL_USAGE, proposerKey } from './model-options.js';

const EVOLVE_OPTIONS = {
  ...MODEL_OPTIONS,
  suite: { type: 'string' },
  out: { type: 'string' },
  harness: { type: 'string' },
  tasks: { type: 'string' },
  split: { type: 'string' },
  seed: { type: 'string' },
  attempts: { type: 'string' },
  iterations: { type: 'string' },
  'max-rollouts': { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-minutes': { type: 'string' },
  candidates: { type: 'string' },
  weaknesses: { type: 'string' },
  convergence: { type: 'string' },
  acceptance: { type: 'string' },
  alpha: { type: 'string' },
  'proposer-base-url': { type: 'string' },
  'proposer-model': { type: 'string' },
  'proposer-api-key-env': { type: 'string' },
} as const;

/** Which flag sets which setting, so a message about a setting names the flag the person typed. */
const FLAG_OF_SETTING: Record<string, string> = {
  splitRatios: '--split',
  seed: '--seed',
  attempts: '--attempts',
  candidatesPerWeakness: '--candidates',
  topWeaknesses: '--weaknesses',
  convergenceIterations: '--convergence',
  acceptance: '--acceptance',
  'acceptance.alpha': '--alpha',
  'budget.maxIterations': '--iterations',
  'budget.maxRollouts': '--max-rollouts',
  'budget.maxTokens': '--max-tokens',
  'budget.maxWallTimeMs': '--max-minutes',
};

function flagOf(path: string): string | undefined {
  for (let parts = path.split('.'); parts.length; parts = parts.slice(0, -1)) {
    const flag = FLAG_OF_SETTING[parts.join('.')];
    if (flag) return flag;
  }
  return undefined;
}

const defaults = DEFAULT_EVOLUTION_SETTINGS;

/** The settings the flags ask for, through the same schema the page and a resumed evolution use. */
export function settingsFromFlags(values: { [K in keyof typeof EVOLVE_OPTIONS]?: string }): EvolutionSettings {
  const kind = values.acceptance ?? 'paper';
  if (values.alpha !== undefined && kind !== 'statistical') throw new UsageError('--alpha applies only with --acceptance statistical');
  let splitRatios: unknown = defaults.splitRatios;
  if (values.split !== undefined) {
    const typed = parseSplitRatiosText(values.split);
    if (!typed.ok) throw new UsageError(`--split: ${typed.problem}`);
    splitRatios = typed.ratios;
  }
  const minutes = numericFlag(values['max-minutes']);
  const parsed = parseEvolutionSettings({
    ...defaults,
    splitRatios,
    seed: numericFlag(values.seed) ?? defaults.seed,
    attempts: numericFlag(values.attempts) ?? defaults.attempts,
    candidatesPerWeakness: numericFlag(values.candidates) ?? defaults.candidatesPerWeakness,
    topWeaknesses: numericFlag(values.weaknesses) ?? defaults.topWeaknesses,
    convergenceIterations: numericFlag(values.convergence) ?? defaults.convergenceIterations,
    acceptance: kind === 'statistical' ? { kind, alpha: numericFlag(values.alpha) ?? 0.05 } : { kind },
    budget: {
      maxIterations: numericFlag(values.iterations) ?? defaults.budget.maxIterations,
      maxRollouts: numericFlag(values['max-rollouts']),
      maxTokens: numericFlag(values['max-tokens']),
      maxWallTimeMs: typeof minutes === 'number' ? minutes * 60_000 : minutes,
    },
  });
  if (!parsed.ok) throw new UsageError(parsed.problems.map((problem) => `${flagOf(problem.path) ?? problem.path}: ${problem.message}`).join('\n'));
  return parsed.value;
}

export const evolveCommand: CliCommand = {
  words: ['evolve'],
  summary: 'run the Self-Harness loop: mine weaknesses, propose typed edits, keep what passes the gate',
  usage: `self-harness evolve --suite <dir|zip|suite.json|builtin> --model <id> --out <dir> [--base-url <url>] [options]

  Run the Self-Harness loop against any OpenAI-compatible endpoint (the default provider; --base-url is required) or
  Anthropic's Messages API (--provider anthropic; --api-key-env is required, --base-url optional). State lives in
  --out: run the same command again to resume after a kill or Ctrl-C. The app's Evolve page imports that folder.
  Only one process may use an --out at a time (it holds <out>/.lock with its pid; a lock left by a dead process is
  taken over). Before starting, warns when the suite is too small for the acceptance rule to ever accept an edit.

  --suite <dir|zip|suite.json|builtin>   the tasks (required)
  --out <dir>               where the evolution lives (required)
${MODEL_USAGE}
  --harness file.json       the starting harness (default: the paper's minimal harness)
  --tasks id,id             evolve over these tasks of the suite only (at least 4)
  --split 0.5,0.25,0.25     held-in, held-out and test shares (normalised: 2,1,1 is the same); held-in above 0
  --seed 1                  split seed (a whole number ≥ 0)
  --attempts 2              attempts per task, k (a whole number ≥ 1)
  --iterations 3            at most this many iterations
  --convergence 2           stop after this many iterations in a row without an accepted edit
  --candidates 3            candidate edits proposed per weakness
  --weaknesses 2            weaknesses addressed per iteration
  --acceptance paper|strict|statistical   the gate rule (default paper: rises on a split, falls on none)
  --alpha 0.05              the statistical rule's significance, between 0 and 1
  --max-rollouts N, --max-tokens N, --max-minutes N   budgets (none by default)
  --proposer-base-url <url>, --proposer-model <id>, --proposer-api-key-env VAR
                            a different model (same provider) mines weaknesses and proposes edits. A key goes
                            only to the host it was given for: a proposer on another host than --base-url does
                            not get --api-key-env's key; give it --proposer-api-key-env (it may name the same
                            variable)
  -h, --help                this text

  Exit 0 when the evolution finished, paused or waits for review; 1 when it failed or --out is in use; 2 on bad flags.`,
  async run(argv, output) {
    const { out, err } = output;
    const { values } = parseFlags(argv, EVOLVE_OPTIONS);
    if (!values.suite) throw new UsageError('--suite is required');
    checkModelFlags(values);
    if (!values.out) throw new UsageError('--out is required');
    const settings = settingsFromFlags(values);
    const agentModel = createAgentModel(values);
    prestartSandboxThread();
    let proposerModel = agentModel;
    if (values['proposer-model'] || values['proposer-base-url'] || values['proposer-api-key-env']) {
      const key = proposerKey(values);
      if (key.note) err(`note: ${key.note}`);
      proposerModel = createModel(values, { baseUrl: values['proposer-base-url'] ?? values['base-url'], model: values['proposer-model'] ?? values.model!, keyVariable: key.keyVariable, keyFlag: key.keyFlag });
    }
    const baseHarness = await readHarnessFile(values.harness);

    const loaded = await loadSuite(values.suite);
    for (const item of loaded.unsupported) err(`skipping unsupported task ${item.task}: ${item.reason}`);
    const tasks = chooseTasks(loaded.suite.tasks, values.tasks);
    const tooFew = evolutionTaskCountProblem(tasks.length);
    if (tooFew) throw new UsageError(tooFew);
    const directory = values.out;

    return withOutLock(directory, 'evolve', output, async () => {
      const store = withSecretsRedacted(new DirectoryEvolutionStore(directory));
      const existing = await store.loadState();
      if (existing) {
        out(`resuming evolution ${existing.id} from ${directory} (iteration ${existing.iteration}, stage ${existing.stage}, status ${existing.status})`);
        if (existing.config.agentModelId !== agentModel.id) throw new UsageError(`${directory} holds an evolution of model ${existing.config.agentModelId}; use another --out for ${agentModel.id}`);
      } else {
        for (const warning of evolutionWarnings(settings, tasks.length)) err(`warning: ${warning.message}`);
        const config: EvolutionConfig = {
          ...settings,
          suiteId: loaded.suite.id,
          suiteHash: await suiteHash(tasks),
          agentModelId: agentModel.id,
          proposerModelId: proposerModel.id,
        };
        const id = `evo-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
        await createEvolution(store, { id, config, baseHarness, tasks });
        out(`started evolution ${id} in ${directory}: ${tasks.length} tasks, model ${agentModel.id}`);
      }

      const controller = new AbortController();
      const onSignal = () => {
        err('pausing after the current rollout is abandoned; run the same command to resume');
        controller.abort();
        // A command spinning in a sandbox thread would hold the attempt until the thread is replaced; it is dropped anyway.
        killBusySandboxThreads();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let lastLine = '';
      try {
        const state = await runEvolution({
          store,
          tasks,
          agentModel,
          proposerModel,
          createSandbox: createThreadSandbox,
          signal: controller.signal,
          onProgress: (progress: EvolutionProgress) => {
            const line = `[iter ${progress.iteration} ${progress.stage}] ${progress.rolloutsDone}/${progress.rolloutsPlanned} rollouts, ${progress.tokens} tokens, ${Math.round(progress.elapsedMs / 1000)}s${progress.remainingMs !== undefined ? `, ~${Math.round(progress.remainingMs / 1000)}s left` : ''} — ${progress.message}`;
            if (line !== lastLine) out(line);
            lastLine = line;
          },
        });
        const report = buildReport(state);
        await mkdir(join(directory, 'harnesses'), { recursive: true });
        for (const version of Object.values(state.versions)) await writeFile(join(directory, 'harnesses', `${version.hash}.json`), redactForOutput(serializeHarness(version.harness)));
        await writeFile(join(directory, 'harness-final.json'), redactForOutput(serializeHarness(state.versions[state.currentHash].harness)));
        await writeFile(join(directory, 'report.json'), `${JSON.stringify(redactDataForOutput(report), null, 2)}\n`);
        await writeFile(join(directory, 'report.md'), redactForOutput(renderReportMarkdown(report)));
        out(`${state.status}${state.stopReason ? `: ${state.stopReason}` : ''}. Report: ${join(directory, 'report.md')}`);
        return state.status === 'done' || state.status === 'paused' || state.status === 'awaiting_review' ? EXIT.ok : EXIT.failed;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
  },
};
