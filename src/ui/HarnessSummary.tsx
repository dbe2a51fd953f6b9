import type { HarnessDocument, ToolName } from '../core/harness/schema.js';
import { hookProcessorDescription } from '../core/share/glossary.js';
import { describePolicies } from './harness-view.js';

/** The active harness in plain words: readable without the editor (and by tests). */
export function HarnessSummary({ harness }: { harness: HarnessDocument }) {
  const tools = Object.entries(harness.tools) as Array<[ToolName, HarnessDocument['tools'][ToolName]]>;
  return (
    <div className="harness-summary" data-testid="harness-summary">
      <p>
        <strong data-testid="harness-name">{harness.name}</strong>
        {harness.description && <span className="muted"> — {harness.description}</span>}
      </p>

      <h3>System prompt</h3>
      <pre className="prompt" data-testid="harness-prompt">{harness.systemPrompt}</pre>

      <h3>Rules</h3>
      {harness.rules.length ? (
        <ol className="rule-list" data-testid="harness-rules">
          {harness.rules.map((rule) => (
            <li key={rule.id}>
              <code>{rule.id}</code> {rule.text} <span className="muted">({rule.source.kind})</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted" data-testid="harness-rules">No rules.</p>
      )}

      <h3>Tools</h3>
      <ul className="switch-list" data-testid="harness-tools">
        {tools.map(([name, tool]) => (
          <li key={name} data-testid={`harness-tool-${name}`} data-enabled={tool.enabled}>
            <span className={`switch ${tool.enabled ? 'on' : 'off'}`}>{tool.enabled ? 'on' : 'off'}</span>
            <code>{name}</code> <span className="muted">{tool.description}</span>
          </li>
        ))}
      </ul>

      <h3>Policies</h3>
      <ul className="switch-list" data-testid="harness-policies">
        {describePolicies(harness.policies).map((policy) => (
          <li key={policy.name} data-testid={`harness-policy-${policy.name}`} data-enabled={policy.on}>
            <span className={`switch ${policy.on ? 'on' : 'off'}`}>{policy.on ? 'on' : 'off'}</span>
            <span>
              <code>{policy.name}</code> <span className="policy-settings">{policy.settings}</span>
              <span className="muted policy-meaning">{policy.meaning}</span>
            </span>
          </li>
        ))}
      </ul>

      <h3>Hooks</h3>
      {harness.hooks.length ? (
        <ul className="rule-list" data-testid="harness-hooks">
          {harness.hooks.map((hook) => (
            <li key={hook.id}>
              <code>{hook.id}</code> at <code>{hook.at}</code>: <span title={hookProcessorDescription(hook.processor)}>{hook.processor}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted" data-testid="harness-hooks">No hooks.</p>
      )}
    </div>
  );
}
