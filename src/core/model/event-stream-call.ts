import { badResponse, redactError, redactSecrets } from './errors.js';
import { CallDeadline, type CallTimeouts } from './http.js';
import { ServerSentEventParser } from './server-sent-events.js';
import type { ModelError, ModelRequest, ModelStreamPart } from './types.js';

/*
 * What the providers that stream Server-Sent Events over HTTP (`openai-compatible`, `anthropic`) do the same way
 * around their own wire formats: secrets kept out of what they yield, the call's clock, a server that answers with
 * one JSON document instead of a stream, and the loop that reads the stream into the provider's accumulator.
 */

/**
 * Runs one call of a provider: under a `CallDeadline` made from the limits and the caller's signal (a call whose
 * signal has already stopped ends at once with that error; the timers are released however the call ends, a
 * consumer may stop early), and with every secret taken out of error and notice text (servers and proxies echo keys
 * back in error bodies; nothing the user or a trace sees may carry one).
 */
export async function* runStreamedCall(
  limits: { timeouts: CallTimeouts; signal: AbortSignal | undefined; secrets: readonly string[] },
  call: (deadline: CallDeadline) => AsyncIterable<ModelStreamPart>,
): AsyncGenerator<ModelStreamPart> {
  for await (const part of underDeadline(limits.timeouts, limits.signal, call)) {
    if (part.type === 'error') yield { type: 'error', error: redactError(part.error, limits.secrets) };
    else if (part.type === 'notice') yield { type: 'notice', message: redactSecrets(part.message, limits.secrets) };
    else yield part;
  }
}

async function* underDeadline(
  timeouts: CallTimeouts,
  signal: AbortSignal | undefined,
  call: (deadline: CallDeadline) => AsyncIterable<ModelStreamPart>,
): AsyncGenerator<ModelStreamPart> {
  const deadline = new CallDeadline(timeouts, signal);
  try {
    if (deadline.stopped) {
      yield { type: 'error', error: deadline.stoppedError() };
      return;
    }
    yield* call(deadline);
  } finally {
    deadline.dispose();
  }
}

/**
 * A response that came as one JSON document though a stream was asked for (a proxy or a local server that ignored
 * `stream: true`): its text, or the error reading it failed with. `undefined` when the response is an event stream.
 */
export async function readJsonInsteadOfStream(
  response: Response,
  deadline: CallDeadline,
): Promise<{ ok: true; text: string } | { ok: false; error: ModelError } | undefined> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!/json/i.test(contentType) || /event-stream/i.test(contentType)) return undefined;
  try {
    return { ok: true, text: await response.text() };
  } catch (error) {
    return { ok: false, error: deadline.failure(error, 'reading the response failed') };
  }
}

/** The JSON a whole (not streamed) response holds, or a `bad_response` error saying it is neither SSE nor JSON. */
export function parseWholeResponse(text: string): { ok: true; payload: unknown } | { ok: false; error: ModelError } {
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch {
    return { ok: false, error: badResponse(`response is neither SSE nor JSON: ${text.slice(0, 200)}`) };
  }
}

/** What a provider's accumulator offers the reading loop: it folds one parsed event into parts. */
export interface StreamAccumulator {
  /** Parts for one parsed event; an error part ends the response. */
  push(payload: unknown): ModelStreamPart[];
  /** The parts that end a call that failed after it started: what the answer had cost so far, then the error. */
  failure(request: ModelRequest, error: ModelError): ModelStreamPart[];
}

/**
 * How reading an event stream ended. `failed`: the closing parts (usage so far, then the error) were already yielded.
 * `no-events`: the body held no `data` line; `text` is what it held (up to 4 MB), for servers that send a JSON
 * completion under a wrong content-type.
 */
export type EventStreamEnd = { outcome: 'failed' } | { outcome: 'events' } | { outcome: 'no-events'; text: string };

const KEPT_TEXT_WITHOUT_EVENTS = 4_000_000;

/**
 * Reads a body of Server-Sent Events whose `data` payloads are JSON, folds each through the accumulator and yields
 * its parts as they come. A broken stream, an unparseable payload, an error part or a stopped deadline ends it with
 * the accumulator's failure parts. The provider yields the closing parts for the other ends.
 */
export async function* readJsonEventStream(
  body: ReadableStream<Uint8Array>,
  options: {
    request: ModelRequest;
    deadline: CallDeadline;
    accumulator: StreamAccumulator;
    /** True for a payload that ends the stream and is not JSON, e.g. OpenAI's `[DONE]`. */
    isEndMarker?: (data: string) => boolean;
    /** True once the accumulator has folded the event that ends the answer, e.g. Anthropic's `message_stop`. */
    answerEnded?: () => boolean;
  },
): AsyncGenerator<ModelStreamPart, EventStreamEnd> {
  const { request, deadline, accumulator } = options;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new ServerSentEventParser();
  // Kept only while no `data:` line has been seen.
  const textPieces: string[] = [];
  let textLength = 0;
  let finished = false;
  try {
    while (!finished) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        yield* accumulator.failure(request, deadline.failure(error, 'the stream broke off'));
        return { outcome: 'failed' };
      }
      deadline.activity();
      const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      if (!parser.sawData && textLength < KEPT_TEXT_WITHOUT_EVENTS) {
        textPieces.push(text);
        textLength += text.length;
      }
      const events = chunk.done ? [...parser.push(text), ...parser.end()] : parser.push(text);
      for (const data of events) {
        if (options.isEndMarker?.(data)) {
          finished = true;
          break;
        }
        let payload: unknown;
        try {
          payload = JSON.parse(data);
        } catch {
          yield* accumulator.failure(request, badResponse(`unparseable stream data: ${data.slice(0, 200)}`));
          return { outcome: 'failed' };
        }
        for (const part of accumulator.push(payload)) {
          if (part.type === 'error') {
            yield* accumulator.failure(request, part.error);
            return { outcome: 'failed' };
          }
          yield part;
        }
        if (options.answerEnded?.()) {
          finished = true;
          break;
        }
      }
      if (chunk.done) finished = true;
    }
  } finally {
    // Servers may hold the connection open after the answer's end; a consumer may also stop early. Cancelling also
    // tells llama.cpp's server to stop generating.
    reader.cancel().catch(() => {});
  }
  if (deadline.stopped) {
    yield* accumulator.failure(request, deadline.stoppedError());
    return { outcome: 'failed' };
  }
  return parser.sawData ? { outcome: 'events' } : { outcome: 'no-events', text: textPieces.join('') };
}
