import { z } from 'zod';
import { HarnessDocument } from '../harness/schema.js';
import { describeConfigProblems, evolutionConfigSchema, parseEvolutionConfig } from './config.js';
import { HarnessEdit } from './edits.js';
import { WEAKNESS_CATEGORIES } from './mining.js';
import { legacyModelIdentity } from './model-identity.js';
import { EVOLUTION_FORMAT_VERSION, type EvolutionState, ROLLOUT_FORMAT_VERSION, rolloutKey, type RolloutRecord } from './state.js';

/**
 * One schema for what an evolution stores (`state.json`, IndexedDB rows, imported folders) and for every rollout file,
 * parsed on every way in. Older format versions are migrated one step at a time; newer ones are refused with a message.
 */

const count = z.number().int().nonnegative();
const TokenUsage = z.object({ inputTokens: z.number().nonnegative(), outputTokens: z.number().nonnegative() });
const SplitName = z.enum(['heldIn', 'heldOut', 'test']);
const SplitScore = z.object({ passed: count, total: count });
const TaskPasses = z.record(z.string(), count);
const Stage = z.enum(['evaluate', 'mine', 'propose', 'validate', 'review', 'merge', 'final_test', 'finished']);

const Weakness = z.object({
  id: z.string(),
  category: z.enum(WEAKNESS_CATEGORIES),
  title: z.string(),
  description: z.string(),
  evidenceTaskIds: z.array(z.string()),
  frequency: z.number(),
  impact: z.number(),
  score: z.number(),
});

const FlipKind = z.enum(['fail→pass', 'pass→fail', 'improved', 'regressed', 'same', 'open', 'not run']);
/** What the gate decided about one candidate, as states store it (and snapshots and bundles carry it). */
export const GateDecision = z.object({
  accepted: z.boolean(),
  reason: z.string(),
  splitCounts: z.object({ heldIn: z.object({ parent: count, candidate: count }).optional(), heldOut: z.object({ parent: count, candidate: count }).optional(), test: z.object({ parent: count, candidate: count }).optional() }),
  flips: z.array(z.object({ taskId: z.string(), split: SplitName, parentPasses: count, candidatePasses: count, attempts: count, candidateAttempts: count.optional(), flip: FlipKind })),
  pValue: z.number().min(0).max(1),
  rollouts: z.object({ spent: count, saved: count }).optional(),
  excluded: z.array(z.object({ taskId: z.string(), reason: z.string() })).optional(),
});

const Candidate = z.object({
  id: z.string(),
  weaknessId: z.string(),
  edits: z.array(HarnessEdit),
  rationale: z.string(),
  predictedFlips: z.array(z.string()),
  iteration: z.number().int().min(1),
  harnessHash: z.string(),
  status: z.enum(['pending', 'accepted', 'rejected', 'merged', 'not_merged', 'human_rejected', 'failed', 'skipped']),
  decision: GateDecision.optional(),
  predictedFlipsHappened: z.array(z.string()).optional(),
  failure: z.string().optional(),
});

const Version = z.object({
  hash: z.string(),
  parentHash: z.string().optional(),
  harness: HarnessDocument,
  kind: z.enum(['base', 'candidate', 'merge']),
  iteration: count,
  candidateIds: z.array(z.string()),
  edits: z.array(HarnessEdit),
  weaknessIds: z.array(z.string()),
  scores: z.object({ heldIn: SplitScore.optional(), heldOut: SplitScore.optional(), test: SplitScore.optional() }),
  status: z.enum(['base', 'adopted', 'abandoned', 'pending']),
});

const Iteration = z.object({
  iteration: z.number().int().min(1),
  baseHash: z.string(),
  weaknesses: z.array(Weakness).optional(),
  rejectedProposals: z.array(z.object({ weaknessId: z.string(), reason: z.string(), raw: z.unknown() })),
  candidateIds: z.array(z.string()),
  adoptedHash: z.string().optional(),
  mergeNote: z.string().optional(),
  freshParent: z.object({ passes: TaskPasses, heldIn: SplitScore, heldOut: SplitScore }).optional(),
  excludedTasks: z.array(z.object({ taskId: z.string(), reason: z.string() })).optional(),
});

