// The baseline of B1 and B2: native bash started from Node, as a CLI would run a command. It gets the process's own
// environment (LC_ALL=C for byte-order sorting, as just-bash sorts): a bare environment made bash start 50× slower here.
import { execFile } from 'node:child_process';

export interface NativeRun {
  ms: number;
  stdout: string;
  exitCode: number;
}

/** `bash -c <command>` in `cwd`, timed from spawn to exit. */
export function nativeBash(command: string, cwd: string): Promise<NativeRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout) => {
      const code = error && typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : error ? 1 : 0;
      resolve({ ms: performance.now() - started, stdout, exitCode: code });
    });
  });
}
