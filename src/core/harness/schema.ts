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

/*
 * Every `.describe()` text below is the one place that says what a part of the harness does: the harness summary,
 * the glossary page, AGENTS.md exports and the proposer's prompt are all generated from them (core/share/glossary.ts),
 * and the published JSON Schema carries them to the editor's hovers. Keep them true to the code they describe.
 */
export type ToolName = z.infer<typeof ToolName>;

export const RuleSource = z
  .object({
    kind: z.enum(['default', 'human', 'evolution', 'import']).describe('Who wrote the rule: the default harness, a person, an evolution, or an imported file.'),
    /** Free text: a weakness id, a version hash, an author. */
    note: z.string().max(500).optional(),
  })
  .strict();

export const Rule = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'rule ids are lowercase letters, digits, - and _').describe('Stable id, lowercase letters, digits, - and _; edits refer to the rule by it.'),
    text: z.string().min(1).max(2000).describe('The instruction itself, one line of the Rules list in the system prompt.'),
    source: RuleSource,
  })
  .strict()
  .describe('An instruction the agent must follow, listed under "Rules:" where the system prompt has {{rules}}.');
export type Rule = z.infer<typeof Rule>;

export const ToolConfig = z
  .object({
    enabled: z.boolean().describe('Whether the model is offered this tool at all.'),
    description: z.string().min(1).max(2000).describe('What the model is told the tool does; evolution may rewrite it.'),
  })
  .strict();
export type ToolConfig = z.infer<typeof ToolConfig>;

export const Policies = z
  .object({
    maxSteps: z.number().int().min(1).max(1000).describe('Hard cap on model turns: when the run reaches it, it ends with reason max_steps. Always on; it is a limit, not a behaviour.'),
    loopBreaker: z
      .object({
        enabled: z.boolean().describe('Whether the loop breaker is on.'),
        afterToolCalls: z.number().int().min(1).max(1000).describe('N: the message is injected after tool call N, 2N, 3N, … of the run.'),
        message: z.string().min(1).max(2000).describe('The redirect the agent reads.'),
      })
      .strict()
      .describe('Every N tool calls (at N, 2N, 3N, …) injects a redirect message, so an agent stuck exploring is told to change course; it keeps firing for as long as the run goes on.'),
    duplicateCommandGuard: z
      .object({
        mode: z.enum(['off', 'warn', 'block']).describe('off: nothing; warn: run the command but add a warning to its result; block: do not run it and say why.'),
      })
      .strict()
      .describe('Catches the agent re-running a shell command, unchanged, that already failed (and has not succeeded since): warns, or blocks it.'),
    persistShellState: z
      .object({ enabled: z.boolean().describe('Whether cwd and exported variables carry over.') })
      .strict()
      .describe('The sandbox starts every shell call fresh; with this on, the working directory and exported variables carry over from one shell call to the next, as in a terminal.'),
    outputTruncation: z
      .object({
        enabled: z.boolean().describe('Whether long output is cut.'),
        maxChars: z.number().int().min(200).max(200_000).describe('Longest tool output, in characters, the model sees.'),
        keep: z.enum(['head', 'tail', 'head_and_tail']).describe('Which part survives the cut: the start, the end, or half of each.'),
      })
      .strict()
      .describe('Cuts tool output longer than maxChars before the model sees it, keeping its head, tail or both, with a note of how much was dropped.'),
    commandTimeout: z
      .object({ seconds: z.number().min(1).max(3600).describe('Wall-clock seconds one shell command may run.') })
      .strict()
      .describe('Wall-clock limit for each shell command; a command that runs longer is killed and reported as timed out. Always on; it is a limit, not a behaviour.'),
    // Absent in harnesses written before it existed: the loop then uses its default (2048).
    maxAnswerTokens: z
      .number()
      .int()
      .min(16)
      .max(131_072)
      .optional()
      .describe('Cap on the tokens of one model answer (max_tokens), sent with every agent turn so no answer runs until the context is full; an answer cut off at it is fed back to the agent as a format error. Default 2048. Always on; it is a limit, not a behaviour.'),
    finishGuard: z
      .object({
        enabled: z.boolean().describe('Whether the finish guard is on.'),
        maxRechecks: z.number().int().min(1).max(10).describe('How many finish calls are refused before one is let through.'),
        message: z.string().min(1).max(2000).describe('What the agent is told when its finish is refused.'),
      })
      .strict()
      .describe('Refuses the first maxRechecks finish calls, each time telling the agent to re-check its work; the finish after that goes through.'),
  })
  .strict()
  .describe('Runtime policies: small pieces of code the agent loop consults at fixed points, each configured here.');
