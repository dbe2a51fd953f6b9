import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A llama.cpp `llama-server` started for recording or measuring, on a free port of 127.0.0.1. */
export interface RunningServer {
  name: string;
  baseUrl: string;
  flags: string[];
  process: ChildProcess;
  log: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Start `binary` with `flags` (plus host and port) and wait until /health answers 200. */
export async function startLlamaServer(binary: string, name: string, flags: string[]): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(binary, [...flags, '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (true) {
    if (child.exitCode !== null) throw new Error(`${name}: llama-server exited (${child.exitCode}):\n${log.join('').slice(-2000)}`);
    try {
      const health = await fetch(`${baseUrl}/health`);
      if (health.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() - started > 180_000) throw new Error(`${name}: llama-server not healthy after 180 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    name,
    baseUrl,
    flags,
    process: child,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
