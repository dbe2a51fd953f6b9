import { SANDBOX_WORKDIR } from '../../sandbox/types.js';
import { VERIFIER_DIR } from '../types.js';
import { compileGlob } from './glob.js';
import { shellQuote } from './scripts.js';
import { describeMissingCommand, missingCommands } from './shell-commands.js';

/** One Dockerfile instruction, continuation lines joined. */
export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, COPY, … */
  keyword: string;
  /** Everything after the keyword (for RUN: the shell text, continuation backslashes kept). */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
  /** Bodies of `<<EOF` heredocs that follow the instruction, in order. */
  heredocs: Array<{ delimiter: string; body: string }>;
}

/** Split a Dockerfile into instructions: comments dropped, `\` continuations joined, heredoc bodies attached. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: DockerInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i];
    const start = i + 1;
    i++;
    if (!first.trim() || /^\s*#/.test(first)) continue;
    // Only the newest line is looked at and the parts are joined once, so 20,000 continuation lines stay linear.
    const parts = [first];
    while (parts[parts.length - 1].trimEnd().endsWith('\\') && i < lines.length) {
      const next = lines[i++];
      if (/^\s*#/.test(next)) continue; // comments inside a continuation are dropped by Docker too
      parts[parts.length - 1] = parts[parts.length - 1].trimEnd();
      parts.push(next);
    }
    const joined = parts.join('\n');
    const match = /^\s*([A-Za-z]+)\s*([\s\S]*)$/.exec(joined);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    const args = match[2].trim();
    const heredocs: DockerInstruction['heredocs'] = [];
    for (const opener of args.matchAll(/<<(-?)(["']?)([A-Za-z_][\w]*)\2/g)) {
      const delimiter = opener[3];
      const strip = opener[1] === '-';
      const body: string[] = [];
      while (i < lines.length) {
        const line = lines[i++];
        if ((strip ? line.replace(/^\t+/, '') : line) === delimiter) break;
        body.push(strip ? line.replace(/^\t+/, '') : line);
      }
      heredocs.push({ delimiter, body: body.length ? `${body.join('\n')}\n` : '' });
    }
    out.push({ keyword, args, line: start, heredocs });
  }
  return out;
}

/** What replaying a Dockerfile in the sandbox gives: files, a setup script, and what could not be replayed. */
export interface DockerReplay {
  /** Path in the image (relative = under the final WORKDIR) → content. */
  initialFiles: Record<string, string>;
  /** Runs once from the final WORKDIR after the initial files are written; undefined when there is nothing to run. */
  setupScript?: string;
  /** The image's final WORKDIR (e.g. `/app`), the task's working directory; undefined when the Dockerfile sets none. */
  workdir?: string;
  /** The image's ENV with every `$VAR` expanded as Docker does at build time: what every command of the task sees. */
  env: Record<string, string>;
  /** Bare names of files copied onto PATH: commands a script may call. */
  pathCommands: string[];
  /** Reasons this environment cannot be rebuilt in the sandbox; empty when it can. */
  unsupported: string[];
  /** What was changed or skipped on the way, e.g. "apt-get install jq skipped: the sandbox has jq". */
  notes: string[];
}

/** Context files Docker's `COPY` can see, path relative to the build context → content. */
export interface BuildContext {
  files: ReadonlyMap<string, string>;
  binary: ReadonlySet<string>;
  /** How paths in this context are named in messages, e.g. `environment/`. */
  label: string;
}

/**
 * Packages whose commands the sandbox already has (or that only matter to a real terminal): an `apt-get install` of
 * nothing else is skipped with a note. Anything outside this list makes the task unsupported.
 */
const PROVIDED_PACKAGES = new Set([
  'bash', 'coreutils', 'findutils', 'grep', 'sed', 'gawk', 'mawk', 'original-awk', 'jq', 'gzip', 'tar', 'diffutils',
  'file', 'tree', 'ripgrep', 'ca-certificates', 'locales', 'tzdata', 'less', 'vim', 'vim-tiny', 'nano', 'tmux',
  'asciinema', 'procps', 'util-linux', 'hostname',
]);

