import { parseTomlBounded, parseYamlBounded } from '../../bounded-parse-yaml-toml.js';
import { SANDBOX_WORKDIR, type SandboxCapability } from '../../sandbox/types.js';
import type { Task } from '../types.js';
import { type BuildContext, type DockerReplay, replayDockerfile } from './dockerfile.js';
import { BROWSER_MISSING_COMMANDS, commandsUsed, describeMissingCommand, missingCommands } from './shell-commands.js';
import { type TaskFolder, taskIdFrom } from './task-folder.js';
import { isShellScript, shellQuote } from './scripts.js';

/** One imported task folder: a task, or why it cannot run in the sandbox — never both, never neither. */
export type TaskImport =
  | { ok: true; task: Task; notes: string[] }
  | { ok: false; id: string; reason: string; notes: string[] };

/** Where Harbor puts things inside the container; the verifier wrapper recreates them in the sandbox. */
export const HARBOR_TESTS_DIR = '/tests';
export const HARBOR_LOGS_DIR = '/logs/verifier';
export const HARBOR_SOLUTION_DIR = '/solution';
/** Where a Terminal-Bench solution's files are put before solution.sh runs. */
const TBENCH_SOLUTION_DIR = '/tmp/tbench-solution';

const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

/**
 * A Harbor task folder (`task.toml`, `instruction.md`, `environment/Dockerfile`, `tests/test.sh`,
 * `solution/solve.sh`) as a Task. See README.md in this folder for how paths, the reward and the environment map.
 */
