import { createDefaultHarness } from './default-harness.js';
import type { HarnessDocument } from './schema.js';

/** A harness to start from, with why someone would pick it. Each is a valid document (a unit test parses them all). */
export interface ExampleHarness {
  id: string;
  title: string;
  why: string;
  harness: HarnessDocument;
}

function minimal(): ExampleHarness {
  return {
    id: 'minimal-start',
    title: 'Minimal start (the paper\'s starting point)',
    why: 'Only the task, shell and file tools; every behavioural policy off. Evolve from here to see what your model needs.',
    harness: createDefaultHarness(),
  };
}

function verifyBeforeFinish(): ExampleHarness {
  const harness = createDefaultHarness();
  harness.name = 'verify-before-finish';
  harness.description = 'Makes the agent check its own output before it may finish.';
  harness.rules = [
    { id: 'write-artifact-early', text: 'Create the requested output file early, then improve it; never end without it.', source: { kind: 'human', note: 'example' } },
    { id: 'check-your-output', text: 'Before finishing, print the output you produced (or its first lines) and compare it with every requirement.', source: { kind: 'human', note: 'example' } },
  ];
  harness.policies.finishGuard = { ...harness.policies.finishGuard, enabled: true, maxRechecks: 1 };
  return { id: 'verify-before-finish', title: 'Verify before finishing', why: 'For models that declare success too early: a rule to write the artifact first, and the finish guard refuses the first finish once to force a re-check.', harness };
}

function loopAware(): ExampleHarness {
  const harness = createDefaultHarness();
  harness.name = 'loop-aware';
  harness.description = 'Stops retry loops and endless exploration; keeps long output short.';
  harness.policies.duplicateCommandGuard = { mode: 'block' };
  harness.policies.loopBreaker = { ...harness.policies.loopBreaker, enabled: true, afterToolCalls: 15 };
  harness.policies.outputTruncation = { enabled: true, maxChars: 4000, keep: 'head_and_tail' };
  harness.policies.persistShellState = { enabled: true };
  harness.rules = [{ id: 'change-after-failure', text: 'When a command fails, read the error and change something before trying again.', source: { kind: 'human', note: 'example' } }];
  return { id: 'loop-aware', title: 'Loop-aware', why: 'For models that repeat failing commands or wander: the duplicate-command guard blocks exact repeats, the loop breaker redirects every 15 tool calls, long output is trimmed, and cd/exports carry over between calls.', harness };
}

function planFirst(): ExampleHarness {
  const harness = createDefaultHarness();
  harness.name = 'plan-first';
  harness.description = 'Asks for a short plan before acting.';
  harness.planningTemplate = 'Before your first command, write a numbered plan of at most five steps for: {{instruction}}\nThen follow it, checking each step\'s result.';
  harness.hooks = [{ id: 'look-around', at: 'onStart', processor: 'inject_message', params: { text: 'Start by listing the working directory so you know which files exist.' } }];
  return { id: 'plan-first', title: 'Plan first', why: 'For multi-step tasks: a planning step in the prompt and a start hook that says to look around before acting.', harness };
}

export function exampleHarnesses(): ExampleHarness[] {
  return [minimal(), verifyBeforeFinish(), loopAware(), planFirst()];
}