/**
 * The sandbox's own variables, which an ENV may build on (`ENV PATH=/app/bin:$PATH`): just-bash's PATH (files copied
 * onto Docker's PATH land in /usr/bin, see PATH_DIRS) and HOME.
 */
const SANDBOX_BASE_ENV: ReadonlyArray<[string, string]> = [
  ['PATH', '/usr/bin:/bin'],
  ['HOME', '/'],
];

/** Docker's default PATH directories; files copied there are moved to /usr/bin, the sandbox's PATH. */
const PATH_DIRS = ['/usr/local/bin', '/usr/local/sbin', '/usr/sbin', '/sbin', '/bin', '/usr/bin'];

/** CMD / ENTRYPOINT values that only keep a container alive or open a shell: nothing for the sandbox to start. */
const IDLE_COMMANDS = /^(\[?\s*"?(\/bin\/|\/usr\/bin\/)?(bash|sh)"?\s*(,\s*"-l"\s*)?\]?|\[?\s*"?sleep"?\s*,?\s*"?infinity"?\s*\]?|\[?\s*"?tail"?\s*,?\s*"?-f"?\s*,?\s*"?\/dev\/null"?\s*\]?)$/;

/**
 * Replay a Dockerfile limited to FROM / WORKDIR / COPY / ADD (local files) / ENV / ARG / RUN of sandbox commands:
 * COPY becomes initial files at the paths the image has them, the final WORKDIR the task's working directory, ENV
 * its environment, RUN lines of the setup script, each in its own subshell in the directory Docker would run it in.
 * Nothing is moved or rewritten. Anything the sandbox cannot reproduce is listed in `unsupported`.
 */
