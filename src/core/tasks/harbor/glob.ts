/**
 * Docker's path globs (`COPY src/*.txt`, `.dockerignore` lines): `*` and `?` within one path segment, `**` across
 * segments (`**\/x` also matches `x`), `[a-z]` / `[!a-z]` classes, `\` escapes. Matched by walking a set of pattern positions over the path
 * once, so the time is at most path length × pattern length — a pattern written by someone else (`*a*a*a…`) can
 * never make it backtrack exponentially, as a regular expression built from it could.
 */

type GlobToken =
  | { kind: 'literal'; char: string }
  | { kind: 'any-char' }
  | { kind: 'class'; negated: boolean; ranges: Array<[string, string]> }
  | { kind: 'star' }
  | { kind: 'globstar' }
  /** Before `**` + `/`: lets the pattern skip both, so `**\/x` matches `x` (zero directories). */
  | { kind: 'skip-directories' };

/** A compiled glob: `matches(path)` is true when the whole path matches. */
export interface Glob {
  readonly pattern: string;
  matches(path: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  const tokens = tokenize(pattern);
  return { pattern, matches: (path) => matchTokens(tokens, path) };
}

function tokenize(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      let stars = 1;
      while (pattern[i + 1] === '*') {
        stars++;
        i++;
      }
      if (stars > 1 && pattern[i + 1] === '/') {
        tokens.push({ kind: 'skip-directories' }, { kind: 'globstar' }, { kind: 'literal', char: '/' });
        i++;
        continue;
      }
      const kind = stars > 1 ? 'globstar' : 'star';
      // Consecutive stars match what one of them matches; keeping one keeps the state set small.
      const previous = tokens[tokens.length - 1];
      if (previous?.kind === 'globstar') continue;
      if (previous?.kind === 'star') tokens[tokens.length - 1] = { kind };
      else tokens.push({ kind });
    } else if (c === '?') tokens.push({ kind: 'any-char' });
    else if (c === '\\' && i + 1 < pattern.length) tokens.push({ kind: 'literal', char: pattern[++i] });
    else if (c === '[') {
      const parsed = parseClass(pattern, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else tokens.push({ kind: 'literal', char: '[' });
    } else tokens.push({ kind: 'literal', char: c });
  }
  return tokens;
}

/** `[!a-z_]` starting at `start` → the class and the index of its `]`; undefined when it never closes. */
function parseClass(pattern: string, start: number): { token: GlobToken; end: number } | undefined {
  let i = start + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const ranges: Array<[string, string]> = [];
  let first = true;
  while (i < pattern.length) {
    let c = pattern[i];
    if (c === ']' && !first) return { token: { kind: 'class', negated, ranges }, end: i };
    first = false;
    if (c === '\\' && i + 1 < pattern.length) c = pattern[++i];
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      let high = pattern[i + 2];
      i += 2;
      if (high === '\\' && i + 1 < pattern.length) high = pattern[++i];
      ranges.push([c, high]);
    } else ranges.push([c, c]);
    i++;
  }
  return undefined;
}

function consumes(token: GlobToken, c: string): boolean {
  switch (token.kind) {
    case 'literal':
      return token.char === c;
    case 'any-char':
      return c !== '/';
    case 'class':
      return c !== '/' && token.ranges.some(([low, high]) => low <= c && c <= high) !== token.negated;
    default:
      return false;
  }
}

/** One pass over the path with the set of pattern positions still alive (a Thompson-style simulation). */
function matchTokens(tokens: readonly GlobToken[], path: string): boolean {
  let active = new Uint8Array(tokens.length + 1);
  let next = new Uint8Array(tokens.length + 1);
  const close = (states: Uint8Array) => {
    // A star may match nothing: whoever stands on it also stands after it.
    for (let i = 0; i < tokens.length; i++) {
      const kind = tokens[i].kind;
      if (states[i] && (kind === 'star' || kind === 'globstar' || kind === 'skip-directories')) states[i + 1] = 1;
      if (states[i] && kind === 'skip-directories') states[i + 3] = 1;
    }
  };
  active[0] = 1;
  close(active);
  for (let position = 0; position < path.length; position++) {
    const c = path[position];
    next.fill(0);
    let alive = false;
    for (let i = 0; i < tokens.length; i++) {
      if (!active[i]) continue;
      const token = tokens[i];
      if (token.kind === 'globstar' || (token.kind === 'star' && c !== '/')) next[i] = 1;
      else if (consumes(token, c)) next[i + 1] = 1;
      else continue;
      alive = true;
    }
    if (!alive) return false;
    close(next);
    [active, next] = [next, active];
  }
  return active[tokens.length] === 1;
}
