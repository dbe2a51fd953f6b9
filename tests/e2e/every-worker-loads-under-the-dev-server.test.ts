import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardConsole, ROOT, type StudioUnderTest, startStudio } from './support.js';

/**
 * Under `npm start` (the dev server) every Web Worker the app ships must load exactly as in the built app. It once
 * did not: the sandbox worker failed to import (`sprintf-js` served as unconverted CommonJS) and every run hung,
 * while every e2e test used the built app and saw nothing.
 *
 * The workers are found, not listed: every source file that creates a worker is fetched from the dev server as the
 * browser gets it, and each worker module it points at is imported in a module worker, which reports the import's
 * own error text. The embedded sandbox is then used through the app's own code, and wllama's WebAssembly (it runs
 * in a worker wllama builds itself) must be served and valid.
 */

let studio: StudioUnderTest | undefined;
let page: Page | undefined;

beforeAll(async () => {
  studio = await startStudio({ serve: 'dev' });
  page = await studio.context.newPage();
  forwardConsole(page);
  await page.goto(studio.url);
  await page.getByRole('heading', { name: 'Self-Harness Studio' }).waitFor();
});

afterAll(async () => {
  await studio?.close();
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** Source files (as dev-server paths) that create a Web Worker: `new Worker(…)` or a Vite `?worker` import. */
function filesThatCreateWorkers(): string[] {
  return [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'workers'))]
    .filter((path) => /new Worker\(|\?worker['"]/.test(readFileSync(path, 'utf8')))
    .map((path) => `/${relative(ROOT, path)}`);
}

async function served(path: string): Promise<string> {
  const response = await fetch(new URL(path, studio!.url));
  expect(response.status, `${path} is served`).toBe(200);
  return response.text();
}

/** The worker module URLs a module points at once the dev server has transformed it. */
async function workerUrlsIn(path: string): Promise<string[]> {
  const code = await served(path);
  const direct = [...code.matchAll(/"(\/[^"]+\?worker_file[^"]*)"/g)].map((match) => match[1]);
  // `import X from '…?worker'` becomes an import of a small wrapper module that constructs the real worker.
  const wrappers = [...code.matchAll(/from "(\/[^"]+\?worker)"/g)].map((match) => match[1]);
  const wrapped = await Promise.all(wrappers.map(async (wrapper) => [...(await served(wrapper)).matchAll(/"(\/[^"]+\?worker_file[^"]*)"/g)].map((match) => match[1])));
  return [...direct, ...wrapped.flat()];
}

/** Import a worker module in a module worker; "ok", or the error its import (or its own failure report) gives. */
function importInWorker(page: Page, url: string): Promise<string> {
  return page.evaluate(async (workerUrl) => {
    const source = `import(${JSON.stringify(new URL(workerUrl, location.href).href)}).then(() => postMessage('ok'), (error) => postMessage('import failed: ' + error))`;
    return new Promise<string>((resolve) => {
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
      worker.onmessage = (event) => {
        // The app's own entry points report a host that cannot load as {type: 'worker-failed', message}.
        const data = event.data as unknown;
        resolve(typeof data === 'string' ? data : `failure reported: ${JSON.stringify(data)}`);
        worker.terminate();
      };
      worker.onerror = (event) => resolve(`error event: ${event.message || 'no details'}`);
    });
  }, url);
}

/**
 * Import one of the app's modules in the page, as the dev server serves it, and run `body` with it as `module`.
 * Written as text: the test runner would rewrite an `import()` inside a function handed to the page.
 */
function withModule<T>(modulePath: string, body: string): Promise<T> {
  return page!.evaluate(`(async () => { const module = await import(${JSON.stringify(modulePath)}); ${body} })()`) as Promise<T>;
}

describe('every worker the app ships, under the dev server', () => {
  it('serves the page cross-origin isolated (COOP/COEP), as the built app is', async () => {
    const response = await fetch(studio!.url);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await page!.evaluate(() => window.crossOriginIsolated)).toBe(true);
  });

  it('imports every worker module without an error', async () => {
    const creators = filesThatCreateWorkers();
    const workers = [...new Set((await Promise.all(creators.map(workerUrlsIn))).flat())].sort();
    // The finder must find the workers known today; a new one is found (and checked) without editing this list.
    for (const known of ['/workers/sandbox.worker.ts', '/workers/webllm.worker.ts', 'editor.worker.js', 'json.worker.js']) {
      expect(workers.some((url) => url.includes(known)), `${known} among ${workers.join(', ')} (created in ${creators.join(', ')})`).toBe(true);
    }
    const results: Record<string, string> = {};
    for (const url of workers) results[url] = await importInWorker(page!, url);
    expect(results).toEqual(Object.fromEntries(workers.map((url) => [url, 'ok'])));
  }, 240_000);

  it('runs commands in the embedded sandbox worker through the app\'s own code, gzip included', async () => {
    const result = await withModule(
      '/src/platform/worker-sandbox.ts',
      `const sandbox = new module.WorkerSandbox();
      try {
        return await sandbox.exec('echo hello | gzip | zcat; printf "%05d\\n" 42', { timeoutMs: 60000 });
      } finally {
        await sandbox.dispose();
      }`,
    );
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hello\n00042\n' });
  }, 120_000);

  it('serves the WebAssembly that wllama\'s own worker loads, and it is valid', async () => {
    // wllama builds its worker from code it carries; what the dev server must serve is the wasm it is pointed at.
    const engine = await served('/src/platform/wllama-engine.ts');
    const wasmImports = [...engine.matchAll(/from "(\/[^"]+\.wasm\?[^"]*url)"/g)].map((match) => match[1]);
    expect(wasmImports).toHaveLength(1);
    const wasm = await withModule<{ url: string; size: number; valid: boolean }>(
      wasmImports[0],
      `const bytes = await (await fetch(module.default)).arrayBuffer();
      return { url: module.default, size: bytes.byteLength, valid: WebAssembly.validate(new Uint8Array(bytes)) };`,
    );
    expect(wasm.size).toBeGreaterThan(1_000_000);
    expect(wasm.valid, `${wasm.url} is a WebAssembly module`).toBe(true);
  });
});
