import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultHarness, harnessHash } from '../../src/core/harness/index.js';
import { OpenAICompatibleModel } from '../../src/core/model/openai-compatible.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import type { Task } from '../../src/core/tasks/types.js';
import { StudioDatabase } from '../../src/store/db.js';
import { runBatch } from '../../src/store/run-batch.js';
import { loadRecordedExchanges, type ReplayServer, startReplayServer } from '../fixtures/recorded-llama-server.js';

/**
 * Issue 13: with a chat template that has no tool support, llama-server drops `tools` without an error, and a run in
 * native_tools mode failed all 30 tasks with malformed answers while nothing warned the user. A batch now probes
 * once, switches to json_action and says why.
 */
let replay: ReplayServer;
beforeAll(async () => {
  replay = await startReplayServer(loadRecordedExchanges(), {
    // The probe (tools, tool_choice required) meets the recorded silent drop; the agent's json_action turns get a JSON action.
    'smollm2-default-template': (body) => (body.tools ? 'tools-dropped' : 'json-schema-action'),
  });
});
afterAll(() => replay.close());

const task: Task = {
  id: 'list-files',
  title: 'list files',
  instruction: 'List the files in /work.',
  initialFiles: {},
  verifier: { script: 'true' },
  solution: 'ls',
  agentTimeoutSec: 30,
  verifierTimeoutSec: 10,
  category: 'exploration',
  difficulty: 'easy',
  tags: [],
};

describe('a batch on an endpoint without native tool calls', () => {
  it('switches to json_action after one probe, tells the user and keeps the note with the batch', async () => {
    const db = new StudioDatabase(`probe-${Math.random().toString(36).slice(2)}`);
    try {
      const harness = createDefaultHarness();
      harness.policies.maxSteps = 2;
      const notices: string[] = [];
      const model = new OpenAICompatibleModel({ baseUrl: replay.urlFor('smollm2-default-template'), model: 'SmolLM2-135M-Instruct.Q4_1.gguf', actionProtocol: 'native_tools' });
      const { batch } = await runBatch({ db, suiteId: 's', tasks: [task], harness, harnessHash: await harnessHash(harness), model, createSandbox: async () => new JustBashSandbox(), onNotice: (notice) => notices.push(notice) });

      expect(notices).toEqual([expect.stringMatching(/^Switched to json_action: the endpoint returned no native tool call/)]);
      expect((await db.batches.get(batch.id))?.notice).toBe(notices[0]);
      const [probe, ...turns] = replay.received.get('smollm2-default-template')!;
      expect(probe).toMatchObject({ tool_choice: 'required' });
      expect(turns.length).toBeGreaterThan(0);
      for (const turn of turns) {
        expect(turn.tools).toBeUndefined();
        expect((turn.response_format as { type: string }).type).toBe('json_schema');
      }
      // The switched run really acted: the recorded JSON action ran in the sandbox.
      const events = await db.traceEvents.where('runId').anyOf((await db.runs.toArray()).map((run) => run.id)).toArray();
      expect(events.some((event) => (event as { type: string }).type === 'tool-call')).toBe(true);
    } finally {
      db.close();
      await Dexie.delete(db.name);
    }
  });
});
