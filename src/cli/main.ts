import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEvolution, type EvolutionProgress, runEvolution } from '../core/evolve/evolution-loop.js';
import { buildReport, renderReportMarkdown } from '../core/evolve/report.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionConfig } from '../core/evolve/state.js';
import { createDefaultHarness, serializeHarness } from '../core/harness/index.js';
import { parseHarnessFile } from '../core/share/snapshot.js';
import { AnthropicModel } from '../core/model/anthropic.js';
import { OpenAICompatibleModel } from '../core/model/openai-compatible.js';
import type { ActionProtocol } from '../core/model/types.js';
import { JustBashSandbox } from '../core/sandbox/just-bash-sandbox.js';
import { checkSuite, type TaskCheck } from '../core/tasks/check-suite.js';
import { exportSuiteToHarbor } from '../core/tasks/harbor/index.js';
import { suiteHash } from '../core/tasks/suite-hash.js';
import { DirectoryEvolutionStore } from './fs-evolution-store.js';
import { loadSuite } from './load-suite.js';

const USAGE = `self-harness — Self-Harness Studio on the command line

  self-harness tasks check <dir|zip|suite.json|builtin> [--json]
      Run every task's reference solution and verifier in the sandbox; exit 1 on any defect. A directory may hold
      Harbor task folders (task.toml), Terminal-Bench ones (task.yaml), a single task folder, or a suite.json.
      Tasks the sandbox cannot run are listed as unsupported, with why; they are not defects.

  self-harness tasks export <dir|zip|suite.json|builtin> --out <dir>
      Write the suite in Harbor's layout: <dir>/<task-id>/{task.toml,instruction.md,environment/,tests/,solution/}.

  self-harness tasks import <dir|zip> --out <suite.json>
      Read Harbor or Terminal-Bench task folders and write them as one suite.json.

  self-harness evolve --suite <dir|builtin> [--provider openai-compatible|anthropic] --model <id> --out <dir>
      [--base-url <url>] [--api-key-env VAR]
      [--harness file.json] [--attempts 2] [--iterations 3] [--max-rollouts N] [--max-tokens N] [--max-minutes N]
      [--candidates 3] [--weaknesses 2] [--acceptance paper|strict|statistical] [--alpha 0.05] [--seed 1]
      [--action-protocol native_tools|json_action]
      [--proposer-base-url <url>] [--proposer-model <id>] [--proposer-api-key-env VAR]
      Run the Self-Harness loop against any OpenAI-compatible endpoint (the default provider; --base-url is
      required) or Anthropic's Messages API (--provider anthropic; --api-key-env is required, --base-url optional).
      The proposer uses the same provider. State lives in --out; run the same command again to resume after a
      kill. The app can import the --out directory.
`;

class UsageError extends Error {}

export async function main(argv: string[], out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const [command, subcommand] = argv;
    if (command === 'tasks' && subcommand === 'check') return await tasksCheck(argv.slice(2), out, err);
    if (command === 'tasks' && subcommand === 'export') return await tasksExport(argv.slice(2), out, err);
    if (command === 'tasks' && subcommand === 'import') return await tasksImport(argv.slice(2), out, err);
    if (command === 'evolve') return await evolve(argv.slice(1), out, err);
    if (!command || command === 'help' || command === '--help') {
      out(USAGE);
      return 0;
    }
    throw new UsageError(`unknown command: ${argv.join(' ')}`);
  } catch (error) {
    err(`self-harness: ${(error as Error).message}`);
    if (error instanceof UsageError) err(USAGE);
    return 2;
  }
}

/** One table row: status, task, seconds, reason. */
function checkRow(status: string, task: string, seconds: string, reason: string): string {
  return `${status.padEnd(11)} ${task.padEnd(40)} ${seconds.padStart(6)}  ${reason}`.trimEnd();
}

async function tasksCheck(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('tasks check needs one suite: a directory, a .zip, a suite.json or "builtin"');
  const loaded = await loadSuite(positionals[0]);
  // --json prints exactly one JSON object on stdout; the table form prints rows as tasks finish, then one closing line.
  if (!values.json) {
    for (const { task, note } of loaded.notes) err(`note: ${task}: ${note}`);
    out(checkRow('STATUS', 'TASK', 'TIME', 'REASON'));
  }
  const row = (check: TaskCheck) => checkRow(check.ok ? 'ok' : 'DEFECT', check.task, `${(check.durationMs / 1000).toFixed(1)}s`, check.reason);
  const { report, checks } = await checkSuite(loaded.suite.tasks, async () => new JustBashSandbox(), {
    unsupported: loaded.unsupported,
    onTask: values.json ? undefined : (check) => out(row(check)),
  });
  if (values.json) out(JSON.stringify(report));
  else {
    for (const item of report.unsupported) out(checkRow('unsupported', item.task, '-', item.reason));
    out(`${checks.filter((check) => check.ok).length} passed, ${report.defects.length} failed`);
  }
  return report.defects.length ? 1 : 0;
}

