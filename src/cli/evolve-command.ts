import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_EVOLUTION_SETTINGS,
  type EvolutionBudget,
  type EvolutionConfig,
  type EvolutionSettings,
  evolutionTaskCountProblem,
  parseEvolutionSettings,
  parseSplitRatiosText,
} from '../core/evolve/config.js';
import { createEvolution, EvolutionRefused, readEvolutionState, runEvolution } from '../core/evolve/evolution-loop.js';
import { evolutionWarnings } from '../core/evolve/evolution-warnings.js';
import { agentModelForResume } from '../core/evolve/model-identity.js';
import { advanceProgress, describeEvolutionEvent, type EvolutionProgress, initialProgress } from '../core/evolve/progress.js';
import { buildReport, renderReportMarkdown } from '../core/evolve/report.js';
import { serializeHarness } from '../core/harness/index.js';
import type { ChatModel } from '../core/model/types.js';
import { suiteHash } from '../core/tasks/suite-hash.js';
import { createThreadEpisodeRunner } from './thread-episode-runner.js';
import { CONCURRENCY_OPTION, CONCURRENCY_USAGE, concurrencyFrom } from './concurrency.js';
import { type CliCommand, EXIT, numericFlag, parseFlags, UsageError } from './cli-types.js';
import { chooseTasks, readHarnessFile, withOutLock } from './command-inputs.js';
import { DirectoryEvolutionStore } from './fs-evolution-store.js';
import { withSecretsRedacted } from './redacting-store.js';
import { redactDataForOutput, redactForOutput } from './secrets.js';
import { loadSuite } from './load-suite.js';
import { checkModelFlags, createAgentModel, createModel, MODEL_OPTIONS, MODEL_USAGE, probedAgentModel, proposerKey, withAnswerTokenCap } from './model-options.js';

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
  'final-test-rollouts': { type: 'string' },
  tolerance: { type: 'string' },
  'full-validation': { type: 'boolean' },
  candidates: { type: 'string' },
  weaknesses: { type: 'string' },
  convergence: { type: 'string' },
  acceptance: { type: 'string' },
  alpha: { type: 'string' },
  'proposer-base-url': { type: 'string' },
  'proposer-model': { type: 'string' },
  'proposer-api-key-env': { type: 'string' },
  'proposer-max-answer-tokens': { type: 'string' },
  ...CONCURRENCY_OPTION,
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
  'acceptance.heldOutTolerance': '--tolerance',
  adaptiveValidation: '--full-validation',
  'budget.maxIterations': '--iterations',
  'budget.maxRollouts': '--max-rollouts',
  'budget.maxTokens': '--max-tokens',
  'budget.maxWallTimeMs': '--max-minutes',
  'budget.maxFinalTestRollouts': '--final-test-rollouts',
  miningMaxAnswerTokens: '--proposer-max-answer-tokens',
  proposalMaxAnswerTokens: '--proposer-max-answer-tokens',
};

function flagOf(path: string): string | undefined {
  for (let parts = path.split('.'); parts.length; parts = parts.slice(0, -1)) {
    const flag = FLAG_OF_SETTING[parts.join('.')];
    if (flag) return flag;
  }
  return undefined;
}

const defaults = DEFAULT_EVOLUTION_SETTINGS;

