// Headless Chromium for the bench: the bench page (bench/browser/) built with the app's vite.config.ts into
// node_modules/.cache/studio-bench-page, served like the built app (vite preview, COOP/COEP), in a fresh profile.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { StudioBench } from './browser/bench-page.js';
import { CHROMIUM_PATH } from './machine.js';
import { ROOT } from './start-page.js';

// Without the background-networking flags Chromium floods the closed network with update and sync requests.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const BENCH_PAGE_DIR = join(ROOT, 'node_modules', '.cache', 'studio-bench-page');

/** Why Chromium cannot be used here, or undefined when it can. */
export function chromiumUnavailable(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (sudo apt-get install -y chromium, or set CHROMIUM_PATH)`;
}

export interface BenchPage {
  page: Page;
  /** Calls one `window.studioBench` method in the page and returns its result. */
  call<K extends keyof StudioBench>(method: K, ...args: Parameters<StudioBench[K]>): Promise<Awaited<ReturnType<StudioBench[K]>>>;
  close(): Promise<void>;
}

let built: Promise<void> | undefined;

/** Build the bench page once per bench run (about as long as a small app build). */
function buildBenchPage(): Promise<void> {
  built ??= (async () => {
    const { build } = await import('vite');
    await build({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: BENCH_PAGE_DIR, emptyOutDir: true, rolldownOptions: { input: join(ROOT, 'bench', 'browser', 'index.html') } },
    });
  })();
  return built;
}

export async function openBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const unavailable = chromiumUnavailable();
  if (unavailable) throw new Error(unavailable);
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'studio-bench-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
    return {
      context,
      async close() {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/** Build (once), serve and open the bench page; `window.studioBench` is ready when this resolves. */
export async function openBenchPage(): Promise<BenchPage> {
  await buildBenchPage();
  const { preview } = await import('vite');
  const server = await preview({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir: BENCH_PAGE_DIR }, preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false } });
  let browser: Awaited<ReturnType<typeof openBrowser>> | undefined;
  try {
    browser = await openBrowser();
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/bench/browser/index.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 }).catch((error: Error) => {
      throw new Error(`the bench page did not load: ${errors.join('; ') || error.message}`);
    });
    if (!(await page.evaluate(() => globalThis.crossOriginIsolated))) throw new Error('the bench page is not cross-origin isolated (COOP/COEP headers missing)');
    const opened = browser;
    return {
      page,
      call: (method, ...args) =>
        page.evaluate(
          ([name, parameters]) => (globalThis as unknown as { studioBench: Record<string, (...values: unknown[]) => unknown> }).studioBench[name](...(parameters as unknown[])),
          [method, args] as const,
        ) as never,
      async close() {
        await opened.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}
