import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryEvolutionStore } from '../../src/cli/fs-evolution-store.js';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG } from '../../src/core/evolve/state.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { agentTurn, proposerTurn, tasks } from '../fixtures/tiny-world.js';
import { forwardConsole, type StudioUnderTest, startStudio } from './support.js';

/** An evolution run headless by the CLI (its --out folder) is imported into the app and read there. */
let studio: StudioUnderTest | undefined;
let outDir = '';

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'cli-evolution-'));
  const store = new DirectoryEvolutionStore(outDir);
  const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: 'tiny-hash', agentModelId: 'scripted:agent', proposerModelId: 'scripted:proposer' };
  const agentModel = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
  const proposerModel = new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer');
  await createEvolution(store, { id: 'evo-from-cli', config, baseHarness: createDefaultHarness(), tasks, agentModel, proposerModel });
  await runEvolution({
    store,
    tasks,
    agentModel,
    proposerModel,
    createSandbox: async () => new JustBashSandbox(),
  });
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
});

describe('importing a CLI evolution', () => {
  it('shows its versions, decisions and report, and keeps it after a reload', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    await page.goto(studio!.url);
    await page.getByTestId('tab-evolve').click();
    await page.getByTestId('import-evolution').setInputFiles(outDir);
    await page.locator('[data-testid="evolution-view"][data-status="done"]').waitFor();
    expect(await page.getByTestId('evolution-evo-from-cli').textContent()).toContain('done');
    expect(await page.getByTestId('accepted-edit').textContent()).toContain('double-check');
    expect(await page.getByTestId('version-tree').locator('.version-abandoned').count()).toBe(1);
    // The imported rollouts went into the one trace store: any of them opens in the trace viewer.
    await page.getByTestId('evolution-rollouts').locator('summary').click();
    await page.getByTestId('rollout-open').first().click();
    await page.getByTestId('trace-viewer').getByTestId('trace-events').waitFor();
    await page.reload();
    await page.getByTestId('tab-evolve').click();
    await page.getByTestId('evolution-evo-from-cli').waitFor();
  }, 120_000);
});
