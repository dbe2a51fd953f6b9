import { getCommandNames } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/core/tasks/harbor/glob.js';
import { commandsUsed, missingCommands, parseDockerfile, replayDockerfile, SANDBOX_COMMANDS, taskRoots } from '../../src/core/tasks/harbor/index.js';

describe('the sandbox command list the importer checks against', () => {
  it('is just-bash’s own list, minus sqlite3 (Node only)', () => {
    expect([...SANDBOX_COMMANDS].sort()).toEqual(getCommandNames().filter((name) => name !== 'sqlite3').sort());
  });
});

describe('reading which commands a script runs', () => {
  it('sees commands in pipelines, substitutions, conditions and bash -c, but not in data', () => {
    const script = [
      '#!/bin/bash',
      'set -e',
      '# python3 in a comment is not a command',
      'out=$(jq -r .name config.json | tr a-z A-Z)',
      'if ! grep -q x "$f" 2>/dev/null; then echo "no $(basename "$f")"; fi',
      "cat > notes.txt <<'EOF'",
      'pytest is only text here',
      'EOF',
      "bash -c 'sort data | uniq -c'",
      'diff <(sort a) <(sort b) > /dev/null && echo same',
      'command -v python3 > /dev/null || echo "no python"',
      'case "$mode" in',
      '  fast|quick) sed -n 1p x ;;',
      "  *) awk 'NR == 1' x ;;",
      'esac',
      '[[ $line =~ ^(a|b)$ ]] && (( count++ ))',
    ].join('\n');
    expect(commandsUsed(script).sort()).toEqual(['awk', 'basename', 'bash', 'cat', 'command', 'diff', 'echo', 'grep', 'jq', 'sed', 'set', 'sort', 'tr', 'uniq']);
    expect(missingCommands(script)).toEqual([]);
  });

  it('names the missing ones, and knows functions and the task’s own files', () => {
    expect(missingCommands('apt-get install -y curl && curl -sSL x | sh\nuvx pytest /tests/test_outputs.py\n')).toEqual(['apt-get', 'curl', 'uvx']);
    expect(missingCommands('python3 -m pytest -q')).toEqual(['python3']);
    expect(missingCommands('helper() { echo hi; }\nhelper\nmytool --run', ['mytool'])).toEqual([]);
    expect(missingCommands('timeout 5 node app.js; env FOO=1 npm test; ./run.sh; "$TOOL" x')).toEqual(['node', 'npm']);
  });
});

describe('Dockerfile parsing', () => {
  it('joins continuations, drops comments, attaches heredocs', () => {
    const parsed = parseDockerfile(
      ['# comment', 'FROM ubuntu:24.04', 'RUN apt-get update && \\', '    # inner comment', '    apt-get install -y jq', 'RUN <<EOF', 'echo hi', 'EOF', 'copy a b', ''].join('\n'),
    );
    expect(parsed.map((instruction) => [instruction.keyword, instruction.line])).toEqual([
      ['FROM', 2],
      ['RUN', 3],
      ['RUN', 6],
      ['COPY', 9],
    ]);
    expect(parsed[1].args).toBe('apt-get update && \\\n    apt-get install -y jq');
    expect(parsed[2].heredocs).toEqual([{ delimiter: 'EOF', body: 'echo hi\n' }]);
  });
});

describe('the WORKDIR is the task’s working directory, and nothing is rewritten', () => {
  const context = { files: new Map([['data.csv', 'a,1\n'], ['run.sh', '#!/bin/bash\ncat /app/data.csv\n']]), binary: new Set<string>(), label: 'environment/' };

  it('keeps files at their image paths (relative to the WORKDIR when under it) and scripts byte for byte', () => {
    const replay = replayDockerfile(
      'FROM ubuntu\nWORKDIR /app\nCOPY data.csv run.sh ./\nCOPY data.csv /srv/copy.csv\nRUN mkdir -p /app/out && cp /app/data.csv /app/out/\n',
      context,
      'Dockerfile',
    );
    expect(replay.unsupported).toEqual([]);
    expect(replay.workdir).toBe('/app');
    expect(replay.initialFiles).toEqual({ 'data.csv': 'a,1\n', 'run.sh': '#!/bin/bash\ncat /app/data.csv\n', '/srv/copy.csv': 'a,1\n' });
    expect(replay.setupScript).toContain("cd '/app' && (\nmkdir -p /app/out && cp /app/data.csv /app/out/\n)");
    expect(replay.setupScript).not.toContain('/work');
  });

  it('expands ENV as Docker does at build time, on the sandbox’s PATH', () => {
    const replay = replayDockerfile('FROM ubuntu\nARG ROOT=/srv/app\nENV APP_HOME=$ROOT PATH="$ROOT/bin:${PATH}" EMPTY=$UNSET\nWORKDIR $APP_HOME\n', context, 'Dockerfile');
    expect(replay.workdir).toBe('/srv/app');
    expect(replay.env).toEqual({ APP_HOME: '/srv/app', PATH: '/srv/app/bin:/usr/bin:/bin', EMPTY: '' });
  });

  it('takes /tmp as a WORKDIR, refuses the verifier’s own directory, and starts in /work without one', () => {
    expect(replayDockerfile('FROM ubuntu\nWORKDIR /tmp/build\n', context, 'Dockerfile')).toMatchObject({ workdir: '/tmp/build', unsupported: [] });
    expect(replayDockerfile('FROM ubuntu\nWORKDIR /verifier\n', context, 'Dockerfile').unsupported).toEqual([
      "Dockerfile: WORKDIR /verifier is where this app puts the verifier's files",
    ]);
    const none = replayDockerfile('FROM ubuntu\nCOPY data.csv .\n', context, 'Dockerfile');
    expect(none.workdir).toBeUndefined();
    expect(none.initialFiles).toEqual({ '/data.csv': 'a,1\n' });
    expect(none.notes).toContain('Dockerfile sets no WORKDIR: the agent starts in /work');
  });
});

