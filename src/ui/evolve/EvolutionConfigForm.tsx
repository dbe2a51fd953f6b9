import { usePersistentState } from '../shell/use-persistent-state.js';
import type { AcceptanceRule } from '../../core/evolve/gate.js';
import type { EvolutionConfig } from '../../core/evolve/state.js';

type EditableConfig = Omit<EvolutionConfig, 'suiteId' | 'suiteHash' | 'agentModelId' | 'proposerModelId'>;

interface Props {
  harnessLabel: string;
  suiteName: string;
  taskCount: number;
  defaults: EditableConfig;
  disabledReason?: string;
  onStart(config: EditableConfig): void;
}

function NumberField({ label, value, onChange, min = 1, step = 1, testId, hint }: { label: string; value: number | undefined; onChange(value: number | undefined): void; min?: number; step?: number; testId: string; hint?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" min={min} step={step} value={value ?? ''} placeholder={hint ?? 'no limit'} onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))} data-testid={testId} />
    </label>
  );
}

const sameKeys = (value: unknown, reference: object): boolean =>
  typeof value === 'object' && value !== null && Object.keys(reference).every((key) => key in value);

/** Every knob of an evolution with the paper's defaults filled in. */
export function EvolutionConfigForm({ harnessLabel, suiteName, taskCount, defaults, disabledReason, onStart }: Props) {
  // Remembered across reloads; a stored form of another shape (an older version of the app) falls back to the defaults.
  const [config, setConfig] = usePersistentState<EditableConfig>('evolve-form', defaults, (value): value is EditableConfig => sameKeys(value, defaults));
  const [maxMinutes, setMaxMinutes] = usePersistentState<number | undefined>('evolve-form-minutes', undefined, (value): value is number | undefined => value === undefined || value === null || typeof value === 'number');
  const set = <K extends keyof EditableConfig>(key: K, value: EditableConfig[K]) => setConfig((current) => ({ ...current, [key]: value }));
  const setBudget = (patch: Partial<EditableConfig['budget']>) => setConfig((current) => ({ ...current, budget: { ...current.budget, ...patch } }));
  const ratioSum = config.splitRatios.heldIn + config.splitRatios.heldOut + config.splitRatios.test;
  const problems = [
    config.attempts < 1 ? 'attempts must be at least 1' : '',
    ratioSum <= 0 ? 'split ratios must not all be zero' : '',
    config.acceptance.kind === 'statistical' && !(config.acceptance.alpha > 0 && config.acceptance.alpha < 1) ? 'α must be between 0 and 1' : '',
  ].filter(Boolean);
  const blocked = disabledReason ?? problems[0];

  return (
    <form
      className="evolve-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (blocked) return;
        onStart({ ...config, budget: { ...config.budget, maxWallTimeMs: maxMinutes ? maxMinutes * 60_000 : undefined } });
      }}
    >
      <p className="muted">
        Starting harness: <strong>{harnessLabel}</strong> · suite: <strong data-testid="evolve-suite">{suiteName}</strong> ({taskCount} tasks; select at least 4 on the Run page to evolve over a subset)
      </p>
      <div className="field-grid">
        <label className="field">
          <span>Acceptance rule</span>
          <select
            value={config.acceptance.kind}
            onChange={(event) => set('acceptance', (event.target.value === 'statistical' ? { kind: 'statistical', alpha: 0.05 } : { kind: event.target.value }) as AcceptanceRule)}
            data-testid="evolve-acceptance"
          >
            <option value="paper">rises on a split, falls on none (paper)</option>
            <option value="strict">total strictly rises (GEPA)</option>
            <option value="statistical">paired sign test</option>
          </select>
        </label>
        {config.acceptance.kind === 'statistical' && (
          <NumberField label="α (one-sided)" value={config.acceptance.alpha} min={0.001} step={0.01} onChange={(alpha) => set('acceptance', { kind: 'statistical', alpha: alpha ?? 0.05 })} testId="evolve-alpha" />
        )}
        <NumberField label="Attempts per task (k)" value={config.attempts} onChange={(value) => set('attempts', value ?? 1)} testId="evolve-attempts" />
        <NumberField label="Candidates per weakness (n)" value={config.candidatesPerWeakness} onChange={(value) => set('candidatesPerWeakness', value ?? 1)} testId="evolve-candidates" />
        <NumberField label="Weaknesses to address per iteration" value={config.topWeaknesses} onChange={(value) => set('topWeaknesses', value ?? 1)} testId="evolve-weaknesses" />
        <NumberField label="Max iterations" value={config.budget.maxIterations} onChange={(value) => setBudget({ maxIterations: value ?? 1 })} testId="evolve-iterations" />
        <NumberField label="Stop after iterations without an accepted edit" value={config.convergenceIterations} onChange={(value) => set('convergenceIterations', value ?? 1)} testId="evolve-convergence" />
        <NumberField label="Rollout budget" value={config.budget.maxRollouts} onChange={(value) => setBudget({ maxRollouts: value })} testId="evolve-max-rollouts" />
        <NumberField label="Token budget" value={config.budget.maxTokens} onChange={(value) => setBudget({ maxTokens: value })} testId="evolve-max-tokens" />
        <NumberField label="Time budget (minutes)" value={maxMinutes} onChange={setMaxMinutes} testId="evolve-max-minutes" />
        <NumberField label="Split seed" value={config.seed} onChange={(value) => set('seed', value ?? 1)} testId="evolve-seed" />
        <label className="field">
          <span>Split held-in / held-out / test</span>
          <input
            type="text"
            value={`${config.splitRatios.heldIn}/${config.splitRatios.heldOut}/${config.splitRatios.test}`}
            onChange={(event) => {
              const [heldIn, heldOut, test] = event.target.value.split('/').map(Number);
              if ([heldIn, heldOut, test].every((value) => Number.isFinite(value) && value >= 0)) set('splitRatios', { heldIn, heldOut, test });
            }}
            data-testid="evolve-split"
          />
        </label>
      </div>
      <label className="inline-check">
        <input type="checkbox" checked={config.reviewBeforeMerge} onChange={(event) => set('reviewBeforeMerge', event.target.checked)} data-testid="evolve-review" />
        Let me accept or reject each candidate before it is merged
      </label>
      <div className="button-row">
        <button type="submit" className="primary" disabled={Boolean(blocked)} data-testid="evolve-start">
          Start evolution
        </button>
        {blocked && <span className="status-text">{blocked}</span>}
      </div>
    </form>
  );
}
