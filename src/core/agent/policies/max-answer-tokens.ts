import type { Policies } from '../../harness/schema.js';
import type { Policy } from './policy.js';

/** Used when a harness has no `maxAnswerTokens` (written before it existed): one action needs far less. */
export const DEFAULT_MAX_ANSWER_TOKENS = 2048;

/** Every agent turn carries a token cap, so no answer runs until the server's context is full. */
export function createMaxAnswerTokensPolicy(maxAnswerTokens: Policies['maxAnswerTokens']): Policy {
  const cap = maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS;
  return {
    name: 'maxAnswerTokens',
    shapeModelRequest: (request) => ({ ...request, maxOutputTokens: cap }),
  };
}
