import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleModel } from '../../src/core/model/openai-compatible.js';
import { describeToolCallingProbe, probeToolCalling } from '../../src/core/model/probe-tool-calling.js';
import { loadRecordedExchanges, type ReplayServer, startReplayServer } from '../fixtures/recorded-llama-server.js';

/**
 * "Test connection" on the Models page runs the tool-calling probe after the model list and says whether native tool
 * calls work, with the protocol to use. Against recorded llama-server answers: a template that drops `tools`
 * silently, one that calls the tool, and a server started without `--jinja`.
 */
let replay: ReplayServer;
beforeAll(async () => {
  replay = await startReplayServer(loadRecordedExchanges(), {
    'drops-tools': () => 'tools-dropped',
    'calls-tools': () => 'tool-call',
    'no-jinja': () => 'tools-without-jinja',
  });
});
afterAll(() => replay.close());

const probeOf = (route: string, actionProtocol: 'native_tools' | 'json_action' = 'native_tools') =>
  probeToolCalling(new OpenAICompatibleModel({ baseUrl: replay.urlFor(route), model: 'SmolLM2-135M-Instruct.Q4_1.gguf', actionProtocol }));

describe('Test connection: do native tool calls work?', () => {
  it('an endpoint that drops tools: no native tool calls, and json_action is recommended', async () => {
    const said = describeToolCallingProbe(await probeOf('drops-tools'), 'native_tools');
    expect(said.status).toBe('unsupported');
    expect(said.text).toMatch(/^No native tool calls: the endpoint returned no native tool call when one was required/);
    expect(said.text).toMatch(/Recommended: set the action protocol to json_action/);
  });

  it('a server without --jinja: says so, with the server\'s own message', async () => {
    const said = describeToolCallingProbe(await probeOf('no-jinja'), 'native_tools');
    expect(said.status).toBe('unsupported');
    expect(said.text).toMatch(/--jinja/);
    expect(said.text).toMatch(/Recommended: set the action protocol to json_action/);
  });

  it('an endpoint that calls the tool: native tool calls work, even when the profile uses json_action (the probe asks natively)', async () => {
    expect(describeToolCallingProbe(await probeOf('calls-tools'), 'native_tools')).toEqual({ status: 'supported', text: expect.stringMatching(/^Native tool calls work \(the probe called \w+\)\. The native_tools protocol will work\.$/) });
    const fromJson = describeToolCallingProbe(await probeOf('calls-tools', 'json_action'), 'json_action');
    expect(fromJson).toMatchObject({ status: 'supported', text: expect.stringMatching(/native_tools would work too/) });
    expect(replay.received.get('calls-tools')?.every((body) => Array.isArray(body.tools))).toBe(true);
  });
});