type EvolveFlagValues = { [K in keyof typeof EVOLVE_OPTIONS]?: (typeof EVOLVE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The settings the flags ask for, through the same schema the page and a resumed evolution use. */
export function settingsFromFlags(values: EvolveFlagValues): EvolutionSettings {
  const kind = values.acceptance ?? 'paper';
  if (values.alpha !== undefined && kind !== 'statistical') throw new UsageError('--alpha applies only with --acceptance statistical');
  if (values.tolerance !== undefined && kind === 'strict') throw new UsageError('--tolerance applies only with --acceptance paper or statistical');
  const heldOutTolerance = numericFlag(values.tolerance);
  let splitRatios: unknown = defaults.splitRatios;
  if (values.split !== undefined) {
    const typed = parseSplitRatiosText(values.split);
    if (!typed.ok) throw new UsageError(`--split: ${typed.problem}`);
    splitRatios = typed.ratios;
  }
  const minutes = numericFlag(values['max-minutes']);
  const proposerAnswerTokens = numericFlag(values['proposer-max-answer-tokens']);
  const parsed = parseEvolutionSettings({
    ...defaults,
    splitRatios,
    seed: numericFlag(values.seed) ?? defaults.seed,
    attempts: numericFlag(values.attempts) ?? defaults.attempts,
    candidatesPerWeakness: numericFlag(values.candidates) ?? defaults.candidatesPerWeakness,
    topWeaknesses: numericFlag(values.weaknesses) ?? defaults.topWeaknesses,
    convergenceIterations: numericFlag(values.convergence) ?? defaults.convergenceIterations,
    acceptance: kind === 'statistical' ? { kind, alpha: numericFlag(values.alpha) ?? 0.05, heldOutTolerance } : kind === 'paper' ? { kind, heldOutTolerance } : { kind },
    adaptiveValidation: !values['full-validation'],
    budget: {
      maxIterations: numericFlag(values.iterations) ?? defaults.budget.maxIterations,
      maxRollouts: numericFlag(values['max-rollouts']),
      maxTokens: numericFlag(values['max-tokens']),
      maxWallTimeMs: typeof minutes === 'number' ? minutes * 60_000 : minutes,
      maxFinalTestRollouts: numericFlag(values['final-test-rollouts']),
    },
    miningMaxAnswerTokens: proposerAnswerTokens ?? defaults.miningMaxAnswerTokens,
    proposalMaxAnswerTokens: proposerAnswerTokens ?? defaults.proposalMaxAnswerTokens,
  });
  if (!parsed.ok) throw new UsageError(parsed.problems.map((problem) => `${flagOf(problem.path) ?? problem.path}: ${problem.message}`).join('\n'));
  return parsed.value;
}

const BUDGET_FLAGS: Record<keyof EvolutionBudget, keyof typeof EVOLVE_OPTIONS> = {
  maxIterations: 'iterations',
  maxRollouts: 'max-rollouts',
  maxTokens: 'max-tokens',
  maxWallTimeMs: 'max-minutes',
  maxFinalTestRollouts: 'final-test-rollouts',
};

/** The budgets the person typed (checked by the schema with the rest), which a resumed evolution takes over its own. */
function budgetGiven(values: EvolveFlagValues, settings: EvolutionSettings): Partial<EvolutionBudget> {
  const given: Partial<EvolutionBudget> = {};
  for (const [field, flag] of Object.entries(BUDGET_FLAGS) as Array<[keyof EvolutionBudget, keyof typeof EVOLVE_OPTIONS]>) {
    const value = settings.budget[field];
    if (values[flag] !== undefined && value !== undefined) given[field] = value;
  }
  return given;
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
  On resume, budget flags given again raise (or lower) the budgets, and an evolution ended by a budget continues; the
  other settings are the evolution's own. Resuming with another agent model (provider, model, action protocol or
  sampling settings; the URL may differ), another proposer, or an edited suite is refused.

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
  --acceptance paper|strict|statistical   the gate rule (default paper: held-in rises, no held-out task falls;
                            strict: the total over held-in and held-out rises; statistical: a sign test over held-in
                            at --alpha, and no held-out task falls)
  --alpha 0.05              the statistical rule's significance, between 0 and 1
  --tolerance 0             passes a held-out task may lose before it counts as a fall (paper and statistical rules)
  --full-validation         run every validation rollout, instead of stopping a candidate's once the gate's decision
                            cannot change (adaptive validation, the default: same decisions, fewer rollouts)
  --max-rollouts N, --max-tokens N, --max-minutes N   budgets for decisions (none by default); at a rollout or token
                            budget the candidates already accepted are still merged; at the time budget it pauses
  --final-test-rollouts N   the final test's own budget (default: as many as it needs)
  --proposer-base-url <url>, --proposer-model <id>, --proposer-api-key-env VAR
                            a different model (same provider) mines weaknesses and proposes edits. A key goes
                            only to the host it was given for: a proposer on another host than --base-url does
                            not get --api-key-env's key; give it --proposer-api-key-env (it may name the same
                            variable)
  --proposer-max-answer-tokens N   cap on each weakness-mining and proposal answer's tokens (defaults 2048 and
                            3072; 16 to 131072)