const ModelIdentity = z.object({
  key: z.string().min(1),
  provider: z.string(),
  model: z.string(),
  actionProtocol: z.enum(['native_tools', 'json_action', 'unknown']),
  sampling: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  legacy: z.boolean().optional(),
});

const EvolutionStateV2 = z
  .object({
    formatVersion: z.literal(EVOLUTION_FORMAT_VERSION),
    id: z.string().min(1),
    // The config part is config.ts's schema, the one every way in (CLI flags, form, resume, import) parses.
    config: evolutionConfigSchema,
    splits: z.object({ heldIn: z.array(z.string()), heldOut: z.array(z.string()), test: z.array(z.string()) }),
    status: z.enum(['running', 'paused', 'awaiting_review', 'done', 'failed']),
    stopReason: z.string().optional(),
    pause: z.object({ kind: z.enum(['user', 'model_unreachable', 'model_refused', 'time_budget']), reason: z.string(), resumeHint: z.string() }).optional(),
    budgetStop: z.object({ iteration: z.number().int(), reason: z.string() }).optional(),
    iteration: z.number().int().min(1),
    stage: Stage,
    baseHash: z.string(),
    currentHash: z.string(),
    versions: z.record(z.string(), Version),
    iterations: z.array(Iteration),
    candidates: z.array(Candidate),
    stageFailures: z.array(z.object({ iteration: z.number().int(), stage: Stage, error: z.string() })),
    noAcceptStreak: count,
    reviews: z.record(z.string(), z.enum(['accept', 'reject'])),
    usedRollouts: z.array(z.string()),
    agentUsage: TokenUsage,
    proposerUsage: TokenUsage,
    abandonedUsage: TokenUsage,
    executedRollouts: count,
    startedAt: z.number(),
    elapsedMs: z.number().nonnegative(),
    models: z.object({ agent: ModelIdentity, proposer: ModelIdentity, proposerChanges: z.array(z.object({ iteration: z.number().int(), from: z.string(), to: z.string() })) }),
    finalTest: z.object({ budget: count, planned: count, used: count, passes: z.record(z.string(), TaskPasses) }).optional(),
  })
  .superRefine((state, context) => {
    const problem = (message: string) => context.addIssue({ code: 'custom', message });
    for (const [hash, version] of Object.entries(state.versions)) if (version.hash !== hash) problem(`version ${hash} is stored under another hash (${version.hash})`);
    if (!state.versions[state.baseHash]) problem(`the base version ${state.baseHash} is missing`);
    if (!state.versions[state.currentHash]) problem(`the current version ${state.currentHash} is missing`);
    for (const candidate of state.candidates) if (!state.versions[candidate.harnessHash]) problem(`candidate ${candidate.id} points at a missing version`);
    const all = [...state.splits.heldIn, ...state.splits.heldOut, ...state.splits.test];
    if (new Set(all).size !== all.length) problem('a task is in more than one split');
  });

/** A migration takes a stored object of version n and returns one of version n + 1. */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 → 2: model identities (version 1 keyed models by id, URL included: kept as legacy keys so its cache stays valid),
  // abandoned-token count, adaptive validation off (version 1 ran every validation rollout), new optional records.
  1: (old) => {
    const config = (old.config ?? {}) as Record<string, unknown>;
    const agentModelId = String(config.agentModelId ?? '');
    const proposerModelId = String(config.proposerModelId ?? agentModelId);
    return {
      ...old,
      formatVersion: 2,
      config: { ...config, adaptiveValidation: config.adaptiveValidation ?? false },
      abandonedUsage: old.abandonedUsage ?? { inputTokens: 0, outputTokens: 0 },
      models: old.models ?? { agent: legacyModelIdentity(agentModelId), proposer: legacyModelIdentity(proposerModelId), proposerChanges: [] },
    };
  },
};

