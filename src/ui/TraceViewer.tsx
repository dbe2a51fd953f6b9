import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AgentEvent } from '../core/agent/events.js';
import type { RunRecord, StudioDatabase } from '../store/db.js';
import { getTrace } from '../store/studio-store.js';
import { errorMessage, formatDuration, formatTime, formatTokens, plural, shortHash } from './format.js';
import { OutcomeBadge } from './OutcomeBadge.js';
import { TraceEventView } from './TraceEventView.js';
import { VerifierBox } from './VerifierBox.js';

interface Props {
  db: StudioDatabase;
  runId: string;
  refreshKey: number;
  taskTitle(taskId: string): string;
  onClose(): void;
  /** Label above the viewer in a side-by-side comparison, e.g. the harness version. */
  caption?: string;
  /** Side by side: no verifier details, narrower header. */
  compact?: boolean;
}

interface Loaded {
  run?: RunRecord;
  events: AgentEvent[];
}

const LIVE_POLL_MS = 1000;
/** Short traces render every event (the browser's own find works); long ones render only what is on screen. */
export const VIRTUALIZE_ABOVE = 150;
const REPLAY_STEP_MS = 700;

/** What a search looks at in an event: its text, command, output, message, tool name. */
function searchableText(event: AgentEvent): string {
  switch (event.type) {
    case 'run-start':
      return `${event.taskId} ${event.systemPrompt}`;
    case 'model-request':
      return '';
    case 'model-response':
      return `${event.text} ${event.toolCalls.map((call) => `${call.name} ${call.argumentsText}`).join(' ')}`;
    case 'model-error':
      return `${event.error.kind} ${event.error.message}`;
    case 'format-error':
      return `${event.message} ${event.rawText}`;
    case 'tool-call':
      return `${event.tool} ${JSON.stringify(event.args)}`;
    case 'tool-result':
      return `${event.tool} ${event.output}`;
    case 'policy-intervention':
      return `${event.policy} ${event.action} ${event.message}`;
    case 'hook-result':
      return `${event.hookId} ${event.processor} ${event.message}`;
    case 'run-end':
      return `${event.reason} ${event.message}`;
  }
}

