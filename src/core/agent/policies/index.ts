import type { Policies } from '../../harness/schema.js';
import { createCommandTimeoutPolicy } from './command-timeout.js';
import { createDuplicateCommandGuardPolicy } from './duplicate-command-guard.js';
import { createFinishGuardPolicy } from './finish-guard.js';
import { createLoopBreakerPolicy } from './loop-breaker.js';
import { createMaxAnswerTokensPolicy } from './max-answer-tokens.js';
import { createMaxStepsPolicy } from './max-steps.js';
import { createOutputTruncationPolicy } from './output-truncation.js';
import { createPersistShellStatePolicy } from './persist-shell-state.js';
import type { Policy } from './policy.js';

/**
 * Every policy named in the harness, built from its data. Adding a policy = a schema field + a file + a line here;
 * the `satisfies` below fails to compile if a policy in the schema has no builder.
 */
const POLICY_BUILDERS = {
  maxSteps: (policies) => createMaxStepsPolicy(policies.maxSteps),
  commandTimeout: (policies) => createCommandTimeoutPolicy(policies.commandTimeout),
  maxAnswerTokens: (policies) => createMaxAnswerTokensPolicy(policies.maxAnswerTokens),
  persistShellState: (policies) => createPersistShellStatePolicy(policies.persistShellState),
  duplicateCommandGuard: (policies) => createDuplicateCommandGuardPolicy(policies.duplicateCommandGuard),
  outputTruncation: (policies) => createOutputTruncationPolicy(policies.outputTruncation),
  loopBreaker: (policies) => createLoopBreakerPolicy(policies.loopBreaker),
  finishGuard: (policies) => createFinishGuardPolicy(policies.finishGuard),
} satisfies Record<keyof Required<Policies>, (policies: Policies) => Policy | undefined>;

export function buildPolicies(policies: Policies): Policy[] {
  return Object.values(POLICY_BUILDERS)
    .map((build) => build(policies))
    .filter((policy): policy is Policy => policy !== undefined);
}

export type { LoopState, Intervention, Policy } from './policy.js';
export { DEFAULT_MAX_ANSWER_TOKENS } from './max-answer-tokens.js';
