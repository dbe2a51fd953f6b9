import { parse as parseTomlText } from 'smol-toml';
import { parse as parseYamlText } from 'yaml';
import { bracketDepthExceeds, LIMITS, nestingMessage, valueDepthExceeds } from './limits.js';

/**
 * JSON, YAML and TOML from files a user did not write themselves (a downloaded suite, a harness from a colleague),
 * parsed with the nesting limit checked first. Deep nesting is refused before parsing where it can be seen in the
 * text (a `[[[[…` megabyte makes YAML's parser recurse for seconds and then fail, and JSON's result overflow the
 * stack of whatever walks it next), and again on the parsed value.
 */
export type BoundedParse = { ok: true; value: unknown } | { ok: false; message: string };

function failure(what: string, format: string, error: unknown): BoundedParse {
  const text = error instanceof Error ? error.message : String(error);
  if (/call stack|too much recursion|excessively nested/i.test(text)) return { ok: false, message: nestingMessage(what) };
  return { ok: false, message: `${what} is not valid ${format}: ${text.split('\n')[0].slice(0, 200)}` };
}

function checked(what: string, value: unknown): BoundedParse {
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

/**
 * Block nesting of YAML, estimated from indentation: each line deeper than the one before opens a level, as in
 * Python's indentation rule. Linear; flow brackets are counted by `bracketDepthExceeds`.
 */
function yamlIndentationExceeds(text: string, limit: number): boolean {
  const levels: number[] = [0];
  for (const line of text.split('\n')) {
    const content = line.trimStart();
    if (!content || content.startsWith('#')) continue;
    const indent = line.length - content.length + (/^(- )+/.exec(content)?.[0].length ?? 0);
    while (levels.length > 1 && indent < levels[levels.length - 1]) levels.pop();
    if (indent > levels[levels.length - 1]) {
      levels.push(indent);
      if (levels.length > limit) return true;
    }
  }
  return false;
}

export function parseYamlBounded(text: string, what = 'the YAML'): BoundedParse {
  if (bracketDepthExceeds(text) || yamlIndentationExceeds(text, LIMITS.nestingDepth)) return { ok: false, message: nestingMessage(what) };
  try {
    return checked(what, parseYamlText(text));
  } catch (error) {
    return failure(what, 'YAML', error);
  }
}

export function parseTomlBounded(text: string, what = 'the TOML'): BoundedParse {
  try {
    return checked(what, parseTomlText(text, { maxDepth: LIMITS.nestingDepth }));
  } catch (error) {
    return failure(what, 'TOML', error);
  }
}