describe('Docker globs', () => {
  it('match as Docker does: * and ? within a segment, ** across, classes, escapes', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*.txt', 'a.txt', true],
      ['*.txt', 'd/a.txt', false],
      ['**/*.txt', 'd/e/a.txt', true],
      ['**/x', 'x', true],
      ['**/x', 'ax', false],
      ['data/**', 'data/a/b', true],
      ['a?c', 'abc', true],
      ['a?c', 'a/c', false],
      ['[a-c]x', 'bx', true],
      ['[!a-c]x', 'bx', false],
      ['[!a-c]x', 'dx', true],
      ['[]]', ']', true],
      ['a[', 'a[', true],
      ['\\*', '*', true],
      ['\\*', 'a', false],
    ];
    for (const [glob, path, expected] of cases) expect(compileGlob(glob).matches(path), `${glob} ~ ${path}`).toBe(expected);
  });
});

describe('untrusted Dockerfiles cannot hang the importer (issue 11)', () => {
  // Before: each glob became a backtracking regular expression (16 stars took 7 s, 24 never finished), and every
  // continuation line re-scanned the whole instruction (20,000 lines took 29 s). The test timeout is the guard.
  it('copies with a glob of 24 stars at once, matching exactly the right file', () => {
    const glob = `${'*a'.repeat(24)}*b`;
    const miss = 'a'.repeat(80);
    const hit = `${'a'.repeat(30)}b`;
    const context = { files: new Map([[miss, 'no\n'], [hit, 'yes\n']]), binary: new Set<string>(), label: 'environment/' };
    const replay = replayDockerfile(`FROM ubuntu\nWORKDIR /app\nCOPY ${glob} /app/in/\n`, context, 'Dockerfile');
    expect(replay.unsupported).toEqual([]);
    expect(replay.initialFiles).toEqual({ [`in/${hit}`]: 'yes\n' });

    const ignored = { ...context, files: new Map([...context.files, ['.dockerignore', `${glob}\n`]]) };
    expect(replayDockerfile(`FROM ubuntu\nWORKDIR /app\nCOPY . /app/\n`, ignored, 'Dockerfile').initialFiles).toEqual({ [miss]: 'no\n' });
  }, 5_000);

  it('imports a RUN of 20,000 continuation lines, every line kept', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `    echo ${i} >> /var/log/lines.txt && \\`);
    const dockerfile = ['FROM ubuntu', 'WORKDIR /app', 'RUN echo start && \\', ...lines, '    echo done', 'COPY x.txt /app/'].join('\n');
    const instructions = parseDockerfile(dockerfile);
    expect(instructions.map((instruction) => instruction.keyword)).toEqual(['FROM', 'WORKDIR', 'RUN', 'COPY']);
    expect(instructions[2].args.split('\n')).toHaveLength(20_002);
    expect(instructions[3].line).toBe(20_005);
    const replay = replayDockerfile(dockerfile, { files: new Map([['x.txt', 'x\n']]), binary: new Set(), label: 'environment/' }, 'Dockerfile');
    expect(replay.unsupported).toEqual([]);
    expect(replay.setupScript).toContain('echo 19999 >> /var/log/lines.txt');
  }, 5_000);
});

describe('finding task folders', () => {
  it('takes the outermost folder with a task.toml or task.yaml', () => {
    expect(taskRoots(['a/task.toml', 'a/environment/task.yaml', 'b/c/task.yaml', 'suite.json', 'd/readme.md'])).toEqual(['a', 'b/c']);
    expect(taskRoots(['task.toml', 'tests/test.sh'])).toEqual(['']);
  });
});
