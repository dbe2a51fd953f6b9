import type { EvolutionStore } from '../core/evolve/state.js';
import { redactDataForOutput } from './secrets.js';

/**
 * The evolution's folder as the loop writes it, with every known secret taken out of what is saved: a key a server
 * echoed in a 401 body would otherwise sit in every rollout file, and reach the proposer's prompts from there (mining
 * reads failed rollouts back from the store). Every other method of the store passes through unchanged.
 */
export function withSecretsRedacted<S extends EvolutionStore>(store: S): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'saveState') return (state: Parameters<S['saveState']>[0]) => target.saveState(redactDataForOutput(state));
      if (property === 'putRollout') return (record: Parameters<S['putRollout']>[0]) => target.putRollout(redactDataForOutput(record));
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
