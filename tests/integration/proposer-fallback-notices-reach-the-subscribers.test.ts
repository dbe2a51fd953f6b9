import { describe, expect, it } from 'vitest';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import type { EvolutionEvent } from '../../src/core/evolve/events.js';
import { describeEvolutionEvent } from '../../src/core/evolve/progress.js';
import { DEFAULT_EVOLUTION_CONFIG, MemoryEvolutionStore } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import type { ChatModel, ModelRequest, ModelStreamPart } from '../../src/core/model/types.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { agentTurn, proposerTurn, tasks } from '../fixtures/tiny-world.js';

/**
 * How the proposer's endpoint served mining and proposal calls — a schema it refused and the fallback it got instead —
 * reaches every subscriber of the loop as a `notice` event: the CLI prints it, the Evolve page lists it. And every
 * mining and proposal request carries the evolution's answer caps.
 */

/** The tiny world's proposer behind a server that refuses `json_schema`, as OpenAICompatibleModel reports it. */
class FallbackProposer implements ChatModel {
  readonly id = 'scripted:proposer';
  readonly provider = 'scripted';
  readonly actionProtocol = 'json_action' as const;
  readonly inner = new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer', 'json_action');
  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    yield { type: 'notice', message: 'the server refused response_format json_schema (400: unsupported); asked again with json_object' };
    yield* this.inner.stream(request, signal);
  }
}

describe('proposer notices', () => {
  it('become notice events the CLI printer and the page show; mining and proposal requests carry the configured caps', async () => {
    const store = new MemoryEvolutionStore();
    const proposer = new FallbackProposer();
    const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: '', agentModelId: 'a', proposerModelId: 'p', miningMaxAnswerTokens: 700, proposalMaxAnswerTokens: 900 };
    const agent = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
    await createEvolution(store, { id: 'notices', config, baseHarness: createDefaultHarness(), tasks, agentModel: agent, proposerModel: proposer });
    const events: EvolutionEvent[] = [];
    await runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, createSandbox: async () => new JustBashSandbox(), onEvent: (event) => void events.push(event) });

    const notices = events.filter((event) => event.type === 'notice').map(describeEvolutionEvent);
    expect(notices).toContain('weakness mining: the server refused response_format json_schema (400: unsupported); asked again with json_object');
    expect(notices.some((line) => /^proposal for no-check: the server refused response_format json_schema/.test(line ?? ''))).toBe(true);

    const mining = proposer.inner.calls.filter((request) => request.messages[0].content.includes('find its recurring failure patterns'));
    const proposals = proposer.inner.calls.filter((request) => request.messages[0].content.includes('You improve the harness'));
    expect(mining.length).toBeGreaterThan(0);
    expect(proposals.length).toBeGreaterThan(0);
    expect(mining.every((request) => request.maxOutputTokens === 700)).toBe(true);
    expect(proposals.every((request) => request.maxOutputTokens === 900)).toBe(true);
  }, 60_000);
});
