import type { SandboxCapability } from '../../sandbox/types.js';

/**
 * Which commands a shell script runs, read from its text, so an imported task that needs something the embedded
 * sandbox lacks (Python, apt-get, a compiler) is reported as unsupported up front instead of failing at run time.
 *
 * A reader, not a shell: it follows quoting, `$( )`, backticks, process substitution, heredocs, `case` patterns,
 * `[[ ]]`, `(( ))` and function definitions well enough for the scripts tasks are written with. A command name built
 * at run time (`$tool --version`) or given as a path (`./run.sh`, `/usr/bin/env`) is not checked.
 */

/**
 * The commands just-bash 3.4 provides in every place the sandbox runs (page, worker, Node): its `getCommandNames()`
 * without `sqlite3` (Node only). `tests/unit/harbor-dockerfile.test.ts` keeps this list in step with just-bash.
 */
export const SANDBOX_COMMANDS: readonly string[] = [
  'echo', 'cat', 'printf', 'ls', 'mkdir', 'rmdir', 'touch', 'rm', 'cp', 'mv', 'ln', 'chmod', 'pwd', 'readlink', 'head',
  'tail', 'wc', 'stat', 'grep', 'fgrep', 'egrep', 'rg', 'sed', 'awk', 'sort', 'uniq', 'comm', 'cut', 'paste', 'tr', 'rev',
  'nl', 'fold', 'expand', 'unexpand', 'strings', 'split', 'column', 'join', 'tee', 'find', 'basename', 'dirname', 'tree',
  'du', 'env', 'printenv', 'alias', 'unalias', 'history', 'xargs', 'true', 'false', 'clear', 'bash', 'sh', 'jq', 'base64',
  'diff', 'date', 'sleep', 'timeout', 'time', 'seq', 'expr', 'md5sum', 'sha1sum', 'sha256sum', 'file', 'html-to-markdown',
  'help', 'which', 'tac', 'hostname', 'whoami', 'od', 'gzip', 'gunzip', 'zcat', 'tar', 'yq', 'xan',
];

/**
 * Sandbox commands that just-bash's browser build leaves out: a task using them runs in Node (the CLI) but not in
 * the page's sandbox worker. Each is a sandbox capability of the same name, which the importer adds to the task's
 * `requires` (so the page calls the task unsupported, with the reason) rather than refusing the task.
 */
export const BROWSER_MISSING_COMMANDS = ['tar', 'yq', 'xan'] as const satisfies readonly SandboxCapability[];

/** Builtins just-bash implements (checked with `type`); `trap` is absent on purpose: just-bash does not run it. */
export const SHELL_BUILTINS: readonly string[] = [
  'cd', 'export', 'source', '.', 'set', 'unset', 'local', 'declare', 'typeset', 'readonly', 'read', 'mapfile',
  'readarray', 'shift', 'exit', 'return', 'test', '[', 'eval', 'exec', 'let', 'type', 'command', 'builtin', 'wait',
  'pushd', 'popd', 'dirs', 'getopts', 'shopt', 'umask', 'ulimit', 'hash', 'kill', 'jobs', 'break', 'continue', ':',
  'times', 'compgen', 'complete', 'enable', 'caller',
];

const AVAILABLE = new Set([...SANDBOX_COMMANDS, ...SHELL_BUILTINS]);

/** Why a well-known missing command is missing, for a reason a person can act on. */
const WHY_MISSING: Array<[readonly string[], string]> = [
  [['apt-get', 'apt', 'apk', 'yum', 'dnf', 'dpkg', 'brew', 'pacman', 'zypper', 'snap'], 'installs system packages'],
  [['pip', 'pip3', 'uv', 'uvx', 'poetry', 'conda', 'pipx', 'easy_install'], 'installs Python packages'],
  [['python', 'python3', 'pytest', 'py.test'], 'needs Python'],
  [['node', 'npm', 'npx', 'yarn', 'pnpm', 'bun', 'deno', 'tsc'], 'needs Node.js'],
  [['curl', 'wget'], 'needs the network'],
  [['gcc', 'g++', 'cc', 'c++', 'clang', 'make', 'cmake', 'cargo', 'rustc', 'go', 'javac', 'java', 'mvn', 'gradle', 'ruby', 'perl', 'php', 'lua', 'Rscript'], 'needs a compiler or another language runtime'],
  [['systemctl', 'service', 'nginx', 'redis-server', 'redis-cli', 'postgres', 'psql', 'mysqld', 'mysql', 'sshd', 'supervisord', 'docker', 'sqlite3'], 'needs a service or database'],
  [['sudo', 'su', 'useradd', 'adduser', 'groupadd', 'chown', 'chgrp', 'setfacl'], 'manages users or ownership'],
  [['trap', 'mktemp', 'realpath', 'cmp', 'bc', 'shuf', 'ps', 'xxd', 'unzip', 'zip', 'git'], 'is not one of the sandbox commands'],
];

export function isSandboxCommand(name: string): boolean {
  return AVAILABLE.has(name);
}

