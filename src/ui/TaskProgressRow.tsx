import type { AgentEvent } from '../core/agent/events.js';
import type { TaskProgress } from '../store/run-batch.js';
import { formatDuration, plural } from './format.js';
import { OutcomeBadge } from './OutcomeBadge.js';
import { ProgressBar } from './ProgressBar.js';

const EVENT_ACTIVITY: Partial<Record<AgentEvent['type'], string>> = {
  'run-start': 'starting',
  'model-request': 'waiting for the model',
  'model-response': 'model answered',
  'tool-call': 'running a tool',
  'tool-result': 'tool done',
  'format-error': 'malformed answer',
  'model-error': 'model error, retrying',
  'policy-intervention': 'policy stepped in',
  'hook-result': 'hook ran',
  'run-end': 'verifying',
};

function statusText(item: TaskProgress, stopped: boolean): string {
  if (item.status === 'queued') return stopped ? 'skipped (stopped)' : 'queued';
  if (item.status === 'running') {
    const activity = item.lastEvent ? EVENT_ACTIVITY[item.lastEvent] : undefined;
    return `running · step ${item.step}${activity ? ` · ${activity}` : ''}`;
  }
  return `done in ${formatDuration(item.result?.durationMs)} · ${plural(item.result?.steps ?? 0, 'step')}`;
}

/** One task of the current batch: progress bar, what it is doing, and its outcome when done. */
export function TaskProgressRow({ item, title, stopped }: { item: TaskProgress; title: string; stopped: boolean }) {
  const outcome = item.result?.outcome;
  const tone = item.status === 'done' ? (outcome === 'pass' ? 'pass' : 'fail') : item.status === 'queued' ? 'idle' : 'active';
  return (
    <li className="progress-row" data-testid="task-progress" data-task-id={item.taskId} data-status={item.status} data-outcome={outcome ?? ''} data-ran-in={item.result?.ranIn ?? ''}>
      <div className="progress-row-head">
        <span className="task-title">{title}</span>
        <span className="status-text" data-testid="task-progress-status">
          {statusText(item, stopped)}
        </span>
        {item.status === 'done' && <OutcomeBadge outcome={outcome} testId="task-progress-outcome" />}
      </div>
      <ProgressBar value={item.fraction} label={`Progress of ${title}`} tone={tone} />
      {item.result && (
        <p className="reason" data-testid="task-progress-reason">
          {item.result.reason}
        </p>
      )}
    </li>
  );
}
