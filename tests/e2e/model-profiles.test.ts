import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPLIT_RATIOS, splitTasks } from '../../src/core/evolve/splits.js';
import { builtinSuite } from '../../src/core/tasks/builtin/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import { type ChatRequest, type ScriptedOpenAIServer, type ScriptedReply, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, RESULTS_DIR, saveOpenAIModel, type StudioUnderTest, startStudio, textOf } from './support.js';

/**
 * Two OpenAI-compatible profiles on two endpoints: one is the agent, the other the proposer, and each server gets
 * only the requests meant for it. Test connection lists an endpoint's models and explains a dead one. Moving the
 * agent's server to another port and editing its profile keeps the evolution resumable without re-running what it
 * ran; deleting the proposer's profile makes the resume say so and let the user pick another.
 */

const chosen: Task[] = builtinSuite.tasks.filter((task) => task.solution).slice(0, 4);
// One held-in task of each evolution's split (seeds 1 and 2) fails until the harness says to double-check.
const weakOn = new Set([1, 2].map((seed) => splitTasks(chosen, DEFAULT_SPLIT_RATIOS, seed).heldIn[0]));
const GOOD_RULE = 'Double-check the result with a command before you finish.';

const systemText = (request: ChatRequest) => request.messages.find((message) => message.role === 'system')?.content ?? '';
const userText = (request: ChatRequest) => request.messages.filter((message) => message.role === 'user').map((message) => message.content ?? '').join('\n');
const isAgentRequest = (request: ChatRequest) => Boolean(request.tools?.length);

let agentDelayMs = 0;