async function tasksExport(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('tasks export needs one suite: a directory, a .zip, a suite.json or "builtin"');
  if (!values.out) throw new UsageError('--out <dir> is required');
  const loaded = await loadSuite(positionals[0]);
  for (const item of loaded.unsupported) err(`skipping unsupported task ${item.task}: ${item.reason}`);
  const files = exportSuiteToHarbor(loaded.suite.tasks);
  for (const [path, content] of files) {
    const target = join(values.out, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, path.endsWith('.sh') ? { mode: 0o755 } : {});
  }
  out(`exported ${loaded.suite.tasks.length} tasks (${files.size} files) to ${values.out} in Harbor's layout`);
  return 0;
}

async function tasksImport(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('tasks import needs one directory or .zip of task folders');
  if (!values.out) throw new UsageError('--out <suite.json> is required');
  const loaded = await loadSuite(positionals[0]);
  for (const item of loaded.unsupported) err(`unsupported ${item.task}: ${item.reason}`);
  for (const { task, note } of loaded.notes) err(`note: ${task}: ${note}`);
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, `${JSON.stringify(loaded.suite, null, 2)}\n`);
  out(`imported ${loaded.suite.tasks.length} tasks into ${values.out}; ${loaded.unsupported.length} unsupported`);
  return 0;
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  return parsed;
}

function apiKeyFrom(variable: string | undefined): string | undefined {
  if (!variable) return undefined;
  const key = process.env[variable];
  if (!key) throw new UsageError(`environment variable ${variable} (from --api-key-env) is not set`);
  return key;
}

