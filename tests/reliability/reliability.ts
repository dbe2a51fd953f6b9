import { Worker } from 'node:worker_threads';

/**
 * The fault and fuzz suite's bookkeeping: a seeded random source (the same seed replays the same inputs), a guard
 * around every case (a case that does not settle within its time counts as a failure; one that blocks the event
 * loop is caught by a watchdog thread), and the four counts of the closing line.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let index = 0; index < length; index++) out[index] = this.int(256);
    return out;
  }

  text(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 -_./\\"\'{}[]:,\n\t$`*?<>|&;()é€\u0000\u202e😀'): string {
    const chars = [...alphabet];
    let out = '';
    for (let index = 0; index < length; index++) out += chars[this.int(chars.length)];
    return out;
  }
}

export type CaseKind = 'fault' | 'bad-input';

/** What a case found beyond pass/fail: stored data lost or corrupted, secrets found where they must not be. */
export interface CaseFindings {
  lost?: number;
  leaked?: number;
}

export class CaseFailure extends Error {}

/** Throws a `CaseFailure` with `message` unless `condition` holds. */
export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CaseFailure(message);
}

export interface FamilyReport {
  family: string;
  cases: number;
  failures: number;
  skipped: string[];
  ms: number;
}

/** Everything one run of the suite counts. */
export class Reliability {
  faults = 0;
  badInputs = 0;
  lost = 0;
  leaked = 0;
  readonly failures: string[] = [];
  readonly families: FamilyReport[] = [];
  /** The slowest cases, to see where the suite's time goes. */
  readonly slowest: Array<{ label: string; ms: number }> = [];
  private family: FamilyReport | undefined;

  constructor(
    readonly random: Random,
    private readonly watchdog: Watchdog,
  ) {}

  async runFamily(name: string, body: (reliability: Reliability) => Promise<void>): Promise<void> {
    const started = performance.now();
    this.family = { family: name, cases: 0, failures: 0, skipped: [], ms: 0 };
    this.families.push(this.family);
    try {
      await body(this);
    } catch (error) {
      this.fail(`${name}: the family itself failed: ${describe(error)}`);
    }
    this.family.ms = performance.now() - started;
  }

  /** A group of cases the build cannot exercise yet (say why); listed, never counted. */
  skip(why: string): void {
    this.family?.skipped.push(why);
  }

  /**
   * One case: counted as a fault injected or a bad input tried, run under a deadline. Throwing (an unmet `ensure`, or
   * anything the code under test let escape) or passing the deadline is a failure.
   */
  async check(name: string, kind: CaseKind, run: () => Promise<CaseFindings | void> | CaseFindings | void, timeoutMs = 15_000): Promise<void> {
    const label = `${this.family?.family ?? '?'}: ${name}`;
    if (kind === 'fault') this.faults += 1;
    else this.badInputs += 1;
    if (this.family) this.family.cases += 1;
    this.watchdog.enter(label);
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CaseFailure(`did not settle within ${timeoutMs / 1000} s`)), timeoutMs);
      });
      const findings = await Promise.race([Promise.resolve().then(run), deadline]);
      if (findings) {
        this.lost += findings.lost ?? 0;
        this.leaked += findings.leaked ?? 0;
        if (findings.lost) this.fail(`${label}: ${findings.lost} stored item(s) lost or corrupted`);
        if (findings.leaked) this.fail(`${label}: a secret leaked (${findings.leaked} place(s))`);
      }
    } catch (error) {
      this.fail(`${label}: ${describe(error)}`);
    } finally {
      clearTimeout(timer);
      this.watchdog.leave();
      this.slowest.push({ label, ms: performance.now() - started });
      this.slowest.sort((a, b) => b.ms - a.ms).splice(5);
    }
  }

  private fail(message: string): void {
    this.failures.push(message);
    if (this.family) this.family.failures += 1;
  }
}

function describe(error: unknown): string {
  if (error instanceof CaseFailure) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 300)}`;
  return String(error).slice(0, 300);
}

/**
 * A thread that watches the main thread's heartbeat: a case that blocks the event loop (a CPU loop no timer can
 * interrupt) for longer than `limitMs` ends the process with the case's name, so the suite fails instead of hanging.
 */
export class Watchdog {
  private readonly beat = new Int32Array(new SharedArrayBuffer(8));
  private readonly label = new Uint8Array(new SharedArrayBuffer(512));
  private readonly worker: Worker;
  private readonly interval: ReturnType<typeof setInterval>;
  /** Heartbeats are tenths of a second since this moment (they fit in an Int32). */
  private readonly origin = Date.now();

  constructor(limitMs: number) {
    this.worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const { writeSync } = require('node:fs');
       const { beat, label, limitMs, origin } = workerData;
       setInterval(() => {
         const last = Atomics.load(beat, 0);
         if (last !== 0 && (Date.now() - origin) / 100 - last > limitMs / 100) {
           const end = label.indexOf(0);
           const name = Buffer.from(label.subarray(0, end < 0 ? label.length : end)).toString('utf8');
           // Straight to the file descriptor: the main thread, which would relay process.stdout, is the one stuck.
           writeSync(1, 'reliability: FAILED, "' + name + '" blocked the process for more than ' + (limitMs / 1000) + ' s\\n');
           process.kill(process.pid, 'SIGKILL');
         }
       }, 250);`,
      { eval: true, workerData: { beat: this.beat, label: this.label, limitMs, origin: this.origin } },
    );
    this.worker.unref();
    this.interval = setInterval(() => Atomics.store(this.beat, 0, this.now()), 100);
    this.interval.unref();
  }

  enter(label: string): void {
    Atomics.store(this.beat, 0, this.now());
    this.label.fill(0);
    this.label.set(new TextEncoder().encode(label).subarray(0, this.label.length - 1));
  }

  private now(): number {
    return Math.floor((Date.now() - this.origin) / 100);
  }

  leave(): void {
    this.label.fill(0);
  }

  async stop(): Promise<void> {
    clearInterval(this.interval);
    await this.worker.terminate();
  }
}

/** A promise that settles after `ms`. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
