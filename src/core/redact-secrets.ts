/**
 * Secrets out of everything that leaves a run: files, stdout, traces, prompts, exports. A secret is a value the
 * caller knows (an API key, the password of a `http://user:key@host` base URL); every occurrence of it — also
 * URL-encoded — is replaced by `[redacted]`, and credentials written into any URL are dropped. Servers echo keys
 * back in 401 bodies, and error texts end up in traces, rollout files and the proposer's prompts.
 */

export const REDACTED = '[redacted]';

/** Values shorter than this are not treated as secrets: redacting "1" or "ab" would blank ordinary text. */
const MIN_SECRET_LENGTH = 6;

/** `scheme://user:password@` or `scheme://token@` before a host. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** `text` with every known secret replaced and credentials removed from URLs in it. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text.replace(URL_CREDENTIALS, '$1');
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    result = result.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) result = result.split(encoded).join(REDACTED);
  }
  return result;
}

/** A copy of plain data (what JSON holds) with `redactSecrets` applied to every string, keys included. */
export function redactSecretsDeep<T>(value: T, secrets: readonly string[]): T {
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') return redactSecrets(item, secrets);
    if (Array.isArray(item)) return item.map(visit);
    if (item && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      const copy: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(item)) copy[redactSecrets(key, secrets)] = visit(field);
      return copy;
    }
    return item;
  };
  return visit(value) as T;
}

/** A base URL split into the URL without credentials and the credentials it carried (empty when none). */
export function splitUrlCredentials(url: string): { url: string; username: string; password: string } {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { url, username: '', password: '' };
  }
  if (!parsed.username && !parsed.password) return { url, username: '', password: '' };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  // URL adds a trailing slash to a bare origin; keep the path as the user wrote it.
  const clean = url.trim().endsWith('/') || parsed.pathname !== '/' ? parsed.toString() : parsed.toString().replace(/\/$/, '');
  return { url: clean, username, password };
}

/**
 * A base URL's credentials as the HTTP header they stand for (`Basic base64(user:password)`), or undefined when it
 * carries none. fetch refuses a URL with credentials, so a model is given the clean URL and this header.
 */
export function basicAuthorization(username: string, password: string): Record<string, string> | undefined {
  if (!username && !password) return undefined;
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { Authorization: `Basic ${btoa(binary)}` };
}

/** `https://api.example.com:8443` of a URL, or undefined when it is not one. Keys belong to an origin. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url.trim()).origin;
  } catch {
    return undefined;
  }
}
