import type { CSSProperties } from 'react';
import type { AgentEvent } from '../core/agent/events.js';
import { formatDuration, formatTokens, plural } from './format.js';

/** Arguments as a person reads them: a shell command or file content verbatim, anything else as JSON. */
function ToolArgs({ tool, args }: { tool: string; args: Record<string, unknown> }) {
  if (tool === 'shell' && typeof args.command === 'string') return <pre className="command">$ {args.command}</pre>;
  if (tool === 'write_file' && typeof args.path === 'string') {
    return (
      <>
        <p>
          path <code>{args.path}</code>
        </p>
        <pre className="output">{typeof args.content === 'string' ? args.content : JSON.stringify(args.content)}</pre>
      </>
    );
  }
  if (tool === 'read_file' && typeof args.path === 'string') return <p>path <code>{args.path}</code></p>;
  return <pre className="output">{JSON.stringify(args, null, 2)}</pre>;
}

function EventBody({ event }: { event: AgentEvent }) {
  switch (event.type) {
    case 'run-start':
      return (
        <>
          <strong>Run started</strong> <span className="muted">task {event.taskId}</span>
          <details>
            <summary>System prompt the model received</summary>
            <pre className="prompt">{event.systemPrompt}</pre>
          </details>
        </>
      );
    case 'model-request':
      return <span className="muted">Asked the model ({event.messageCount} messages so far)</span>;
    case 'model-response':
      return (
        <>
          <strong>Model</strong>{' '}
          <span className="muted">
            {formatDuration(event.durationMs)} · {formatTokens(event.usage)} tokens
            {event.toolCalls.length ? ` · ${plural(event.toolCalls.length, 'tool call')}` : ''}
            {event.finishReason === 'length' || event.finishReason === 'max_tokens' ? ' · cut off at the token limit' : ''}
          </span>
          {event.notices?.map((notice) => (
            <p key={notice} className="notice notice-warn" data-testid="model-notice">
              {notice}
            </p>
          ))}
          {event.text ? <pre className="model-text">{event.text}</pre> : <p className="muted">(no text)</p>}
        </>
      );
    case 'model-error':
      return (
        <>
          <strong>Model error</strong>{' '}
          <span className="muted">
            {event.error.kind}
            {event.error.status ? ` · HTTP ${event.error.status}` : ''}
            {event.error.retryable ? ' · transient, retried' : ''}
            {event.usage ? ` · ${formatTokens(event.usage)} tokens` : ''}
          </span>
          <pre className="output">{event.error.message}</pre>
          {event.partialText ? (
            <>
              <p className="muted">Partial answer before the call ended:</p>
              <pre className="model-text">{event.partialText}</pre>
            </>
          ) : null}
        </>
      );
    case 'format-error':
      return (
        <>
          <strong>Format error</strong> <span className="muted">#{event.consecutive} in a row</span>
          <p>{event.message}</p>
          <pre className="output">{event.rawText || '(empty answer)'}</pre>
        </>
      );
    case 'tool-call':
      return (
        <>
          <strong>Tool call</strong> <code data-testid="trace-tool-name">{event.tool}</code>
          <ToolArgs tool={event.tool} args={event.args} />
        </>
      );
    case 'tool-result':
      return (
        <>
          <strong>Tool result</strong> <code>{event.tool}</code>{' '}
          <span className={event.ok ? 'ok-text' : 'error-text'}>{event.ok ? 'ok' : 'failed'}</span>
          <span className="muted">
            {event.exitCode !== undefined ? ` · exit ${event.exitCode}` : ''} · {formatDuration(event.durationMs)}
            {event.truncated ? ' · truncated' : ''}
          </span>
          <pre className="output" data-testid="trace-tool-output">{event.output || '(no output)'}</pre>
        </>
      );
    case 'policy-intervention':
      return (
        <>
          <strong>Policy</strong> <code>{event.policy}</code> <span className="muted">{event.action.replaceAll('_', ' ')}</span>
          <p>{event.message}</p>
        </>
      );
    case 'hook-result':
      return (
        <>
          <strong>Hook</strong> <code>{event.hookId}</code> <span className="muted">{event.at} · {event.processor} · {event.ok ? 'ok' : 'failed'}</span>
          {event.message && <pre className="output">{event.message}</pre>}
        </>
      );
    case 'run-end':
      return (
        <>
          <strong>Run ended</strong>: <span className="badge badge-neutral" data-testid="trace-end-reason">{event.reason}</span>
          <p>{event.message}</p>
          <p className="muted">
            {plural(event.steps, 'step')} · {plural(event.toolCalls, 'tool call')} · {plural(event.formatErrors, 'format error')} · {formatTokens(event.usage)} tokens · {formatDuration(event.durationMs)}
          </p>
        </>
      );
  }
}

const HIGHLIGHTED = new Set<AgentEvent['type']>(['model-error', 'format-error', 'policy-intervention']);

interface ViewProps {
  event: AgentEvent;
  /** Position in the shown list (the virtual list measures items by it). */
  index?: number;
  className?: string;
  measureRef?: (element: Element | null) => void;
  style?: CSSProperties;
}

/** One event of a trace, styled by kind; errors and interventions stand out. */
export function TraceEventView({ event, index, className, measureRef, style }: ViewProps) {
  const step = 'step' in event ? event.step : undefined;
  return (
    <li
      ref={measureRef}
      data-index={index}
      style={style}
      className={`trace-event event-${event.type}${HIGHLIGHTED.has(event.type) ? ' highlighted' : ''}${className ? ` ${className}` : ''}`}
      data-testid="trace-event"
      data-type={event.type}
    >
      <span className="trace-step">{step !== undefined ? `step ${step}` : ''}</span>
      <div className="trace-body">
        <EventBody event={event} />
      </div>
    </li>
  );
}
