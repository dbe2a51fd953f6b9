import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';

/**
 * Shared set-up for the browser tests: the app served as users get it — built (`vite preview` of dist/) or from
 * source by the dev server (`npm start`) — and a fresh Chromium profile.
 */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS_DIR = join(ROOT, 'test-results');
const DIST = join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking flags Chromium floods the closed network with update and sync requests.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface StudioUnderTest {
  url: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * How the app is served. `built`: dist/ under `vite preview`, as in a deployment. `dev`: the sources under Vite's dev
 * server with the project's own vite.config.ts — what `npm start` runs — where workers and their dependencies are
 * transformed on request, so a worker can break there while the build works.
 */
export type ServeMode = 'built' | 'dev';

/** Both ways users get the app; tests of the main flow run under each. */
export const SERVE_MODES: readonly ServeMode[] = ['built', 'dev'];

export interface StudioOptions {
  /** More Chromium flags, e.g. `--enable-unsafe-webgpu`. */
  chromiumArgs?: string[];
  /** Default `built`. */
  serve?: ServeMode;
}

interface Served {
  port: number;
  close(): Promise<void>;
}

/** dist/ under vite preview (so COOP/COEP apply, as in a deployment). */
async function serveBuilt(): Promise<Served> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`The built app is missing (${DIST}/index.html). Run \`npm run build\` before \`npm run test:e2e\`.`);
  }
  const app: PreviewServer = await preview({ root: ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false } });
  return { port: (app.httpServer.address() as AddressInfo).port, close: () => app.close() };
}

/**
 * The dev server as `npm start` runs it (the project's vite.config.ts, its COOP/COEP headers included), on a free
 * port. File watching is off so that an edit elsewhere cannot reload the page under a test.
 */
async function serveDev(): Promise<Served> {
  const app: ViteDevServer = await createServer({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: true, open: false, watch: null },
  });
  try {
    await app.listen();
    const address = app.httpServer?.address() as AddressInfo | null;
    if (!address) throw new Error('the dev server did not start listening');
    return { port: address.port, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** Serve the app (built by default, or with the dev server) and open Chromium with an empty profile. */
export async function startStudio(options: StudioOptions = {}): Promise<StudioUnderTest> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}. Run \`node scripts/ensure-chromium.mjs\` (or: sudo apt-get install -y chromium).`);
  let app: Served | undefined;
  let userDataDir = '';
  try {
    app = options.serve === 'dev' ? await serveDev() : await serveBuilt();
    const { port } = app;
    userDataDir = await mkdtemp(join(tmpdir(), 'studio-e2e-'));
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])], viewport: { width: 1360, height: 900 } });
    const server = app;
    return {
      url: `http://127.0.0.1:${port}/`,
      context,
      async close() {
        await context.close();
        await server.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Page errors and failed requests go to the test output, where a failing run is debugged. */
export function forwardConsole(page: Page): void {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.log(`[page ${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
  page.on('requestfailed', (request) => {
    // The model client cancels each stream after [DONE]; Chromium reports that as ERR_ABORTED.
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED') console.log(`[request failed] ${request.url()} ${reason}`);
  });
}

export const textOf = async (page: Page, selector: string): Promise<string> => ((await page.locator(selector).first().textContent()) ?? '').trim();

export interface SaveModelOptions {
  /** The profile's name; without it the suggested one (`model @ host`) is kept. */
  name?: string;
  /** Save as a new profile next to the saved ones, instead of editing the one in the form. */
  asNew?: boolean;
}

/** Fill in and save an OpenAI-compatible model profile (runs then use it when it is new or was already in use). */
export async function saveOpenAIModel(page: Page, baseUrl: string, model: string, options: SaveModelOptions = {}): Promise<void> {
  if (options.asNew && (await page.getByTestId('profile-new').count())) await page.getByTestId('profile-new').click();
  await page.getByTestId('provider-openai').check();
  await page.getByTestId('model-base-url').fill(baseUrl);
  await page.getByTestId('model-name').fill(model);
  if (options.name !== undefined) await page.getByTestId('model-profile-name').fill(options.name);
  await page.getByTestId('model-action-protocol').selectOption('native_tools');
  await page.getByTestId('model-save').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')?.textContent?.includes('Saved'));
}

/** Tick exactly these tasks, press Run, and wait until every one is done. */
export async function runTasks(page: Page, taskIds: string[]): Promise<void> {
  await page.getByTestId('tasks-select-none').click();
  for (const id of taskIds) await page.getByTestId(`task-checkbox-${id}`).check();
  await page.getByTestId('run-button').click();
  await page.waitForFunction(
    (count) => document.querySelectorAll('[data-testid="task-progress"][data-status="done"]').length === count,
    taskIds.length,
    { timeout: 60_000 },
  );
  await page.locator('[data-testid="run-controls"][data-state="idle"]').waitFor();
}

export async function openTrace(page: Page, taskId: string): Promise<void> {
  await page.locator(`[data-testid="run-row"][data-task-id="${taskId}"] [data-testid="run-open"]`).first().click();
  await page.locator(`[data-testid="trace-viewer"][data-task-id="${taskId}"] [data-testid="trace-events"]`).waitFor();
}
