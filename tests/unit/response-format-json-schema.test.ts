import { describe, expect, it } from 'vitest';
import { miningDecodingSchema } from '../../src/core/evolve/mining.js';
import { proposalDecodingSchema } from '../../src/core/evolve/proposal.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { isStrictSchema, OpenAICompatibleModel, responseFormat } from '../../src/core/model/openai-compatible.js';

/**
 * Issue 13: in json_action mode mining and proposal sent only `response_format: {type: "json_object"}` — the schema the
 * request carried was dropped. Sent whole, the same server on the same digests mined 3 of 3 times instead of failing.
 */
describe('the response schema on the wire', () => {
  it('goes out whole as json_schema, named by its title', () => {
    const schema = miningDecodingSchema(['a', 'b']);
    const body = new OpenAICompatibleModel({ baseUrl: 'http://x/v1', model: 'm', actionProtocol: 'native_tools' }).buildRequestBody({ messages: [{ role: 'user', content: 'mine' }], tools: [], responseSchema: schema, maxOutputTokens: 2048 });
    // Mining asks with no tools, so even a native_tools model sends the schema.
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'weaknesses', schema, strict: false } });
    expect(body.max_tokens).toBe(2048);
    expect((proposalDecodingSchema(createDefaultHarness(), 2, ['a']) as { title: string }).title).toBe('proposal');
  });

  it('claims strict only for schemas OpenAI\'s strict mode accepts', () => {
    const plain = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'integer' } } }, required: ['a', 'b'], additionalProperties: false };
    expect(isStrictSchema(plain)).toBe(true);
    expect(isStrictSchema({ ...plain, required: ['a'] })).toBe(false);
    expect(isStrictSchema({ ...plain, additionalProperties: undefined })).toBe(false);
    expect(isStrictSchema({ ...plain, properties: { ...plain.properties, a: { type: 'string', maxLength: 10 } } })).toBe(false);
    expect(isStrictSchema({ type: 'object', anyOf: [plain] })).toBe(false);
    expect(responseFormat(plain, 'json_schema')).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema: plain, strict: true } });
  });

  it('steps down to json_object and then to the prompt alone', () => {
    expect(responseFormat({ type: 'object' }, 'json_object')).toEqual({ type: 'json_object' });
    expect(responseFormat({ type: 'object' }, 'prompt_only')).toBeUndefined();
  });
});
