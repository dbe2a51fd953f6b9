// B7: the validation gate's calibration (bench/gate-calibration.ts, recorded in bench/gate.json) — for the default
// acceptance rule, adaptive validation against its baseline, full validation: rollouts saved, decisions that agree,
// real fixes kept and noise adopted, over seeded evolutions of simulated agents.
import { writeFile } from 'node:fs/promises';
import { type BenchFigure, type Check, judged } from './figure.js';
import { GOALS, renderGateCalibration, runGateCalibration } from './gate-calibration.js';

const RULE = 'paper';

export const figure: BenchFigure = {
  id: 'B7',
  title: 'Validation gate calibration (adaptive vs full validation)',
  target: { comparison: 'at-least', value: 100 * GOALS.rolloutReduction },
  unit: '%',
  async measure({ log, quick }) {
    const runs = quick ? 10 : 200;
    const result = await runGateCalibration({ runs, log });
    for (const line of renderGateCalibration(result).split('\n')) log(line);
    if (!quick) await writeFile(new URL('./gate.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
    const verdict = result.verdict[RULE];
    const realFix = result.scenarios.find((scenario) => scenario.id === 'real-fix')!.rules[RULE];
    const percent = (share: number) => 100 * share;
    const checks: Check[] = [
      judged('rollouts saved per gate decision by adaptive validation (worst scenario)', percent(verdict.rolloutReduction), { comparison: 'at-least', value: percent(GOALS.rolloutReduction) }, '%', { value: realFix.full.rolloutsPerDecision, label: 'full validation, rollouts per decision (real-fix)' }),
      judged('decisions adaptive and full validation agree on (worst scenario)', percent(verdict.decisionAgreement), { comparison: 'at-least', value: percent(GOALS.decisionAgreement) }, '%'),
      judged('real-fix recall (the fix is in the final harness)', percent(verdict.realFixRecall), { comparison: 'at-least', value: percent(GOALS.realFixRecall) }, '%'),
      judged('noise adoption (a 50%-flaky agent, no edit has any effect)', percent(verdict.noiseAdoption), { comparison: 'at-most', value: percent(GOALS.noiseAdoption) }, '%'),
      judged('trade-off adoption', percent(verdict.tradeOffAdoption), { comparison: 'at-most', value: percent(GOALS.tradeOffAdoption) }, '%'),
    ];
    return {
      id: 'B7',
      title: figure.title,
      checks,
      tables: [
        {
          title: `Every rule and scenario, ${runs} seeded evolutions each, full | adaptive validation (the checks judge the default rule, ${RULE}; bench/gate.json has all)`,
          columns: ['scenario', 'rule', 'fix kept full', 'fix kept adaptive', 'harness changed full', 'harness changed adaptive', 'rollouts/decision full', 'rollouts/decision adaptive', 'saved', 'agreement'],
          rows: result.scenarios.flatMap((scenario) =>
            Object.entries(scenario.rules).map(([rule, comparison]) => [
              `${scenario.id}${scenario.informative ? ' (informative)' : ''}`,
              rule,
              comparison.full.realFixRecall ?? '—',
              comparison.adaptive.realFixRecall ?? '—',
              comparison.full.changedFromBase,
              comparison.adaptive.changedFromBase,
              comparison.full.rolloutsPerDecision,
              comparison.adaptive.rolloutsPerDecision,
              comparison.rolloutReduction,
              comparison.decisionAgreement,
            ]),
          ),
        },
      ],
      notes: [
        `\`bench/gate-calibration.ts\` (written to \`bench/gate.json\`): for each scenario and rule, ${runs} seeded evolutions of simulated agents (\`tests/fixtures/simulated-world.ts\`, no LLM) are run twice, with full validation (the baseline) and with adaptive validation (the default, which stops a candidate's validation once its verdict cannot change). Rollouts saved = 1 − adaptive ÷ full rollouts per decision, the worst of the judged scenarios; agreement = the share of the same candidates (same seed) decided alike, the worst scenario. Shares in the table are 0–1.`,
      ],
    };
  },
};
