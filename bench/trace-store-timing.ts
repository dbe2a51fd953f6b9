// B5's measurement, the same in Node (fake-indexeddb) and on the bench page (Chromium's IndexedDB): the app's own
// store (StudioDatabase, appendTraceEvents, getTrace) appending many runs' events, then loading one long trace.
import type { StudioDatabase } from '../src/store/db.js';
import { appendTraceEvents, getTrace } from '../src/store/studio-store.js';
import { EVENTS_PER_STEP, syntheticTrace } from './trace-events.js';

export interface TraceStoreOptions {
  runs: number;
  stepsPerRun: number;
  /** Events per write: one step's (4) is what the recorder's 250 ms flush carries when a model takes longer than that. */
  eventsPerWrite: number;
  loads: number;
}

export interface TraceStoreTiming {
  eventsAppended: number;
  writes: number;
  appendMs: number;
  /** Each load of the first run's whole trace. */
  loadMs: number[];
  loadedEvents: number;
}

export const traceRunId = (run: number) => `bench-run-${run}`;

export async function timeTraceStore(db: StudioDatabase, options: TraceStoreOptions): Promise<TraceStoreTiming> {
  let appendMs = 0;
  let eventsAppended = 0;
  let writes = 0;
  for (let run = 0; run < options.runs; run++) {
    const events = syntheticTrace(options.stepsPerRun, run);
    const started = performance.now();
    for (let offset = 0; offset < events.length; offset += options.eventsPerWrite) {
      await appendTraceEvents(db, traceRunId(run), events.slice(offset, offset + options.eventsPerWrite));
      writes += 1;
    }
    appendMs += performance.now() - started;
    eventsAppended += events.length;
  }
  const loadMs: number[] = [];
  let loadedEvents = 0;
  for (let load = 0; load < options.loads; load++) {
    const started = performance.now();
    const trace = await getTrace(db, traceRunId(0));
    loadMs.push(performance.now() - started);
    loadedEvents = trace.length;
  }
  const expected = options.stepsPerRun * EVENTS_PER_STEP + 2;
  if (loadedEvents !== expected) throw new Error(`loaded ${loadedEvents} events of a trace of ${expected}`);
  return { eventsAppended, writes, appendMs, loadMs, loadedEvents };
}
