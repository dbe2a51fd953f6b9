import type { AgentEvent } from '../../../src/core/agent/events.js';
import { runAgentToEnd } from '../../../src/core/agent/loop.js';
import { createDefaultHarness, type HarnessDocument, parseHarness } from '../../../src/core/harness/index.js';
import { LIMITS } from '../../../src/core/limits.js';
import { ScriptedModel } from '../../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../../src/core/sandbox/just-bash-sandbox.js';
import type { Sandbox } from '../../../src/core/sandbox/types.js';
import { createThreadSandbox } from '../../../src/cli/thread-sandbox.js';
import { mutate, prototypePolluted } from '../hostile-values.js';
import { ensure, type Reliability } from '../reliability.js';

/** Harnesses from anyone: schema-invalid documents, huge ones, and valid ones with hostile hooks and prompts. */

const HARNESS_FIELDS = [
  'schemaVersion', 'name', 'description', 'systemPrompt', 'rules', 'planningTemplate', 'tools', 'tools.shell', 'tools.shell.enabled', 'tools.finish.enabled',
  'policies', 'policies.maxSteps', 'policies.commandTimeout.seconds', 'policies.outputTruncation', 'policies.outputTruncation.maxChars', 'policies.loopBreaker.afterToolCalls',
  'policies.duplicateCommandGuard.mode', 'policies.unknownPolicy', 'hooks', 'extraField',
];

/** A run must end by itself, with a reason, and leave a trace that serializes and stays within the run limits. */
async function runBounded(harness: HarnessDocument, sandbox: Sandbox, instruction = 'do it', toolCalls = 3): Promise<{ reason: string; events: AgentEvent[] }> {
  const model = new ScriptedModel((_request, index) => (index < toolCalls ? { toolCalls: [{ name: 'shell', args: { command: 'echo step' } }] } : { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] }));
  const events: AgentEvent[] = [];
  const end = await runAgentToEnd({ harness, harnessHash: 'h'.repeat(64), model, sandbox, task: { id: 't', instruction, agentTimeoutSec: 20 }, sleep: async () => {} }, (event) => {
    events.push(event);
  });
  ensure(end.message.length > 0, 'the run ended without a message');
  const size = JSON.stringify(events).length;
  ensure(size < 2 * (LIMITS.toolOutputCharsPerRun + 4 * LIMITS.toolOutputCharsPerCall), `the trace is ${size} characters`);
  return { reason: end.reason, events };
}

