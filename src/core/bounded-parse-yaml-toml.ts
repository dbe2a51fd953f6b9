import { parse as parseTomlText } from 'smol-toml';
import { parse as parseYamlText } from 'yaml';
import { checked, failure, type BoundedParse } from './bounded-parse.js';
import { bracketDepthExceeds, LIMITS, nestingMessage } from './limits.js';

// YAML and TOML from files a user did not write themselves (task.yaml, task.toml of an imported suite), bounded as
// `bounded-parse.ts` bounds JSON; apart from it so that the start page, which parses only JSON, loads neither parser.

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