export function replayDockerfile(text: string, context: BuildContext, dockerfileLabel: string): DockerReplay {
  const instructions = parseDockerfile(text);
  const replay: DockerReplay = { initialFiles: {}, env: {}, pathCommands: [], unsupported: [], notes: [] };
  const at = (instruction: DockerInstruction) => `${dockerfileLabel} line ${instruction.line} (${instruction.keyword})`;
  const variables = new Map<string, string>(SANDBOX_BASE_ENV);

  // First pass: the final WORKDIR, the task's working directory; files under it are kept relative to it.
  let cwd = '/';
  for (const instruction of instructions) {
    if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') recordVariables(instruction, variables);
    if (instruction.keyword === 'WORKDIR') cwd = resolvePath(cwd, substitute(unquote(instruction.args), variables));
  }
  const workdir = cwd === '/' ? undefined : cwd;
  replay.workdir = workdir;
  if (!workdir) replay.notes.push(`${dockerfileLabel} sets no WORKDIR: the agent starts in ${SANDBOX_WORKDIR}`);
  else if (workdir === VERIFIER_DIR || workdir.startsWith(`${VERIFIER_DIR}/`)) {
    replay.unsupported.push(`${dockerfileLabel}: WORKDIR ${workdir} is where this app puts the verifier's files`);
  }
  const finalWorkdir = workdir ?? SANDBOX_WORKDIR;
  /** An image path as a task's initial-file key: relative under the working directory, else absolute. */
  const fileKey = (path: string) => (path.startsWith(`${finalWorkdir}/`) ? path.slice(finalWorkdir.length + 1) : path);

  variables.clear();
  for (const [name, value] of SANDBOX_BASE_ENV) variables.set(name, value);
  cwd = '/';
  let froms = 0;
  const setup: string[] = [];
  const executables = new Set<string>();
  /** Directories that exist in the image so far: `COPY x /app` copies *into* /app when /app is one. */
  const knownDirs = new Set<string>(['/', '/tmp', '/etc', '/root', '/home', '/opt', '/srv', '/var', '/usr', '/usr/bin', '/usr/local', '/usr/local/bin']);
  for (const instruction of instructions) {
    const args = instruction.args;
    switch (instruction.keyword) {
      case 'FROM':
        froms++;
        if (froms > 1) replay.unsupported.push(`${at(instruction)}: multi-stage builds cannot be replayed`);
        break;
      case 'ARG':
      case 'ENV': {
        // In the setup script in order, so a RUN sees the values Docker's would; ENV also for every later command.
        for (const [name, value] of recordVariables(instruction, variables)) {
          setup.push(`export ${name}=${shellQuote(value)}`);
          if (instruction.keyword === 'ENV') replay.env[name] = value;
        }
        break;
      }
      case 'WORKDIR': {
        cwd = resolvePath(cwd, substitute(unquote(args), variables));
        knownDirs.add(cwd);
        if (cwd !== '/') setup.push(`mkdir -p ${shellQuote(cwd)}`);
        break;
      }
      case 'COPY':
      case 'ADD': {
        const problem = copyFiles(instruction, substitute(args, variables), cwd, context, { fileKey, replay, executables, knownDirs });
        if (problem) replay.unsupported.push(`${at(instruction)}: ${problem}`);
        break;
      }
      case 'RUN': {
        const script = runScript(instruction);
        if (script === undefined) {
          replay.unsupported.push(`${at(instruction)}: this RUN form cannot be replayed`);
          break;
        }
        const { script: kept, skipped, problems } = skipProvidedPackages(script);
        for (const note of skipped) replay.notes.push(`${at(instruction)}: ${note}`);
        if (problems.length) {
          replay.unsupported.push(...problems.map((problem) => `${at(instruction)}: ${problem}`));
          break;
        }
        if (!kept.replace(/\\\n/g, ' ').replace(/\btrue\b|rm\s+-rf?\s+\/var\/lib\/apt\/lists\/\*|&&|;|\s/g, '')) break;
        // Scripts the RUN executes from the copied files are read too: `RUN bash /tmp/setup.sh`.
        const called = [...kept.matchAll(/(?:^|[\s;&|(])(?:bash|sh|source|\.)\s+([^\s;&|()<>'"]+)/g)].map(
          (match) => replay.initialFiles[fileKey(resolvePath(cwd, match[1]))] ?? '',
        );
        const missing = missingCommands([kept, ...called].join('\n'), replay.pathCommands);
        if (missing.length) {
          replay.unsupported.push(`${at(instruction)}: uses ${missing.map(describeMissingCommand).join(', ')}`);
          break;
        }
        setup.push(`cd ${shellQuote(cwd)} && (\n${kept.replace(/\n$/, '')}\n) || { echo ${shellQuote(`${at(instruction)} failed`)} >&2; exit 1; }`);
        break;
      }
      case 'USER':
        if (!/^(root|0)(:.*)?$/.test(args)) replay.notes.push(`${at(instruction)}: the sandbox has no users; everything runs as one user`);
        break;
      case 'SHELL':
        if (!/"(\/bin\/|\/usr\/bin\/)?(bash|sh)"/.test(args)) replay.unsupported.push(`${at(instruction)}: only bash can run the task's commands`);
        break;
      case 'EXPOSE':
        replay.unsupported.push(`${at(instruction)}: the task serves network port ${args}; the sandbox runs no services`);
        break;
      case 'HEALTHCHECK':
        if (!/^NONE$/i.test(args)) replay.unsupported.push(`${at(instruction)}: the task runs a service; the sandbox runs no services`);
        break;
      case 'CMD':
      case 'ENTRYPOINT':
        if (!IDLE_COMMANDS.test(args.trim())) {
          replay.unsupported.push(`${at(instruction)}: the container starts \`${args.slice(0, 80)}\`; the sandbox starts nothing`);
        }
        break;
      case 'LABEL':
      case 'MAINTAINER':
      case 'STOPSIGNAL':
      case 'VOLUME':
      case 'ONBUILD':
        replay.notes.push(`${at(instruction)}: ignored (no effect on the files or commands)`);
        break;
      default:
        replay.unsupported.push(`${at(instruction)}: unknown instruction`);
    }
  }
  if (froms === 0) replay.notes.push(`${dockerfileLabel} has no FROM`);

  const preamble: string[] = [];
  if (executables.size) preamble.push(`chmod +x ${[...executables].sort().map(shellQuote).join(' ')}`);
  const body = [...preamble, ...setup];
  // Exports alone change nothing that lasts: the shell state ends with the setup script.
  if (body.some((line) => !line.startsWith('export '))) replay.setupScript = `# Replayed from ${dockerfileLabel}.\n${body.join('\n')}\n`;
  return replay;
}

/** `ENV A=1 B="x y"`, legacy `ENV A some value`, `ARG N=default` → the pairs, recorded for later substitution. */
function recordVariables(instruction: DockerInstruction, variables: Map<string, string>): Array<[string, string]> {
  const args = instruction.args.replace(/\\\n/g, ' ');
  const pairs: Array<[string, string]> = [];
  if (instruction.keyword === 'ENV' && /^[A-Za-z_][\w]*\s/.test(args) && !/^[A-Za-z_][\w]*=/.test(args)) {
    const name = /^[A-Za-z_][\w]*/.exec(args)![0];
    pairs.push([name, substitute(args.slice(name.length).trim(), variables)]);
  } else {
    for (const word of splitWords(args)) {
      const eq = word.indexOf('=');
      if (eq < 0) {
        // `ARG NAME` without a default: the build passes it in; here it is empty unless set before.
        if (instruction.keyword === 'ARG') pairs.push([word, variables.get(word) ?? '']);
        continue;
      }
      pairs.push([word.slice(0, eq), substitute(unquote(word.slice(eq + 1)), variables)]);
    }
  }
  for (const [name, value] of pairs) variables.set(name, value);
  return pairs;
}

/** Words as Docker splits ENV/COPY arguments: whitespace-separated, quotes grouping and removed later. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote = '';
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < text.length) current += c + text[++i];
      else {
        if (c === quote) quote = '';
        current += c;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
      started = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

function unquote(word: string): string {
  const trimmed = word.trim();
  if (trimmed.length >= 2 && trimmed[0] === "'" && trimmed.endsWith("'")) return trimmed.slice(1, -1);
  if (trimmed.length >= 2 && trimmed[0] === '"' && trimmed.endsWith('"')) return trimmed.slice(1, -1).replace(/\\(["\\])/g, '$1');
  return trimmed.replace(/\\(.)/g, '$1');
}

/**
 * `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alt}` from ARG/ENV values (and the sandbox's PATH and HOME), as
 * Docker expands them at build time; a name set nowhere is empty, as in Docker.
 */
function substitute(text: string, variables: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([A-Za-z_]\w*)(?::([-+])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (_all, braced: string, op: string, word: string, bare: string) => {
    const value = variables.get(braced ?? bare);
    if (op === '-') return value ? value : word;
    if (op === '+') return value ? word : '';
    return value ?? '';
  });
}

/** `cwd` + `path` → absolute, normalized. */
function resolvePath(cwd: string, path: string): string {
  const absolute = path.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
  const parts: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** `//a/b//` → `a/b`, without a regular expression (a line of ten thousand slashes stays linear). */
function trimSlashes(path: string): string {
  let start = 0;
  let end = path.length;
  while (start < end && path[start] === '/') start++;
  while (end > start && path[end - 1] === '/') end--;
  return path.slice(start, end);
}

/** Simple `.dockerignore` support: one glob per line, matching a path or one of its parent directories. */
function ignoredBy(context: BuildContext): (path: string) => boolean {
  const rules = (context.files.get('.dockerignore') ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'))
    .map((line) => compileGlob(trimSlashes(line)));
  return (path) => {
    if (path === '.dockerignore') return true;
    const parts = path.split('/');
    return rules.some((rule) => parts.some((_, i) => rule.matches(parts.slice(0, i + 1).join('/'))));
  };
}

/** COPY/ADD of build-context files into initial files; returns a problem, or undefined when all went in. */
function copyFiles(
  instruction: DockerInstruction,
  args: string,
  cwd: string,
  context: BuildContext,
  target: {
    /** Image path → the task's initial-file key. */
    fileKey: (path: string) => string;
    replay: DockerReplay;
    executables: Set<string>;
    knownDirs: Set<string>;
  },
): string | undefined {
  const { fileKey, replay, executables, knownDirs } = target;
  let words: string[];
  const trimmed = args.trim();
  const flags: string[] = [];
  let rest = trimmed;
  while (/^--[\w-]+(=\S*)?\s/.test(rest)) {
    const flag = /^--[\w-]+(=\S*)?/.exec(rest)![0];
    flags.push(flag);
    rest = rest.slice(flag.length).trim();
  }
  if (flags.some((flag) => flag.startsWith('--from'))) return 'copies from another image or build stage';
  if (flags.some((flag) => flag.startsWith('--parents') || flag.startsWith('--exclude'))) return `${flags.join(' ')} is not supported`;
  if (rest.startsWith('[')) {
    try {
      words = JSON.parse(rest);
    } catch {
      return 'its JSON form does not parse';
    }
  } else words = splitWords(rest).map(unquote);

  // `COPY <<EOF /path` — inline file contents.
  if (instruction.heredocs.length && words.some((word) => word.startsWith('<<'))) {
    const target = words[words.length - 1];
    const destination = resolvePath(cwd, target);
    instruction.heredocs.forEach((heredoc, index) => {
      const path = instruction.heredocs.length > 1 || target.endsWith('/') ? `${destination}/${heredoc.delimiter}` : destination;
      addFile(path, heredoc.body);
    });
    return undefined;
  }
  if (words.length < 2) return 'needs a source and a destination';
  const destinationWord = words[words.length - 1];
  const sources = words.slice(0, -1);
  const destination = resolvePath(cwd, destinationWord);
  const intoDirectory =
    /(^|\/)\.?\/?$/.test(destinationWord) || sources.length > 1 || sources.some((source) => /[*?[]/.test(source)) || knownDirs.has(destination);
  const ignored = ignoredBy(context);
  const all = [...context.files.keys(), ...context.binary].filter((path) => !ignored(path));

  function addFile(imagePath: string, content: string | undefined, sourcePath?: string): string | undefined {
    let path = imagePath;
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    for (let parent = dir; parent.length > 1; parent = parent.slice(0, parent.lastIndexOf('/')) || '/') knownDirs.add(parent);
    if (PATH_DIRS.includes(dir) && dir !== '/usr/bin') {
      const moved = `/usr/bin/${path.slice(dir.length + 1)}`;
      replay.notes.push(`${path} is copied to ${moved}, on the sandbox's PATH`);
      path = moved;
    }
    if (content === undefined) return `${sourcePath ?? path} is a binary file; a task's files must be text`;
    const key = fileKey(path);
    replay.initialFiles[key] = content;
    if (content.startsWith('#!') || PATH_DIRS.includes(dir)) executables.add(key);
    if (PATH_DIRS.includes(dir)) replay.pathCommands.push(path.slice(path.lastIndexOf('/') + 1));
    return undefined;
  }

  for (const rawSource of sources) {
    if (/^[a-z]+:\/\//i.test(rawSource) || rawSource.startsWith('git@')) return `${instruction.keyword} downloads ${rawSource}; the sandbox has no network`;
    const source = trimSlashes(rawSource.replace(/^(\.\/)+/, ''));
    if (instruction.keyword === 'ADD' && /\.(tar|tar\.gz|tgz|tar\.bz2|tar\.xz|txz)$/.test(source)) return `ADD ${rawSource} unpacks an archive, which is not replayed`;
    const matches: Array<{ path: string; relative: string }> = [];
    if (source === '' || source === '.') for (const path of all) matches.push({ path, relative: path });
    else {
      const pattern = compileGlob(source);
      for (const path of all) {
        const parts = path.split('/');
        for (let i = 1; i <= parts.length; i++) {
          if (!pattern.matches(parts.slice(0, i).join('/'))) continue;
          // The source itself is the file (relative = its name) or a directory whose contents are copied.
          matches.push({ path, relative: i === parts.length ? parts[parts.length - 1] : parts.slice(i).join('/') });
          break;
        }
      }
    }
    if (!matches.length) return `${rawSource} is not in ${context.label}`;
    const singleFile = matches.length === 1 && matches[0].path === source;
    for (const match of matches) {
      const target = singleFile && !intoDirectory ? destination : `${destination.replace(/\/$/, '')}/${match.relative}`;
      const problem = addFile(target, context.files.get(match.path), `${context.label}${match.path}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** The shell text a RUN executes, or undefined for a form that cannot be replayed. */
function runScript(instruction: DockerInstruction): string | undefined {
  const flags = /^(--[\w-]+(=\S*)?\s+)*/.exec(instruction.args)![0];
  // A cache mount changes nothing here; a secret, ssh or bind mount brings in files the task folder does not have.
  if (/--mount=\S*type=(secret|ssh|bind)|--network=(?!none)/.test(flags)) return undefined;
  const args = instruction.args.slice(flags.length);
  if (args.startsWith('[')) {
    try {
      const argv = JSON.parse(args) as unknown;
      if (!Array.isArray(argv) || !argv.every((item) => typeof item === 'string')) return undefined;
      if ((argv[0] === '/bin/sh' || argv[0] === '/bin/bash' || argv[0] === 'sh' || argv[0] === 'bash') && argv[1] === '-c') return `${argv[2] ?? ''}\n`;
      return `${argv.map(shellQuote).join(' ')}\n`;
    } catch {
      return undefined;
    }
  }
  if (instruction.heredocs.length) {
    // `RUN <<EOF` runs the body as a script; `RUN cmd <<EOF` feeds it to cmd.
    const [first] = instruction.heredocs;
    if (/^<<-?["']?\w+["']?\s*$/.test(args)) return first.body;
    return `${args}\n${first.body}${first.delimiter}\n`;
  }
  return `${args}\n`;
}

/**
 * `apt-get install` of packages the sandbox already provides is skipped (with a note); of anything else it makes
 * the RUN unsupported. `apt-get update/clean/upgrade` are skipped: there is no package index to refresh.
 */
function skipProvidedPackages(script: string): { script: string; skipped: string[]; problems: string[] } {
  const skipped: string[] = [];
  const problems: string[] = [];
  const apt = /\b(apt-get|apt)\s+((?:-[\w-]+(?:=\S+)?\s+)*)(update|upgrade|dist-upgrade|clean|autoclean|autoremove|install)\b((?:[^;&|\n\\]|\\\n)*)/g;
  const kept = script.replace(apt, (_all, tool: string, _options: string, verb: string, rest: string) => {
    if (verb !== 'install') {
      skipped.push(`${tool} ${verb} skipped`);
      return 'true';
    }
    const packages = rest
      .replace(/\\\n/g, ' ')
      .split(/\s+/)
      .filter((word) => word && !word.startsWith('-') && !word.startsWith('>') && !/^\d*>/.test(word))
      .map((word) => word.replace(/[=:].*$/, ''));
    const lacking = packages.filter((name) => !PROVIDED_PACKAGES.has(name));
    if (lacking.length) problems.push(`installs ${lacking.join(', ')} with ${tool}; the sandbox cannot install packages`);
    else skipped.push(`${tool} install ${packages.join(' ')} skipped: the sandbox has ${packages.length === 1 ? 'it' : 'them'}`);
    return 'true';
  });
  return { script: kept, skipped, problems };
}
