// B8's model time, read from a stored trace. Pure, so a unit test pins how cut-off and retried calls count.

/** What B8 reads of each stored trace event. */
export interface StoredEvent {
  runId: string;
  seq: number;
  type: string;
  timestamp: number;
  durationMs?: number;
}

/**
 * Time spent in model calls: from each `model-request` to the last `model-response` or `model-error` that follows it
 * (retries and their waits included). A call cut off by the task's time limit ends with a `model-error`, not a
 * `model-response`, and is still the model's time.
 */
export function modelTime(events: readonly Pick<StoredEvent, 'type' | 'timestamp'>[]): number {
  let total = 0;
  let requestedAt: number | undefined;
  let answeredAt: number | undefined;
  for (const event of events) {
    if (event.type === 'model-response' || event.type === 'model-error') {
      if (requestedAt !== undefined) answeredAt = event.timestamp;
      continue;
    }
    if (requestedAt !== undefined && answeredAt !== undefined) total += answeredAt - requestedAt;
    requestedAt = event.type === 'model-request' ? event.timestamp : undefined;
    answeredAt = undefined;
  }
  if (requestedAt !== undefined && answeredAt !== undefined) total += answeredAt - requestedAt;
  return total;
}

