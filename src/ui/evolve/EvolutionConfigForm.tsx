import {
  DEFAULT_MINING_ANSWER_TOKENS,
  DEFAULT_PROPOSAL_ANSWER_TOKENS,
  EVOLUTION_SETTING_LABELS as LABELS,
  type EvolutionSettings,
  evolutionTaskCountProblem,
  MIN_EVOLUTION_TASKS,
  parseEvolutionSettings,
  parseSplitRatiosText,
} from '../../core/evolve/config.js';
import { evolutionWarnings } from '../../core/evolve/evolution-warnings.js';
import { usePersistentState } from '../shell/use-persistent-state.js';
import type { AcceptanceRule } from '../../core/evolve/gate.js';

interface Props {
  harnessLabel: string;
  suiteName: string;
  taskCount: number;
  defaults: EvolutionSettings;
  disabledReason?: string;
  onStart(config: EvolutionSettings): void;
}

/** An empty field is `undefined`, so the schema says the setting is required instead of a default slipping in. */
function NumberField({ label, value, onChange, min = 1, step = 1, testId, hint }: { label: string; value: number | undefined; onChange(value: number | undefined): void; min?: number; step?: number; testId: string; hint?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" min={min} step={step} value={value ?? ''} placeholder={hint ?? 'no limit'} onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))} data-testid={testId} />
    </label>
  );
}

/** What the form holds while a person types: the settings, possibly incomplete or out of range. */
type Draft = Omit<EvolutionSettings, 'attempts' | 'candidatesPerWeakness' | 'topWeaknesses' | 'convergenceIterations' | 'seed' | 'budget'> & {
  attempts?: number;
  candidatesPerWeakness?: number;
  topWeaknesses?: number;
  convergenceIterations?: number;
  seed?: number;
  budget: Partial<EvolutionSettings['budget']>;
};

const ratiosText = (ratios: EvolutionSettings['splitRatios']) => `${ratios.heldIn}/${ratios.heldOut}/${ratios.test}`;

const sameKeys = (value: unknown, reference: object): boolean =>
  typeof value === 'object' && value !== null && Object.keys(reference).every((key) => key in value);

/**
 * Every knob of an evolution with the paper's defaults filled in, remembered across reloads. What it accepts, and what
 * it says about the rest, is core's evolution-config schema — the same the CLI's flags and a resumed evolution go
 * through — and it warns before the run when the suite is too small for the acceptance rule to ever accept an edit
 * (for the statistical rule: when the held-in sign test cannot reach α with this k, and which k would).
 */
