import { z } from 'zod';
import { canonicalJson } from '../harness/canonical.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ChatModel, ModelError, TokenUsage } from '../model/types.js';
import { critiqueEdits } from './critic.js';
import { renderDigest, type TraceDigest } from './digest.js';
import { editDecodingSchema } from './edit-decoding-schema.js';
import { applyEdits, areNearDuplicates, EDIT_LIMITS, editSizeProblem, HarnessEdit } from './edits.js';
import type { Weakness } from './mining.js';
import { renderEditGuide } from '../share/glossary.js';
import { DEFAULT_PROPOSAL_ANSWER_TOKENS } from './config.js';
import { callForJson } from './structured-call.js';

export { DEFAULT_PROPOSAL_ANSWER_TOKENS };

/** A candidate harness edit, tied to one weakness. */
export interface Candidate {
  id: string;
  weaknessId: string;
  edits: HarnessEdit[];
  rationale: string;
  /** Held-in tasks the proposer expects to flip from fail to pass. */
  predictedFlips: string[];
}

export interface RejectedProposal {
  weaknessId: string;
  reason: string;
  raw: unknown;
}

const ProposalAnswer = z.object({
  candidates: z
    .array(
      z.object({
        edits: z.array(z.unknown()).min(1),
        rationale: z.string().max(2000).default(''),
        predictedFlips: z.array(z.string()).default([]),
      }),
    )
    .min(1),
});

// What each edit, policy and hook does comes from the schemas' own descriptions, as on the glossary page.
const EDIT_GUIDE = renderEditGuide();

export function proposalPrompt(harness: HarnessDocument, weakness: Weakness, digests: readonly TraceDigest[], heldOutPassed: { passed: number; total: number }, count: number): { system: string; user: string } {
  return {
    system: [
      'You improve the harness of an AI terminal agent: its prompt, rules, tool descriptions, runtime policies and hooks, which are a JSON document.',
      `Propose ${count} diverse, minimal candidate edits that fix ONE weakness. Each candidate has 1 to ${EDIT_LIMITS.maxEditsPerCandidate} edits and must be small; candidates must differ in approach.`,
      'Edits must generalize to unseen tasks: never mention specific task names, expected answers, test files, verifiers or graders.',
      EDIT_GUIDE,
      'Answer with only a JSON object: {"candidates": [{"edits": [...], "rationale": "...", "predictedFlips": ["task-id", ...]}]}',
    ].join('\n'),
    user: [
      `Current harness:\n${canonicalJson({ systemPrompt: harness.systemPrompt, rules: harness.rules, planningTemplate: harness.planningTemplate, tools: harness.tools, policies: harness.policies, hooks: harness.hooks })}`,
      `Weakness "${weakness.id}" (${weakness.category}): ${weakness.title}\n${weakness.description}`,
      `Evidence (failed attempts):\n\n${digests.map(renderDigest).join('\n\n')}`,
      `Regression check: the current harness passes ${heldOutPassed.passed} of ${heldOutPassed.total} attempts on held-out tasks; a candidate must not lower that.`,
    ].join('\n\n'),
  };
}

/** Longest rationale the decoding schema allows. */
const RATIONALE_MAX_CHARS = 200;

export type ProposalResult =
  | { ok: true; candidates: Candidate[]; rejected: RejectedProposal[]; usage: TokenUsage; attempts: number; notices: string[] }
  /** `modelError` when the endpoint failed (transient when it kept failing through the retries), not the answer. */
  | { ok: false; error: string; usage: TokenUsage; attempts: number; notices: string[]; modelError?: ModelError };

/**
 * The schema a provider that constrains decoding holds a proposal to: exactly as many candidates as asked for, each
 * with 1–3 typed edits (a choice between the edit operations, only paths this harness has, strings within the size
 * limits), a short rationale and predicted flips among the evidence tasks.
 */