/** A run step by step, read back from IndexedDB: search it, replay it, follow a run that is still going. */
export function TraceViewer({ db, runId, refreshKey, taskTitle, onClose, caption, compact }: Props) {
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [showRequests, setShowRequests] = useState(false);
  const [tick, setTick] = useState(0);
  const [query, setQuery] = useState('');
  const [matchIndex, setMatchIndex] = useState(0);
  /** While replaying: how many events are shown. */
  const [replayAt, setReplayAt] = useState<number | undefined>();
  const [playing, setPlaying] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    Promise.all([db.runs.get(runId), getTrace(db, runId)])
      .then(([run, events]) => {
        if (!live) return;
        setLoaded({ run, events });
        setFailure(undefined);
      })
      .catch((error: unknown) => live && setFailure(errorMessage(error)));
    return () => {
      live = false;
    };
  }, [db, runId, refreshKey, tick]);

  const running = loaded?.run?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((value) => value + 1), LIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [running]);

  const visible = useMemo(() => (loaded ? (showRequests ? loaded.events : loaded.events.filter((event) => event.type !== 'model-request')) : []), [loaded, showRequests]);
  const shown = replayAt === undefined ? visible : visible.slice(0, replayAt);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setReplayAt((current) => {
        const next = Math.min((current ?? 0) + 1, visible.length);
        if (next >= visible.length) setPlaying(false);
        return next;
      });
    }, REPLAY_STEP_MS);
    return () => clearInterval(timer);
  }, [playing, visible.length]);

  const needle = query.trim().toLowerCase();
  const matches = useMemo(() => (needle ? shown.flatMap((event, index) => (searchableText(event).toLowerCase().includes(needle) ? [index] : [])) : []), [shown, needle]);
  const currentMatch = matches.length ? matches[Math.min(matchIndex, matches.length - 1)] : undefined;
  const matchSet = useMemo(() => new Set(matches), [matches]);

  const virtual = shown.length > VIRTUALIZE_ABOVE;
  const virtualizer = useVirtualizer({
    count: virtual ? shown.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => 96,
    overscan: 8,
  });

  useEffect(() => {
    if (currentMatch === undefined) return;
    if (virtual) virtualizer.scrollToIndex(currentMatch, { align: 'center' });
    else scroller.current?.querySelector(`[data-index="${currentMatch}"]`)?.scrollIntoView({ block: 'center' });
  }, [currentMatch, virtual, virtualizer]);

  useEffect(() => {
    // Follow the replay (and a live run) to its newest event.
    if (replayAt === undefined) return;
    if (virtual) virtualizer.scrollToIndex(Math.max(0, replayAt - 1), { align: 'end' });
    else scroller.current?.querySelector(`[data-index="${replayAt - 1}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [replayAt, virtual, virtualizer]);

  if (failure) return <p className="error-box">Could not load the trace: {failure}</p>;
  if (!loaded) return <p className="muted">Loading the trace…</p>;
  const { run } = loaded;
  if (!run) return <p className="error-box" data-testid="trace-missing">This run is not in the database any more.</p>;

  const stepMatch = (direction: 1 | -1) => matches.length && setMatchIndex((index) => (index + direction + matches.length) % matches.length);
  const eventClass = (index: number) => (index === currentMatch ? 'search-current' : matchSet.has(index) ? 'search-match' : undefined);

  return (
    <div className={compact ? 'trace-viewer compact' : 'trace-viewer'} data-testid="trace-viewer" data-run-id={run.id} data-task-id={run.taskId} data-harness-hash={run.harnessHash}>
      {caption && <p className="trace-caption">{caption}</p>}
      <header className="trace-header">
        <div>
          <h3>
            {taskTitle(run.taskId)} <OutcomeBadge outcome={run.status === 'done' ? run.outcome : undefined} testId="trace-outcome" />
          </h3>
          {run.reason && (
            <p className="reason" data-testid="trace-reason">
              {run.reason}
            </p>
          )}
          <p className="muted">
            {formatTime(run.startedAt)} · model <span title={run.modelId}>{run.modelId}</span> · harness <code title={run.harnessHash}>{shortHash(run.harnessHash)}</code> · {plural(run.steps, 'step')} ·{' '}
            {formatTokens(run.usage)} tokens · {formatDuration(run.durationMs)}
          </p>
        </div>
        <div className="trace-header-actions">
          <a className="small-link" href={`#/run/trace/${encodeURIComponent(run.id)}`} data-testid="trace-link" title="A link to this trace">
            Link
          </a>
          <button type="button" className="small" onClick={onClose} data-testid="trace-close">
            Close
          </button>
        </div>
      </header>

      {run.kind === 'rollout' ? (
        <p className="muted" data-testid="trace-rollout-note">
          An evolution rollout (attempt {run.attempt}). Its verifier output is not kept, so that no proposer can ever learn it; the outcome above is what the gate counted.
        </p>
      ) : (
        !compact && <VerifierBox verifier={run.verifier} />
      )}

      <div className="trace-toolbar">
        <h3>Agent steps</h3>
        <div className="trace-tools">
          <label className="trace-search">
            <span className="visually-hidden">Search in this trace</span>
            <input
              type="search"
              placeholder="Search commands, output, messages…"
              value={query}
              onChange={(event) => {
                setQuery(event.target.value);
                setMatchIndex(0);
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter') stepMatch(event.shiftKey ? -1 : 1);
              }}
              data-testid="trace-search"
            />
          </label>
          {needle && (
            <span className="status-text" data-testid="trace-search-count">
              {matches.length ? `${Math.min(matchIndex, matches.length - 1) + 1} of ${matches.length}` : 'no match'}
            </span>
          )}
          <button type="button" className="small" disabled={!matches.length} onClick={() => stepMatch(-1)} aria-label="previous match">
            ↑
          </button>
          <button type="button" className="small" disabled={!matches.length} onClick={() => stepMatch(1)} aria-label="next match" data-testid="trace-search-next">
            ↓
          </button>
          <label className="inline-check">
            <input type="checkbox" checked={showRequests} onChange={(event) => setShowRequests(event.target.checked)} />
            Show model requests
          </label>
        </div>
      </div>

      <div className="trace-replay" data-testid="trace-replay">
        {replayAt === undefined ? (
          <button type="button" className="small" disabled={!visible.length || running} onClick={() => setReplayAt(1)} data-testid="trace-replay-start" title="Step through the run as it happened, from the stored events: no model is called">
            Replay step by step
          </button>
        ) : (
          <>
            <button type="button" className="small" onClick={() => setReplayAt((at) => Math.max(1, (at ?? 1) - 1))} aria-label="previous event">
              ◀
            </button>
            <button type="button" className="small" onClick={() => setPlaying((value) => !value)} data-testid="trace-replay-play">
              {playing ? 'Pause' : 'Play'}
            </button>
            <button type="button" className="small" onClick={() => setReplayAt((at) => Math.min(visible.length, (at ?? 0) + 1))} aria-label="next event" data-testid="trace-replay-next">
              ▶
            </button>
            <input type="range" min={1} max={visible.length} value={replayAt} onChange={(event) => setReplayAt(Number(event.target.value))} aria-label="replay position" />
            <span className="status-text" data-testid="trace-replay-position">
              event {replayAt} of {visible.length}
            </span>
            <button
              type="button"
              className="small"
              onClick={() => {
                setPlaying(false);
                setReplayAt(undefined);
              }}
            >
              Show all
            </button>
          </>
        )}
      </div>

      {shown.length ? (
        <div className={virtual ? 'trace-scroll virtual' : 'trace-scroll'} ref={scroller} data-testid="trace-scroll" data-virtual={virtual} data-event-count={shown.length}>
          {virtual ? (
            <ol className="trace-events" data-testid="trace-events" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => (
                <TraceEventView
                  key={shown[item.index].seq}
                  event={shown[item.index]}
                  index={item.index}
                  className={eventClass(item.index)}
                  measureRef={virtualizer.measureElement}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
                />
              ))}
            </ol>
          ) : (
            <ol className="trace-events" data-testid="trace-events">
              {shown.map((event, index) => (
                <TraceEventView key={event.seq} event={event} index={index} className={eventClass(index)} />
              ))}
            </ol>
          )}
        </div>
      ) : (
        <p className="muted">No events were recorded for this run.</p>
      )}
      {running && <p className="muted">This run is still going; new steps appear as they happen.</p>}
    </div>
  );
}