export async function harnessesFamily(reliability: Reliability): Promise<void> {
  const { random } = reliability;
  const base = createDefaultHarness();

  for (let index = 0; index < 60; index++) {
    const { mutated, path } = mutate(base as unknown as Record<string, unknown>, HARNESS_FIELDS, random);
    await reliability.check(`harness with ${path} changed`, 'bad-input', () => {
      const result = parseHarness(JSON.stringify(mutated));
      if (!result.ok) ensure(result.errors.length > 0 && result.errors.every((error) => error.length > 3), 'refused without a reason');
      else ensure(typeof result.harness.systemPrompt === 'string', 'accepted a harness without a system prompt');
      ensure(!prototypePolluted(), 'Object.prototype was polluted');
    });
  }

  for (let index = 0; index < 12; index++) {
    const text = random.pick([
      () => random.text(random.between(0, 2000)),
      () => `{"schemaVersion": 1, "rules": ${'['.repeat(random.between(100, 100_000))}`,
      () => JSON.stringify({ ...base, systemPrompt: 'x'.repeat(random.pick([20_001, 3_000_000])) }),
      () => JSON.stringify({ ...base, rules: Array.from({ length: random.pick([101, 5000]) }, (_, rule) => ({ id: `r${rule}`, text: 'be careful', source: { kind: 'human' } })) }),
      () => JSON.stringify({ ...base, hooks: Array.from({ length: 51 }, (_, hook) => ({ id: `h${hook}`, at: 'onStart', processor: 'inject_message', params: { text: 'x' } })) }),
    ])();
    await reliability.check(`harness text ${index} (${text.length} characters)`, 'bad-input', () => {
      const started = performance.now();
      const result = parseHarness(text);
      ensure(!result.ok, 'a broken or oversized harness was accepted');
      ensure(result.errors.length > 0, 'refused without a reason');
      ensure(performance.now() - started < 2000, 'checking took more than 2 s');
    });
  }

  // Valid harnesses a proposer could write, with hooks that misbehave: the run still ends, bounded.
  const hookCases: Array<{ name: string; hooks: HarnessDocument['hooks']; thread?: boolean; timeout?: number }> = [
    { name: 'run_shell printing a lot after every tool', hooks: [{ id: 'noisy', at: 'afterTool', processor: 'run_shell', params: { command: 'seq 1 150000', showOutput: true } }] },
    { name: 'run_shell that never stops', hooks: [{ id: 'spin', at: 'beforeTool', processor: 'run_shell', params: { command: 'while true; do :; done', showOutput: true } }], thread: true, timeout: 1 },
    { name: 'beforeFinish that always refuses', hooks: [{ id: 'never', at: 'beforeFinish', processor: 'run_shell', params: { command: 'exit 1', failMessage: 'no', showOutput: true } }] },
    { name: 'require_file outside the tree', hooks: [{ id: 'escape', at: 'beforeFinish', processor: 'require_file', params: { path: '../../../../etc/passwd' } }] },
    { name: 'inject_message at the length limit everywhere', hooks: (['onStart', 'beforeTool', 'afterTool'] as const).map((at) => ({ id: `say-${at.toLowerCase()}`, at, processor: 'inject_message' as const, params: { text: 'y'.repeat(2000) } })) as HarnessDocument['hooks'] },
    { name: 'run_shell reading host paths', hooks: [{ id: 'host', at: 'onStart', processor: 'run_shell', params: { command: 'cat /etc/hostname /proc/self/environ ~/.ssh/id_rsa; env', showOutput: true } }] },
  ];
  for (const hookCase of hookCases) {
    await reliability.check(`hook: ${hookCase.name}`, 'bad-input', async () => {
      const harness = createDefaultHarness();
      const parsed = parseHarness(JSON.stringify({ ...harness, hooks: hookCase.hooks, policies: { ...harness.policies, maxSteps: 8, commandTimeout: { seconds: hookCase.timeout ?? 30 } } }));
      ensure(parsed.ok, `the hook harness is not valid: ${parsed.ok ? '' : parsed.errors.join('; ')}`);
      const sandbox = hookCase.thread ? await createThreadSandbox() : new JustBashSandbox(5000);
      try {
        // A hook that has to be killed costs its timeout and the kill grace each time: one tool call is enough.
        const { reason, events } = await runBounded(parsed.harness, sandbox, 'do it', hookCase.thread ? 1 : 3);
        ensure(['finished', 'max_steps', 'limit', 'timeout'].includes(reason), `ended as ${reason}`);
        const leaked = events.some((event) => JSON.stringify(event).includes(process.env.RELIABILITY_CANARY ?? '\u0000never'));
        return { leaked: leaked ? 1 : 0 };
      } finally {
        await sandbox.dispose();
      }
    }, 30_000);
  }

  for (let index = 0; index < 6; index++) {
    await reliability.check(`system prompt template repeated ${index}`, 'bad-input', async () => {
      const harness = createDefaultHarness();
      const repeats = random.pick([10, 400, 1333, 9000]);
      harness.systemPrompt = `{{instruction}}{{rules}}{{tools}}`.repeat(Math.min(repeats, 600));
      const { reason } = await runBounded(harness, new JustBashSandbox(5000), 'i'.repeat(random.pick([10, 2000, 50_000])));
      ensure(['finished', 'limit'].includes(reason), `ended as ${reason}`);
    });
  }
}
