import { z } from 'zod';

/**
 * Harness document, format version 1.
 *
 * Everything the agent loop does besides calling the model is described here as data,
 * so that an evolution step is a small, typed edit of this document and never a code change.
 * The surfaces below are the ones evolution may edit; task instructions and verifiers are not part of it.
 */

export const HARNESS_SCHEMA_VERSION = 1 as const;

export const ToolName = z.enum(['shell', 'read_file', 'write_file', 'finish']);
export type ToolName = z.infer<typeof ToolName>;

export const RuleSource = z
  .object({
    kind: z.enum(['default', 'human', 'evolution', 'import']),
    /** Free text: a weakness id, a version hash, an author. */
    note: z.string().max(500).optional(),
  })
  .strict();

export const Rule = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'rule ids are lowercase letters, digits, - and _'),
    text: z.string().min(1).max(2000),
    source: RuleSource,
  })
  .strict();
export type Rule = z.infer<typeof Rule>;

export const ToolConfig = z
  .object({
    enabled: z.boolean(),
    description: z.string().min(1).max(2000),
  })
  .strict();
export type ToolConfig = z.infer<typeof ToolConfig>;

export const Policies = z
  .object({
    /** Hard cap on model turns; the run ends with reason max_steps. */
    maxSteps: z.number().int().min(1).max(1000),
    /** After N tool calls, inject a redirect message once. */
    loopBreaker: z
      .object({
        enabled: z.boolean(),
        afterToolCalls: z.number().int().min(1).max(1000),
        message: z.string().min(1).max(2000),
      })
      .strict(),
    /** What to do when the model repeats a shell command that just failed with the same text. */
    duplicateCommandGuard: z
      .object({
        mode: z.enum(['off', 'warn', 'block']),
      })
      .strict(),
    /** Carry cwd and exported variables from one shell call to the next. */
    persistShellState: z.object({ enabled: z.boolean() }).strict(),
    /** Trim long tool output before the model sees it. */
    outputTruncation: z
      .object({
        enabled: z.boolean(),
        maxChars: z.number().int().min(200).max(200_000),
        keep: z.enum(['head', 'tail', 'head_and_tail']),
      })
      .strict(),
    /** Per shell command wall-clock limit. */
    commandTimeout: z.object({ seconds: z.number().min(1).max(3600) }).strict(),
    /**
     * Cap on the tokens of one model answer (`max_tokens`); an answer cut off at it is a format error fed back to the
     * model. Absent in harnesses written before it existed: the loop then uses its default (2048).
     */
    maxAnswerTokens: z.number().int().min(16).max(131_072).optional(),
    /** Refuse the first `finish` and ask the agent to re-check its work. */
    finishGuard: z
      .object({
        enabled: z.boolean(),
        maxRechecks: z.number().int().min(1).max(10),
        message: z.string().min(1).max(2000),
      })
      .strict(),
  })
  .strict();
export type Policies = z.infer<typeof Policies>;
export type PolicyName = keyof Policies;

export const HookPoint = z.enum(['onStart', 'beforeTool', 'afterTool', 'beforeFinish']);
export type HookPoint = z.infer<typeof HookPoint>;

/** Built-in processors a hook can use. A hook never runs JavaScript in the page; `run_shell` runs inside the sandbox. */
export const Hook = z.discriminatedUnion('processor', [
  z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
      at: HookPoint,
      processor: z.literal('inject_message'),
      params: z.object({ text: z.string().min(1).max(2000) }).strict(),
    })
    .strict(),
  z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
      at: HookPoint,
      processor: z.literal('run_shell'),
      params: z
        .object({
          command: z.string().min(1).max(4000),
          /** At beforeFinish a non-zero exit refuses the finish and shows this message with the output. */
          failMessage: z.string().max(2000).optional(),
          showOutput: z.boolean().default(true),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
      at: HookPoint,
      processor: z.literal('require_file'),
      params: z.object({ path: z.string().min(1).max(500), message: z.string().max(2000).optional() }).strict(),
    })
    .strict(),
]);
export type Hook = z.infer<typeof Hook>;
export type HookProcessorName = Hook['processor'];

export const HarnessDocument = z
  .object({
    schemaVersion: z.literal(HARNESS_SCHEMA_VERSION),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).default(''),
    /** Template; placeholders: {{instruction}}, {{rules}}, {{plan}}, {{tools}}, {{cwd}}. */
    systemPrompt: z.string().min(1).max(20_000),
    rules: z.array(Rule).max(100),
    /** Empty string = no planning step. Placeholder {{instruction}}. */
    planningTemplate: z.string().max(8000),
    tools: z.object({ shell: ToolConfig, read_file: ToolConfig, write_file: ToolConfig, finish: ToolConfig }).strict(),
    policies: Policies,
    hooks: z.array(Hook).max(50),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    for (const rule of doc.rules) {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules'], message: `duplicate rule id "${rule.id}"` });
      seen.add(rule.id);
    }
    const hookIds = new Set<string>();
    for (const hook of doc.hooks) {
      if (hookIds.has(hook.id)) ctx.addIssue({ code: 'custom', path: ['hooks'], message: `duplicate hook id "${hook.id}"` });
      hookIds.add(hook.id);
    }
    if (!doc.tools.finish.enabled) {
      ctx.addIssue({ code: 'custom', path: ['tools', 'finish', 'enabled'], message: 'the finish tool cannot be disabled' });
    }
  });
export type HarnessDocument = z.infer<typeof HarnessDocument>;
