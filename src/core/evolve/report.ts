import type { HarnessEdit } from './edits.js';
import { describeRule, type FlipKind } from './gate.js';
import { describeModelIdentity } from './model-identity.js';
import type { SplitName } from './splits.js';
import type { CandidateRecord, EvolutionPause, EvolutionState, SplitScore, VersionNode } from './state.js';
import { pairedMeanInterval, twoSidedSignTestPValue } from './statistics.js';

export interface ReportVersion {
  hash: string;
  parentHash?: string;
  kind: VersionNode['kind'];
  status: VersionNode['status'];
  iteration: number;
  label: string;
  scores: Partial<Record<SplitName, SplitScore>>;
}

/** One candidate and what the gate made of it. */
export interface ReportCandidate {
  candidateId: string;
  iteration: number;
  weakness: string;
  edits: HarnessEdit[];
  rationale: string;
  status: CandidateRecord['status'];
  /** The gate's reason (or why validation could not decide). */
  gate: string;
  flips: Partial<Record<FlipKind, string[]>>;
  rollouts?: { spent: number; saved: number };
  excluded?: Array<{ taskId: string; reason: string }>;
  predictedFlips: string[];
  predictedFlipsHappened: string[];
}

/** Kept for the page and older readers: the candidates whose edits reached an adopted version. */
export type ReportEdit = ReportCandidate;

export interface ReportIteration {
  iteration: number;
  baseHash: string;
  weaknesses: Array<{ id: string; category: string; title: string; evidenceTaskIds: string[]; score: number }>;
  /** The parent's fresh attempts every candidate was compared with. */
  freshParent?: { heldIn: SplitScore; heldOut: SplitScore };
  candidates: ReportCandidate[];
  note?: string;
  excludedTasks: Array<{ taskId: string; reason: string }>;
}

/** The first vs the last version on the test split, paired by task. */
export interface TestLift {
  tasks: number;
  improved: number;
  worsened: number;
  /** Mean change of a task's pass rate (−1…1), with its 95% confidence interval (t interval over test tasks). */
  meanChange: number;
  low?: number;
  high?: number;
  /** Exact two-sided sign test (McNemar's exact test) over the tasks that changed. */
  pValue: number;
}

/** Everything the end-of-run report shows, derived from the state alone. */
export interface EvolutionReport {
  id: string;
  status: EvolutionState['status'];
  stopReason?: string;
  pause?: EvolutionPause;
  /** Iterations that ran (the same count the CLI and the page show). */
  iterations: number;
  gate: { rule: string; adaptive: boolean };
  models: { agent: string; proposer: string; proposerChanges: EvolutionState['models']['proposerChanges'] };
  versions: ReportVersion[];
  lineage: string[];
  /** The version the evolution ends with, and its whole held-in and held-out scores. */
  adopted: { hash: string; label: string; heldIn?: SplitScore; heldOut?: SplitScore };
  testSplit: { first?: SplitScore; last?: SplitScore; lift?: TestLift; budget?: { budget: number; used: number; planned: number; tasks: number; of: number } };
  iterationDetails: ReportIteration[];
  acceptedEdits: ReportEdit[];
  rejectedCount: number;
  rollouts: { used: number; executed: number; validation: { spent: number; saved: number } };
  tokens: { agent: number; proposer: number; abandoned: number };
  elapsedMs: number;
}

