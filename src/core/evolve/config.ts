import { z } from 'zod';
import type { AcceptanceRule } from './gate.js';

/**
 * The one definition of an evolution's settings. Every way in parses it here — the CLI's flags, the Evolve page's form,
 * `createEvolution`, `runEvolution` resuming a saved state, importing a CLI folder — so they accept the same values and
 * say the same thing about the rest. To add a setting: add it to `evolutionSettingsSchema` (with a label below and a
 * default in `DEFAULT_EVOLUTION_SETTINGS`); the `EvolutionConfig` type follows.
 */

/** Cap on a mining answer's tokens: four short weaknesses fit in a fraction of it; a runaway stops there. */
export const DEFAULT_MINING_ANSWER_TOKENS = 2048;

/** Cap on a proposal answer's tokens: a few candidates of at most 3 bounded edits fit well inside it. */
export const DEFAULT_PROPOSAL_ANSWER_TOKENS = 3072;

/** Fewest tasks an evolution runs on: at least two held-in, one held-out and one test task with the default ratios. */
export const MIN_EVOLUTION_TASKS = 4;

/** What a person reads next to a setting, in the form and in every message about it. */
export const EVOLUTION_SETTING_LABELS = {
  splitRatios: 'Split held-in / held-out / test',
  seed: 'Split seed',
  attempts: 'Attempts per task (k)',
  candidatesPerWeakness: 'Candidates per weakness (n)',
  topWeaknesses: 'Weaknesses to address per iteration',
  acceptance: 'Acceptance rule',
  alpha: 'α (one-sided)',
  heldOutTolerance: 'Passes a held-out task may lose (tolerance)',
  adaptiveValidation: 'Adaptive validation',
  maxIterations: 'Max iterations',
  maxRollouts: 'Rollout budget',
  maxTokens: 'Token budget',
  maxWallTimeMs: 'Time budget',
  maxFinalTestRollouts: 'Final-test budget (rollouts)',
  convergenceIterations: 'Stop after iterations without an accepted edit',
  miningMaxAnswerTokens: 'Longest weakness-mining answer (tokens)',
  proposalMaxAnswerTokens: 'Longest proposal answer (tokens)',
} as const;

const shown = (input: unknown) => (typeof input === 'string' ? JSON.stringify(input) : String(input));

/** A count: a whole number, at least `min`. One message for every way it can be wrong. */
function count(label: string, min = 1) {
  const message = (issue: { input?: unknown }) => (issue.input === undefined ? `${label} is required` : `${label} must be a whole number of at least ${min}, not ${shown(issue.input)}`);
  return z.number({ error: message }).int({ error: message }).min(min, { error: message });
}

/** A positive amount. Its number is not echoed: the form and the CLI take it in other units (minutes) than it is kept in. */
function positive(label: string) {
  const message = (issue: { input?: unknown }) =>
    issue.input === undefined ? `${label} is required` : typeof issue.input === 'number' ? `${label} must be above 0` : `${label} must be a number above 0, not ${shown(issue.input)}`;
  return z.number({ error: message }).positive({ error: message });
}

/** A cap on an answer's tokens, in the range the harness's own `maxAnswerTokens` takes. */
function answerTokens(label: string) {
  const message = (issue: { input?: unknown }) => `${label} must be a whole number of tokens from 16 to 131072, not ${shown(issue.input)}`;
  return z.number({ error: message }).int({ error: message }).min(16, { error: message }).max(131_072, { error: message });
}

function share(split: string) {
  const message = (issue: { input?: unknown }) => `${EVOLUTION_SETTING_LABELS.splitRatios}: the ${split} share must be a number of at least 0, not ${shown(issue.input)}`;
  return z.number({ error: message }).min(0, { error: message });
}

/**
 * Held-in, held-out and test shares. Any non-negative numbers with held-in above 0 are accepted and normalised to sum
 * to 1, so `2,1,1` means 0.5 / 0.25 / 0.25.
 */
export const splitRatiosSchema = z
  .object({ heldIn: share('held-in'), heldOut: share('held-out'), test: share('test') }, { error: `${EVOLUTION_SETTING_LABELS.splitRatios} must give three shares` })
  .refine((ratios) => ratios.heldIn > 0, { error: `${EVOLUTION_SETTING_LABELS.splitRatios}: the held-in share must be above 0 — the proposer learns only from held-in traces` })
  .transform((ratios) => {
    const total = ratios.heldIn + ratios.heldOut + ratios.test;
    return { heldIn: ratios.heldIn / total, heldOut: ratios.heldOut / total, test: ratios.test / total };
  });

