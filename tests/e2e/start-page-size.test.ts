import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, START_PAGE_BUDGET, staticStartJs } from '../../bench/start-page.js';

/**
 * The start page's download budget on the built app (bytes are deterministic; timings are in `npm run bench`, never in a
 * test): at most 300 KB of gzip JS before the page runs, and none of the heavy parts that belong to other pages.
 */
describe('start page size', () => {
  it('downloads at most 300 KB of gzip JS, without Monaco, charts, diff, WebLLM or wllama', () => {
    expect(existsSync(join(DIST, 'index.html')), 'run `npm run build` first').toBe(true);
    const start = staticStartJs();
    const report = start.files.map((file) => `${file.file} ${(file.gzipBytes / 1024).toFixed(1)} KB`).join('\n');
    expect(start.gzipBytes, report).toBeLessThanOrEqual(START_PAGE_BUDGET.initialJsGzipBytes);
    const names = start.files.map((file) => file.file).join(' ');
    expect(names).not.toMatch(/monaco|editor\.api|webllm|wllama|EvolvePage|VersionsPage|MatrixPage|ModelsPage/i);
    const code = start.files.map((file) => readFileSync(join(DIST, file.file), 'utf8')).join('\n');
    // Telltale strings of each library, so a static import that drags one in fails here.
    expect(code).not.toContain('recharts-'); // recharts' class names
    expect(code).not.toContain('MLCEngine'); // WebLLM
    expect(code).not.toContain('@wllama'); // wllama
    expect(code).not.toContain('vs/editor'); // Monaco
    expect(code).not.toContain('newlineIsToken'); // the diff package's line options
  });
});
