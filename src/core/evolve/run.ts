import type { ChatModel, TokenUsage } from '../model/types.js';
import { type EpisodeInput, type EpisodeRunner, runEpisodeInThisThread } from '../pool/episode-runner.js';
import { clampConcurrency } from '../pool/ordered-pool.js';
import type { SandboxFactory } from '../sandbox/types.js';
import type { Task } from '../tasks/types.js';
import type { EvolutionEvent, EvolutionStop } from './events.js';
import type { EvolutionProgress } from './progress.js';
import type { SplitName } from './splits.js';
import type { CandidateRecord, EvolutionBudget, EvolutionState, EvolutionStore, IterationRecord, SplitScore } from './state.js';

/** One attempt at one task, as the loop asks for it: an episode (`pool/episode-runner.ts`). */
export type AttemptInput = EpisodeInput;

/** Runs one attempt: the pool's episode runner, so the page's episode workers serve evolutions as they serve runs. */
export type AttemptRunner = EpisodeRunner;

export interface EvolutionContext {
  store: EvolutionStore;
  tasks: readonly Task[];
  agentModel: ChatModel;
  /** Defaults to the agent model: the paper's loop uses the same model for both. */
  proposerModel?: ChatModel;
  /** Where attempts run; needed unless `runAttempt` is given. */
  createSandbox?: SandboxFactory;
  /**
   * Runs one attempt; defaults to `runTask` in this thread in a fresh sandbox. The page passes its episode workers; the
   * gate's calibration benchmark swaps in simulated agents.
   */
  runAttempt?: AttemptRunner;
  /** Pauses the evolution: the rollout or model call in flight is abandoned (never counted) and runs again on resume. */
  signal?: AbortSignal;
  /** A subscriber: every event in order, after the store has saved what it implies. */
  onEvent?: (event: EvolutionEvent, state: Readonly<EvolutionState>) => void | Promise<void>;
  /** A subscriber that wants only the progress folded from the events (`progress.ts`). */
  onProgress?: (progress: EvolutionProgress) => void;
  /** Budget values given again on resume: they replace the recorded ones, and a notice says what changed. */
  budget?: Partial<EvolutionBudget>;
  /** Resume with a proposer other than the recorded one and record the change; otherwise that is refused. */
  acceptProposerChange?: boolean;
  /**
   * Most attempts run at once (default 1). Results do not depend on it: attempts are recorded and decided in plan
   * order, whatever order they finish in (`rollouts.ts`, `RolloutWindow`).
   */
  concurrency?: number;
  /** Waits before retrying an attempt that hit an infrastructure error, one retry per entry. Default one retry after 2 s. */
  infraRetryDelaysMs?: readonly number[];
  now?: () => number;
}

const addUsage = (total: TokenUsage, more: TokenUsage) => {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
};
export const tokensOf = (usage: TokenUsage) => usage.inputTokens + usage.outputTokens;

