import { bracketDepthExceeds, LIMITS, nestingMessage, valueDepthExceeds } from './limits.js';

/**
 * JSON, YAML and TOML from files a user did not write themselves (a downloaded suite, a harness from a colleague),
 * parsed with the nesting limit checked first. Deep nesting is refused before parsing where it can be seen in the
 * text (a `[[[[…` megabyte makes YAML's parser recurse for seconds and then fail, and JSON's result overflow the
 * stack of whatever walks it next), and again on the parsed value. YAML and TOML are in `bounded-parse-yaml-toml.ts`,
 * so that what needs only JSON (the harness, on the start page) does not load their parsers.
 */
export type BoundedParse = { ok: true; value: unknown } | { ok: false; message: string };

/** A parser's error as a message; one that ran out of stack is reported as too deeply nested. */
export function failure(what: string, format: string, error: unknown): BoundedParse {
  const text = error instanceof Error ? error.message : String(error);
  if (/call stack|too much recursion|excessively nested/i.test(text)) return { ok: false, message: nestingMessage(what) };
  return { ok: false, message: `${what} is not valid ${format}: ${text.split('\n')[0].slice(0, 200)}` };
}

/** A parsed value, refused when it nests deeper than the limit. */
export function checked(what: string, value: unknown): BoundedParse {
  return valueDepthExceeds(value) ? { ok: false, message: nestingMessage(what) } : { ok: true, value };
}

/**
 * `documentDepth` bounds the text before parsing; a file that holds many items (a suite.json of tasks) passes a
 * larger one and checks each item against the ordinary limit, so one deep task is refused on its own.
 */
export function parseJsonBounded(text: string, what = 'the JSON', documentDepth: number = LIMITS.nestingDepth): BoundedParse {
  if (bracketDepthExceeds(text, documentDepth)) return { ok: false, message: nestingMessage(what, documentDepth) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${what} is not valid JSON: ${(error as Error).message.slice(0, 200)}` };
  }
  return valueDepthExceeds(value, documentDepth) ? { ok: false, message: nestingMessage(what, documentDepth) } : { ok: true, value };
}
