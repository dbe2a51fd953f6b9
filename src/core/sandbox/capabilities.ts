import type { SandboxCapability } from './types.js';

/** just-bash in Node: a bash interpreter with ~80 commands (awk, sed, grep, jq, yq, find, tar, …); no Node.js, no npm. */
export const JUST_BASH_CAPABILITIES: readonly SandboxCapability[] = ['bash', 'coreutils', 'yq', 'tar', 'xan'];

/** just-bash's browser build: the same interpreter without `yq`, `tar` and `xan` ("not available in browser environments"). */
export const BROWSER_JUST_BASH_CAPABILITIES: readonly SandboxCapability[] = ['bash', 'coreutils'];

/**
 * A WebContainer: real Node.js and npm, but its shell is `jsh`, not bash (`/bin/bash` is a link to jsh), and its
 * command set is reduced — cat, cp, echo, head, tail, sort, ls, mkdir, mv, rm, touch, jq, curl, node, npm, … but no
 * grep, sed, awk, wc, tr, find, diff or sleep (stackblitz/webcontainer-core issues #1013, #1165, #1254). So it
 * does not offer `bash` or `coreutils`: a task that needs them belongs in just-bash. `python3` is reported in some
 * WebContainer builds (standard library only); unverified here, so not declared.
 */
export const WEBCONTAINER_CAPABILITIES: readonly SandboxCapability[] = ['node', 'npm'];

/** The required capabilities that `offered` lacks, in the order required, without repeats. */
export function missingCapabilities(required: readonly SandboxCapability[] | undefined, offered: readonly SandboxCapability[]): SandboxCapability[] {
  return [...new Set(required ?? [])].filter((capability) => !offered.includes(capability));
}

/** "bash, coreutils", or "nothing" for an empty list. */
export function formatCapabilities(capabilities: readonly SandboxCapability[]): string {
  return capabilities.length ? capabilities.join(', ') : 'nothing';
}

/**
 * Why a task cannot run in a sandbox, as one readable sentence; undefined when it can.
 * A sandbox that declares no capabilities is given the benefit of the doubt.
 * E.g. "task needs node, npm; the just-bash sandbox offers bash, coreutils".
 */
export function unmetRequirements(
  required: readonly SandboxCapability[] | undefined,
  sandbox: { kind: string; capabilities?: readonly SandboxCapability[] },
): string | undefined {
  if (!sandbox.capabilities) return undefined;
  const missing = missingCapabilities(required, sandbox.capabilities);
  if (!missing.length) return undefined;
  return `task needs ${formatCapabilities(missing)}; the ${sandbox.kind} sandbox offers ${formatCapabilities(sandbox.capabilities)}`;
}

/** A sandbox the page could use, and whether it can start right now. */
export interface SandboxCandidate<Kind extends string = string> {
  kind: Kind;
  capabilities: readonly SandboxCapability[];
  available: boolean;
  /** Why it cannot start (e.g. "the page is not cross-origin isolated …"); shown to the user. */
  unavailableReason?: string;
}

export type SandboxChoice<Kind extends string = string> = { kind: Kind } | { error: string };

/**
 * The first available candidate (in the order given, i.e. preference) that offers everything required.
 * When there is none, the error names what is missing and, if a candidate has it but cannot start, why not.
 */
export function chooseSandbox<Kind extends string>(
  requirements: readonly SandboxCapability[] | undefined,
  candidates: readonly SandboxCandidate<Kind>[],
): SandboxChoice<Kind> {
  const required = [...new Set(requirements ?? [])];
  const fits = candidates.filter((candidate) => missingCapabilities(required, candidate.capabilities).length === 0);
  const chosen = fits.find((candidate) => candidate.available);
  if (chosen) return { kind: chosen.kind };

  const unavailable = (candidate: SandboxCandidate<Kind>, which: string) =>
    `the ${candidate.kind} sandbox${which} is unavailable: ${candidate.unavailableReason ?? 'no reason given'}`;
  if (!required.length) return { error: `no sandbox can start; ${fits.map((candidate) => unavailable(candidate, '')).join('; ') || 'no candidates'}` };

  const available = candidates.filter((candidate) => candidate.available);
  const missing = missingCapabilities(required, available.flatMap((candidate) => candidate.capabilities));
  const needs = `task needs ${formatCapabilities(missing.length ? missing : required)}`;
  const offers = available.length
    ? available.map((candidate) => `the ${candidate.kind} sandbox offers ${formatCapabilities(candidate.capabilities)}`).join(' and ')
    : 'no sandbox is available';
  if (fits.length) return { error: `${needs}; ${offers}; ${fits.map((candidate) => unavailable(candidate, ', which has them,')).join('; ')}` };
  const everyone = candidates.map((candidate) => `${candidate.kind}: ${formatCapabilities(candidate.capabilities)}`).join('; ');
  return { error: `${needs}; no sandbox offers all of ${formatCapabilities(required)} (${everyone || 'no candidates'})` };
}
