import { formatCount, LIMITS } from '../limits.js';
import type { ChatModel, ModelRequest, ModelStreamPart } from '../model/types.js';

/**
 * The model as the agent loop calls it, with a cap on how much one answer may stream (text and tool-call arguments
 * together). A server that streams without end — or a 200 MB answer — ends the call with a non-retryable error that
 * names the limit, instead of growing one string until the runtime throws "Invalid string length". The provider's
 * stream is closed (its fetch aborted) when the cap is reached.
 */
export function withAnswerLimit(model: ChatModel, maxChars: number = LIMITS.answerChars): ChatModel {
  return {
    id: model.id,
    provider: model.provider,
    actionProtocol: model.actionProtocol,
    stream: (request: ModelRequest, signal?: AbortSignal) => limitedStream(model, request, signal, maxChars),
  };
}

async function* limitedStream(model: ChatModel, request: ModelRequest, signal: AbortSignal | undefined, maxChars: number): AsyncGenerator<ModelStreamPart> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let received = 0;
  const iterator = model.stream(request, controller.signal)[Symbol.asyncIterator]();
  try {
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      const part = next.value;
      if (part.type === 'text-delta') received += part.text.length;
      else if (part.type === 'tool-call') received += part.call.argumentsText.length + part.call.name.length;
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
    signal?.removeEventListener('abort', onAbort);
    // Closes the provider's generator (and with it its fetch) when we stop early.
    void iterator.return?.(undefined)?.catch?.(() => undefined);
  }
}
