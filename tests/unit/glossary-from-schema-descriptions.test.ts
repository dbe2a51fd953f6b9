import { describe, expect, it } from 'vitest';
import { runAgentToEnd } from '../../src/core/agent/loop.js';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { DEFAULT_PROPOSAL_ANSWER_TOKENS } from '../../src/core/evolve/config.js';
import { proposalPrompt, proposeCandidates } from '../../src/core/evolve/proposal.js';
import { createDefaultHarness } from '../../src/core/harness/default-harness.js';
import { Policies } from '../../src/core/harness/schema.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { buildGlossary, policyDescription, renderEditGuide } from '../../src/core/share/glossary.js';

/** One source of truth: the glossary, the proposer's prompt and the summary read the schema's own descriptions. */
describe('glossary generated from the schema descriptions', () => {
  it('has an entry with a description for every policy, hook processor, hook point, tool, edit type and acceptance rule', () => {
    const glossary = buildGlossary();
    const names = (kind: string) => glossary.filter((entry) => entry.kind === kind).map((entry) => entry.name);
    expect(names('policy').sort()).toEqual(Object.keys(Policies.shape).sort());
    expect(names('hook-processor').sort()).toEqual(['inject_message', 'require_file', 'run_shell']);
    expect(names('hook-point')).toEqual(['onStart', 'beforeTool', 'afterTool', 'beforeFinish']);
    expect(names('tool').sort()).toEqual(['finish', 'read_file', 'shell', 'write_file']);
    expect(names('edit').sort()).toEqual(['add_hook', 'add_rule', 'replace_hook', 'replace_rule', 'set_planning_template', 'set_policy', 'set_tool_description']);
    expect(names('acceptance-rule').sort()).toEqual(['paper', 'statistical', 'strict']);
    for (const entry of glossary) expect(entry.description.length, `${entry.kind} ${entry.name}`).toBeGreaterThan(20);
    // Every parameter of every policy object is explained too.
    const loopBreaker = glossary.find((entry) => entry.name === 'loopBreaker')!;
    expect(loopBreaker.parameters.map((parameter) => parameter.name)).toEqual(['enabled', 'afterToolCalls', 'message']);
  });

  it('says the loop breaker fires every N tool calls, which is what the policy does', async () => {
    expect(policyDescription('loopBreaker')).toMatch(/every N tool calls/i);
    expect(policyDescription('loopBreaker')).not.toMatch(/\bonce\b/);
    // The code agrees: with N = 2 and six shell calls, the redirect comes after call 2, 4 and 6.
    const harness = createDefaultHarness();
    harness.policies.loopBreaker = { enabled: true, afterToolCalls: 2, message: 'Change course.' };
    const model = new ScriptedModel((_request, index) => (index < 6 ? { toolCalls: [{ name: 'shell', args: { command: `echo ${index}` } }] } : { toolCalls: [{ name: 'finish', args: {} }] }));
    const events: AgentEvent[] = [];
    await runAgentToEnd({ harness, harnessHash: 'h', model, sandbox: new JustBashSandbox(), task: { id: 't', instruction: 'x', agentTimeoutSec: 60 } }, (event) => {
      events.push(event);
    });
    expect(events.filter((event) => event.type === 'policy-intervention' && event.policy === 'loopBreaker')).toHaveLength(3);
  });

  it('gives the proposer the same descriptions the glossary shows', () => {
    const prompt = proposalPrompt(createDefaultHarness(), { id: 'w1', title: 'loops', category: 'looping', description: 'd', evidenceTaskIds: [], score: 1 } as never, [], { passed: 1, total: 2 }, 2);
    const guide = renderEditGuide();
    expect(prompt.system).toContain(guide);
    for (const entry of buildGlossary().filter((item) => item.kind === 'policy' || item.kind === 'edit' || item.kind === 'hook-processor')) {
      expect(guide, entry.name).toContain(entry.description);
    }
    expect(guide).toContain('loopBreaker.afterToolCalls');
  });

  it('sends the proposer both: the glossary in its prompt and the typed-edit union as the decoding schema, each knowing maxAnswerTokens', async () => {
    const model = new ScriptedModel([{ text: JSON.stringify({ candidates: [{ edits: [{ op: 'set_policy', path: 'maxAnswerTokens', value: 1024 }], rationale: 'shorter answers', predictedFlips: [] }] }) }]);
    const weakness = { id: 'w1', title: 'rambles', category: 'looping', description: 'writes long answers', evidenceTaskIds: ['t1'], frequency: 1, impact: 3, score: 3 } as never;
    const result = await proposeCandidates(model, createDefaultHarness(), weakness, [], { count: 1, heldOutPassed: { passed: 1, total: 2 }, earlier: [], idPrefix: 'i1-w1' });
    expect(result.ok && result.candidates[0].edits).toEqual([{ op: 'set_policy', path: 'maxAnswerTokens', value: 1024 }]);
    const [request] = model.calls;
    expect(request.messages[0].content).toContain(`- maxAnswerTokens: ${policyDescription('maxAnswerTokens')}`);
    const schema = JSON.stringify(request.responseSchema);
    expect(schema).toContain('"set_policy"');
    expect(schema).toContain('maxAnswerTokens');
    expect(request.maxOutputTokens).toBe(DEFAULT_PROPOSAL_ANSWER_TOKENS);
  });
});