export function proposalDecodingSchema(harness: HarnessDocument, count: number, evidenceTaskIds: readonly string[]): Record<string, unknown> {
  return {
    title: 'proposal',
    type: 'object',
    properties: {
      candidates: {
        type: 'array',
        minItems: 1,
        maxItems: count,
        items: {
          type: 'object',
          properties: {
            rationale: { type: 'string', maxLength: RATIONALE_MAX_CHARS },
            edits: { type: 'array', minItems: 1, maxItems: EDIT_LIMITS.maxEditsPerCandidate, items: editDecodingSchema(harness) },
            predictedFlips: { type: 'array', maxItems: Math.max(1, evidenceTaskIds.length), items: evidenceTaskIds.length ? { type: 'string', enum: [...evidenceTaskIds] } : { type: 'string', maxLength: 64 } },
          },
          required: ['rationale', 'edits', 'predictedFlips'],
          additionalProperties: false,
        },
      },
    },
    required: ['candidates'],
    additionalProperties: false,
  };
}

/**
 * Harness proposal for one weakness: ask for n candidates, then keep only those that parse as typed edits, stay small,
 * pass the reward-hacking critic, apply to a valid harness that differs from the current one, and are not
 * near-duplicates of each other or of earlier candidates.
 */
export async function proposeCandidates(
  model: ChatModel,
  harness: HarnessDocument,
  weakness: Weakness,
  digests: readonly TraceDigest[],
  options: {
    count: number;
    heldOutPassed: { passed: number; total: number };
    earlier: readonly Candidate[];
    idPrefix: string;
    signal?: AbortSignal;
    retries?: number;
    maxAnswerTokens?: number;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<ProposalResult> {
  const answer = await callForJson(model, proposalPrompt(harness, weakness, digests, options.heldOutPassed, options.count), ProposalAnswer, {
    signal: options.signal,
    retries: options.retries,
    sleep: options.sleep,
    jsonSchema: proposalDecodingSchema(harness, options.count, weakness.evidenceTaskIds),
    maxOutputTokens: options.maxAnswerTokens ?? DEFAULT_PROPOSAL_ANSWER_TOKENS,
  });
  if (!answer.ok || !answer.value) {
    return { ok: false, error: answer.error ?? 'proposal failed', usage: answer.usage, attempts: answer.attempts, notices: answer.notices, ...(answer.modelError ? { modelError: answer.modelError } : {}) };
  }
  const candidates: Candidate[] = [];
  const rejected: RejectedProposal[] = [];
  const originalHarness = canonicalJson(harness);
  for (const raw of answer.value.candidates) {
    const reject = (reason: string) => rejected.push({ weaknessId: weakness.id, reason, raw });
    const edits: HarnessEdit[] = [];
    const problems: string[] = [];
    for (const rawEdit of raw.edits) {
      const parsed = HarnessEdit.safeParse(rawEdit);
      if (parsed.success) edits.push(parsed.data);
      else problems.push(`not a valid edit: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    }
    if (problems.length) {
      reject(problems.join('; '));
      continue;
    }
    if (edits.length > EDIT_LIMITS.maxEditsPerCandidate) {
      reject(`${edits.length} edits; at most ${EDIT_LIMITS.maxEditsPerCandidate} are allowed`);
      continue;
    }
    const tooBig = edits.map(editSizeProblem).find(Boolean);
    if (tooBig) {
      reject(`not minimal: ${tooBig}`);
      continue;
    }
    const verdict = critiqueEdits(edits);
    if (!verdict.ok) {
      reject(`critic: ${verdict.reasons.join('; ')}`);
      continue;
    }
    const applied = applyEdits(harness, edits, weakness.id);
    if (!applied.ok) {
      reject(`does not apply: ${applied.error}`);
      continue;
    }
    if (canonicalJson(applied.harness) === originalHarness) {
      reject('changes nothing');
      continue;
    }
    if ([...options.earlier, ...candidates].some((other) => areNearDuplicates(other.edits, edits))) {
      reject('near-duplicate of another candidate');
      continue;
    }
    candidates.push({
      id: `${options.idPrefix}-${candidates.length + 1}`,
      weaknessId: weakness.id,
      edits,
      rationale: raw.rationale,
      predictedFlips: raw.predictedFlips.filter((taskId) => weakness.evidenceTaskIds.includes(taskId)),
    });
    if (candidates.length >= options.count) break;
  }
  return { ok: true, candidates, rejected, usage: answer.usage, attempts: answer.attempts, notices: answer.notices };
}
