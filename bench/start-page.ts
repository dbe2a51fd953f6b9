// The start page's budget: JS downloaded before the page can be used (gzip) and the time to the first interaction,
// on the built app (dist/) in headless Chromium. `npm run bench` prints these; a test asserts only the byte budget.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST = join(ROOT, 'dist');
/** The budget (issue 10): initial JS at most 300 KB gzip, first interaction within 1 s. */
export const START_PAGE_BUDGET = { initialJsGzipBytes: 300 * 1024, firstInteractionMs: 1000 } as const;

export interface StaticStartJs {
  /** Chunks the start page needs before anything runs: the entry script, its modulepreloads and their static imports. */
  files: Array<{ file: string; bytes: number; gzipBytes: number }>;
  gzipBytes: number;
}

const gzipSize = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;

/** Static imports of an ES chunk as Rolldown writes them (`import{a}from"./x.js"`, `import"./y.js"`); dynamic ones are skipped. */
function staticImports(code: string): string[] {
  const found: string[] = [];
  const pattern = /(?:^|[;}\n])\s*import\s*(?:[\w*${}\s,]+from\s*)?["']([^"']+\.js)["']/g;
  for (const match of code.matchAll(pattern)) found.push(match[1]);
  return found;
}

/** What `index.html` makes the browser download before the app runs, from the files alone (deterministic). */
export function staticStartJs(dist = DIST): StaticStartJs {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const roots = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((match) => join(dist, match[1].replace(/^\//, '')));
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const target of staticImports(readFileSync(file, 'utf8'))) queue.push(join(dirname(file), target));
  }
  const files = [...seen].map((file) => ({ file: relative(dist, file), bytes: readFileSync(file).length, gzipBytes: gzipSize(file) }));
  return { files, gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0) };
}

export interface StartPageFigures {
  /** JS the browser fetched until the first interaction finished, gzip-compressed size (as a server would send it). */
  loadedJsGzipBytes: number;
  loadedJsFiles: string[];
  /** From navigation start until the page answered a click on a task (its checkbox ticked and the count updated). */
  firstInteractionMs: number;
  /** From navigation start until the task list was on screen. */
  firstTaskListMs: number;
  /** From navigation start until the HTML had arrived: the server's and the browser's share, not the app's. */
  documentReceivedMs: number;
  staticStartJsGzipBytes: number;
  budget: typeof START_PAGE_BUDGET;
}

/** Serve dist/ with `vite preview`, open it in a fresh headless Chromium profile and measure the start page. */
export async function measureStartPage(options: { chromiumPath?: string; runs?: number } = {}): Promise<StartPageFigures> {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first');
  const { preview } = await import('vite');
  const { chromium } = await import('playwright-core');
  const server = await preview({ root: ROOT, logLevel: 'silent', preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false } });
  const { port } = server.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const runs = Math.max(1, options.runs ?? 3);
  const interactions: number[] = [];
  const lists: number[] = [];
  const documents: number[] = [];
  let loaded = new Set<string>();
  try {
    for (let run = 0; run < runs; run++) {
      const profile = await mkdtemp(join(tmpdir(), 'start-page-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: options.chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        viewport: { width: 1280, height: 900 },
      });
      try {
        const page = await context.newPage();
        const scripts = new Set<string>();
        page.on('response', (response) => {
          const path = new URL(response.url()).pathname;
          if (path.endsWith('.js') && !path.includes('.worker')) scripts.add(path);
        });
        await page.goto(url);
        const checkbox = page.locator('[data-testid^="task-checkbox-"]').first();
        await checkbox.waitFor();
        const listAt = await page.evaluate(() => performance.now());
        await checkbox.click();
        await page.waitForFunction(() => /^1 of /.test(document.querySelector('[data-testid="tasks-selected-count"]')?.textContent ?? ''));
        const interactedAt = await page.evaluate(() => performance.now());
        lists.push(listAt);
        interactions.push(interactedAt);
        documents.push(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseEnd));
        loaded = scripts;
      } finally {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const loadedJsFiles = [...loaded].sort();
  return {
    loadedJsGzipBytes: loadedJsFiles.reduce((sum, path) => sum + gzipSize(join(DIST, path.replace(/^\//, ''))), 0),
    loadedJsFiles,
    firstInteractionMs: Math.round(median(interactions)),
    firstTaskListMs: Math.round(median(lists)),
    documentReceivedMs: Math.round(median(documents)),
    staticStartJsGzipBytes: staticStartJs().gzipBytes,
    budget: START_PAGE_BUDGET,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function formatStartPage(figures: StartPageFigures): string {
  return [
    `${'start page: JS loaded before first interaction'.padEnd(48)} ${kb(figures.loadedJsGzipBytes).padStart(9)} gzip (budget ${kb(figures.budget.initialJsGzipBytes)}; ${figures.loadedJsFiles.length} files)`,
    `${'start page: entry + static imports (files)'.padEnd(48)} ${kb(figures.staticStartJsGzipBytes).padStart(9)} gzip`,
    `${'start page: task list on screen'.padEnd(48)} ${String(figures.firstTaskListMs).padStart(9)} ms`,
    `${'start page: first interaction done'.padEnd(48)} ${String(figures.firstInteractionMs).padStart(9)} ms (budget ${figures.budget.firstInteractionMs} ms; median of runs)`,
    `${'start page: of which waiting for the HTML'.padEnd(48)} ${String(figures.documentReceivedMs).padStart(9)} ms (server and browser start-up, not the app)`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(formatStartPage(await measureStartPage()));
}
