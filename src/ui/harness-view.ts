import type { HarnessDocument, PolicyName } from '../core/harness/schema.js';
import { describePolicySettings, isPolicyOn, policyDescription } from '../core/share/glossary.js';

export interface PolicyView {
  name: PolicyName;
  on: boolean;
  /** The current settings in words, e.g. `afterToolCalls 50 · message "…"`. */
  settings: string;
  /** What the policy does, from the schema's description (the glossary's text). */
  meaning: string;
}

/** Every policy as on/off, its settings and what it does; limits (steps, timeout) are always on. */
export function describePolicies(policies: HarnessDocument['policies']): PolicyView[] {
  return (Object.keys(policies) as PolicyName[]).map((name) => ({
    name,
    on: isPolicyOn(name, policies[name]),
    settings: describePolicySettings(name, policies[name]),
    meaning: policyDescription(name),
  }));
}
