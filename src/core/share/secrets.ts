/**
 * Nothing secret leaves the browser in a file: every export (harness snapshot, run bundle, workspace backup) passes
 * through `scrubSecrets`. API keys live only in the model profiles; a URL can carry credentials (`https://user:key@host`)
 * or a key in its query string, and a model id or an error message can repeat such a URL.
 */

/** Object keys whose values are secrets wherever they appear. */
const SECRET_KEY = /^(api[-_]?key|apikey|x-api-key|authorization|password|passwd|secret|client[-_]?secret|access[-_]?token|refresh[-_]?token|bearer|token)$/i;

/** Query parameters that carry keys (`?api-key=…`, `&token=…`, Azure's `sig=…`). */
const SECRET_QUERY = /([?&](?:api[-_]?key|apikey|key|token|access[-_]?token|secret|password|sig|signature|code)=)[^&#\s"'<>]+/gi;

/** `scheme://user:password@` or `scheme://token@` before a host. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

export const REDACTED = '[redacted]';

/** A string with URL credentials dropped, secret query parameters blanked, and every known secret replaced. */
export function redactSecretsInText(text: string, knownSecrets: readonly string[] = []): string {
  let result = text.replace(URL_CREDENTIALS, '$1').replace(SECRET_QUERY, `$1${REDACTED}`);
  for (const secret of knownSecrets) {
    // Short values (a stray "1") would blank unrelated text; real keys are long.
    if (secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** Whether a key names a secret (an object field to drop from exports). */
export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

/**
 * A deep copy of `value` with secret fields removed and secrets in every string redacted. Plain data only
 * (what JSON can hold); typed arrays and other objects are copied as they are.
 */
export function scrubSecrets<T>(value: T, knownSecrets: readonly string[] = []): T {
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') return redactSecretsInText(item, knownSecrets);
    if (Array.isArray(item)) return item.map(visit);
    if (item && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      const copy: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(item)) {
        if (isSecretKey(key)) continue;
        copy[key] = visit(field);
      }
      return copy;
    }
    return item;
  };
  return visit(value) as T;
}

/** Strings found under secret keys anywhere in `value` (e.g. the API keys of saved profiles), to redact wherever they recur. */
export function collectSecrets(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (item: unknown) => {
    if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === 'object') {
      for (const [key, field] of Object.entries(item)) {
        if (isSecretKey(key) && typeof field === 'string' && field) found.add(field);
        else visit(field);
      }
    }
  };
  visit(value);
  return [...found];
}
