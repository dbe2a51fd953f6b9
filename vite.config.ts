import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { contentSecurityPolicy } from './content-security-policy.js';

// Cross-origin isolation: SharedArrayBuffer, WebContainers and multithreaded WASM need it.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Content-Security-Policy (see content-security-policy.ts for what it allows and why). The dev server also runs
// React Refresh's inline preamble, allowed by its hash.
const devPreamble = react.preambleCode.replace('__BASE__', '/');
const cspHeaders = { 'Content-Security-Policy': contentSecurityPolicy() };
const devCspHeaders = { 'Content-Security-Policy': contentSecurityPolicy({ inlineScripts: [devPreamble] }) };

/** The policy in the built index.html too, so any static host serves it. */
const cspMetaTag: Plugin = {
  name: 'content-security-policy-meta',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ forMeta: true }) }, injectTo: 'head-prepend' }],
};

export default defineConfig({
  plugins: [react(), cspMetaTag],
  // just-bash's browser build still imports node:zlib for gzip; give it a browser implementation.
  resolve: { alias: { 'node:zlib': fileURLToPath(new URL('./src/platform/node-zlib-browser.ts', import.meta.url)) } },
  server: { headers: { ...isolationHeaders, ...devCspHeaders } },
  preview: { headers: { ...isolationHeaders, ...cspHeaders } },
  worker: { format: 'es' },
  // Workers are entry points too: their dependencies (just-bash and the CommonJS packages it imports, such as
  // sprintf-js) are pre-bundled with the page's at startup, so the dev server serves them as ES modules and never
  // re-optimizes (and reloads the page) when the first task starts. Excluding just-bash broke its worker under
  // `npm start`: its CommonJS dependencies were served unconverted.
  optimizeDeps: { entries: ['index.html', 'workers/*.ts'] },
});
