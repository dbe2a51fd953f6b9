// B5: the trace store — 100k events appended the way the recorder writes them, then a 1,000-step trace loaded — with
// the app's own store (Dexie) on fake-indexeddb in Node and on Chromium's IndexedDB, against JSONL files in Node.
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { StudioDatabase } from '../src/store/db.js';
import { type BenchFigure, type Check, judged, percentile, ratio, skipped } from './figure.js';
import { type BenchPage, chromiumUnavailable, openBenchPage } from './chromium.js';
import { EVENTS_PER_STEP, syntheticTrace } from './trace-events.js';
import { type TraceStoreOptions, type TraceStoreTiming, timeTraceStore, traceRunId } from './trace-store-timing.js';

const TARGET = { comparison: 'at-most', value: 200 } as const;

/** The baseline: each run's events appended to its own JSONL file (the CLI's trace format), then one file read back. */
async function timeJsonl(options: TraceStoreOptions): Promise<TraceStoreTiming & { bytes: number }> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-b5-'));
  try {
    let appendMs = 0;
    let eventsAppended = 0;
    let writes = 0;
    for (let run = 0; run < options.runs; run++) {
      const events = syntheticTrace(options.stepsPerRun, run);
      const file = join(directory, `${traceRunId(run)}.jsonl`);
      const started = performance.now();
      for (let offset = 0; offset < events.length; offset += options.eventsPerWrite) {
        await appendFile(file, events.slice(offset, offset + options.eventsPerWrite).map((event) => `${JSON.stringify(event)}\n`).join(''));
        writes += 1;
      }
      appendMs += performance.now() - started;
      eventsAppended += events.length;
    }
    const loadMs: number[] = [];
    let loadedEvents = 0;
    const first = join(directory, `${traceRunId(0)}.jsonl`);
    for (let load = 0; load < options.loads; load++) {
      const started = performance.now();
      const events = (await readFile(first, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
      loadMs.push(performance.now() - started);
      loadedEvents = events.length;
    }
    return { eventsAppended, writes, appendMs, loadMs, loadedEvents, bytes: (await stat(first)).size };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export const figure: BenchFigure = {
  id: 'B5',
  title: 'Trace store: append 100k events, load a 1,000-step trace',
  target: TARGET,
  unit: 'ms',
  async measure({ log, quick }) {
    const options: TraceStoreOptions = { runs: quick ? 3 : 25, stepsPerRun: 1000, eventsPerWrite: EVENTS_PER_STEP, loads: quick ? 3 : 9 };
    const jsonl = await timeJsonl(options);
    log(`JSONL: ${jsonl.eventsAppended} events`);

    // fake-indexeddb handed to Dexie explicitly, so nothing else in this process sees a global IndexedDB.
    const db = new StudioDatabase('studio-bench-b5', { indexedDB: new IDBFactory(), IDBKeyRange });
    const node = await timeTraceStore(db, options);
    const firstRun = await db.traceEvents.where('runId').equals(traceRunId(0)).toArray();
    db.close();
    const cloneBytes = firstRun.reduce((sum, record) => sum + serialize(record).length, 0);
    log(`fake-indexeddb: ${node.eventsAppended} events`);

    let page: BenchPage | undefined;
    let browserSkip = chromiumUnavailable();
    let browser: (TraceStoreTiming & { storedBytes: number | null }) | undefined;
    if (!browserSkip) {
      try {
        page = await openBenchPage();
        browser = await page.call('traceStore', options);
        log(`Chromium IndexedDB: ${browser.eventsAppended} events`);
      } catch (error) {
        browserSkip = (error as Error).message;
      } finally {
        await page?.close();
      }
    }

    const steps = options.stepsPerRun;
    const perThousand = (timing: TraceStoreTiming) => (1000 * timing.appendMs) / timing.eventsAppended;
    const row = (label: string, timing: TraceStoreTiming, bytesPerStep: number | string) => [
      label,
      timing.eventsAppended,
      timing.writes,
      timing.appendMs / 1000,
      perThousand(timing),
      ratio(perThousand(timing), perThousand(jsonl)),
      percentile(timing.loadMs, 50),
      ratio(percentile(timing.loadMs, 50), percentile(jsonl.loadMs, 50)),
      bytesPerStep,
    ];
    const checks: Check[] = [
      judged(`p50 load of a ${steps}-step trace (${node.loadedEvents} events), Node fake-indexeddb`, percentile(node.loadMs, 50), TARGET, 'ms', { value: percentile(jsonl.loadMs, 50), label: 'JSONL p50 ms' }),
      browser
        ? judged(`p50 load of a ${steps}-step trace, Chromium IndexedDB`, percentile(browser.loadMs, 50), TARGET, 'ms', { value: percentile(jsonl.loadMs, 50), label: 'JSONL p50 ms' })
        : skipped(`p50 load of a ${steps}-step trace, Chromium IndexedDB`, TARGET, 'ms', browserSkip ?? 'not measured'),
    ];
    const allSteps = options.runs * steps;
    return {
      id: 'B5',
      title: figure.title,
      checks,
      tables: [
        {
          title: `${options.runs} runs × ${steps} steps (${EVENTS_PER_STEP} events a step), one write per step; ratios ÷ JSONL`,
          columns: ['store', 'events', 'writes', 'append total s', 'append ms per 1,000 events', 'append ratio', `load ${steps}-step trace p50 ms`, 'load ratio', 'bytes per step'],
          rows: [
            row('JSONL files (Node fs) — baseline', jsonl, jsonl.bytes / steps),
            row('app store, fake-indexeddb (Node)', node, `${(cloneBytes / steps).toFixed(0)} (structured clone)`),
            ...(browser ? [row('app store, IndexedDB (Chromium)', browser, browser.storedBytes === null ? 'no storage estimate' : `${(browser.storedBytes / allSteps).toFixed(0)} (storage estimate)`)] : []),
          ],
        },
      ],
      notes: [
        `Synthetic traces shaped like real ones (\`bench/trace-events.ts\`: per step a model request carrying the last observation, a model answer with a shell call, the call, and a ~700-byte output), appended with the app's \`appendTraceEvents\` one step per write — what the recorder's 250 ms flush carries when each model answer takes longer than that — then the first run loaded with \`getTrace\` (${options.loads} times, p50). The baseline is JSONL: one file per run, appended per step, read back and parsed.`,
        'Bytes per step: JSONL is the file size ÷ steps; in Node, the size of each stored record as V8 serializes it (the structured clone IndexedDB keeps); in Chromium, `navigator.storage.estimate()` before and after ÷ steps (what the profile grew on disk, compaction permitting).',
      ],
    };
  },
};