export function importHarborTask(folder: TaskFolder): TaskImport {
  const id = taskIdFrom(folder.name);
  const notes: string[] = [];
  const fail = (reason: string): TaskImport => ({ ok: false, id, reason, notes });

  const definition = definitionOf(folder, 'task.toml', parseTomlBounded);
  if (!definition.ok) return fail(definition.reason);
  const config = definition.config;
  const metadata = table(config.metadata);
  if (folder.binary.has('instruction.md')) return fail('instruction.md is not text (it holds NUL bytes); save it as UTF-8 text');
  const instructionText = folder.files.get('instruction.md');
  if (!instructionText?.trim()) return fail('instruction.md is missing or empty');
  if (folder.latin1?.has('instruction.md')) notes.push('instruction.md is not UTF-8; it was read as Windows-1252 (Latin-1)');

  const environment = table(config.environment);
  const dockerfile = folder.files.get('environment/Dockerfile');
  if (dockerfile === undefined) {
    const image = typeof environment.docker_image === 'string' ? environment.docker_image : undefined;
    if (image) return fail(`task.toml names the prebuilt image ${image}; only environment/Dockerfile can be replayed`);
    notes.push(`no environment/Dockerfile: the task starts from an empty ${SANDBOX_WORKDIR}`);
  }
  const compose = composeProblem(folder, 'environment/docker-compose.yaml') ?? composeProblem(folder, 'environment/docker-compose.yml');
  if (compose) return fail(compose);

  const context = contextOf(folder, 'environment/', (path) => path !== 'Dockerfile');
  const replay = dockerfile === undefined ? emptyReplay() : replayDockerfile(dockerfile, context, 'environment/Dockerfile');
  notes.push(...replay.notes);
  if (replay.unsupported.length) return fail(replay.unsupported.join('; '));
  const known = knownCommands(folder, replay);

  const tests = filesUnder(folder, 'tests/');
  if (!tests.has('test.sh')) return fail('tests/test.sh is missing');
  const binaryTest = [...folder.binary].find((path) => path.startsWith('tests/'));
  if (binaryTest) return fail(`${binaryTest} is a binary file; a verifier's files must be text`);
  const testsProblem = scriptsProblem(tests, 'tests/', known);
  if (testsProblem) return fail(testsProblem);

  const solutionFiles = filesUnder(folder, 'solution/');
  const solutionProblem = scriptsProblem(solutionFiles, 'solution/', known);
  if (solutionProblem) return fail(solutionProblem);
  const binarySolution = [...folder.binary].find((path) => path.startsWith('solution/'));
  if (binarySolution) return fail(`${binarySolution} is a binary file; the reference solution's files must be text`);

  const verifierConfig = table(config.verifier);
  const verifierVariables = Object.entries(table(verifierConfig.env));
  // Names go into the verifier script as written, so only shell names are taken (values are quoted).
  const badName = verifierVariables.find(([name]) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (badName) return fail(`task.toml [verifier] env: ${JSON.stringify(badName[0])} is not a shell variable name`);
  const verifierEnv = verifierVariables.map(([name, value]) => `export ${name}=${shellQuote(String(value))}`);
  const task: Task = {
    id,
    title: titleOf(metadata, instructionText, folder.name),
    instruction: instructionText.trimEnd(),
    ...placeOf(replay),
    initialFiles: replay.initialFiles,
    ...(replay.setupScript ? { setupScript: replay.setupScript } : {}),
    verifier: {
      files: Object.fromEntries([...tests].map(([path, content]) => [`tests/${path}`, content])),
      script: harborVerifierScript(verifierEnv),
    },
    ...(solutionFiles.has('solve.sh') ? { solution: solutionScript(solutionFiles, HARBOR_SOLUTION_DIR, 'solve.sh') } : {}),
    agentTimeoutSec: seconds(table(config.agent).timeout_sec, 600),
    verifierTimeoutSec: seconds(verifierConfig.timeout_sec, 600),
    category: stringOr(metadata.category, 'imported'),
    difficulty: difficultyOf(metadata.difficulty, notes),
    tags: stringList(metadata.tags),
    requires: ['bash', 'coreutils'],
  };
  if (!task.solution) notes.push('no solution/solve.sh: the task cannot be checked for soundness');
  return imported(task, notes);
}

/**
 * An original Terminal-Bench task folder (`task.yaml`, `Dockerfile`, `run-tests.sh`, `solution.sh` or
 * `solution.yaml`, `tests/`) as a Task. It passes when run-tests.sh exits 0.
 */
export function importTerminalBenchTask(folder: TaskFolder): TaskImport {
  const id = taskIdFrom(folder.name);
  const notes: string[] = [];
  const fail = (reason: string): TaskImport => ({ ok: false, id, reason, notes });

  const definition = definitionOf(folder, 'task.yaml', parseYamlBounded);
  if (!definition.ok) return fail(definition.reason);
  const config = definition.config;
  const instructionText = instructionOf(config);
  if (!instructionText) return fail('task.yaml has no instruction');

  const compose = composeProblem(folder, 'docker-compose.yaml') ?? composeProblem(folder, 'docker-compose.yml');
  if (compose) return fail(compose);
  const dockerfile = folder.files.get('Dockerfile');
  if (dockerfile === undefined) notes.push(`no Dockerfile: the task starts from an empty ${SANDBOX_WORKDIR}`);
  // The files that define the task, not its build context.
  const definitionFiles = /^(task\.yaml|Dockerfile|docker-compose\.ya?ml|run-tests\.sh|solution\.(sh|yaml)|tests\/.*|solution\/.*)$/;
  const context = contextOf(folder, '', (path) => !definitionFiles.test(path));
  const replay = dockerfile === undefined ? emptyReplay() : replayDockerfile(dockerfile, context, 'Dockerfile');
  notes.push(...replay.notes);
  if (replay.unsupported.length) return fail(replay.unsupported.join('; '));
  const known = knownCommands(folder, replay);

  const runTests = folder.files.get('run-tests.sh');
  if (runTests === undefined) {
    return fail(folder.files.has('tests/test_outputs.py') ? 'no run-tests.sh: Terminal-Bench then runs tests/test_outputs.py with pytest, which needs Python' : 'neither run-tests.sh nor tests/ to verify with');
  }
  const tests = filesUnder(folder, 'tests/');
  const binaryTest = [...folder.binary].find((path) => path.startsWith('tests/'));
  if (binaryTest) return fail(`${binaryTest} is a binary file; a verifier's files must be text`);
  const testsProblem = scriptsProblem(new Map([['run-tests.sh', runTests], ...[...tests].map(([path, content]) => [`tests/${path}`, content] as [string, string])]), '', known);
  if (testsProblem) return fail(testsProblem);

  let solution: string | undefined;
  const solutionSh = folder.files.get('solution.sh');
  const solutionYaml = folder.files.get('solution.yaml');
  if (solutionSh !== undefined) {
    const problem = scriptsProblem(new Map([['solution.sh', solutionSh]]), '', known);
    if (problem) return fail(problem);
    solution = solutionScript(new Map([['solution.sh', solutionSh]]), TBENCH_SOLUTION_DIR, 'solution.sh');
  } else if (solutionYaml !== undefined) {
    const commands = solutionCommands(solutionYaml);
    if (commands === undefined) return fail('solution.yaml is not a list of commands');
    const problem = scriptsProblem(new Map([['solution.yaml', commands]]), '', known, true);
    if (problem) return fail(problem);
    solution = solutionScript(new Map([['solution.sh', commands]]), TBENCH_SOLUTION_DIR, 'solution.sh');
  } else notes.push('no solution.sh: the task cannot be checked for soundness');

  const metadata = config;
  const task: Task = {
    id,
    title: titleOf(metadata, instructionText, folder.name),
    instruction: instructionText.trimEnd(),
    ...placeOf(replay),
    initialFiles: replay.initialFiles,
    ...(replay.setupScript ? { setupScript: replay.setupScript } : {}),
    verifier: {
      files: { 'run-tests.sh': runTests, ...Object.fromEntries([...tests].map(([path, content]) => [`tests/${path}`, content])) },
      script: terminalBenchVerifierScript(),
    },
    ...(solution ? { solution } : {}),
    agentTimeoutSec: seconds(config.max_agent_timeout_sec, 360),
    verifierTimeoutSec: seconds(config.max_test_timeout_sec, 60),
    category: stringOr(metadata.category, 'imported'),
    difficulty: difficultyOf(metadata.difficulty, notes),
    tags: stringList(metadata.tags),
    requires: ['bash', 'coreutils'],
  };
  return imported(task, notes);
}

/**
 * Harbor's verifier contract, replayed: tests/ is uploaded to /tests only after the agent ends (here it arrives in
 * /verifier/tests and is mirrored to /tests), test.sh runs from the task's working directory and writes a float to
 * /logs/verifier/reward.txt. A reward of at least 1 passes. No reward file is a failure, as in Harbor, whatever
 * test.sh's exit status; reward.json (`{"reward": x}`) is read when reward.txt is absent. `exports` are the
 * `[verifier] env` lines; the image's ENV is already in the environment.
 */
export function harborVerifierScript(exports: readonly string[]): string {
  return `# Harbor verifier, replayed in the sandbox from the working directory: pass = tests/test.sh writes a reward of at least 1.
mkdir -p ${HARBOR_TESTS_DIR} ${HARBOR_LOGS_DIR}
cp -r /verifier/tests/. ${HARBOR_TESTS_DIR}/
rm -f ${HARBOR_LOGS_DIR}/reward.txt ${HARBOR_LOGS_DIR}/reward.json
${exports.map((line) => `${line}\n`).join('')}bash ${HARBOR_TESTS_DIR}/test.sh
status=$?
if [ -f ${HARBOR_LOGS_DIR}/reward.txt ]; then
  reward=$(tr -d ' \\t\\r\\n' < ${HARBOR_LOGS_DIR}/reward.txt)
elif [ -f ${HARBOR_LOGS_DIR}/reward.json ]; then
  reward=$(jq -r '.reward // empty' ${HARBOR_LOGS_DIR}/reward.json 2>/dev/null)
else
  echo "FAIL: tests/test.sh wrote no ${HARBOR_LOGS_DIR}/reward.txt (exit status $status)"
  exit 1
fi
if awk -v r="$reward" 'BEGIN { ok = (r ~ /^[-+]?[0-9]*[.]?[0-9]+([eE][-+]?[0-9]+)?$/) && (r + 0 >= 1); exit ok ? 0 : 1 }'; then
  echo "reward $reward"
  exit 0
fi
echo "FAIL: reward '$reward' (a pass needs at least 1)"
exit 1
`;
}

/** Terminal-Bench's contract, replayed: tests/ in /tests ($TEST_DIR), run-tests.sh from the working directory; exit 0 passes. */
export function terminalBenchVerifierScript(): string {
  return `# Terminal-Bench verifier, replayed in the sandbox from the working directory: pass = run-tests.sh exits 0.
mkdir -p ${HARBOR_TESTS_DIR}
if [ -d /verifier/tests ]; then cp -r /verifier/tests/. ${HARBOR_TESTS_DIR}/; fi
cp /verifier/run-tests.sh ${HARBOR_TESTS_DIR}/run-tests.sh
export TEST_DIR=${HARBOR_TESTS_DIR}
bash ${HARBOR_TESTS_DIR}/run-tests.sh
status=$?
[ "$status" -eq 0 ] || echo "FAIL: run-tests.sh exited with status $status"
exit $status
`;
}

/** The task's definition file (task.toml, task.yaml) as a table, or why it cannot be read. */
function definitionOf(
  folder: TaskFolder,
  path: string,
  parse: typeof parseTomlBounded,
): { ok: true; config: Record<string, unknown> } | { ok: false; reason: string } {
  if (folder.binary.has(path)) return { ok: false, reason: `${path} is not UTF-8 text` };
  const parsed = parse(folder.files.get(path) ?? '', path);
  return parsed.ok ? { ok: true, config: table(parsed.value) } : { ok: false, reason: parsed.message };
}

/**
 * A task read in full: it also requires each command its scripts call that the page's sandbox lacks, with a note
 * saying so (it still runs in Node and the CLI).
 */
function imported(task: Task, notes: string[]): TaskImport {
  notes.push(...browserNotes(task));
  task.requires = [...(task.requires ?? []), ...commandsTheBrowserLacks(task)];
  return { ok: true, task, notes };
}

/** The task's working directory and environment from its image: set only when they differ from the defaults. */
function placeOf(replay: DockerReplay): Pick<Task, 'workdir' | 'env'> {
  return {
    ...(replay.workdir && replay.workdir !== SANDBOX_WORKDIR ? { workdir: replay.workdir } : {}),
    ...(Object.keys(replay.env).length ? { env: replay.env } : {}),
  };
}

/** The commands the task's scripts call that the page's sandbox lacks; each is also a capability the task requires. */
function commandsTheBrowserLacks(task: Task): Array<(typeof BROWSER_MISSING_COMMANDS)[number]> {
  const scripts = [task.setupScript ?? '', task.verifier.script, task.solution ?? '', ...Object.entries(task.verifier.files ?? {}).filter(([path, content]) => isShellScript(path, content)).map(([, content]) => content)];
  const used = new Set(commandsUsed(scripts.join('\n')));
  return BROWSER_MISSING_COMMANDS.filter((name) => used.has(name));
}

/** A note when the task's scripts call commands the page's sandbox lacks (it still runs in Node and the CLI). */
function browserNotes(task: Task): string[] {
  const lacking = commandsTheBrowserLacks(task);
  return lacking.length ? [`uses ${lacking.join(', ')}, which the in-browser sandbox lacks: the task runs in Node (the CLI) but not in the page`] : [];
}

/**
 * The solution's files written to `dir` (as Harbor's oracle uploads them), then `entry` run from the working
 * directory — the shell's directory when this script runs, so it does not change directory itself.
 */
function solutionScript(files: ReadonlyMap<string, string>, dir: string, entry: string): string {
  const writes = [...files].map(([path, content]) => {
    const target = `${dir}/${path}`;
    const parent = target.slice(0, target.lastIndexOf('/'));
    return `mkdir -p ${shellQuote(parent)} && printf '%s' ${shellQuote(content)} > ${shellQuote(target)}`;
  });
  return `# Reference solution, replayed: its files go to ${dir} and ${entry} runs from the working directory.
${writes.join('\n')}
bash ${shellQuote(`${dir}/${entry}`)}
`;
}

/** The first shell script (by path) that runs a command the sandbox lacks, as a reason; undefined when none does. */
function scriptsProblem(files: ReadonlyMap<string, string>, prefix: string, pathCommands: readonly string[], allShell = false): string | undefined {
  const problems: string[] = [];
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // A Python test file is only a problem if a shell script runs it, and that script's check sees python/pytest.
    if (!allShell && !isShellScript(path, content)) continue;
    const missing = missingCommands(content, pathCommands);
    if (missing.length) problems.push(`${prefix}${path} uses ${missing.map(describeMissingCommand).join(', ')}`);
  }
  return problems.length ? problems.join('; ') : undefined;
}