async function evolve(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string' },
      provider: { type: 'string', default: 'openai-compatible' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'api-key-env': { type: 'string' },
      out: { type: 'string' },
      harness: { type: 'string' },
      attempts: { type: 'string' },
      iterations: { type: 'string' },
      'max-rollouts': { type: 'string' },
      'max-tokens': { type: 'string' },
      'max-minutes': { type: 'string' },
      candidates: { type: 'string' },
      weaknesses: { type: 'string' },
      acceptance: { type: 'string', default: 'paper' },
      alpha: { type: 'string', default: '0.05' },
      seed: { type: 'string', default: '1' },
      'action-protocol': { type: 'string', default: 'native_tools' },
      'proposer-base-url': { type: 'string' },
      'proposer-model': { type: 'string' },
      'proposer-api-key-env': { type: 'string' },
    },
  });
  const provider = values.provider;
  if (provider !== 'openai-compatible' && provider !== 'anthropic') throw new UsageError('--provider must be openai-compatible or anthropic');
  const required = provider === 'anthropic' ? (['suite', 'model', 'api-key-env', 'out'] as const) : (['suite', 'base-url', 'model', 'out'] as const);
  for (const name of required) {
    if (!values[name]) throw new UsageError(`--${name} is required${provider === 'anthropic' && name === 'api-key-env' ? ' with --provider anthropic' : ''}`);
  }
  const protocol = values['action-protocol'] as ActionProtocol;
  if (protocol !== 'native_tools' && protocol !== 'json_action') throw new UsageError('--action-protocol must be native_tools or json_action');
  const makeModel = (baseUrl: string | undefined, model: string, keyVariable: string | undefined) =>
    provider === 'anthropic'
      ? new AnthropicModel({ baseUrl, model, apiKey: apiKeyFrom(keyVariable)!, actionProtocol: protocol })
      : new OpenAICompatibleModel({ baseUrl: baseUrl!, model, apiKey: apiKeyFrom(keyVariable), actionProtocol: protocol });
  const agentModel = makeModel(values['base-url'], values.model!, values['api-key-env']);
  const proposerModel =
    values['proposer-model'] || values['proposer-base-url'] || values['proposer-api-key-env']
      ? makeModel(values['proposer-base-url'] ?? values['base-url'], values['proposer-model'] ?? values.model!, values['proposer-api-key-env'] ?? values['api-key-env'])
      : agentModel;

  const loaded = await loadSuite(values.suite!);
  for (const item of loaded.unsupported) err(`skipping unsupported task ${item.task}: ${item.reason}`);
  const tasks = loaded.suite.tasks;
  if (tasks.length < 4) throw new UsageError(`the suite has ${tasks.length} usable tasks; an evolution needs at least 4`);
  const store = new DirectoryEvolutionStore(values.out!);

  const existing = await store.loadState();
  if (existing) {
    out(`resuming evolution ${existing.id} from ${values.out} (iteration ${existing.iteration}, stage ${existing.stage}, status ${existing.status})`);
    if (existing.config.agentModelId !== agentModel.id) throw new UsageError(`${values.out} holds an evolution of model ${existing.config.agentModelId}; use another --out for ${agentModel.id}`);
  } else {
    let baseHarness = createDefaultHarness();
    if (values.harness) {
      // A bare harness (harness-final.json) or a snapshot file exported by the app (NAME.harness.json).
      const parsed = await parseHarnessFile(await readFile(values.harness, 'utf8'));
      if (!parsed.ok) throw new UsageError(`${values.harness} is not a valid harness or harness snapshot:\n  ${parsed.errors.join('\n  ')}`);
      baseHarness = parsed.harness;
    }
    const acceptance = values.acceptance === 'statistical' ? { kind: 'statistical' as const, alpha: numberOption(values.alpha, 'alpha')! } : values.acceptance === 'strict' ? { kind: 'strict' as const } : values.acceptance === 'paper' ? { kind: 'paper' as const } : undefined;
    if (!acceptance) throw new UsageError('--acceptance must be paper, strict or statistical');
    const maxMinutes = numberOption(values['max-minutes'], 'max-minutes');
    const config: EvolutionConfig = {
      ...DEFAULT_EVOLUTION_CONFIG,
      suiteId: loaded.suite.id,
      suiteHash: await suiteHash(tasks),
      agentModelId: agentModel.id,
      proposerModelId: proposerModel.id,
      seed: numberOption(values.seed, 'seed')!,
      attempts: numberOption(values.attempts, 'attempts') ?? DEFAULT_EVOLUTION_CONFIG.attempts,
      candidatesPerWeakness: numberOption(values.candidates, 'candidates') ?? DEFAULT_EVOLUTION_CONFIG.candidatesPerWeakness,
      topWeaknesses: numberOption(values.weaknesses, 'weaknesses') ?? DEFAULT_EVOLUTION_CONFIG.topWeaknesses,
      acceptance,
      budget: {
        maxIterations: numberOption(values.iterations, 'iterations') ?? DEFAULT_EVOLUTION_CONFIG.budget.maxIterations,
        maxRollouts: numberOption(values['max-rollouts'], 'max-rollouts'),
        maxTokens: numberOption(values['max-tokens'], 'max-tokens'),
        maxWallTimeMs: maxMinutes === undefined ? undefined : maxMinutes * 60_000,
      },
    };
    const id = `evo-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
    await createEvolution(store, { id, config, baseHarness, tasks });
    out(`started evolution ${id} in ${values.out}: ${tasks.length} tasks, model ${agentModel.id}`);
  }

  const controller = new AbortController();
  const onSignal = () => {
    err('pausing after the current rollout is abandoned; run the same command to resume');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let lastLine = '';
  const state = await runEvolution({
    store,
    tasks,
    agentModel,
    proposerModel,
    createSandbox: async () => new JustBashSandbox(),
    signal: controller.signal,
    onProgress: (progress: EvolutionProgress) => {
      const line = `[iter ${progress.iteration} ${progress.stage}] ${progress.rolloutsDone}/${progress.rolloutsPlanned} rollouts, ${progress.tokens} tokens, ${Math.round(progress.elapsedMs / 1000)}s${progress.remainingMs !== undefined ? `, ~${Math.round(progress.remainingMs / 1000)}s left` : ''} — ${progress.message}`;
      if (line !== lastLine) out(line);
      lastLine = line;
    },
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  const report = buildReport(state);
  await mkdir(join(values.out!, 'harnesses'), { recursive: true });
  for (const version of Object.values(state.versions)) await writeFile(join(values.out!, 'harnesses', `${version.hash}.json`), serializeHarness(version.harness));
  await writeFile(join(values.out!, 'harness-final.json'), serializeHarness(state.versions[state.currentHash].harness));
  await writeFile(join(values.out!, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(values.out!, 'report.md'), renderReportMarkdown(report));
  out(`${state.status}${state.stopReason ? `: ${state.stopReason}` : ''}. Report: ${join(values.out!, 'report.md')}`);
  return state.status === 'done' || state.status === 'paused' || state.status === 'awaiting_review' ? 0 : 1;
}
