// What the results ran on: committed results carry it, because every absolute time depends on it.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineDescription } from './figure.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function chromiumVersion(): string {
  try {
    // Debian's wrapper script prints a shell warning on stderr; the version is the stdout line.
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).trim().split(' built on')[0];
  } catch {
    return `no Chromium at ${CHROMIUM_PATH}`;
  }
}

export function describeMachine(): MachineDescription {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown CPU',
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${platform()} ${release()}`,
    node: process.version,
    chromium: chromiumVersion(),
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

export const loadAverageNow = () => Math.round(loadavg()[0] * 100) / 100;