export function EvolutionConfigForm({ harnessLabel, suiteName, taskCount, defaults, disabledReason, onStart }: Props) {
  // A stored form of another shape (an older version of the app, a field cleared) falls back to the defaults.
  const [draft, setDraft] = usePersistentState<Draft>('evolve-form', defaults, (value): value is Draft => sameKeys(value, defaults));
  const [splitText, setSplitText] = usePersistentState('evolve-form-split', ratiosText(defaults.splitRatios), (value): value is string => typeof value === 'string');
  const [maxMinutes, setMaxMinutes] = usePersistentState<number | undefined>(
    'evolve-form-minutes',
    defaults.budget.maxWallTimeMs === undefined ? undefined : defaults.budget.maxWallTimeMs / 60_000,
    (value): value is number | undefined => value === undefined || typeof value === 'number',
  );
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const setBudget = (patch: Partial<Draft['budget']>) => setDraft((current) => ({ ...current, budget: { ...current.budget, ...patch } }));

  const typedRatios = parseSplitRatiosText(splitText);
  const parsed = parseEvolutionSettings({
    ...draft,
    splitRatios: typedRatios.ok ? typedRatios.ratios : defaults.splitRatios,
    budget: { ...draft.budget, maxWallTimeMs: maxMinutes === undefined ? undefined : maxMinutes * 60_000 },
  });
  const problems = [
    ...(typedRatios.ok ? [] : [typedRatios.problem]),
    ...(evolutionTaskCountProblem(taskCount) ? [evolutionTaskCountProblem(taskCount)!] : []),
    ...(parsed.ok ? [] : [...new Set(parsed.problems.map((problem) => problem.message))]),
  ];
  const warnings = parsed.ok && !problems.length ? evolutionWarnings(parsed.value, taskCount) : [];
  const blocked = disabledReason ?? problems[0];
  const acceptance = draft.acceptance;
  // The paper and statistical rules let a held-out task lose this many passes before it counts as a fall.
  const tolerance = acceptance.kind === 'strict' ? undefined : acceptance.heldOutTolerance;

  return (
    <form
      className="evolve-form"
      // The schema is the validator; the browser's own step/min checks would block valid values such as α = 0.05.
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (blocked || !parsed.ok) return;
        onStart(parsed.value);
      }}
    >
      <p className="muted">
        Starting harness: <strong>{harnessLabel}</strong> · suite: <strong data-testid="evolve-suite">{suiteName}</strong> ({taskCount} tasks; select at least {MIN_EVOLUTION_TASKS} on the Run page to evolve over a subset)
      </p>
      <div className="field-grid">
        <label className="field">
          <span>{LABELS.acceptance}</span>
          <select
            value={draft.acceptance.kind}
            onChange={(event) => {
              const kind = event.target.value;
              // A tolerance typed for one rule carries over to the other rule that has one.
              set('acceptance', (kind === 'statistical' ? { kind, alpha: 0.05, heldOutTolerance: tolerance } : kind === 'paper' ? { kind, heldOutTolerance: tolerance } : { kind }) as AcceptanceRule);
            }}
            data-testid="evolve-acceptance"
          >
            <option value="paper">held-in rises, no held-out task falls (paper)</option>
            <option value="strict">total strictly rises (GEPA)</option>
            <option value="statistical">paired sign test over held-in, no held-out task falls</option>
          </select>
        </label>
        {acceptance.kind === 'statistical' && (
          <NumberField label={LABELS.alpha} value={Number.isNaN(acceptance.alpha) ? undefined : acceptance.alpha} min={0.001} step={0.01} onChange={(alpha) => set('acceptance', { ...acceptance, alpha: alpha ?? Number.NaN })} testId="evolve-alpha" />
        )}
        {acceptance.kind !== 'strict' && (
          <NumberField label={LABELS.heldOutTolerance} value={tolerance} min={0} hint="0" onChange={(value) => set('acceptance', { ...acceptance, heldOutTolerance: value })} testId="evolve-tolerance" />
        )}
        <NumberField label={LABELS.attempts} value={draft.attempts} onChange={(value) => set('attempts', value)} testId="evolve-attempts" hint="required" />
        <NumberField label={LABELS.candidatesPerWeakness} value={draft.candidatesPerWeakness} onChange={(value) => set('candidatesPerWeakness', value)} testId="evolve-candidates" hint="required" />
        <NumberField label={LABELS.topWeaknesses} value={draft.topWeaknesses} onChange={(value) => set('topWeaknesses', value)} testId="evolve-weaknesses" hint="required" />
        <NumberField label={LABELS.maxIterations} value={draft.budget.maxIterations} onChange={(value) => setBudget({ maxIterations: value })} testId="evolve-iterations" hint="required" />
        <NumberField label={LABELS.convergenceIterations} value={draft.convergenceIterations} onChange={(value) => set('convergenceIterations', value)} testId="evolve-convergence" hint="required" />
        <NumberField label={LABELS.maxRollouts} value={draft.budget.maxRollouts} onChange={(value) => setBudget({ maxRollouts: value })} testId="evolve-max-rollouts" />
        <NumberField label={LABELS.maxTokens} value={draft.budget.maxTokens} onChange={(value) => setBudget({ maxTokens: value })} testId="evolve-max-tokens" />
        <NumberField label={`${LABELS.maxWallTimeMs} (minutes)`} value={maxMinutes} onChange={setMaxMinutes} testId="evolve-max-minutes" />
        <NumberField label={LABELS.maxFinalTestRollouts} value={draft.budget.maxFinalTestRollouts} min={0} hint="as many as needed" onChange={(value) => setBudget({ maxFinalTestRollouts: value })} testId="evolve-final-test-rollouts" />
        <NumberField label={LABELS.seed} value={draft.seed} min={0} onChange={(value) => set('seed', value)} testId="evolve-seed" hint="required" />
        <NumberField label={LABELS.miningMaxAnswerTokens} value={draft.miningMaxAnswerTokens} min={16} hint={String(DEFAULT_MINING_ANSWER_TOKENS)} onChange={(value) => set('miningMaxAnswerTokens', value)} testId="evolve-mining-max-answer-tokens" />
        <NumberField label={LABELS.proposalMaxAnswerTokens} value={draft.proposalMaxAnswerTokens} min={16} hint={String(DEFAULT_PROPOSAL_ANSWER_TOKENS)} onChange={(value) => set('proposalMaxAnswerTokens', value)} testId="evolve-proposal-max-answer-tokens" />
        <label className="field">
          <span>{LABELS.splitRatios}</span>
          <input type="text" value={splitText} onChange={(event) => setSplitText(event.target.value)} data-testid="evolve-split" />
        </label>
      </div>
      <label className="inline-check">
        <input type="checkbox" checked={draft.adaptiveValidation} onChange={(event) => set('adaptiveValidation', event.target.checked)} data-testid="evolve-adaptive" />
        {LABELS.adaptiveValidation}: stop a candidate's rollouts once no remaining one can change the gate's decision (same decisions, fewer rollouts)
      </label>
      <label className="inline-check">
        <input type="checkbox" checked={draft.reviewBeforeMerge} onChange={(event) => set('reviewBeforeMerge', event.target.checked)} data-testid="evolve-review" />
        Let me accept or reject each candidate before it is merged
      </label>
      <div className="button-row">
        <button type="submit" className="primary" disabled={Boolean(blocked)} data-testid="evolve-start">
          Start evolution
        </button>
        {blocked && <span className="status-text">{blocked}</span>}
      </div>
      {!disabledReason && problems.length > 1 && (
        <ul className="error-box" data-testid="evolve-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {!blocked && warnings.length > 0 && (
        <ul className="notice notice-warn" role="status" data-testid="evolve-warnings">
          {warnings.map((warning) => (
            <li key={warning.kind}>{warning.message}</li>
          ))}
        </ul>
      )}
    </form>
  );
}