/** "python3 (needs Python)" — the name with a hint when the reason is known. */
export function describeMissingCommand(name: string): string {
  const why = WHY_MISSING.find(([names]) => names.includes(name))?.[1] ?? 'not a sandbox command';
  return `${name} (${why})`;
}

const KEYWORDS_BEFORE_COMMAND = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'coproc']);
const KEYWORDS_ALONE = new Set(['fi', 'done', '}', 'esac', ']]', 'in']);
/** Prefix commands whose (first non-option) argument is itself a command. */
const WRAPPERS = new Set(['command', 'builtin', 'exec', 'nohup', 'env', 'timeout', 'time', 'nice', 'stdbuf']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;
const FUNCTION_DEFINITION = /(?:^|[\s;&|(){}])(?:function\s+([A-Za-z_][\w.:-]*)|([A-Za-z_][\w.:-]*)\s*\(\s*\))/g;

/** Names of the functions a script defines; calling them is not calling a missing command. */
export function definedFunctions(script: string): Set<string> {
  const names = new Set<string>();
  for (const match of script.matchAll(FUNCTION_DEFINITION)) names.add(match[1] ?? match[2]);
  return names;
}

interface Token {
  kind: 'word' | 'separator' | 'close-paren';
  text: string;
}

/**
 * Every command name a script runs, in order of first use, without repeats. Command substitutions, process
 * substitutions and `bash -c '…'` strings are read too.
 */
export function commandsUsed(script: string): string[] {
  const found: string[] = [];
  collectCommands(stripHeredocBodies(script), found, 0);
  return [...new Set(found)];
}

/** The commands a script needs that the sandbox lacks, described (`python3 (needs Python)`), in order of first use. */
export function missingCommands(script: string, alsoAvailable: Iterable<string> = []): string[] {
  const known = new Set([...alsoAvailable, ...definedFunctions(script)]);
  return commandsUsed(script).filter((name) => !isSandboxCommand(name) && !known.has(name));
}

/** Heredoc bodies are data, not commands: keep the line that opens one, drop the lines up to its delimiter. */
function stripHeredocBodies(script: string): string {
  const out: string[] = [];
  const pending: Array<{ delimiter: string; dash: boolean }> = [];
  for (const line of script.split('\n')) {
    if (pending.length) {
      const { delimiter, dash } = pending[0];
      if ((dash ? line.replace(/^\t+/, '') : line) === delimiter || line.trim() === delimiter) pending.shift();
      continue;
    }
    out.push(line);
    // A heredoc opener outside quotes and comments: <<WORD, <<-WORD, <<'WORD', <<"WORD" (but not <<< here-strings).
    const code = line.replace(/(^|\s)#.*$/, '');
    for (const match of code.matchAll(/(?<!<)<<(-?)\s*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][\w-]*))/g)) {
      pending.push({ dash: match[1] === '-', delimiter: match[2] ?? match[3] ?? match[4] });
    }
  }
  return out.join('\n');
}

function collectCommands(script: string, found: string[], depth: number): void {
  if (depth > 8) return;
  const tokens = tokenize(script, (inner) => collectCommands(stripHeredocBodies(inner), found, depth + 1));
  let caseDepth = 0;
  // Inside `case … in`, between `in` or `;;` and the closing `)`, words are patterns, not commands.
  let inPattern = false;
  let words: string[] = [];
  const flush = () => {
    const simple = words;
    words = [];
    if (!simple.length) return;
    let i = 0;
    while (i < simple.length) {
      const word = simple[i];
      if (KEYWORDS_BEFORE_COMMAND.has(word)) {
        i++;
        continue;
      }
      if (ASSIGNMENT.test(word)) {
        i++;
        continue;
      }
      break;
    }
    const name = simple[i];
    if (name === undefined || KEYWORDS_ALONE.has(name)) return;
    if (name === 'for' || name === 'select' || name === 'function' || name === '[[' || name === 'case') return;
    record(name, simple.slice(i + 1));
  };
  const record = (name: string, args: string[]) => {
    if (!name || name.includes('/') || name.includes('$') || name.includes('`') || name.startsWith('-')) return;
    found.push(name);
    if ((name === 'bash' || name === 'sh') && args[0] === '-c' && args[1] !== undefined) collectCommands(args[1], found, depth + 1);
    // `command -v python3` asks whether python3 exists; it does not run it.
    if (WRAPPERS.has(name) && !(name === 'command' && args.some((arg) => arg === '-v' || arg === '-V'))) {
      const rest = args.filter((arg) => !arg.startsWith('-') && !ASSIGNMENT.test(arg));
      const inner = name === 'timeout' ? rest.slice(1) : rest;
      if (inner.length) record(inner[0], inner.slice(1));
    }
  };
  for (const token of tokens) {
    if (inPattern) {
      if (token.kind === 'word' && token.text === 'esac') {
        caseDepth = Math.max(0, caseDepth - 1);
        inPattern = false;
      } else if (token.kind === 'close-paren') inPattern = false;
      continue;
    }
    if (token.kind === 'word') {
      const head = words.filter((word) => !KEYWORDS_BEFORE_COMMAND.has(word));
      if (token.text === 'in' && head.length >= 2 && head[0] === 'case') {
        words = [];
        caseDepth++;
        inPattern = true;
        continue;
      }
      if (token.text === 'esac' && head.length === 0 && caseDepth > 0) {
        words = [];
        caseDepth--;
        continue;
      }
      words.push(token.text);
    } else {
      flush();
      if (caseDepth > 0 && token.text.startsWith(';;')) inPattern = true;
      if (caseDepth > 0 && token.text === ';&') inPattern = true;
    }
  }
  flush();
}