/** A docker-compose file with more than the task's own container means services the sandbox cannot run. */
function composeProblem(folder: TaskFolder, path: string): string | undefined {
  const text = folder.files.get(path);
  if (text === undefined) return undefined;
  const parsed = parseYamlBounded(text, path);
  if (!parsed.ok) return parsed.message;
  const services = Object.keys(table(table(parsed.value).services));
  if (services.length > 1) return `${path} starts ${services.length} services (${services.join(', ')}); the sandbox runs one shell and no services`;
  return undefined;
}

function contextOf(folder: TaskFolder, prefix: string, include: (path: string) => boolean): BuildContext {
  const files = new Map<string, string>();
  const binary = new Set<string>();
  for (const [path, content] of folder.files) if (path.startsWith(prefix) && include(path.slice(prefix.length))) files.set(path.slice(prefix.length), content);
  for (const path of folder.binary) if (path.startsWith(prefix) && include(path.slice(prefix.length))) binary.add(path.slice(prefix.length));
  return { files, binary, label: prefix };
}

function filesUnder(folder: TaskFolder, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, content] of folder.files) if (path.startsWith(prefix)) out.set(path.slice(prefix.length), content);
  return out;
}

/**
 * Commands a script may call besides the sandbox's own: files copied onto PATH, and any file of the task by its
 * name (a task may put its own `tools/bin` on PATH, as the built-in release task does).
 */
