import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { createDefaultHarness, harnessHash } from '../../src/core/harness/index.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_TASKS_FILE, episodeFile, harnessFile, writeBundle } from '../../src/core/share/bundle.js';
import { createSnapshot } from '../../src/core/share/snapshot.js';
import { suiteHash } from '../../src/core/tasks/suite-hash.js';
import type { Task } from '../../src/core/tasks/types.js';
import { RESULTS_DIR, type StudioUnderTest, startStudio, textOf } from './support.js';

/** A 1,000-step trace (3,002 events) opens as a virtual list: a few dozen rows in the page, search reaches the last step. */

const STEPS = 1000;
let studio: StudioUnderTest | undefined;
let bundlePath = '';

beforeAll(async () => {
  const harness = createDefaultHarness();
  const hash = await harnessHash(harness);
  const snapshot = createSnapshot({ hash, harness, label: 'Default (minimal start)', exportedBy: 'test', versions: new Map(), evolutions: [] });
  if (!snapshot.ok) throw new Error(snapshot.error);
  const task: Task = { id: 'long-task', title: 'A very long run', instruction: 'Count to a thousand.', initialFiles: {}, verifier: { script: 'true' }, agentTimeoutSec: 60, verifierTimeoutSec: 10, category: 'test', difficulty: 'easy', tags: [] };
  const usage = { inputTokens: 10, outputTokens: 5 };
  const events: AgentEvent[] = [{ type: 'run-start', seq: 0, timestamp: 0, traceFormat: 1, taskId: task.id, harnessHash: hash, modelId: 'recorded:model', systemPrompt: 'prompt', instruction: task.instruction }];
  for (let step = 0; step < STEPS; step++) {
    const seq = events.length;
    events.push({ type: 'model-response', seq, timestamp: seq, step, text: `Step ${step}: next number.`, toolCalls: [], usage, durationMs: 1 });
    events.push({ type: 'tool-call', seq: seq + 1, timestamp: seq + 1, step, callId: `c${step}`, tool: 'shell', args: { command: `echo number-${step}` } });
    events.push({ type: 'tool-result', seq: seq + 2, timestamp: seq + 2, step, callId: `c${step}`, tool: 'shell', ok: true, output: `number-${step}`, exitCode: 0, durationMs: 1 });
  }
  events.push({ type: 'run-end', seq: events.length, timestamp: events.length, reason: 'max_steps', message: 'reached the step limit', steps: STEPS, toolCalls: STEPS, formatErrors: 0, usage, durationMs: 5000 });
  const episode = { id: 'run-long', file: episodeFile('run-long'), taskId: task.id, harnessHash: hash, modelId: 'recorded:model', attempt: 1, outcome: 'fail' as const, reason: 'step limit', usage, steps: STEPS, startedAt: 1, endedAt: 2, durationMs: 5000, eventCount: events.length };
  const bytes = writeBundle({
    manifest: {
      format: BUNDLE_FORMAT,
      formatVersion: BUNDLE_FORMAT_VERSION,
      kind: 'batch',
      title: 'one long run',
      exportedAt: new Date().toISOString(),
      exportedBy: 'test',
      batch: { id: 'batch-long', harnessHash: hash, modelId: 'recorded:model', taskIds: [task.id], startedAt: 1, endedAt: 2 },
      suite: { id: 'long', name: 'long', hash: await suiteHash([task]), file: BUNDLE_TASKS_FILE, taskIds: [task.id] },
      harnesses: [{ hash, file: harnessFile(hash) }],
      episodes: [episode],
    },
    tasks: [task],
    snapshots: [snapshot.snapshot],
    episodes: [{ episode, events }],
  });
  bundlePath = join(await mkdtemp(join(tmpdir(), 'long-trace-')), 'long.bundle.zip');
  await writeFile(bundlePath, bytes);
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
});

describe('a 1,000-step trace', () => {
  it('renders only the rows on screen and finds the last step by search', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${studio!.url}#/workspace`);
    await page.getByTestId('bundle-import').setInputFiles(bundlePath);
    await page.getByTestId('bundle-imported').waitFor();
    await page.getByTestId('bundle-open-trace').click();
    await page.locator('[data-testid="trace-scroll"][data-virtual="true"]').waitFor();
    expect(await page.getByTestId('trace-scroll').getAttribute('data-event-count')).toBe(String(1 + 3 * STEPS + 1));
    const rendered = await page.locator('[data-testid="trace-event"]').count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(80);

    await page.getByTestId('trace-search').fill('number-999');
    expect(await textOf(page, '[data-testid="trace-search-count"]')).toBe('1 of 2');
    await page.locator('[data-testid="trace-event"].search-current').waitFor();
    expect(await page.locator('[data-testid="trace-event"].search-current').textContent()).toContain('number-999');
    expect(await page.locator('[data-testid="trace-event"]').count()).toBeLessThan(80);
    await page.screenshot({ path: join(RESULTS_DIR, 'workbench-long-trace.png') });
  }, 120_000);
});
