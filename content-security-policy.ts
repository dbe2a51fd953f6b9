import { createHash } from 'node:crypto';

/**
 * The app's Content-Security-Policy, sent as a header by `npm start` (the dev server) and `vite preview`, and
 * written into the built index.html as a <meta> tag so a static host serves it too. Read by vite.config.ts (Node).
 *
 * What it holds tight: scripts, workers, frames, objects, forms and the base URL come only from the app itself
 * (plus `'wasm-unsafe-eval'`, which WebLLM and wllama need to compile their WebAssembly, and StackBlitz's frames,
 * where the WebContainer runtime boots). An injected string cannot load or run code that would read the API keys.
 *
 * `connect-src` here allows any http(s) origin, because the server cannot know the user's model endpoints; the page
 * narrows it itself when it loads (`src/platform/connect-policy.ts` adds a second <meta> policy, and a browser enforces
 * every policy, so the narrower one wins): to the page, model servers on this machine, the WebLLM / Hugging Face /
 * GitHub download hosts, StackBlitz, and the host of every saved model profile (`src/core/model/connect-sources.ts`).
 * A host saved later is reachable after a reload — a policy can be narrowed at runtime but never widened — and the
 * Models panel says so. Keys also go only to the endpoint of their own profile: that is the model code's rule.
 * Web Workers get this header's policy, not the page's <meta> ones; they run only the app's own scripts.
 */

/** Where the WebContainer runtime and its previews are framed from. */
const WEBCONTAINER_FRAMES = ['https://stackblitz.com', 'https://*.stackblitz.com', 'https://*.webcontainer-api.io', 'https://*.webcontainer.io'];

export interface PolicyOptions {
  /** Inline scripts allowed by hash (the dev server's React Refresh preamble). */
  inlineScripts?: readonly string[];
  /** Whether the policy goes in a <meta> tag: `frame-ancestors` is only honoured (and only allowed) in a header. */
  forMeta?: boolean;
}

const hashOf = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

export function contentSecurityPolicy(options: PolicyOptions = {}): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'", ...(options.inlineScripts ?? []).map(hashOf)]],
    ['worker-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", 'http:', 'https:', 'ws:', 'wss:', 'blob:', 'data:']],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    // Monaco adds <style> elements at runtime; styles cannot run code.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['frame-src', ["'self'", ...WEBCONTAINER_FRAMES]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ...(options.forMeta ? [] : ([['frame-ancestors', ["'self'"]]] as Array<[string, string[]]>)),
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}
