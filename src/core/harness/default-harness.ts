import type { HarnessDocument } from './schema.js';

/**
 * The starting point of the Self-Harness paper: a task-facing system prompt plus shell and file tools,
 * every behavioural policy off. Step cap, command timeout and answer-token cap are runtime limits, not behaviour, so
 * they have values. The prompt lists the tools in both action protocols: a server that silently drops native `tools`
 * (llama.cpp without a tool-capable chat template) still leaves the model their names.
 */
export function createDefaultHarness(): HarnessDocument {
  return {
    schemaVersion: 1,
    name: 'minimal-start',
    description: 'Task-facing prompt with shell and file tools; all policies off (the paper\'s starting harness).',
    systemPrompt: [
      'You are an agent working in a Linux-like terminal sandbox. Complete the task below.',
      'Your working directory is {{cwd}}.',
      '',
      'Task:',
      '{{instruction}}',
      '',
      '{{tools}}',
      '',
      '{{rules}}',
      '{{plan}}',
      'When the task is complete, call the finish tool with a short summary.',
    ].join('\n'),
    rules: [],
    planningTemplate: '',
    tools: {
      shell: {
        enabled: true,
        description: 'Run a bash command in the sandbox and return its stdout, stderr and exit code.',
      },
      read_file: { enabled: true, description: 'Read a text file from the sandbox file system.' },
      write_file: {
        enabled: true,
        description: 'Write a text file in the sandbox file system, creating parent directories as needed.',
      },
      finish: { enabled: true, description: 'Declare the task complete. Call it once, when you are done.' },
    },
    policies: {
      maxSteps: 30,
      loopBreaker: {
        enabled: false,
        afterToolCalls: 50,
        message: 'You have made many tool calls. Stop exploring: write the required artifact now, then verify it and finish.',
      },
      duplicateCommandGuard: { mode: 'off' },
      persistShellState: { enabled: false },
      outputTruncation: { enabled: false, maxChars: 4000, keep: 'head_and_tail' },
      commandTimeout: { seconds: 30 },
      maxAnswerTokens: 2048,
      finishGuard: {
        enabled: false,
        maxRechecks: 1,
        message: 'Before finishing, re-check that every requirement of the task is met: inspect the output files and run a quick sanity check. Then call finish again.',
      },
    },
    hooks: [],
  };
}