/** A budget's length in words: seconds under a minute, minutes (one decimal) above. */
export const describeDuration = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 6000) / 10} min`);

/** Every token the evolution spent: rollouts used, the proposer, and attempts cut short. */
export const totalTokens = (state: EvolutionState) => tokensOf(state.agentUsage) + tokensOf(state.proposerUsage) + tokensOf(state.abandonedUsage);

/** Which decision budget (rollouts, tokens) is used up, if any. */
export function decisionBudgetUsedUp(state: EvolutionState): string | undefined {
  const { budget } = state.config;
  if (budget.maxRollouts !== undefined && state.usedRollouts.length >= budget.maxRollouts) return `rollout budget of ${budget.maxRollouts} used`;
  if (budget.maxTokens !== undefined && totalTokens(state) >= budget.maxTokens) return `token budget of ${budget.maxTokens} used`;
  return undefined;
}

/** The most attempts one evolution runs at once, whatever is asked. */
export const MAX_CONCURRENCY = 16;

/** Node's timers fire at once past 2^31−1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const defaultRunAttempt = (createSandbox: SandboxFactory | undefined): AttemptRunner =>
  createSandbox
    ? runEpisodeInThisThread(createSandbox)
    : () => {
        throw new Error('the evolution was given no sandbox (createSandbox) to run attempts in');
      };

/**
 * What every stage of one session shares: the state, the models, the clock and the budgets. The wall-clock budget is
 * enforced by a timer that aborts what is in flight, so a stalled model call cannot overrun it.
 */
export class EvolutionRun {
  readonly splitOf: Record<string, SplitName> = {};
  readonly tasksById: Map<string, Task>;
  readonly proposer: ChatModel;
  readonly runAttempt: AttemptRunner;
  readonly now: () => number;
  /** Aborted by the user's pause or the wall-clock budget; every model call and attempt listens to it. */
  readonly signal: AbortSignal;
  readonly used: Set<string>;
  private readonly controller = new AbortController();
  private abortCause: 'user' | 'time' | undefined;
  private readonly sessionStarted: number;
  private readonly elapsedBefore: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onUserAbort = () => this.abort('user');
  /** Most attempts at once (the context's `concurrency`, at least 1). */
  readonly concurrency: number;
  /** Rollouts executed in this session, for the remaining-time estimate. */
  executedThisSession = 0;

  constructor(
    readonly state: EvolutionState,
    readonly context: EvolutionContext,
  ) {
    for (const split of ['heldIn', 'heldOut', 'test'] as SplitName[]) for (const taskId of state.splits[split]) this.splitOf[taskId] = split;
    this.tasksById = new Map(context.tasks.map((task) => [task.id, task]));
    this.proposer = context.proposerModel ?? context.agentModel;
    this.runAttempt = context.runAttempt ?? defaultRunAttempt(context.createSandbox);
    this.now = context.now ?? Date.now;
    this.used = new Set(state.usedRollouts);
    this.concurrency = clampConcurrency(context.concurrency, MAX_CONCURRENCY);
    this.sessionStarted = this.now();
    this.elapsedBefore = state.elapsedMs;
    this.signal = this.controller.signal;
    if (context.signal?.aborted) this.abort('user');
    context.signal?.addEventListener('abort', this.onUserAbort, { once: true });
    this.armWallClock();
  }

  get attempts(): number {
    return this.state.config.attempts;
  }

  elapsed(): number {
    return this.elapsedBefore + (this.now() - this.sessionStarted);
  }

  private abort(cause: 'user' | 'time') {
    if (this.controller.signal.aborted) return;
    this.abortCause = cause;
    this.controller.abort();
  }

  /** (Re)arm the wall-clock timer for what is left of the time budget. */
  armWallClock() {
    clearTimeout(this.timer);
    const limit = this.state.config.budget.maxWallTimeMs;
    if (limit === undefined) return;
    const left = limit - this.elapsed();
    if (left <= 0) return; // checked synchronously by interruption()
    this.timer = setTimeout(() => this.abort('time'), Math.min(left, MAX_TIMER_MS));
  }

  dispose() {
    clearTimeout(this.timer);
    this.context.signal?.removeEventListener('abort', this.onUserAbort);
  }

  totalTokens(): number {
    return totalTokens(this.state);
  }

  addProposerUsage(usage: TokenUsage) {
    addUsage(this.state.proposerUsage, usage);
  }

  addAgentUsage(usage: TokenUsage) {
    addUsage(this.state.agentUsage, usage);
  }

  addAbandonedUsage(usage: TokenUsage) {
    addUsage(this.state.abandonedUsage, usage);
  }

  /** A pause asked for by the user, or the wall-clock budget used up. */
  interruption(): EvolutionStop | undefined {
    const limit = this.state.config.budget.maxWallTimeMs;
    if (this.abortCause !== 'user' && limit !== undefined && this.elapsed() >= limit) this.abort('time');
    if (!this.controller.signal.aborted) return undefined;
    if (this.abortCause === 'time') {
      return {
        kind: 'pause',
        pause: { kind: 'time_budget', reason: `time budget of ${describeDuration(limit ?? 0)} used`, resumeHint: 'resume with a larger time budget (--max-minutes) to continue, or stop it for good' },
      };
    }
    return { kind: 'pause', pause: { kind: 'user', reason: 'paused by the user', resumeHint: 'resume to continue from the last finished rollout' } };
  }

  /** A decision budget (rollouts, tokens) used up: no new rollout or model call for decisions. */
  decisionBudgetStop(): EvolutionStop | undefined {
    const reason = decisionBudgetUsedUp(this.state);
    return reason ? { kind: 'budget', reason } : undefined;
  }

  /** Sleep that a pause or the time limit (or `also`, e.g. the pool dropping the attempt) cuts short. */
  sleep(ms: number, also?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal.aborted || also?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        also?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, MAX_TIMER_MS));
      this.signal.addEventListener('abort', done, { once: true });
      also?.addEventListener('abort', done, { once: true });
    });
  }

  heldInAndOut(): string[] {
    return [...this.state.splits.heldIn, ...this.state.splits.heldOut];
  }

  /** The record of the current iteration, created when the iteration starts running. */
  iterationRecord(): IterationRecord {
    let record = this.state.iterations.find((item) => item.iteration === this.state.iteration);
    if (!record) {
      record = { iteration: this.state.iteration, baseHash: this.state.currentHash, rejectedProposals: [], candidateIds: [] };
      this.state.iterations.push(record);
    }
    return record;
  }

  previousIteration(): IterationRecord | undefined {
    return this.state.iterations.find((item) => item.iteration === this.state.iteration - 1);
  }

  iterationCandidates(): CandidateRecord[] {
    return this.state.candidates.filter((candidate) => candidate.iteration === this.state.iteration);
  }

  score(passes: Record<string, number>, taskIds: readonly string[]): SplitScore {
    const counted = taskIds.filter((taskId) => taskId in passes);
    return { passed: counted.reduce((sum, taskId) => sum + passes[taskId], 0), total: counted.length * this.attempts };
  }
}
