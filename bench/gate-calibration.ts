// The gate's calibration benchmark: `npm run bench` prints it and writes bench/gate.json; `npx tsx bench/gate-calibration.ts`
// runs it alone (`--runs N` for fewer evolutions while developing). It measures, over seeded evolutions of simulated agents
// (tests/fixtures/simulated-world.ts: no LLM, deterministic from the seed), how often each acceptance rule keeps a real
// fix, adopts noise or a trade-off, and what adaptive validation saves against full validation.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createEvolution, runEvolution } from '../src/core/evolve/evolution-loop.js';
import type { AcceptanceRule } from '../src/core/evolve/gate.js';
import { type EvolutionState, type EvolutionStore, type RolloutRecord } from '../src/core/evolve/state.js';
import { createDefaultHarness } from '../src/core/harness/index.js';
import { ScriptedModel } from '../src/core/model/scripted.js';
import { EDITS, fixWorld, noiseWorld, scriptedProposer, type SimulatedWorld, simulatedAgent, simulatedEvolutionConfig, simulatedTasks } from '../tests/fixtures/simulated-world.js';

/** Keeps the state by reference and rollouts in a map: the benchmark measures decisions, not storage. */
class InMemoryStore implements EvolutionStore {
  state: unknown;
  readonly rollouts = new Map<string, RolloutRecord>();
  async loadState() {
    return this.state;
  }
  async saveState(state: EvolutionState) {
    this.state = state;
  }
  async getRollout(key: string) {
    return this.rollouts.get(key);
  }
  async putRollout(record: RolloutRecord) {
    this.rollouts.set(record.key, record);
  }
}

interface EvolutionOutcome {
  finalRules: string[];
  changed: boolean;
  /** candidate id → accepted, for every gate decision (in order). */
  decisions: Map<string, boolean>;
  /** Rollouts newly used by validation and merging (the parent's fresh attempts included). */
  validationRollouts: number;
  saved: number;
}

const RULES: Record<string, AcceptanceRule> = {
  paper: { kind: 'paper' },
  strict: { kind: 'strict' },
  statistical: { kind: 'statistical', alpha: 0.05 },
  // Informative: what an explicit held-out tolerance of one pass buys and costs.
  'paper-tol-1': { kind: 'paper', heldOutTolerance: 1 },
};

async function evolveOnce(world: SimulatedWorld, seed: number, rule: AcceptanceRule, adaptive: boolean): Promise<EvolutionOutcome> {
  const store = new InMemoryStore();
  const tasks = simulatedTasks(world);
  const agentModel = new ScriptedModel([], 'simulated:agent');
  const proposerModel = scriptedProposer(world);
  const config = simulatedEvolutionConfig(world, seed, { agent: agentModel, proposer: proposerModel }, { acceptance: rule, adaptiveValidation: adaptive });
  const state = await createEvolution(store, { id: `${world.name}-${seed}`, config, baseHarness: createDefaultHarness(), tasks, agentModel, proposerModel });
  const outcome: EvolutionOutcome = { finalRules: [], changed: false, decisions: new Map(), validationRollouts: 0, saved: 0 };
  const done = await runEvolution({
    store,
    tasks,
    agentModel,
    proposerModel,
    runAttempt: simulatedAgent(world, seed),
    onEvent: (event) => {
      if (event.type === 'rollout-end' && !event.replayed && (event.stage === 'validate' || event.stage === 'merge')) outcome.validationRollouts += 1;
      if (event.type === 'candidate-decided' && (event.status === 'accepted' || event.status === 'rejected')) {
        outcome.decisions.set(event.candidateId, event.status === 'accepted');
        outcome.saved += event.rolloutsSaved;
      }
    },
  });
  outcome.finalRules = done.versions[done.currentHash].harness.rules.map((item) => item.id);
  outcome.changed = done.currentHash !== state.baseHash;
  return outcome;
}

interface Rates {
  evolutions: number;
  /** Share of evolutions whose final harness carries the real fix. */
  realFixRecall?: number;
  /** Share of evolutions whose final harness differs from the base. */
  changedFromBase: number;
  tradeOffAdoption: number;
  harmfulAdoption: number;
  decisions: number;
  acceptedDecisions: number;
  rolloutsPerDecision: number;
}

interface ModeComparison {
  full: Rates;
  adaptive: Rates;
  /** Share of gate decisions (same seed, same candidate) on which adaptive and full validation agree. */
  decisionAgreement: number;
  /** 1 − adaptive rollouts per decision ÷ full rollouts per decision. */
  rolloutReduction: number;
}