const alphaMessage = (issue: { input?: unknown }) => `${EVOLUTION_SETTING_LABELS.alpha} must be a number between 0 and 1 (both excluded), not ${shown(issue.input)}`;

/** Passes a held-out task may lose before the paper and statistical rules call it a fall (0 unless set). */
const heldOutTolerance = () =>
  count(EVOLUTION_SETTING_LABELS.heldOutTolerance, 0)
    .optional()
    .describe('Passes a held-out task may lose before it counts as a fall (0 unless set, and reported when set).');

/**
 * The acceptance rules. What each one means is said once, in its `.describe()`, for the glossary, the proposer's prompt
 * and every file that carries a rule (states, snapshots, bundles).
 */
export const acceptanceRuleSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({ kind: z.literal('paper'), heldOutTolerance: heldOutTolerance() })
      .describe('paper (Self-Harness, the default): a candidate is accepted when its held-in pass count rises over the parent\'s fresh attempts and no held-out task\'s pass count falls (by more than the tolerance).'),
    z.object({ kind: z.literal('strict') }).describe('strict (GEPA): a candidate is accepted when its total pass count over the held-in and held-out tasks strictly rises.'),
    z
      .object({
        kind: z.literal('statistical'),
        alpha: z.number({ error: alphaMessage }).gt(0, { error: alphaMessage }).lt(1, { error: alphaMessage }).describe('Significance level of the one-sided test.'),
        heldOutTolerance: heldOutTolerance(),
      })
      .describe('statistical: a one-sided paired sign test over the held-in tasks must be significant at α, and no held-out task may fall (by more than the tolerance).'),
  ],
  {
    error: (issue) => {
      const kind = issue.input && typeof issue.input === 'object' ? (issue.input as { kind?: unknown }).kind : issue.input;
      return `${EVOLUTION_SETTING_LABELS.acceptance} must be paper, strict or statistical, not ${shown(kind)}`;
    },
  },
);

// The gate owns the rule's type; this fails to compile when the two drift apart (a rule added there must be parsed here).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const acceptanceSchemaMatchesGate: Same<z.output<typeof acceptanceRuleSchema>, AcceptanceRule> = true;
void acceptanceSchemaMatchesGate;

export const evolutionBudgetSchema = z.object({
  maxIterations: count(EVOLUTION_SETTING_LABELS.maxIterations),
  /** Distinct rollouts (harness × task × attempt) the evolution may use, cached ones included. */
  maxRollouts: count(EVOLUTION_SETTING_LABELS.maxRollouts).optional(),
  /** Agent plus proposer tokens. */
  maxTokens: count(EVOLUTION_SETTING_LABELS.maxTokens).optional(),
  /** Wall-clock time over every session; at the limit the rollout or model call in flight is aborted and the evolution pauses. */
  maxWallTimeMs: positive(EVOLUTION_SETTING_LABELS.maxWallTimeMs).optional(),
  /**
   * Rollouts the final test may use: the first and last version on the test split (and the last version's held-in
   * score when validation did not measure it whole). Default: as many as that needs. Decision budgets do not bound it.
   */
  maxFinalTestRollouts: count(EVOLUTION_SETTING_LABELS.maxFinalTestRollouts, 0).optional(),
});

/** What a person chooses for an evolution (the page's form, the CLI's flags). */
export const evolutionSettingsSchema = z.object({
  splitRatios: splitRatiosSchema,
  seed: count(EVOLUTION_SETTING_LABELS.seed, 0),
  /** k attempts per harness × task (the paper uses 2). */
  attempts: count(EVOLUTION_SETTING_LABELS.attempts),
  candidatesPerWeakness: count(EVOLUTION_SETTING_LABELS.candidatesPerWeakness),
  topWeaknesses: count(EVOLUTION_SETTING_LABELS.topWeaknesses),
  acceptance: acceptanceRuleSchema,
  budget: evolutionBudgetSchema,
  /** Stop after this many iterations in a row without an accepted edit. */
  convergenceIterations: count(EVOLUTION_SETTING_LABELS.convergenceIterations),
  /** Pause before each merge so a person accepts or rejects each gate-approved candidate. */
  reviewBeforeMerge: z.boolean({ error: 'review before merge must be true or false' }),
  /**
   * Run a candidate's rollouts in the order that settles the gate earliest and stop once no remaining rollout can change
   * the decision (same decisions as full validation, fewer rollouts). Off: every held-in and held-out rollout runs.
   */
  adaptiveValidation: z.boolean({ error: `${EVOLUTION_SETTING_LABELS.adaptiveValidation} must be on or off (true or false)` }),
  /**
   * Caps on the proposer's answers (`max_tokens`): without one a small model on a server that does not hold it to the
   * schema writes until the context is full. Absent in evolutions started before they existed: the defaults apply.
   */
  miningMaxAnswerTokens: answerTokens(EVOLUTION_SETTING_LABELS.miningMaxAnswerTokens).optional(),
  proposalMaxAnswerTokens: answerTokens(EVOLUTION_SETTING_LABELS.proposalMaxAnswerTokens).optional(),
});

