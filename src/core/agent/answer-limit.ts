import { formatCount, LIMITS } from '../limits.js';
import type { ChatModel, ModelRequest, ModelStreamPart } from '../model/types.js';

/**
 * The model as the agent loop calls it, held to two safety rules whatever the provider does:
 * - one answer may stream at most `maxChars` characters (text and tool-call arguments together): a server that
 *   streams without end — or a 200 MB answer — ends the call with a non-retryable error naming the limit, instead of
 *   growing one string until the runtime throws "Invalid string length";
 * - an aborted call (the user's stop, the task's time limit) ends within ABORT_GRACE_MS, even when the provider does
 *   not honour the signal (an in-page engine, a stream stuck in a read): the loop never waits on a stream that will
 *   not end, and a provider that does honour it still reports what the call cost.
 * The provider's stream is closed (its fetch aborted) when either happens.
 */
export function withAnswerLimit(model: ChatModel, maxChars: number = LIMITS.answerChars): ChatModel {
  return {
    id: model.id,
    provider: model.provider,
    actionProtocol: model.actionProtocol,
    stream: (request: ModelRequest, signal?: AbortSignal) => limitedStream(model, request, signal, maxChars),
  };
}

/** How long an aborted call may take to report what it cost before the loop stops waiting for it. */
const ABORT_GRACE_MS = 250;

async function* limitedStream(model: ChatModel, request: ModelRequest, signal: AbortSignal | undefined, maxChars: number): AsyncGenerator<ModelStreamPart> {
  const controller = new AbortController();
  let onAbort: () => void = () => undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => {
      controller.abort();
      // A provider that honours the abort closes with what the call cost (partial usage, its own error) at once; one
      // that does not gets this long, then the loop moves on without it.
      graceTimer = setTimeout(() => resolve('aborted'), ABORT_GRACE_MS);
    };
  });
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let received = 0;
  const iterator = model.stream(request, controller.signal)[Symbol.asyncIterator]();
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted') {
        yield { type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } };
        return;
      }
      if (next.done) return;
      const part = next.value;
      if (part.type === 'text-delta') received += part.text?.length ?? 0;
      else if (part.type === 'tool-call') received += (part.call.argumentsText?.length ?? 0) + (part.call.name?.length ?? 0);
      if (received > maxChars) {
        controller.abort();
        yield {
          type: 'error',
          error: { kind: 'bad_response', message: `the answer passed ${formatCount(maxChars)} characters (the limit of one answer) and was cut off`, retryable: false },
        };
        return;
      }
      yield part;
    }
  } finally {
    clearTimeout(graceTimer);
    signal?.removeEventListener('abort', onAbort);
    // Closes the provider's generator (and with it its fetch) when we stop early; never waited on, it may be stuck.
    void Promise.resolve(iterator.return?.(undefined)).catch(() => undefined);
  }
}
