import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThreadSandbox } from '../../../src/cli/thread-sandbox.js';
import { JustBashSandbox } from '../../../src/core/sandbox/just-bash-sandbox.js';
import type { Sandbox } from '../../../src/core/sandbox/types.js';
import { ensure, type Reliability } from '../reliability.js';

/**
 * Sandbox abuse: runaway loops (killed at the timeout, files kept), huge outputs and strings, and every way out to the
 * host — its files, its environment, its network — tried from inside. A host secret seen inside counts as leaked.
 */

export async function sandboxFamily(reliability: Reliability): Promise<void> {
  const { random } = reliability;
  const canary = process.env.RELIABILITY_CANARY!;
  const hostDir = await mkdtemp(join(tmpdir(), 'reliability-host-'));
  const hostFile = join(hostDir, 'host-secret.txt');
  await writeFile(hostFile, canary);

  const runaways = ['while true; do :; done', 'for i in $(seq 1 50000); do sort -c /tmp/s; done', 'f() { f; }; f'];
  const thread = await createThreadSandbox();
  try {
    await thread.writeFile('/tmp/s', 'b\na\n');
    await thread.writeFile('/work/kept.txt', 'kept');
    for (const command of runaways) {
      await reliability.check(`runaway: ${command}`, 'fault', async () => {
        const started = performance.now();
        const result = await thread.exec(command, { timeoutMs: 600 });
        const seconds = (performance.now() - started) / 1000;
        ensure(seconds < 6, `took ${seconds.toFixed(1)} s with a 0.6 s timeout`);
        ensure(result.exitCode !== 0, 'a runaway command reported success');
        ensure((await thread.readFile('/work/kept.txt')) === 'kept', 'files before the command were not kept');
        return { lost: (await thread.exists('/work/kept.txt')) ? 0 : 1 };
      }, 20_000);
    }
  } finally {
    await thread.dispose();
  }

  const escapes = [
    `cat ${hostFile}`,
    `ls ${hostDir}`,
    'cat /etc/hostname /etc/passwd',
    'cat /proc/self/environ',
    'env',
    'set',
    'echo $RELIABILITY_CANARY $HOME $PATH',
    'cd ../../../../..; pwd; ls',
    `cat ${process.cwd()}/package.json`,
    'ls -la /work/.. /..',
    'curl -s http://127.0.0.1:1/ || wget -q -O- http://127.0.0.1:1/',
    'cat ~/.ssh/id_rsa ~/.npmrc',
    `echo pwned > ${hostFile}; cat ${hostFile}`,
    'ln -s / /work/root; ls /work/root/',
    'python3 -c "import os; print(os.environ)"',
    'node -e "console.log(process.env)"',
  ];
  for (const command of escapes) {
    await reliability.check(`way out: ${command}`, 'fault', async () => {
      const sandbox: Sandbox = random.chance(0.5) ? new JustBashSandbox(5000) : await createThreadSandbox();
      try {
        const result = await sandbox.exec(command, { timeoutMs: 5000, env: { TASK_VAR: 'task' } });
        const seen = `${result.stdout}\n${result.stderr}`;
        const hostFileIntact = (await readFile(hostFile, 'utf8')) === canary;
        return { leaked: seen.includes(canary) ? 1 : 0, lost: hostFileIntact ? 0 : 1 };
      } finally {
        await sandbox.dispose();
      }
    });
  }

  const huge = ['seq 1 200000', 'yes abc | head -c 8000000 | wc -c', 'a=x; for i in $(seq 1 23); do a=$a$a; done; echo ${#a}', 'head -c 8000000 /dev/zero | wc -c'];
  for (const command of huge) {
    await reliability.check(`huge: ${command}`, 'fault', async () => {
      const sandbox = await createThreadSandbox();
      try {
        const result = await sandbox.exec(command, { timeoutMs: 8000 });
        ensure(typeof result.stdout === 'string' && typeof result.exitCode === 'number', 'no result');
        const after = await sandbox.exec('echo alive');
        ensure(after.stdout === 'alive\n', 'the sandbox did not survive');
      } finally {
        await sandbox.dispose();
      }
    }, 30_000);
  }

  for (let index = 0; index < 20; index++) {
    const path = random.pick(['../../../../tmp/x', '/work/../../etc/x', '/dev/null', '/proc/x', `/${'a/'.repeat(200)}f`, '/work/\u0000x', 'relative/../../../x']);
    await reliability.check(`write and read at ${JSON.stringify(path).slice(0, 40)}`, 'fault', async () => {
      const sandbox = new JustBashSandbox(5000);
      try {
        await sandbox.writeFile(path, 'inside').catch(() => undefined);
        await sandbox.readFile(path).catch(() => undefined);
        return { lost: (await readFile(hostFile, 'utf8')) === canary ? 0 : 1 };
      } finally {
        await sandbox.dispose();
      }
    });
  }

  await rm(hostDir, { recursive: true, force: true });
}
