import type { HarnessDocument, PolicyName } from '../core/harness/schema.js';
import { DEFAULT_MAX_ANSWER_TOKENS } from '../core/agent/policies/index.js';

export interface PolicyView {
  name: PolicyName;
  on: boolean;
  detail: string;
}

/** Every policy as on/off plus its settings in words; limits (steps, timeout) are always on. */
export function describePolicies(policies: HarnessDocument['policies']): PolicyView[] {
  return [
    { name: 'maxSteps', on: true, detail: `stop after ${policies.maxSteps} model turns` },
    { name: 'commandTimeout', on: true, detail: `each shell command may run ${policies.commandTimeout.seconds} s` },
    { name: 'maxAnswerTokens', on: true, detail: `each model answer may be ${policies.maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS} tokens long` },
    { name: 'loopBreaker', on: policies.loopBreaker.enabled, detail: `redirect once after ${policies.loopBreaker.afterToolCalls} tool calls` },
    { name: 'duplicateCommandGuard', on: policies.duplicateCommandGuard.mode !== 'off', detail: `mode: ${policies.duplicateCommandGuard.mode}` },
    { name: 'persistShellState', on: policies.persistShellState.enabled, detail: 'carry cwd and exported variables between shell calls' },
    {
      name: 'outputTruncation',
      on: policies.outputTruncation.enabled,
      detail: `keep ${policies.outputTruncation.keep.replaceAll('_', ' ')}, at most ${policies.outputTruncation.maxChars.toLocaleString()} chars`,
    },
    { name: 'finishGuard', on: policies.finishGuard.enabled, detail: `refuse finish up to ${policies.finishGuard.maxRechecks}× to re-check the work` },
  ];
}
