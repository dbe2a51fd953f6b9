import { type HarnessDocument, Policies, type PolicyName } from '../core/harness/schema.js';
import { describePolicySettings, isPolicyOn, policyDescription } from '../core/share/glossary.js';

export interface PolicyView {
  name: PolicyName;
  on: boolean;
  /** The current settings in words, e.g. `afterToolCalls 50 · message "…"`. */
  settings: string;
  /** What the policy does, from the schema's description (the glossary's text). */
  meaning: string;
}

/**
 * Every policy the schema knows as on/off, its settings and what it does; limits (steps, timeout, answer tokens) are
 * always on. A harness written before a limit existed shows the default the loop uses.
 */
export function describePolicies(policies: HarnessDocument['policies']): PolicyView[] {
  return (Object.keys(Policies.shape) as PolicyName[]).map((name) => ({
    name,
    on: isPolicyOn(name, policies[name]),
    settings: describePolicySettings(name, policies[name]),
    meaning: policyDescription(name),
  }));
}
