import { availableParallelism } from 'node:os';
import { MAX_CONCURRENCY } from '../core/evolve/run.js';
import { UsageError } from './cli-types.js';

/** Episodes at once when --concurrency is not given: one per core, at most this many. */
export const DEFAULT_CONCURRENCY_CAP = 4;

export const CONCURRENCY_OPTION = { concurrency: { type: 'string' } } as const;

export const CONCURRENCY_USAGE = `  --concurrency N           episodes at once, each with its own sandbox thread (1…${MAX_CONCURRENCY}; default one per core,
                            at most ${DEFAULT_CONCURRENCY_CAP}: ${defaultConcurrency()} here). Results are the same at any N`;

export function defaultConcurrency(): number {
  return Math.max(1, Math.min(availableParallelism(), DEFAULT_CONCURRENCY_CAP));
}

/** --concurrency as a number, or a usage error that quotes what was typed. */
export function concurrencyFrom(value: string | undefined): number {
  if (value === undefined) return defaultConcurrency();
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < 1 || parsed > MAX_CONCURRENCY) throw new UsageError(`--concurrency: expected a whole number from 1 to ${MAX_CONCURRENCY}, got "${value}"`);
  return parsed;
}
