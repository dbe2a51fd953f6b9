// B6: the built app's cold load in headless Chromium (bench/start-page.ts): the gzip JS fetched before the first
// interaction, against all of the app's JS; and the time to that interaction, against the time the HTML took.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureAppBuilt } from './built-app.js';
import { chromiumUnavailable } from './chromium.js';
import { type BenchFigure, type Check, judged, ratio, skipped } from './figure.js';
import { DIST, measureStartPage, START_PAGE_BUDGET } from './start-page.js';

const BYTES_TARGET = { comparison: 'at-most', value: START_PAGE_BUDGET.initialJsGzipBytes / 1024 } as const;
const TIME_TARGET = { comparison: 'at-most', value: START_PAGE_BUDGET.firstInteractionMs } as const;

/** Every JS file the build wrote (page chunks and workers), gzip: what the app weighs if all of it were loaded. */
function allAppJsGzipBytes(): { files: number; gzipBytes: number } {
  const assets = join(DIST, 'assets');
  const files = readdirSync(assets).filter((name) => name.endsWith('.js'));
  return { files: files.length, gzipBytes: files.reduce((sum, name) => sum + gzipSync(readFileSync(join(assets, name)), { level: 9 }).length, 0) };
}

export const figure: BenchFigure = {
  id: 'B6',
  title: 'Cold load of the built app',
  target: BYTES_TARGET,
  unit: 'KB',
  async measure({ log, quick }) {
    const unavailable = chromiumUnavailable();
    if (unavailable) {
      return { id: 'B6', title: figure.title, checks: [skipped('gzip JS before the first interaction', BYTES_TARGET, 'KB', unavailable), skipped('time to interactive (median)', TIME_TARGET, 'ms', unavailable)], tables: [], notes: [] };
    }
    await ensureAppBuilt(log);
    const runs = quick ? 1 : 5;
    const figures = await measureStartPage({ runs });
    const all = allAppJsGzipBytes();
    const kb = (bytes: number) => bytes / 1024;
    const checks: Check[] = [
      judged('gzip JS before the first interaction', kb(figures.loadedJsGzipBytes), BYTES_TARGET, 'KB', { value: kb(all.gzipBytes), label: 'all of the app\'s JS, KB gzip' }),
      judged(`time to interactive (median of ${runs} cold loads)`, figures.firstInteractionMs, TIME_TARGET, 'ms', { value: figures.documentReceivedMs, label: 'HTML received, ms' }),
    ];
    return {
      id: 'B6',
      title: figure.title,
      checks,
      tables: [
        {
          title: `Built app under vite preview, ${runs} cold loads in fresh Chromium profiles`,
          columns: ['figure', 'measured', 'baseline', 'ratio'],
          rows: [
            ['JS fetched before the first interaction (KB gzip)', kb(figures.loadedJsGzipBytes), `${kb(all.gzipBytes).toFixed(0)} KB: all ${all.files} JS files of dist/`, ratio(figures.loadedJsGzipBytes, all.gzipBytes)],
            ['entry + its static imports (KB gzip, from the files)', kb(figures.staticStartJsGzipBytes), '', ratio(figures.staticStartJsGzipBytes, all.gzipBytes)],
            ['task list on screen (ms)', figures.firstTaskListMs, `${figures.documentReceivedMs} ms: HTML received`, ratio(figures.firstTaskListMs, figures.documentReceivedMs)],
            ['first interaction done (ms)', figures.firstInteractionMs, `${figures.documentReceivedMs} ms: HTML received`, ratio(figures.firstInteractionMs, figures.documentReceivedMs)],
          ],
        },
        { title: 'JS files fetched before the first interaction', columns: ['file'], rows: figures.loadedJsFiles.map((file) => [file]) },
      ],
      notes: [
        'From `bench/start-page.ts`: dist/ served by `vite preview`, each load in a fresh headless Chromium profile (a cold cache). Bytes: every `.js` response until a task checkbox was clicked and the selection count updated, gzip level 9 (as a server would send them), against all JS files of the build. Time to interactive: from navigation start until that click was answered (median), against the time the HTML took to arrive (server and browser start-up, not the app). The time budget (1 s) is issue 10\'s.',
      ],
    };
  },
};