/**
 * Words and separators of a script, quotes removed. `onSubshell` receives the text of every `$( )`, `` ` ` ``,
 * `<( )` and `>( )`. Redirection targets are dropped so `> out.txt cmd` reads as `cmd`.
 */
function tokenize(script: string, onSubshell: (inner: string) => void): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  let skipNextWord = false;
  const endWord = () => {
    if (inWord) {
      if (skipNextWord) skipNextWord = false;
      else tokens.push({ kind: 'word', text: word });
    }
    word = '';
    inWord = false;
  };
  const separator = (text: string, kind: Token['kind'] = 'separator') => {
    endWord();
    tokens.push({ kind, text });
  };
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i];
    if (c === '\\') {
      if (script[i + 1] === '\n') i += 2;
      else {
        word += script[i + 1] ?? '';
        inWord = true;
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end < 0 ? n : end);
      inWord = true;
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && script[i] !== '"') {
        if (script[i] === '\\') {
          word += script[i + 1] ?? '';
          i += 2;
        } else if (script[i] === '$' && script[i + 1] === '(' && script[i + 2] !== '(') {
          const end = matchingParen(script, i + 1);
          onSubshell(script.slice(i + 2, end));
          word += '$';
          i = end + 1;
        } else if (script[i] === '`') {
          const end = script.indexOf('`', i + 1);
          onSubshell(script.slice(i + 1, end < 0 ? n : end));
          word += '$';
          i = end < 0 ? n : end + 1;
        } else word += script[i++];
      }
      inWord = true;
      i++;
      continue;
    }
    if (c === '$') {
      const next = script[i + 1];
      if (next === '(' && script[i + 2] === '(') {
        i = matchingParen(script, i + 1) + 1;
      } else if (next === '(') {
        const end = matchingParen(script, i + 1);
        onSubshell(script.slice(i + 2, end));
        i = end + 1;
      } else if (next === '{') {
        const end = matchingBrace(script, i + 1);
        i = end + 1;
      } else if (next === "'") {
        let j = i + 2;
        while (j < n && script[j] !== "'") j += script[j] === '\\' ? 2 : 1;
        i = j + 1;
      } else i++;
      word += '$';
      inWord = true;
      continue;
    }
    if (c === '`') {
      const end = script.indexOf('`', i + 1);
      onSubshell(script.slice(i + 1, end < 0 ? n : end));
      word += '$';
      inWord = true;
      i = end < 0 ? n : end + 1;
      continue;
    }
    if ((c === '<' || c === '>') && script[i + 1] === '(') {
      endWord();
      const end = matchingParen(script, i + 1);
      onSubshell(script.slice(i + 2, end));
      i = end + 1;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n' || c === ';' || c === '&' || c === '|') {
      // `2>&1` and `&>`: a redirection, not a separator.
      if (c === '&' && (script[i - 1] === '>' || script[i - 1] === '<')) {
        i++;
        skipNextWord = true;
        inWord = false;
        word = '';
        continue;
      }
      if (c === '&' && script[i + 1] === '>') {
        endWord();
        i += script[i + 2] === '>' ? 3 : 2;
        skipNextWord = true;
        continue;
      }
      let run = c;
      i++;
      while (i < n && c !== '\n' && (script[i] === c || (c === ';' && script[i] === '&') || (c === '|' && script[i] === '&'))) run += script[i++];
      separator(run);
      continue;
    }
    if (c === '(' || c === ')') {
      // `(( … ))` arithmetic and `[[ … ]]` tests: no commands inside.
      if (c === '(' && script[i + 1] === '(' && !inWord) {
        const end = matchingParen(script, i);
        separator(';');
        i = end + 1;
        continue;
      }
      separator(c, c === ')' ? 'close-paren' : 'separator');
      i++;
      continue;
    }
    if (c === '[' && script[i + 1] === '[' && !inWord && /[\s]/.test(script[i + 2] ?? ' ')) {
      const end = script.indexOf(']]', i + 2);
      endWord();
      tokens.push({ kind: 'word', text: '[[' });
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '<' || c === '>') {
      // A redirection: drop the operator, any fd number before it, and the target word after it.
      if (/^\d+$/.test(word) && inWord) {
        word = '';
        inWord = false;
      } else endWord();
      while (script[i] === '<' || script[i] === '>') i++;
      if (script[i] === '&') {
        i++;
        while (/[0-9-]/.test(script[i] ?? '')) i++;
        continue;
      }
      skipNextWord = true;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  endWord();
  return tokens;
}

/** Index of the `)` that closes the `(` at `open`, honouring quotes and nesting; the end of text if none. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return text.length;
      i = end;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length;
}