function rates(outcomes: EvolutionOutcome[]): Rates {
  const share = (predicate: (outcome: EvolutionOutcome) => boolean) => outcomes.filter(predicate).length / outcomes.length;
  const decisions = outcomes.reduce((sum, outcome) => sum + outcome.decisions.size, 0);
  return {
    evolutions: outcomes.length,
    realFixRecall: share((outcome) => outcome.finalRules.includes(EDITS.fix.ruleId)),
    changedFromBase: share((outcome) => outcome.changed),
    tradeOffAdoption: share((outcome) => outcome.finalRules.includes(EDITS.tradeOff.ruleId)),
    harmfulAdoption: share((outcome) => outcome.finalRules.includes(EDITS.harmful.ruleId)),
    decisions,
    acceptedDecisions: outcomes.reduce((sum, outcome) => sum + [...outcome.decisions.values()].filter(Boolean).length, 0),
    rolloutsPerDecision: decisions ? outcomes.reduce((sum, outcome) => sum + outcome.validationRollouts, 0) / decisions : 0,
  };
}

async function compareModes(world: SimulatedWorld, rule: AcceptanceRule, runs: number, firstSeed: number): Promise<ModeComparison> {
  const full: EvolutionOutcome[] = [];
  const adaptive: EvolutionOutcome[] = [];
  let compared = 0;
  let agreed = 0;
  for (let run = 0; run < runs; run++) {
    const seed = firstSeed + run;
    const whole = await evolveOnce(world, seed, rule, false);
    const early = await evolveOnce(world, seed, rule, true);
    full.push(whole);
    adaptive.push(early);
    for (const [candidateId, accepted] of whole.decisions) {
      if (!early.decisions.has(candidateId)) continue;
      compared++;
      if (early.decisions.get(candidateId) === accepted) agreed++;
    }
  }
  const fullRates = rates(full);
  const adaptiveRates = rates(adaptive);
  return {
    full: fullRates,
    adaptive: adaptiveRates,
    decisionAgreement: compared ? agreed / compared : 1,
    rolloutReduction: fullRates.rolloutsPerDecision ? 1 - adaptiveRates.rolloutsPerDecision / fullRates.rolloutsPerDecision : 0,
  };
}

export const GOALS = { realFixRecall: 0.95, noiseAdoption: 0.05, tradeOffAdoption: 0, rolloutReduction: 0.4, decisionAgreement: 0.95 } as const;

interface Scenario {
  id: string;
  description: string;
  world: SimulatedWorld;
  /** Which figure the goals judge in this scenario. */
  measures: Array<'realFixRecall' | 'noiseAdoption' | 'tradeOffAdoption'>;
  /** Scenarios that only inform (no goal): what a user of a small or flaky suite should expect. */
  informative?: boolean;
}

export function scenarios(): Scenario[] {
  return [
    { id: 'real-fix', description: '48 deterministic tasks (24 held-in / 12 held-out / 12 test), k=2; the proposer offers a real fix (flips 16 tasks), a harmful edit, a trade-off and two no-ops per iteration', world: fixWorld(), measures: ['realFixRecall', 'tradeOffAdoption'] },
    { id: 'noise', description: '48 tasks, a 50%-flaky agent that ignores every edit; the same five kinds of edit (none has any effect)', world: noiseWorld(), measures: ['noiseAdoption'] },
    { id: 'trade-off', description: '48 deterministic tasks; no real fix on offer: a trade-off (fixes 4, breaks 8), a harmful edit and two no-ops', world: fixWorld({ offerFix: false, name: 'trade-off' }), measures: ['tradeOffAdoption'] },
    { id: 'real-fix-among-flaky-tasks', description: 'as real-fix, but a quarter of the tasks the fix does not touch are coins', world: fixWorld({ flaky: 0.25, name: 'fix-flaky' }), measures: [], informative: true },
    { id: 'noise-small-suite', description: 'a 16-task suite (8 / 4 / 4) with the 50%-flaky agent', world: noiseWorld({ perCategory: 4 }), measures: [], informative: true },
  ];
}

export interface GateCalibration {
  generatedBy: string;
  evolutionsPerRuleAndMode: number;
  goals: typeof GOALS;
  scenarios: Array<{ id: string; description: string; informative: boolean; rules: Record<string, ModeComparison> }>;
  /** Per rule: whether every goal holds, and the figures they were judged on (adaptive validation, the default). */
  verdict: Record<string, { meetsGoals: boolean; realFixRecall: number; noiseAdoption: number; tradeOffAdoption: number; rolloutReduction: number; decisionAgreement: number }>;
}

