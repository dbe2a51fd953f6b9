// B6 and B8 measure the built app (dist/), as users get it: built here when it is missing or older than its sources,
// so `npm run bench` on a fresh clone needs no separate `npm run build`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, ROOT } from './start-page.js';

const SOURCES = ['src', 'workers', 'public', 'index.html', 'vite.config.ts', 'package-lock.json'];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), info.mtimeMs);
}

export async function ensureAppBuilt(log: (line: string) => void): Promise<void> {
  const index = join(DIST, 'index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  const changedAt = Math.max(...SOURCES.map((source) => newestChange(join(ROOT, source))));
  if (builtAt > changedAt) return;
  log(builtAt ? 'dist/ is older than the sources: building the app (vite build)' : 'no dist/: building the app (vite build)');
  const { build } = await import('vite');
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}
