import { describe, expect, it } from 'vitest';
import { OpenAICompatibleModel } from '../../src/core/model/openai-compatible.js';
import { collectResponse } from '../../src/core/model/types.js';

/**
 * Issue 11: the stream parser re-split its whole buffer on every chunk, so one 3.4 MB answer in 1 KB chunks took 7 s
 * (in the page, on the main thread). A 10 MB answer took over a minute that way; parsed linearly it takes a fraction
 * of a second, far inside this test's time limit.
 */
function streamOf(body: string, chunkSize: number): Response {
  const bytes = new TextEncoder().encode(body);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
}

const modelServing = (body: string) =>
  new OpenAICompatibleModel({ baseUrl: 'http://server.test/v1', model: 'm', fetch: async () => streamOf(body, 1024) });

describe('a large answer in small chunks', () => {
  it('parses one 10 MB event sent in 1 KB chunks', { timeout: 10_000 }, async () => {
    const content = 'é'.repeat(2_500_000) + 'x'.repeat(5_000_000);
    const body = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: 'length' }] })}\n\ndata: [DONE]\n\n`;
    const response = await collectResponse(modelServing(body), { messages: [{ role: 'user', content: 'go' }], tools: [], maxOutputTokens: 16 });
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    // Multi-byte characters split across chunks arrive whole.
    expect(response.text.length).toBe(content.length);
    expect(response.text === content).toBe(true);
    expect(response.finishReason).toBe('length');
  });

  it('parses 50,000 token events sent in 1 KB chunks', { timeout: 10_000 }, async () => {
    const body = `${`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'ab' } }] })}\n\n`.repeat(50_000)}data: [DONE]\n\n`;
    const response = await collectResponse(modelServing(body), { messages: [{ role: 'user', content: 'go' }], tools: [] });
    expect(response.ok && response.text.length).toBe(100_000);
  });
});