export async function runGateCalibration(options: { runs?: number; log?: (line: string) => void } = {}): Promise<GateCalibration> {
  const runs = options.runs ?? 200;
  const log = options.log ?? (() => {});
  const result: GateCalibration = { generatedBy: 'npm run bench (bench/gate-calibration.ts)', evolutionsPerRuleAndMode: runs, goals: GOALS, scenarios: [], verdict: {} };
  for (const scenario of scenarios()) {
    const entry = { id: scenario.id, description: scenario.description, informative: Boolean(scenario.informative), rules: {} as Record<string, ModeComparison> };
    for (const [name, rule] of Object.entries(RULES)) {
      const started = performance.now();
      entry.rules[name] = await compareModes(scenario.world, rule, runs, 1);
      log(`  ${scenario.id.padEnd(28)} ${name.padEnd(12)} ${((performance.now() - started) / 1000).toFixed(1)}s`);
    }
    result.scenarios.push(entry);
  }
  const byId = (id: string) => result.scenarios.find((scenario) => scenario.id === id)!;
  for (const name of Object.keys(RULES)) {
    const fix = byId('real-fix').rules[name];
    const noise = byId('noise').rules[name];
    const tradeOff = byId('trade-off').rules[name];
    const figures = {
      realFixRecall: fix.adaptive.realFixRecall ?? 0,
      noiseAdoption: noise.adaptive.changedFromBase,
      tradeOffAdoption: Math.max(tradeOff.adaptive.tradeOffAdoption, fix.adaptive.tradeOffAdoption),
      rolloutReduction: Math.min(...result.scenarios.filter((scenario) => !scenario.informative).map((scenario) => scenario.rules[name].rolloutReduction)),
      decisionAgreement: Math.min(...result.scenarios.map((scenario) => scenario.rules[name].decisionAgreement)),
    };
    result.verdict[name] = {
      meetsGoals:
        figures.realFixRecall >= GOALS.realFixRecall &&
        figures.noiseAdoption <= GOALS.noiseAdoption &&
        figures.tradeOffAdoption <= GOALS.tradeOffAdoption &&
        figures.rolloutReduction >= GOALS.rolloutReduction &&
        figures.decisionAgreement >= GOALS.decisionAgreement,
      ...figures,
    };
  }
  return result;
}

const percent = (value: number | undefined) => (value === undefined ? '—' : `${(100 * value).toFixed(1)}%`);

export function renderGateCalibration(result: GateCalibration): string {
  const lines = [`gate calibration: ${result.evolutionsPerRuleAndMode} seeded evolutions per scenario, rule and mode (full | adaptive)`];
  lines.push(`${'scenario'.padEnd(28)} ${'rule'.padEnd(12)} ${'fix kept'.padStart(15)} ${'harness changed'.padStart(17)} ${'trade-off kept'.padStart(15)} ${'rollouts/decision'.padStart(19)} ${'saved'.padStart(7)} ${'agree'.padStart(7)}`);
  for (const scenario of result.scenarios) {
    for (const [name, comparison] of Object.entries(scenario.rules)) {
      const pair = (pick: (rates: Rates) => number | undefined) => `${percent(pick(comparison.full))}|${percent(pick(comparison.adaptive))}`;
      lines.push(
        `${(scenario.id + (scenario.informative ? ' *' : '')).padEnd(28)} ${name.padEnd(12)} ${pair((rates) => rates.realFixRecall).padStart(15)} ${pair((rates) => rates.changedFromBase).padStart(17)} ${pair((rates) => rates.tradeOffAdoption).padStart(15)} ${`${comparison.full.rolloutsPerDecision.toFixed(1)}|${comparison.adaptive.rolloutsPerDecision.toFixed(1)}`.padStart(19)} ${percent(comparison.rolloutReduction).padStart(7)} ${percent(comparison.decisionAgreement).padStart(7)}`,
      );
    }
  }
  lines.push('* informative, no goal');
  lines.push(`goals: real-fix recall ≥ ${percent(GOALS.realFixRecall)}, noise adoption ≤ ${percent(GOALS.noiseAdoption)}, trade-off adoption ${percent(GOALS.tradeOffAdoption)}, adaptive ≥ ${percent(GOALS.rolloutReduction)} fewer rollouts per decision at ≥ ${percent(GOALS.decisionAgreement)} agreement`);
  for (const [name, verdict] of Object.entries(result.verdict)) {
    lines.push(
      `  ${name.padEnd(12)} ${verdict.meetsGoals ? 'meets every goal' : 'MISSES a goal   '}  recall ${percent(verdict.realFixRecall)}, noise ${percent(verdict.noiseAdoption)}, trade-off ${percent(verdict.tradeOffAdoption)}, saved ${percent(verdict.rolloutReduction)}, agreement ${percent(verdict.decisionAgreement)}`,
    );
  }
  return lines.join('\n');
}

/** Run, print, and record in bench/gate.json. */
export async function benchGateCalibration(runs = 200): Promise<GateCalibration> {
  const started = performance.now();
  const result = await runGateCalibration({ runs, log: (line) => console.log(line) });
  console.log(renderGateCalibration(result));
  console.log(`gate calibration took ${((performance.now() - started) / 1000).toFixed(0)}s`);
  await writeFile(new URL('./gate.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const index = process.argv.indexOf('--runs');
  await benchGateCalibration(index > 0 ? Number(process.argv[index + 1]) : 200);
}