export type Policies = z.infer<typeof Policies>;
export type PolicyName = keyof Policies;

export const HookPoint = z.enum(['onStart', 'beforeTool', 'afterTool', 'beforeFinish']).describe('When a hook runs: onStart (once, before the first model turn), beforeTool (before every tool call), afterTool (after every tool call), beforeFinish (when the agent calls finish; a failing hook there refuses the finish).');

/** What each hook point means, for the glossary; the enum's own description says the same in one line. */
export const HOOK_POINT_MEANINGS: Record<z.infer<typeof HookPoint>, string> = {
  onStart: 'Once, before the first model turn.',
  beforeTool: 'Before every tool call the agent makes.',
  afterTool: 'After every tool call, with its result.',
  beforeFinish: 'When the agent calls finish; a hook that fails here refuses the finish and tells the agent why.',
};
export type HookPoint = z.infer<typeof HookPoint>;

/** Built-in processors a hook can use. A hook never runs JavaScript in the page; `run_shell` runs inside the sandbox. */
export const Hook = z.discriminatedUnion('processor', [
  z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
      at: HookPoint,
      processor: z.literal('inject_message'),
      params: z.object({ text: z.string().min(1).max(2000).describe('The message shown to the agent.') }).strict(),
    })
    .strict()
    .describe('inject_message: shows the agent a fixed message at its point; at beforeFinish it refuses the first finish once, so the message is read before the run ends.'),
  z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
      at: HookPoint,
      processor: z.literal('run_shell'),
      params: z
        .object({
          command: z.string().min(1).max(4000).describe('Shell snippet run inside the sandbox with the agent\'s current directory and variables.'),
          failMessage: z.string().max(2000).optional().describe('Shown above the output when the snippet exits non-zero.'),
          showOutput: z.boolean().default(true).describe('Show the snippet\'s output to the agent, or only its exit code.'),
        })
        .strict(),
    })
    .strict()
    .describe('run_shell: runs a shell snippet inside the sandbox (never JavaScript in the page) and shows its result; a non-zero exit is a failed check, which at beforeFinish refuses the finish.'),
  z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
      at: HookPoint,
      processor: z.literal('require_file'),
      params: z
        .object({
          path: z.string().min(1).max(500).describe('The file that must exist, absolute or relative to the current directory.'),
          message: z.string().max(2000).optional().describe('What the agent is told when the file is missing.'),
        })
        .strict(),
    })
    .strict()
    .describe('require_file: checks that a file exists; when it is missing the agent is told to create it, and at beforeFinish the finish is refused.'),
]).describe('A hook: a built-in processor run at a fixed point of the loop.');
export type Hook = z.infer<typeof Hook>;
export type HookProcessorName = Hook['processor'];

export const HarnessDocument = z
  .object({
    schemaVersion: z.literal(HARNESS_SCHEMA_VERSION).describe('Format version of the harness document.'),
    name: z.string().min(1).max(200).describe('A short name for people; not shown to the model.'),
    description: z.string().max(4000).default('').describe('What this harness is for; not shown to the model.'),
    systemPrompt: z
      .string()
      .min(1)
      .max(20_000)
      .describe('The system prompt template the model receives. Placeholders: {{instruction}} (the task), {{rules}}, {{plan}} (the planning template), {{tools}} (tool list and answer format), {{cwd}} (working directory).'),
    rules: z.array(Rule).max(100).describe('Instructions listed where the prompt has {{rules}}; evolution adds and rewrites them.'),
    planningTemplate: z.string().max(8000).describe('Text placed where the prompt has {{plan}}, e.g. "first list the steps"; empty means no planning step. Placeholder {{instruction}}.'),
    tools: z
      .object({
        shell: ToolConfig.describe('shell: runs a bash command in the sandbox and returns stdout, stderr and the exit code.'),
        read_file: ToolConfig.describe('read_file: reads a text file from the sandbox.'),
        write_file: ToolConfig.describe('write_file: writes a text file in the sandbox, creating parent directories.'),
        finish: ToolConfig.describe('finish: ends the run; guards and beforeFinish hooks may refuse it first. It cannot be disabled.'),
      })
      .strict()
      .describe('The tools the model may call; their argument schemas are fixed in code, their descriptions are editable.'),
    policies: Policies,
    hooks: z.array(Hook).max(50).describe('Hooks run built-in processors at fixed points of the loop.'),
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
