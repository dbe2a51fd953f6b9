import { useState } from 'react';
import { type AcceptanceRule, statisticalFeasibility } from '../../core/evolve/gate.js';
import type { EvolutionConfig } from '../../core/evolve/state.js';
import { isLocalProfile, type ModelProfile } from '../../core/model/profile.js';

type EditableConfig = Omit<EvolutionConfig, 'suiteId' | 'suiteHash' | 'agentModelId' | 'proposerModelId'>;

interface Props {
  profiles: ModelProfile[];
  activeProfile?: ModelProfile;
  harnessLabel: string;
  suiteName: string;
  taskCount: number;
  defaults: EditableConfig;
  disabledReason?: string;
  onStart(config: EditableConfig, proposer?: ModelProfile): void;
}

function NumberField({ label, value, onChange, min = 1, step = 1, testId, hint }: { label: string; value: number | undefined; onChange(value: number | undefined): void; min?: number; step?: number; testId: string; hint?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" min={min} step={step} value={value ?? ''} placeholder={hint ?? 'no limit'} onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))} data-testid={testId} />
    </label>
  );
}

/** Every knob of an evolution with the paper's defaults filled in. */
export function EvolutionConfigForm({ profiles, activeProfile, harnessLabel, suiteName, taskCount, defaults, disabledReason, onStart }: Props) {
  const [config, setConfig] = useState<EditableConfig>(defaults);
  const [proposerId, setProposerId] = useState<string>('');
  const [maxMinutes, setMaxMinutes] = useState<number | undefined>();
  const set = <K extends keyof EditableConfig>(key: K, value: EditableConfig[K]) => setConfig((current) => ({ ...current, [key]: value }));
  const setBudget = (patch: Partial<EditableConfig['budget']>) => setConfig((current) => ({ ...current, budget: { ...current.budget, ...patch } }));
  const ratioSum = config.splitRatios.heldIn + config.splitRatios.heldOut + config.splitRatios.test;
  const problems = [
    config.attempts < 1 ? 'attempts must be at least 1' : '',
    ratioSum <= 0 ? 'split ratios must not all be zero' : '',
    config.acceptance.kind === 'statistical' && !(config.acceptance.alpha > 0 && config.acceptance.alpha < 1) ? 'α must be between 0 and 1' : '',
  ].filter(Boolean);
  const blocked = disabledReason ?? problems[0];
  // Said before the run: whether the sign test can ever accept with this k and this many held-in tasks.
  const heldInCount = ratioSum > 0 ? Math.round((taskCount * config.splitRatios.heldIn) / ratioSum) : 0;
  const feasibility = config.acceptance.kind === 'statistical' && config.acceptance.alpha > 0 ? statisticalFeasibility(config.acceptance.alpha, heldInCount, config.attempts) : undefined;
  const tolerance = config.acceptance.kind === 'strict' ? undefined : (config.acceptance.heldOutTolerance ?? 0);
  const proposer = profiles.find((profile) => profile.id === proposerId);
  const proposerNotLoadable = proposer !== undefined && activeProfile !== undefined && isLocalProfile(proposer) && isLocalProfile(activeProfile);

  return (
    <form
      className="evolve-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (blocked) return;
        onStart({ ...config, budget: { ...config.budget, maxWallTimeMs: maxMinutes ? maxMinutes * 60_000 : undefined } }, profiles.find((profile) => profile.id === proposerId));
      }}
    >
      <p className="muted">
        Agent model: <strong>{activeProfile?.label ?? 'none saved'}</strong> · starting harness: <strong>{harnessLabel}</strong> · suite: <strong data-testid="evolve-suite">{suiteName}</strong> ({taskCount} tasks; select at least 4 on the Run page to evolve over a subset)
      </p>
      <div className="field-grid">
        <label className="field">
          <span>Proposer model (mines weaknesses, proposes edits)</span>
          <select value={proposerId} onChange={(event) => setProposerId(event.target.value)} data-testid="evolve-proposer">
            <option value="">the agent model itself (as in the paper)</option>
            {profiles
              .filter((profile) => profile.id !== activeProfile?.id)
              .map((profile) => (
                <option key={profile.id} value={profile.id}>
                  {profile.label}
                </option>
              ))}
          </select>
          {proposerNotLoadable && (
            <small className="muted" data-testid="evolve-proposer-note">
              Both are in-page models and only one is loaded at a time: the agent model will propose instead. Pick a remote proposer (OpenAI-compatible or Anthropic) to use another model.
            </small>
          )}
        </label>
        <label className="field">
          <span>Acceptance rule</span>
          <select
            value={config.acceptance.kind}
            onChange={(event) => set('acceptance', (event.target.value === 'statistical' ? { kind: 'statistical', alpha: 0.05 } : { kind: event.target.value }) as AcceptanceRule)}
            data-testid="evolve-acceptance"
          >
            <option value="paper">held-in rises, no held-out task falls (paper)</option>
            <option value="strict">total strictly rises (GEPA)</option>
            <option value="statistical">paired sign test over held-in, no held-out task falls</option>
          </select>
        </label>
        {config.acceptance.kind === 'statistical' && (
          <NumberField label="α (one-sided)" value={config.acceptance.alpha} min={0.001} step={0.01} onChange={(alpha) => set('acceptance', { kind: 'statistical', alpha: alpha ?? 0.05, heldOutTolerance: tolerance })} testId="evolve-alpha" />
        )}
        {tolerance !== undefined && (
          <NumberField
            label="Passes a held-out task may lose (tolerance)"
            value={tolerance}
            min={0}
            hint="0"
            onChange={(value) => set('acceptance', { ...config.acceptance, heldOutTolerance: value ?? 0 } as AcceptanceRule)}
            testId="evolve-tolerance"
          />
        )}
        <NumberField label="Final-test budget (rollouts)" value={config.budget.maxFinalTestRollouts} min={0} hint="as many as needed" onChange={(value) => setBudget({ maxFinalTestRollouts: value })} testId="evolve-final-test-rollouts" />
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
      {feasibility && (
        <p className={feasibility.possible ? 'muted' : 'notice notice-warn'} data-testid="evolve-feasibility">
          With about {heldInCount} held-in tasks and k={config.attempts}: {feasibility.message}.
        </p>
      )}
      <label className="inline-check">
        <input type="checkbox" checked={config.adaptiveValidation} onChange={(event) => set('adaptiveValidation', event.target.checked)} data-testid="evolve-adaptive" />
        Adaptive validation: stop a candidate's rollouts once no remaining one can change the gate's decision (same decisions, fewer rollouts)
      </label>
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