/** The settings plus what the evolution runs on, as saved in its state. */
export const evolutionConfigSchema = evolutionSettingsSchema.extend({
  suiteId: z.string({ error: 'the suite id is missing' }).min(1, { error: 'the suite id is missing' }),
  suiteHash: z.string({ error: 'the suite hash is missing' }).min(1, { error: 'the suite hash is missing' }),
  agentModelId: z.string({ error: 'the agent model id is missing' }).min(1, { error: 'the agent model id is missing' }),
  proposerModelId: z.string({ error: 'the proposer model id is missing' }).min(1, { error: 'the proposer model id is missing' }),
});

export type EvolutionSettings = z.output<typeof evolutionSettingsSchema>;
export type EvolutionConfig = z.output<typeof evolutionConfigSchema>;
export type EvolutionBudget = z.output<typeof evolutionBudgetSchema>;

export const DEFAULT_EVOLUTION_SETTINGS: EvolutionSettings = {
  splitRatios: { heldIn: 0.5, heldOut: 0.25, test: 0.25 },
  seed: 1,
  attempts: 2,
  candidatesPerWeakness: 3,
  topWeaknesses: 2,
  acceptance: { kind: 'paper' },
  budget: { maxIterations: 3 },
  convergenceIterations: 2,
  reviewBeforeMerge: false,
  adaptiveValidation: true,
  miningMaxAnswerTokens: DEFAULT_MINING_ANSWER_TOKENS,
  proposalMaxAnswerTokens: DEFAULT_PROPOSAL_ANSWER_TOKENS,
};

/** One thing wrong with a setting: where (`attempts`, `budget.maxRollouts`, `acceptance.alpha`) and what to fix. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigCheck<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

function check<T>(schema: z.ZodType<T>, input: unknown): ConfigCheck<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })) };
}

/** The problems as one line of text, each once. */
export function describeConfigProblems(problems: readonly ConfigProblem[]): string {
  return [...new Set(problems.map((problem) => problem.message))].join('; ');
}

/** Parse what a person chose; ratios come back normalised. */
export function parseEvolutionSettings(input: unknown): ConfigCheck<EvolutionSettings> {
  return check(evolutionSettingsSchema, input);
}

/** Parse a whole config, e.g. the one in a saved or imported state. */
export function parseEvolutionConfig(input: unknown): ConfigCheck<EvolutionConfig> {
  return check(evolutionConfigSchema, input);
}

/** The one message for a suite too small to evolve on, or undefined when it is large enough. */
export function evolutionTaskCountProblem(taskCount: number): string | undefined {
  if (taskCount >= MIN_EVOLUTION_TASKS) return undefined;
  return `An evolution needs at least ${MIN_EVOLUTION_TASKS} tasks (held-in, held-out and test); this suite has ${taskCount}.`;
}

/**
 * Split ratios as people type them: three numbers separated by commas or slashes (`0.5,0.25,0.25`, `2/1/1`).
 * Only the shape is checked here; the values go through `splitRatiosSchema` with everything else.
 */
export function parseSplitRatiosText(text: string): { ok: true; ratios: { heldIn: number; heldOut: number; test: number } } | { ok: false; problem: string } {
  const parts = text.split(/[,/]/).map((part) => part.trim());
  const numbers = parts.map((part) => (part === '' ? Number.NaN : Number(part)));
  if (parts.length !== 3 || numbers.some((value) => !Number.isFinite(value))) {
    return { ok: false, problem: `${EVOLUTION_SETTING_LABELS.splitRatios} must be three numbers separated by commas or slashes (like 0.5,0.25,0.25), not ${JSON.stringify(text)}` };
  }
  const [heldIn, heldOut, test] = numbers;
  return { ok: true, ratios: { heldIn, heldOut, test } };
}