/** Every server answers both roles, so that only the profiles decide which server hears which role. */
function reply(request: ChatRequest, turn: number): ScriptedReply {
  if (isAgentRequest(request)) {
    const system = systemText(request);
    const task = chosen.find((candidate) => system.includes(candidate.instruction.slice(0, 80)));
    if (!task || (weakOn.has(task.id) && !system.includes(GOOD_RULE))) return { toolCalls: [{ name: 'finish', args: { summary: 'done' } }], delayMs: agentDelayMs };
    const steps: ScriptedReply[] = [
      { toolCalls: [{ name: 'write_file', args: { path: '/tmp/solve.sh', content: task.solution } }] },
      { toolCalls: [{ name: 'shell', args: { command: 'bash /tmp/solve.sh' } }] },
      { toolCalls: [{ name: 'finish', args: { summary: 'solved' } }] },
    ];
    return { ...steps[Math.min(turn, steps.length - 1)], delayMs: agentDelayMs };
  }
  if (systemText(request).includes('find its recurring failure patterns')) {
    const failed = [...new Set([...userText(request).matchAll(/### task (\S+)/g)].map((match) => match[1]))];
    return { text: JSON.stringify({ weaknesses: [{ id: 'gives-up', category: 'missing_verification', title: 'Finishes without checking', description: 'declares done at once', evidenceTaskIds: failed, impact: 4 }] }) };
  }
  return { text: JSON.stringify({ candidates: [{ edits: [{ op: 'add_rule', ruleId: 'double-check', text: GOOD_RULE }], rationale: 'check before finishing', predictedFlips: [...weakOn] }] }) };
}

let studio: StudioUnderTest | undefined;
let agentServer: ScriptedOpenAIServer | undefined;
let movedAgentServer: ScriptedOpenAIServer | undefined;
let proposerServer: ScriptedOpenAIServer | undefined;
let deadUrl = '';

beforeAll(async () => {
  agentServer = await startScriptedOpenAIServer(reply, { models: ['agent-model', 'spare-model'] });
  proposerServer = await startScriptedOpenAIServer(reply, { models: ['proposer-model'] });
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/v1`;
  await new Promise((resolve) => dead.close(resolve));
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await agentServer?.close();
  await movedAgentServer?.close();
  await proposerServer?.close();
});

/** The tool-calling probe (Test connection, an evolution's start): one request with a `finish` tool, no task. */
const isProbe = (request: ChatRequest) => systemText(request).startsWith('You are testing a tool');

/** The first request of each rollout says which harness ran which task: its system prompt and instruction. */
const rolloutStarts = (server: ScriptedOpenAIServer) =>
  server.requests
    .filter((request) => isAgentRequest(request) && !isProbe(request) && !request.messages.some((message) => message.role === 'assistant'))
    .map((request) => JSON.stringify(request.messages.slice(0, 2)));

const profileId = (page: Page, name: string) => page.locator(`[data-testid="profile-row"][data-profile-name="${name}"]`).getAttribute('data-profile-id');
const rolloutCount = async (page: Page) => Number(/(\d+) rollouts/.exec((await page.getByTestId('evolution-view').textContent()) ?? '')?.[1]);

async function startEvolution(page: Page, options: { attempts: number; seed: number }) {
  await page.getByTestId('tab-evolve').click();
  await expect.poll(() => page.getByTestId('evolve-suite').textContent()).toBe('4 selected tasks');
  await page.getByTestId('evolve-agent').selectOption({ label: 'Agent A — OpenAI-compatible' });
  await page.getByTestId('evolve-proposer').selectOption({ label: 'Proposer B — OpenAI-compatible' });
  await page.getByTestId('evolve-attempts').fill(String(options.attempts));
  await page.getByTestId('evolve-seed').fill(String(options.seed));
  await page.getByTestId('evolve-iterations').fill('1');
  await page.getByTestId('evolve-start').click();
}

async function pauseAfterRollouts(page: Page, atLeast: number): Promise<number> {
  await page.waitForFunction((count) => {
    const match = /(\d+)\/\d+ rollouts/.exec(document.querySelector('[data-testid="evolve-live"]')?.textContent ?? '');
    return match !== null && Number(match[1]) >= count;
  }, atLeast);
  await page.getByTestId('evolve-pause').click();
  await page.locator('[data-testid="evolution-view"][data-status="paused"]').waitFor();
  return rolloutCount(page);
}

describe('saved model profiles', () => {
  it('tests connections, keeps two OpenAI-compatible profiles apart as agent and proposer, and resumes after the agent moved', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);

    // Test connection on a dead endpoint: an error with its kind, naming the URL.
    await page.getByTestId('provider-openai').check();
    await page.getByTestId('model-base-url').fill(deadUrl);
    await page.getByTestId('model-name').fill('agent-model');
    await page.getByTestId('model-test-connection').click();
    const result = page.getByTestId('connection-result');
    await page.locator('[data-testid="connection-result"][data-state="error"]').waitFor();
    // A cross-origin-isolated page cannot tell a dead port from a CORS refusal, and says so.
    expect(await result.getAttribute('data-kind')).toBe('unreachable_or_cors');
    expect(await textOf(page, '[data-testid="connection-error"]')).toContain(`${deadUrl}/models`);

    // On the live endpoint: its models, the configured one marked.
    await page.getByTestId('model-base-url').fill(agentServer!.baseUrl);
    await expect.poll(() => page.getByTestId('connection-result').count()).toBe(0);
    await page.getByTestId('model-test-connection').click();
    await page.locator('[data-testid="connection-result"][data-state="ok"]').waitFor();
    expect(await page.locator('[data-testid="connection-model"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-model-id')))).toEqual(['agent-model', 'spare-model']);
    expect(await page.locator('[data-testid="connection-model"][data-configured="true"]').getAttribute('data-model-id')).toBe('agent-model');
    expect(await page.getByTestId('connection-configured').getAttribute('data-listed')).toBe('true');
    expect(agentServer!.modelListRequests).toHaveLength(1);
    // One probe request shows that this endpoint answers with native tool calls.
    await page.locator('[data-testid="connection-tool-calling"][data-status="supported"]').waitFor();
    expect(await textOf(page, '[data-testid="connection-tool-calling"]')).toBe('Native tool calls work (the probe called finish). The native_tools protocol will work.');
    expect(agentServer!.requests.filter(isProbe)).toHaveLength(1);
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.getByTestId('model-panel').screenshot({ path: join(RESULTS_DIR, 'e2e-model-profiles-test-connection.png') });

    await saveOpenAIModel(page, agentServer!.baseUrl, 'agent-model', { name: 'Agent A' });

    // A second profile of the same provider, on another endpoint; a name already taken is refused first.
    await page.getByTestId('profile-new').click();
    await page.getByTestId('model-base-url').fill(proposerServer!.baseUrl);
    await page.getByTestId('model-name').fill('proposer-model');
    await page.getByTestId('model-profile-name').fill(' agent a ');
    await page.getByTestId('model-save').click();
    expect(await textOf(page, '[data-testid="model-errors"]')).toContain('another profile is already named "Agent A"');
    await saveOpenAIModel(page, proposerServer!.baseUrl, 'proposer-model', { name: 'Proposer B' });
    expect(await page.locator('[data-testid="profile-row"]').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-profile-name'), row.getAttribute('data-active')]))).toEqual([
      ['Agent A', 'false'],
      ['Proposer B', 'true'],
    ]);

    await page.getByTestId('tasks-select-none').click();
    for (const task of chosen) await page.getByTestId(`task-checkbox-${task.id}`).check();

    // Agent on server A, proposer on server B; pause once it has run a few rollouts.
    agentDelayMs = 150;
    await startEvolution(page, { attempts: 1, seed: 1 });
    const rolloutsAtPause = await pauseAfterRollouts(page, 2);
    expect(rolloutsAtPause).toBeGreaterThanOrEqual(2);

    // The agent's server moves to another port; the user edits that profile's URL.
    const startsBeforeMove = rolloutStarts(agentServer!);
    movedAgentServer = await startScriptedOpenAIServer(reply, { models: ['agent-model'] });
    await agentServer!.close();
    agentDelayMs = 0;
    await page.getByTestId('tab-run').click();
    await page.locator('[data-testid="profile-row"][data-profile-name="Agent A"] [data-testid="profile-edit"]').click();
    expect(await textOf(page, '[data-testid="model-form-heading"]')).toBe('Editing “Agent A”');
    await page.getByTestId('model-base-url').fill(movedAgentServer.baseUrl);
    await page.getByTestId('model-save').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')?.textContent?.includes('Saved'));
    expect(await textOf(page, '[data-testid="model-status"]')).toBe('Saved “Agent A”. Runs still use “Proposer B”.');

    // Resume finds the profile by id, says the endpoint moved, and finishes.
    await page.getByTestId('tab-evolve').click();
    await page.locator('[data-testid="evolution-view"][data-status="paused"]').waitFor();
    await page.getByTestId('evolve-resume').click();
    await page.locator('[data-testid="evolution-view"][data-status="done"]').waitFor({ timeout: 120_000 });
    expect(await textOf(page, '[data-testid="evolve-notice"]')).toContain(`“Agent A” now points at ${movedAgentServer.baseUrl}`);
    expect(await page.getByTestId('accepted-edit').textContent()).toContain('double-check');

    // Each server heard only its role, under its own model name.
    const proposerRequests = proposerServer!.requests;
    expect(proposerRequests.length).toBeGreaterThanOrEqual(2);
    expect(proposerRequests.every((request) => !isAgentRequest(request) && request.model === 'proposer-model')).toBe(true);
    for (const server of [agentServer!, movedAgentServer]) {
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests.every((request) => isAgentRequest(request) && request.model === 'agent-model')).toBe(true);
    }
    // Nothing finished before the move ran again after it: every rollout the evolution used ran once, and at most the
    // ones the pause cut short (one per episode running at once) ran twice. (Matching first requests would not tell:
    // the gate's fresh parent attempts k+1…2k send the same first request as attempts 1…k.)
    const startsAfterMove = rolloutStarts(movedAgentServer);
    const rolloutsUsed = await rolloutCount(page);
    await page.getByTestId('tab-run').click();
    const episodesAtOnce = Number(await page.getByTestId('pool-size').inputValue());
    expect(episodesAtOnce).toBeGreaterThanOrEqual(1);
    expect(startsBeforeMove.length + startsAfterMove.length).toBeLessThanOrEqual(rolloutsUsed + episodesAtOnce);
    await page.getByTestId('tab-evolve').click();
    expect(startsBeforeMove.length).toBeGreaterThanOrEqual(rolloutsAtPause);
    await page.getByTestId('evolve-config').screenshot({ path: join(RESULTS_DIR, 'e2e-model-profiles-evolve.png') });
  }, 240_000);

  it('when the proposer profile of a paused evolution was deleted, says which and resumes with another choice', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await page.getByTestId('tasks-select-none').click();
    for (const task of chosen) await page.getByTestId(`task-checkbox-${task.id}`).check();
    agentDelayMs = 150;
    // Three attempts: the first test cached attempts 1 and 2 (its fresh parent attempts) of the base harness, and this
    // one must be paused while it still evaluates, before anything is mined.
    await startEvolution(page, { attempts: 3, seed: 2 });
    await pauseAfterRollouts(page, 1);
    agentDelayMs = 0;

    await page.getByTestId('tab-run').click();
    const proposerId = await profileId(page, 'Proposer B');
    const agentId = await profileId(page, 'Agent A');
    await page.locator(`[data-testid="profile-row"][data-profile-id="${proposerId}"] [data-testid="profile-delete"]`).click();
    await page.getByTestId('profile-delete-confirm').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')?.textContent?.includes('Deleted'));
    expect(await textOf(page, '[data-testid="model-status"]')).toBe('Deleted “Proposer B”. Runs now use “Agent A”.');
    expect(await page.locator('[data-testid="profile-row"]').count()).toBe(1);

    await page.getByTestId('tab-evolve').click();
    await page.locator('[data-testid="evolution-view"][data-status="paused"]').waitFor();
    const proposerBefore = proposerServer!.requests.length;
    await page.getByTestId('evolve-resume').click();
    await page.getByTestId('resume-chooser').waitFor();
    expect(await textOf(page, '[data-testid="resume-problems"]')).toBe('The proposer profile “Proposer B” this evolution ran with was deleted. Choose another proposer (or let the agent propose).');
    expect(await page.getByTestId('resume-agent').inputValue()).toBe(agentId);
    await page.getByTestId('resume-chooser').screenshot({ path: join(RESULTS_DIR, 'e2e-model-profiles-resume-chooser.png') });
    await page.getByTestId('resume-proposer').selectOption('');
    await page.getByTestId('resume-with-choice').click();
    await page.locator('[data-testid="evolution-view"][data-status="done"]').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('resume-chooser').count()).toBe(0);
    // The deleted proposer's server heard nothing more; the agent proposed.
    expect(proposerServer!.requests.length).toBe(proposerBefore);
    expect(movedAgentServer!.requests.some((request) => !isAgentRequest(request))).toBe(true);
    // Choosing the proposer is an accepted change, and the report says so.
    expect(await textOf(page, '[data-testid="report-gate"]')).toContain('The proposer changed at iteration 1.');
  }, 240_000);
});
