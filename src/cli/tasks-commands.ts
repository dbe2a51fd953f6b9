import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { checkSuite, type TaskCheck } from '../core/tasks/check-suite.js';
import { exportSuiteToHarbor } from '../core/tasks/harbor/index.js';
import { createThreadSandbox, prestartSandboxThread } from './thread-sandbox.js';
import { type CliCommand, EXIT, parseFlags, UsageError } from './cli-types.js';
import { loadSuite } from './load-suite.js';

/** One table row: status, task, seconds, reason. */
function checkRow(status: string, task: string, seconds: string, reason: string): string {
  return `${status.padEnd(11)} ${task.padEnd(40)} ${seconds.padStart(6)}  ${reason}`.trimEnd();
}

export const tasksCheckCommand: CliCommand = {
  words: ['tasks', 'check'],
  summary: "run every task's reference solution and verifier; exit 1 on any defect",
  usage: `self-harness tasks check <dir|zip|suite.json|builtin> [--json]

  Run every task's reference solution and verifier in the sandbox. A directory may hold Harbor task folders
  (task.toml), Terminal-Bench ones (task.yaml), a single task folder, or a suite.json. Tasks the sandbox cannot run
  are listed as unsupported, with why; they are not defects.

  --json      print one JSON object: {"tasks", "ok", "defects": [...], "unsupported": [...]}
  -h, --help  this text

  Prints a row per task as it is checked, then "N passed, M failed". Exit 0 when no task is defective, 1 otherwise,
  2 when the suite cannot be read.`,
  async run(argv, { out, err }) {
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean', default: false } }, true);
    if (positionals.length !== 1) throw new UsageError('tasks check needs one suite: a directory, a .zip, a suite.json or "builtin"');
    prestartSandboxThread();
    const loaded = await loadSuite(positionals[0]);
    // --json prints exactly one JSON object on stdout; the table form prints rows as tasks finish, then one closing line.
    if (!values.json) {
      for (const { task, note } of loaded.notes) err(`note: ${task}: ${note}`);
      out(checkRow('STATUS', 'TASK', 'TIME', 'REASON'));
    }
    const row = (check: TaskCheck) => checkRow(check.ok ? 'ok' : 'DEFECT', check.task, `${(check.durationMs / 1000).toFixed(1)}s`, check.reason);
    const { report, checks } = await checkSuite(loaded.suite.tasks, createThreadSandbox, {
      unsupported: loaded.unsupported,
      onTask: values.json ? undefined : (check) => out(row(check)),
    });
    if (values.json) out(JSON.stringify(report));
    else {
      for (const item of report.unsupported) out(checkRow('unsupported', item.task, '-', item.reason));
      out(`${checks.filter((check) => check.ok).length} passed, ${report.defects.length} failed`);
    }
    return report.defects.length ? EXIT.failed : EXIT.ok;
  },
};

export const tasksExportCommand: CliCommand = {
  words: ['tasks', 'export'],
  summary: "write a suite in Harbor's layout",
  usage: `self-harness tasks export <dir|zip|suite.json|builtin> --out <dir>

  Write the suite in Harbor's layout: <dir>/<task-id>/{task.toml,instruction.md,environment/,tests/,solution/}.
  Unsupported tasks are skipped, with why, on stderr.

  --out <dir>  where to write (required)
  -h, --help   this text`,
  async run(argv, { out, err }) {
    const { values, positionals } = parseFlags(argv, { out: { type: 'string' } }, true);
    if (positionals.length !== 1) throw new UsageError('tasks export needs one suite: a directory, a .zip, a suite.json or "builtin"');
    if (!values.out) throw new UsageError('--out <dir> is required');
    const loaded = await loadSuite(positionals[0]);
    for (const item of loaded.unsupported) err(`skipping unsupported task ${item.task}: ${item.reason}`);
    const files = exportSuiteToHarbor(loaded.suite.tasks);
    // Every target is checked before anything is written: a file key such as `../../x` must never leave --out.
    const root = resolve(values.out);
    const targets = [...files.keys()].map((path) => ({ path, target: resolve(root, ...path.split('/')) }));
    const escaping = targets.filter(({ target }) => {
      const inside = relative(root, target);
      return inside === '' || inside.startsWith('..') || isAbsolute(inside);
    });
    if (escaping.length) {
      err(`self-harness: refusing to export: ${escaping.length} file${escaping.length === 1 ? '' : 's'} would be written outside ${values.out}:`);
      for (const { path } of escaping.slice(0, 10)) err(`  ${JSON.stringify(path)}`);
      return EXIT.usage;
    }
    for (const { path, target } of targets) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, files.get(path)!, path.endsWith('.sh') ? { mode: 0o755 } : {});
    }
    out(`exported ${loaded.suite.tasks.length} tasks (${files.size} files) to ${values.out} in Harbor's layout`);
    return EXIT.ok;
  },
};

export const tasksImportCommand: CliCommand = {
  words: ['tasks', 'import'],
  summary: 'read Harbor or Terminal-Bench task folders into one suite.json',
  usage: `self-harness tasks import <dir|zip> --out <suite.json>

  Read Harbor or Terminal-Bench task folders and write them as one suite.json. Unsupported tasks, and what the
  importer changed in the others, are listed on stderr.

  --out <suite.json>  the file to write (required)
  -h, --help          this text`,
  async run(argv, { out, err }) {
    const { values, positionals } = parseFlags(argv, { out: { type: 'string' } }, true);
    if (positionals.length !== 1) throw new UsageError('tasks import needs one directory or .zip of task folders');
    if (!values.out) throw new UsageError('--out <suite.json> is required');
    const loaded = await loadSuite(positionals[0]);
    for (const item of loaded.unsupported) err(`unsupported ${item.task}: ${item.reason}`);
    for (const { task, note } of loaded.notes) err(`note: ${task}: ${note}`);
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, `${JSON.stringify(loaded.suite, null, 2)}\n`);
    out(`imported ${loaded.suite.tasks.length} tasks into ${values.out}; ${loaded.unsupported.length} unsupported`);
    return EXIT.ok;
  },
};
