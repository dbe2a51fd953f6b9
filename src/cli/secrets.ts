import { redactSecrets, redactSecretsDeep } from '../core/redact-secrets.js';

/**
 * The secrets this process was given (API keys read from the environment, credentials in base URLs), so every way
 * out of the CLI — stdout, stderr, state.json, rollouts, traces, results, reports — can redact them. Filled by
 * `model-options.ts` as models are made; a process runs one command, so one set serves it.
 */
const secrets = new Set<string>();

export function rememberSecret(value: string | undefined): void {
  if (value && value.trim()) secrets.add(value.trim());
}

export function knownSecrets(): string[] {
  return [...secrets];
}

/** Text with every known secret replaced by `[redacted]` and credentials dropped from URLs. */
export function redactForOutput(text: string): string {
  return redactSecrets(text, knownSecrets());
}

/** Plain data (a state, a rollout, an event) with every string redacted. */
export function redactDataForOutput<T>(value: T): T {
  return redactSecretsDeep(value, knownSecrets());
}