${CONCURRENCY_USAGE}
                            (decisions, cache keys and the report; what runs ahead and is not needed is dropped)
  -h, --help                this text

  Exit 0 when the evolution finished, was paused by Ctrl-C or waits for review; 1 when it failed or --out is in use;
  2 on bad flags or a resume that is refused (nothing stored is changed); 3 when it paused because the model could
  not be reached or the time budget ran out (run the same command again to resume: nothing is lost).`,
  async run(argv, output) {
    const { out, err } = output;
    const { values } = parseFlags(argv, EVOLVE_OPTIONS);
    if (!values.suite) throw new UsageError('--suite is required');
    checkModelFlags(values);
    if (!values.out) throw new UsageError('--out is required');
    const settings = settingsFromFlags(values);
    const configuredAgentModel = createAgentModel(values);
    const concurrency = concurrencyFrom(values.concurrency);
    let proposerModel = configuredAgentModel;
    if (values['proposer-model'] || values['proposer-base-url'] || values['proposer-api-key-env']) {
      const key = proposerKey(values);
      if (key.note) err(`note: ${key.note}`);
      proposerModel = createModel(values, { baseUrl: values['proposer-base-url'] ?? values['base-url'], model: values['proposer-model'] ?? values.model!, keyVariable: key.keyVariable, keyFlag: key.keyFlag });
    }
    const baseHarness = withAnswerTokenCap(await readHarnessFile(values.harness), values);

    const loaded = await loadSuite(values.suite);
    for (const item of loaded.unsupported) err(`skipping unsupported task ${item.task}: ${item.reason}`);
    const tasks = chooseTasks(loaded.suite.tasks, values.tasks);
    const tooFew = evolutionTaskCountProblem(tasks.length);
    if (tooFew) throw new UsageError(tooFew);
    const directory = values.out;

    return withOutLock(directory, 'evolve', output, async () => {
      const store = withSecretsRedacted(new DirectoryEvolutionStore(directory));
      const existing = await readEvolutionState(store);
      if (!existing.ok) {
        err(`self-harness: cannot resume from ${directory}: ${existing.error}`);
        return EXIT.usage;
      }
      let agentModel: ChatModel;
      if (existing.state) {
        out(`resuming evolution ${existing.state.id} from ${directory} (iteration ${existing.state.iteration}, stage ${existing.state.stage}, status ${existing.state.status})`);
        if (values['max-answer-tokens'] !== undefined || values['proposer-max-answer-tokens'] !== undefined) {
          err('note: --max-answer-tokens and --proposer-max-answer-tokens apply when an evolution starts; the resumed one keeps its own caps');
        }
        // The protocol the evolution runs with (a probe at its start may have switched it to json_action), not a new probe.
        const resumed = agentModelForResume(configuredAgentModel, existing.state.models.agent);
        if (resumed.notice) err(resumed.notice);
        agentModel = resumed.model;
      } else {
        agentModel = await probedAgentModel(configuredAgentModel, output);
        for (const warning of evolutionWarnings(settings, tasks.length)) err(`warning: ${warning.message}`);
        const config: EvolutionConfig = {
          ...settings,
          suiteId: loaded.suite.id,
          suiteHash: await suiteHash(tasks),
          agentModelId: agentModel.id,
          proposerModelId: proposerModel.id,
        };
        const id = `evo-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
        await createEvolution(store, { id, config, baseHarness, tasks, agentModel, proposerModel });
        out(`started evolution ${id} in ${directory}: ${tasks.length} tasks, model ${agentModel.id}`);
      }

      const controller = new AbortController();
      const onSignal = () => {
        err('pausing after the current rollout is abandoned; run the same command to resume');
        // Every running episode's thread is told to stop and terminated within a moment, a spinning command and all.
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      // Each episode in a worker_thread of its own (its sandbox a thread of that thread), started ahead, one per slot.
      const episodes = createThreadEpisodeRunner();
      episodes.prestart(concurrency);
      let progress: EvolutionProgress | undefined;
      try {
        const state = await runEvolution({
          store,
          tasks,
          agentModel,
          proposerModel,
          runAttempt: episodes.run,
          concurrency,
          signal: controller.signal,
          budget: existing.state ? budgetGiven(values, settings) : undefined,
          // The printer is a subscriber: one line per event worth a line, with the stage's exact rollout count.
          onEvent: (event, current) => {
            progress = advanceProgress(progress ?? initialProgress(current, concurrency), event, current);
            const message = describeEvolutionEvent(event);
            if (message === undefined) return;
            const left = progress.remainingMs !== undefined ? `, ~${Math.round(progress.remainingMs / 1000)}s left` : '';
            out(`[iter ${progress.iteration} ${progress.stage}] ${progress.rolloutsDone}/${progress.rolloutsPlanned} rollouts, ${progress.tokens} tokens, ${Math.round(progress.elapsedMs / 1000)}s${left} — ${message}`);
          },
        });
        const report = buildReport(state);
        await mkdir(join(directory, 'harnesses'), { recursive: true });
        for (const version of Object.values(state.versions)) await writeFile(join(directory, 'harnesses', `${version.hash}.json`), redactForOutput(serializeHarness(version.harness)));
        await writeFile(join(directory, 'harness-final.json'), redactForOutput(serializeHarness(state.versions[state.currentHash].harness)));
        await writeFile(join(directory, 'report.json'), `${JSON.stringify(redactDataForOutput(report), null, 2)}\n`);
        await writeFile(join(directory, 'report.md'), redactForOutput(renderReportMarkdown(report)));
        if (state.status === 'paused' && state.pause && state.pause.kind !== 'user') {
          err(`self-harness: paused: ${redactForOutput(state.pause.reason)}. To resume: ${state.pause.resumeHint} — run the same command again (nothing is lost; no rollout runs twice).`);
          out(`paused: ${redactForOutput(state.pause.reason)}. Report so far: ${join(directory, 'report.md')}`);
          return EXIT.paused;
        }
        out(`${state.status}${state.stopReason ? `: ${state.stopReason}` : ''}. Report: ${join(directory, 'report.md')}`);
        return state.status === 'done' || state.status === 'paused' || state.status === 'awaiting_review' ? EXIT.ok : EXIT.failed;
      } catch (error) {
        // Another model, proposer or suite than the evolution's, or a state that does not validate: nothing was changed.
        if (error instanceof EvolutionRefused) {
          err(`self-harness: cannot resume from ${directory}: ${error.message}`);
          return EXIT.usage;
        }
        throw error;
      } finally {
        episodes.dispose();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
  },
};
