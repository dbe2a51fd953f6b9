import type { ModelProfile } from './profile.js';

/**
 * Where the page may open connections (the CSP's `connect-src`), as data: the page itself, model servers on this
 * machine, the hosts in-page models download from, StackBlitz for WebContainers, and the host of every saved model
 * profile. The page applies it when it loads (`platform/connect-policy.ts`); a host saved later is reachable after a
 * reload, because a Content-Security-Policy can be narrowed at runtime but never widened.
 */

/** Model servers on this machine (Ollama, llama.cpp, LM Studio…): a connection there never leaves the computer. */
export const LOCAL_MODEL_SOURCES = ['http://localhost:*', 'http://127.0.0.1:*', 'https://localhost:*', 'https://127.0.0.1:*'] as const;

/** WebLLM's weights (Hugging Face, which redirects to its CDN hosts) and model libraries (GitHub); wllama's GGUF files. */
export const MODEL_DOWNLOAD_SOURCES = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://hf.co',
  'https://*.hf.co',
  'https://raw.githubusercontent.com',
  'https://*.githubusercontent.com',
  'https://github.com',
] as const;

/** Where the WebContainer runtime boots from and talks to. */
export const WEBCONTAINER_SOURCES = ['https://*.stackblitz.com', 'https://*.webcontainer-api.io', 'wss://*.webcontainer-api.io', 'https://*.webcontainer.io', 'wss://*.webcontainer.io'] as const;

/** Anthropic's API when a profile names no base URL. */
export const ANTHROPIC_DEFAULT_ORIGIN = 'https://api.anthropic.com';

/** Fetching blob: and data: URLs reads the page's own memory (imported files), never the network. */
const IN_MEMORY_SOURCES = ['blob:', 'data:'] as const;

/**
 * The origin (scheme, host, port; never credentials or path) a profile connects to, or undefined for WebLLM (whose
 * hosts are always allowed), a local wllama file, and a URL that does not parse.
 */
export function connectOriginOf(profile: ModelProfile): string | undefined {
  switch (profile.provider) {
    case 'openai-compatible':
      return originOf(profile.baseUrl);
    case 'anthropic':
      return profile.baseUrl?.trim() ? originOf(profile.baseUrl) : ANTHROPIC_DEFAULT_ORIGIN;
    case 'wllama':
      return profile.source.kind === 'url' ? originOf(profile.source.url) : undefined;
    case 'webllm':
      return undefined;
  }
}

/** `https://host:port` of a URL (credentials and path dropped), or undefined when it does not parse or is not http(s). */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether an origin can be written as a CSP source: host names and IPv4 addresses can, IPv6 literals (`[::1]`) cannot
 * (the CSP grammar has no brackets).
 */
export const isListableOrigin = (origin: string): boolean => !new URL(origin).hostname.startsWith('[');

export interface ConnectSourcesInput {
  /** The page's own origin, e.g. `http://127.0.0.1:5173`. */
  pageOrigin: string;
  profiles: readonly ModelProfile[];
}

/** Every source of the page's `connect-src`, without duplicates. */
export function connectSources(input: ConnectSourcesInput): string[] {
  const page = new URL(input.pageOrigin);
  // The dev server's hot reload talks over a WebSocket to the page's own host.
  const pageSocket = `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}`;
  const configured = input.profiles.map(connectOriginOf).filter(
    (origin): origin is string => origin !== undefined && isListableOrigin(origin),
  );
  return [...new Set(["'self'", pageSocket, ...IN_MEMORY_SOURCES, ...LOCAL_MODEL_SOURCES, ...MODEL_DOWNLOAD_SOURCES, ...WEBCONTAINER_SOURCES, ...configured])];
}

/** The policy the page adds at load: only `connect-src` (the header and index.html hold the rest). */
export const connectPolicy = (sources: readonly string[]): string => `connect-src ${sources.join(' ')}`;

/**
 * Whether `url` is allowed by `sources` as a browser would judge it for these source shapes: `'self'`, scheme-only
 * (`blob:`), `scheme://host`, `scheme://*.host` (subdomains only) and `:*` (any port). Used to say why a connection
 * is refused before the browser refuses it with nothing but "Failed to fetch".
 */
export function isConnectAllowed(url: string, sources: readonly string[], pageOrigin: string): boolean {
  let target: URL;
  try {
    target = new URL(url, pageOrigin);
  } catch {
    return false;
  }
  return sources.some((source) => sourceMatches(source, target, new URL(pageOrigin)));
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
const portOf = (url: URL) => url.port || DEFAULT_PORTS[url.protocol] || '';

function sourceMatches(source: string, target: URL, page: URL): boolean {
  if (source === "'self'") return target.origin === page.origin;
  if (/^[a-z][a-z0-9+.-]*:$/.test(source)) return target.protocol === source;
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?([^/:]+)(?::(\*|\d+))?$/.exec(source);
  if (!match) return false;
  const [, scheme, wildcard, host, port] = match;
  if (target.protocol !== `${scheme}:`) return false;
  const hostname = target.hostname.toLowerCase();
  const hostMatches = wildcard ? hostname.endsWith(`.${host.toLowerCase()}`) : hostname === host.toLowerCase();
  if (!hostMatches) return false;
  if (port === '*') return true;
  return portOf(target) === (port ?? DEFAULT_PORTS[`${scheme}:`]);
}

/**
 * Why the page cannot connect to `url` now, in words a user can act on; undefined when it can. `allowedAtLoad` is
 * what the page's policy allowed when it loaded.
 */
export function connectRefusal(url: string, allowedAtLoad: readonly string[], pageOrigin: string): string | undefined {
  if (isConnectAllowed(url, allowedAtLoad, pageOrigin)) return undefined;
  const origin = originOf(url) ?? url;
  if (originOf(url) && !isListableOrigin(origin))
    return `${origin} is an IPv6 address, which a Content-Security-Policy cannot list: use its host name (or localhost) instead.`;
  return `This page may connect only to the model hosts that were saved when it loaded (its Content-Security-Policy), and ${origin} was not: save the profile, then reload the page to connect to it.`;
}
