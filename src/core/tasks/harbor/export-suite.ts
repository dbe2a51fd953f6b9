import { stringify as stringifyToml } from 'smol-toml';
import { type Task, taskFilePath, taskWorkdir, VERIFIER_DIR } from '../types.js';
import { commandsUsed } from './shell-commands.js';

/** Where the exported Dockerfile puts the setup script; the importer runs it like any other RUN. */
const SETUP_PATH = '/tmp/self-harness-setup.sh';

/**
 * A suite in Harbor's layout, one folder per task id: `task.toml`, `instruction.md`, `environment/Dockerfile`
 * (the task's ENV and working directory as ENV and WORKDIR, COPYing the initial files, then running the setup
 * script), `tests/test.sh` (runs the task's verifier from the working directory and writes 1 or 0 to
 * /logs/verifier/reward.txt) and `solution/solve.sh`. Paths are `<id>/…`, contents text.
 * `importSuite` reads the result back into tasks that behave the same.
 */
export function exportSuiteToHarbor(tasks: readonly Task[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const task of tasks) for (const [path, content] of exportTask(task)) out.set(`${task.id}/${path}`, content);
  return out;
}

function exportTask(task: Task): Map<string, string> {
  const files = new Map<string, string>();
  files.set('task.toml', taskToml(task));
  files.set('instruction.md', `${task.instruction.trimEnd()}\n`);

  // Initial files go under environment/files/ at their absolute path, so one `COPY files/ /` places them all.
  for (const [path, content] of Object.entries(task.initialFiles)) {
    files.set(`environment/files${taskFilePath(task, path)}`, content);
  }
  if (task.setupScript) files.set('environment/setup.sh', task.setupScript);
  files.set('environment/Dockerfile', dockerfile(task));

  // The task's verifier files go where it expects them (/verifier/…, or their absolute path) via tests/.
  let relativeFiles = false;
  let absoluteFiles = false;
  for (const [path, content] of Object.entries(task.verifier.files ?? {})) {
    if (path.startsWith('/')) {
      absoluteFiles = true;
      files.set(`tests/root${path}`, content);
    } else {
      relativeFiles = true;
      files.set(`tests/verifier/${path}`, content);
    }
  }
  files.set('tests/task-verifier.sh', task.verifier.script);
  files.set(
    'tests/test.sh',
    `#!/bin/bash
# Harbor entry point for the Self-Harness Studio task "${task.id}": runs the task's own verifier (exit 0 = pass)
# from ${taskWorkdir(task)} and turns its verdict into a reward.
mkdir -p /logs/verifier ${VERIFIER_DIR}
${relativeFiles ? `cp -r /tests/verifier/. ${VERIFIER_DIR}/\n` : ''}${absoluteFiles ? 'cp -r /tests/root/. /\n' : ''}cd ${taskWorkdir(task)}
if bash /tests/task-verifier.sh; then
  echo 1 > /logs/verifier/reward.txt
else
  echo 0 > /logs/verifier/reward.txt
fi
`,
  );
  if (task.solution) {
    // Bash reads a script as it runs it; in braces it reads the whole solution first, so a solution that writes
    // /solution/solve.sh itself (an imported Harbor task's does) cannot change the file under its own feet.
    files.set(
      'solution/solve.sh',
      `#!/bin/bash\n# Reference solution; Harbor runs it from the WORKDIR, ${taskWorkdir(task)}.\n{\n${task.solution.replace(/^\n+/, '').replace(/\n*$/, '\n')}exit\n}\n`,
    );
  }
  return files;
}

function taskToml(task: Task): string {
  const metadata: Record<string, unknown> = { title: task.title, difficulty: task.difficulty, category: task.category, tags: task.tags };
  return `# Exported from Self-Harness Studio: task "${task.id}".\n${stringifyToml({
    version: '1.0',
    metadata,
    verifier: { timeout_sec: task.verifierTimeoutSec },
    agent: { timeout_sec: task.agentTimeoutSec },
  })}\n`;
}

/** Ubuntu packages for sandbox commands a plain Ubuntu image lacks. */
const PACKAGES: Record<string, string> = { jq: 'jq', rg: 'ripgrep', file: 'file', tree: 'tree' };

/** FROM, the packages the task's scripts call, the task's ENV and WORKDIR, the initial files, the setup script. */
function dockerfile(task: Task): string {
  const used = new Set(commandsUsed([task.setupScript ?? '', task.verifier.script, task.solution ?? ''].join('\n')));
  const lines = ['FROM ubuntu:24.04'];
  const packages = [...new Set(Object.keys(PACKAGES).filter((command) => used.has(command)).map((command) => PACKAGES[command]))];
  if (packages.length) lines.push(`RUN apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && rm -rf /var/lib/apt/lists/*`);
  if (used.has('yq')) lines.push("# The scripts call yq: they expect mikefarah/yq v4 on PATH (Ubuntu's yq package is a different tool).");
  for (const [name, value] of Object.entries(task.env ?? {})) lines.push(`ENV ${name}="${value.replace(/["\\]/g, '\\$&')}"`);
  lines.push(`WORKDIR ${taskWorkdir(task)}`);
  if (Object.keys(task.initialFiles).length) lines.push('COPY files/ /');
  if (task.setupScript) lines.push(`COPY setup.sh ${SETUP_PATH}`, `RUN bash ${SETUP_PATH} && rm -f ${SETUP_PATH}`);
  return `${lines.join('\n')}\n`;
}
