import { connectPolicy, connectRefusal, connectSources } from '../core/model/connect-sources.js';
import type { ModelProfile } from '../core/model/profile.js';

/**
 * The page's connection policy, applied once per page load. The server's header and index.html's <meta> tag allow any
 * http(s) host — they cannot know the user's endpoints — so the page narrows `connect-src` itself, before it connects
 * anywhere, to the hosts in `core/model/connect-sources.ts`. A policy added this way can never be loosened, so a host
 * saved later takes a reload; until then `connectRefusalNow` says so in words instead of the browser's bare
 * "Failed to fetch".
 */

let allowedAtLoad: readonly string[] | undefined;

/** Add the narrowing <meta> policy (once; later calls keep the first). Returns the sources in force. */
export function applyConnectPolicy(savedProfiles: readonly ModelProfile[]): readonly string[] {
  if (allowedAtLoad) return allowedAtLoad;
  const sources = connectSources({ profiles: savedProfiles, pageOrigin: location.origin });
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = connectPolicy(sources);
  meta.dataset.policy = 'connect';
  document.head.append(meta);
  allowedAtLoad = sources;
  return sources;
}

/** Why the page cannot connect to `url` until it reloads, or undefined when it can (or no policy was applied). */
export function connectRefusalNow(url: string): string | undefined {
  return allowedAtLoad ? connectRefusal(url, allowedAtLoad, location.origin) : undefined;
}
