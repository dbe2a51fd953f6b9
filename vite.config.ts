import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Cross-origin isolation: SharedArrayBuffer, WebContainers and multithreaded WASM need it.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  // just-bash's browser build still imports node:zlib for gzip; give it a browser implementation.
  resolve: { alias: { 'node:zlib': fileURLToPath(new URL('./src/platform/node-zlib-browser.ts', import.meta.url)) } },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  // Workers are entry points too: their dependencies (just-bash and the CommonJS packages it imports, such as
  // sprintf-js) are pre-bundled with the page's at startup, so the dev server serves them as ES modules and never
  // re-optimizes (and reloads the page) when the first task starts. Excluding just-bash broke its worker under
  // `npm start`: its CommonJS dependencies were served unconverted.
  optimizeDeps: { entries: ['index.html', 'workers/*.ts'] },
});