const rate = (score?: SplitScore) => (score && score.total ? `${score.passed}/${score.total} (${Math.round((100 * score.passed) / score.total)}%)` : '—');
const tokens = (usage: { inputTokens: number; outputTokens: number }) => usage.inputTokens + usage.outputTokens;
const signed = (value: number) => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)} pp`;

function labelOf(version: VersionNode): string {
  return version.kind === 'base' ? 'base' : version.candidateIds.join(' + ');
}

function reportCandidate(state: EvolutionState, candidate: CandidateRecord): ReportCandidate {
  const flips: Partial<Record<FlipKind, string[]>> = {};
  for (const flip of candidate.decision?.flips ?? []) if (flip.flip !== 'same') (flips[flip.flip] ??= []).push(flip.taskId);
  const weakness = state.iterations.find((item) => item.iteration === candidate.iteration)?.weaknesses?.find((item) => item.id === candidate.weaknessId);
  return {
    candidateId: candidate.id,
    iteration: candidate.iteration,
    weakness: weakness ? `${weakness.id} (${weakness.category}): ${weakness.title}` : candidate.weaknessId,
    edits: candidate.edits,
    rationale: candidate.rationale,
    status: candidate.status,
    gate: candidate.decision?.reason ?? candidate.failure ?? 'not validated',
    flips,
    rollouts: candidate.decision?.rollouts,
    excluded: candidate.decision?.excluded,
    predictedFlips: candidate.predictedFlips,
    predictedFlipsHappened: candidate.predictedFlipsHappened ?? [],
  };
}

function testLift(state: EvolutionState): TestLift | undefined {
  if (state.currentHash === state.baseHash || !state.finalTest) return undefined;
  const first = state.finalTest.passes[state.baseHash];
  const last = state.finalTest.passes[state.currentHash];
  if (!first || !last) return undefined;
  const taskIds = Object.keys(first).filter((taskId) => taskId in last);
  if (!taskIds.length) return undefined;
  const attempts = state.config.attempts;
  const differences = taskIds.map((taskId) => (last[taskId] - first[taskId]) / attempts);
  const improved = differences.filter((difference) => difference > 0).length;
  const worsened = differences.filter((difference) => difference < 0).length;
  const interval = pairedMeanInterval(differences);
  return { tasks: taskIds.length, improved, worsened, meanChange: interval.mean, low: interval.low, high: interval.high, pValue: twoSidedSignTestPValue(improved, worsened) };
}

export function buildReport(state: EvolutionState): EvolutionReport {
  const lineage: string[] = [];
  for (let hash: string | undefined = state.currentHash; hash; hash = state.versions[hash]?.parentHash) lineage.unshift(hash);
  const versions = Object.values(state.versions)
    .sort((a, b) => a.iteration - b.iteration || a.hash.localeCompare(b.hash))
    .map((version) => ({ hash: version.hash, parentHash: version.parentHash, kind: version.kind, status: version.status, iteration: version.iteration, label: labelOf(version), scores: version.scores }));
  const candidates = state.candidates.map((candidate) => reportCandidate(state, candidate));
  const current = state.versions[state.currentHash];
  const spent = state.candidates.reduce((sum, candidate) => sum + (candidate.decision?.rollouts?.spent ?? 0), 0);
  const saved = state.candidates.reduce((sum, candidate) => sum + (candidate.decision?.rollouts?.saved ?? 0), 0);
  const finalTest = state.finalTest;
  const testedTasks = finalTest ? Object.keys(finalTest.passes[state.baseHash] ?? {}).length : 0;
  return {
    id: state.id,
    status: state.status,
    stopReason: state.stopReason,
    pause: state.pause,
    iterations: state.iterations.length,
    gate: { rule: describeRule(state.config.acceptance), adaptive: state.config.adaptiveValidation },
    models: { agent: describeModelIdentity(state.models.agent), proposer: describeModelIdentity(state.models.proposer), proposerChanges: state.models.proposerChanges },
    versions,
    lineage,
    adopted: { hash: current.hash, label: labelOf(current), heldIn: current.scores.heldIn, heldOut: current.scores.heldOut },
    testSplit: {
      first: state.versions[state.baseHash]?.scores.test,
      last: current.scores.test,
      lift: testLift(state),
      budget: finalTest ? { budget: finalTest.budget, used: finalTest.used, planned: finalTest.planned, tasks: testedTasks, of: state.splits.test.length } : undefined,
    },
    iterationDetails: state.iterations.map((iteration) => ({
      iteration: iteration.iteration,
      baseHash: iteration.baseHash,
      weaknesses: (iteration.weaknesses ?? []).map((weakness) => ({ id: weakness.id, category: weakness.category, title: weakness.title, evidenceTaskIds: weakness.evidenceTaskIds, score: weakness.score })),
      freshParent: iteration.freshParent && { heldIn: iteration.freshParent.heldIn, heldOut: iteration.freshParent.heldOut },
      candidates: candidates.filter((candidate) => candidate.iteration === iteration.iteration),
      note: iteration.mergeNote,
      excludedTasks: iteration.excludedTasks ?? [],
    })),
    acceptedEdits: candidates.filter((candidate) => candidate.status === 'merged'),
    rejectedCount: state.candidates.filter((candidate) => candidate.status === 'rejected' || candidate.status === 'human_rejected').length,
    rollouts: { used: state.usedRollouts.length, executed: state.executedRollouts, validation: { spent, saved } },
    tokens: { agent: tokens(state.agentUsage), proposer: tokens(state.proposerUsage), abandoned: tokens(state.abandonedUsage) },
    elapsedMs: state.elapsedMs,
  };
}

function flipSummary(flips: ReportCandidate['flips']): string {
  return (
    Object.entries(flips)
      .map(([kind, taskIds]) => `${kind}: ${taskIds!.join(', ')}`)
      .join('; ') || 'none'
  );
}

export function renderReportMarkdown(report: EvolutionReport): string {
  const lift = report.testSplit.lift;
  const lines = [
    `# Evolution ${report.id}`,
    '',
    `Status: ${report.status}${report.pause ? ` — ${report.pause.reason} (${report.pause.resumeHint})` : report.stopReason ? ` — ${report.stopReason}` : ''}. Iterations: ${report.iterations}. Rollouts used: ${report.rollouts.used} (${report.rollouts.executed} executed, the rest cached). Tokens: agent ${report.tokens.agent}, proposer ${report.tokens.proposer}${report.tokens.abandoned ? `, ${report.tokens.abandoned} on attempts cut short` : ''}.`,
    '',
    `Gate: ${report.gate.rule}; ${report.gate.adaptive ? `adaptive validation (${report.rollouts.validation.spent} candidate rollouts run, ${report.rollouts.validation.saved} saved)` : 'full validation'}. Agent: ${report.models.agent}. Proposer: ${report.models.proposer}.`,
    ...report.models.proposerChanges.map((change) => `The proposer changed at iteration ${change.iteration}: ${change.from} → ${change.to}.`),
    '',
    '## Test split (never used for a decision)',
    '',
    '| first version | last version | lift (95% CI) | tasks better / worse | sign test p |',
    '| --- | --- | --- | --- | --- |',
    `| ${rate(report.testSplit.first)} | ${rate(report.testSplit.last)} | ${lift ? `${signed(lift.meanChange)}${lift.low !== undefined ? ` (${signed(lift.low)} … ${signed(lift.high!)})` : ''}` : '—'} | ${lift ? `${lift.improved} / ${lift.worsened} of ${lift.tasks}` : '—'} | ${lift ? lift.pValue.toFixed(3) : '—'} |`,
    '',
  ];
  const budget = report.testSplit.budget;
  if (budget) lines.push(`Final test: ${budget.used} of its budget of ${budget.budget} rollouts (${budget.planned} planned); ${budget.tasks} of ${budget.of} test tasks measured whole for both versions.`, '');
  lines.push(`## Adopted version`, '', `${report.adopted.hash.slice(0, 10)} ${report.adopted.label}: held-in ${rate(report.adopted.heldIn)}, held-out ${rate(report.adopted.heldOut)}.`, '', '## Iterations', '');
  for (const iteration of report.iterationDetails) {
    lines.push(`### Iteration ${iteration.iteration}${iteration.note ? ` — ${iteration.note}` : ''}`, '');
    if (iteration.freshParent) lines.push(`Parent ${iteration.baseHash.slice(0, 10)} on fresh attempts: held-in ${rate(iteration.freshParent.heldIn)}, held-out ${rate(iteration.freshParent.heldOut)}.`, '');
    for (const weakness of iteration.weaknesses) lines.push(`- Weakness **${weakness.id}** (${weakness.category}, score ${weakness.score}): ${weakness.title}. Evidence: ${weakness.evidenceTaskIds.join(', ')}.`);
    if (iteration.weaknesses.length) lines.push('');
    for (const item of iteration.excludedTasks) lines.push(`- Left out: ${item.taskId} — ${item.reason}`);
    if (iteration.candidates.length) {
      lines.push('| candidate | status | gate | rollouts (saved) | flips |', '| --- | --- | --- | --- | --- |');
      for (const candidate of iteration.candidates) {
        lines.push(`| ${candidate.candidateId} | ${candidate.status} | ${candidate.gate.replace(/\|/g, '/')} | ${candidate.rollouts ? `${candidate.rollouts.spent} (${candidate.rollouts.saved})` : '—'} | ${flipSummary(candidate.flips)} |`);
      }
      lines.push('');
    }
  }
  lines.push(
    '## Versions',
    '',
    '| version | parent | kind | status | iteration | held-in | held-out | test |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.versions.map((version) => `| ${version.hash.slice(0, 10)} ${version.label} | ${version.parentHash?.slice(0, 10) ?? '—'} | ${version.kind} | ${version.status} | ${version.iteration} | ${rate(version.scores.heldIn)} | ${rate(version.scores.heldOut)} | ${rate(version.scores.test)} |`),
    '',
    '## Accepted edits',
    '',
  );
  if (!report.acceptedEdits.length) lines.push('None.');
  for (const edit of report.acceptedEdits) {
    lines.push(`### ${edit.candidateId} — ${edit.weakness}`, '', `Gate: ${edit.gate}. Rationale: ${edit.rationale}`, '');
    for (const operation of edit.edits) lines.push(`- \`${JSON.stringify(operation)}\``);
    lines.push('', `Flips: ${flipSummary(edit.flips)}. Predicted flips that happened: ${edit.predictedFlipsHappened.length}/${edit.predictedFlips.length}.`, '');
  }
  return `${lines.join('\n')}\n`;
}