function knownCommands(folder: TaskFolder, replay: DockerReplay): string[] {
  const names = [...folder.files.keys(), ...Object.keys(replay.initialFiles)].map((path) => path.slice(path.lastIndexOf('/') + 1));
  return [...new Set([...replay.pathCommands, ...names])];
}

function emptyReplay(): ReturnType<typeof replayDockerfile> {
  return { initialFiles: {}, env: {}, pathCommands: [], unsupported: [], notes: [] };
}

/** task.yaml's `instruction`, or the older `descriptions: [{key: base, description}]`. */
function instructionOf(config: Record<string, unknown>): string | undefined {
  if (typeof config.instruction === 'string' && config.instruction.trim()) return config.instruction;
  if (Array.isArray(config.descriptions)) {
    const entries = config.descriptions.map(table);
    const base = entries.find((entry) => entry.key === 'base') ?? entries[0];
    if (base && typeof base.description === 'string' && base.description.trim()) return base.description;
  }
  return undefined;
}

/** solution.yaml: a list of `{command: "...", …}` (sent to a terminal one after another) → a script. */
function solutionCommands(text: string): string | undefined {
  const parsed = parseYamlBounded(text, 'solution.yaml');
  if (!parsed.ok || !Array.isArray(parsed.value)) return undefined;
  const commands = parsed.value.map((step) => (typeof step === 'string' ? step : table(step).command)).filter((command): command is string => typeof command === 'string');
  return commands.length ? `${commands.join('\n')}\n` : undefined;
}

function titleOf(metadata: Record<string, unknown>, instruction: string, name: string): string {
  if (typeof metadata.title === 'string' && metadata.title.trim()) return metadata.title.trim();
  const heading = /^#+\s+(.+)$/m.exec(instruction)?.[1];
  const first = heading ?? instruction.split('\n').find((line) => line.trim())?.trim() ?? name;
  return first.length > 80 ? `${first.slice(0, 77)}…` : first;
}

function difficultyOf(value: unknown, notes: string[]): Task['difficulty'] {
  if (typeof value === 'string' && (DIFFICULTIES as readonly string[]).includes(value)) return value as Task['difficulty'];
  if (value !== undefined) notes.push(`difficulty "${String(value)}" is not easy/medium/hard; using medium`);
  return 'medium';
}

function seconds(value: unknown, fallback: number): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(number) && number > 0 ? Math.ceil(number) : fallback;
}

function table(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() ? value.trim() : fallback;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