export type ParseResult<T> = { ok: true; value: T; migratedFrom?: number } | { ok: false; error: string };

const describeIssues = (error: z.ZodError) =>
  error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');

/** Validate (and migrate) a stored evolution state. Never throws; what is wrong is said in words. */
export function parseEvolutionState(raw: unknown): ParseResult<EvolutionState> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'not an evolution state: expected a JSON object' };
  let value = raw as Record<string, unknown>;
  const version = value.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) return { ok: false, error: 'not an evolution state: it has no formatVersion' };
  if (version > EVOLUTION_FORMAT_VERSION) {
    return { ok: false, error: `evolution format version ${version} is newer than this build reads (1–${EVOLUTION_FORMAT_VERSION}); update Self-Harness Studio to open it` };
  }
  if (version < 1) return { ok: false, error: `unknown evolution format version ${version}` };
  for (let step = version; step < EVOLUTION_FORMAT_VERSION; step++) value = MIGRATIONS[step](value);
  // Settings out of range (e.g. written by an older CLI that took --alpha 5) are said in the words the form and the CLI use.
  const config = parseEvolutionConfig(value.config);
  if (!config.ok) return { ok: false, error: `the saved evolution ${String(value.id ?? '')} has settings this version cannot run: ${describeConfigProblems(config.problems)}` };
  const parsed = EvolutionStateV2.safeParse(value);
  if (!parsed.success) return { ok: false, error: `not a valid evolution state (format version ${version}): ${describeIssues(parsed.error)}` };
  return { ok: true, value: parsed.data as EvolutionState, migratedFrom: version < EVOLUTION_FORMAT_VERSION ? version : undefined };
}

const RolloutRecordV2 = z
  .object({
    formatVersion: z.literal(ROLLOUT_FORMAT_VERSION),
    harnessHash: z.string().min(1),
    modelId: z.string().min(1),
    suiteHash: z.string().min(1),
    taskId: z.string().min(1),
    attempt: z.number().int().min(1),
    key: z.string(),
    traceId: z.string().optional(),
    outcome: z.enum(['pass', 'fail', 'timeout', 'agent_error', 'infra_error']),
    reason: z.string(),
    usage: TokenUsage,
    steps: count,
    durationMs: z.number().nonnegative(),
    // Agent events are checked for their frame; their contents are the agent loop's and shown as text.
    events: z.array(z.looseObject({ type: z.string(), seq: z.number() })),
    createdAt: z.number(),
  })
  .refine((record) => record.key === rolloutKey(record), { message: 'its key does not match its harness, model, suite, task and attempt' });

/** Validate (and migrate) a stored rollout; `expectedKey` is the key it was looked up by. */
export function parseRolloutRecord(raw: unknown, expectedKey?: string): ParseResult<RolloutRecord> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'not a rollout: expected a JSON object' };
  const value = raw as Record<string, unknown>;
  const version = value.formatVersion ?? 1;
  if (typeof version !== 'number' || version > ROLLOUT_FORMAT_VERSION || version < 1) return { ok: false, error: `rollout format version ${String(version)} is not one this build reads (1–${ROLLOUT_FORMAT_VERSION})` };
  // 1 → 2 only added the version and the trace id.
  const parsed = RolloutRecordV2.safeParse({ ...value, formatVersion: ROLLOUT_FORMAT_VERSION });
  if (!parsed.success) return { ok: false, error: `not a valid rollout: ${describeIssues(parsed.error)}` };
  if (expectedKey !== undefined && parsed.data.key !== expectedKey) return { ok: false, error: `it holds rollout ${parsed.data.key}, not ${expectedKey}` };
  return { ok: true, value: parsed.data as unknown as RolloutRecord, migratedFrom: version < ROLLOUT_FORMAT_VERSION ? version : undefined };
}
