import { parseJsonBounded } from '../bounded-parse.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { HarnessDocument } from './schema.js';

export type HarnessParseResult =
  | { ok: true; harness: HarnessDocument }
  | { ok: false; errors: string[] };

/** Parse untrusted input (a file, an editor buffer, a model's proposal) into a harness, with readable errors. */
export function parseHarness(input: unknown): HarnessParseResult {
  let value = input;
  if (typeof input === 'string') {
    // A harness may come from anyone (a file, a colleague): nesting is checked before it is parsed.
    const parsed = parseJsonBounded(input, 'the harness');
    if (!parsed.ok) return { ok: false, errors: [parsed.message.replace(/^the harness is /, '')] };
    value = parsed.value;
  }
  const result = HarnessDocument.safeParse(value);
  if (result.success) return { ok: true, harness: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : '(document)';
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.join(', ');
        const what = issue.path[issue.path.length - 1] === 'policies' ? 'unknown policy' : 'unknown field';
        return `${where}: ${what} ${keys}`;
      }
      return `${where}: ${issue.message}`;
    }),
  };
}

/** The version id of a harness: SHA-256 of its canonical JSON. */
export async function harnessHash(harness: HarnessDocument): Promise<string> {
  return sha256Hex(canonicalJson(harness));
}

/** Pretty JSON for files and the editor; parseHarness(serializeHarness(h)) equals h. */
export function serializeHarness(harness: HarnessDocument): string {
  return `${JSON.stringify(harness, null, 2)}\n`;
}
