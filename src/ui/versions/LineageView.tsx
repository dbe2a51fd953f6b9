import { useMemo } from 'react';
import type { EvolutionState } from '../../core/evolve/state.js';
import { editTypeDescription } from '../../core/share/glossary.js';
import { buildLineage, type KnownVersion, type LineageStep } from '../../core/share/snapshot.js';
import type { HarnessVersionRecord, StudioDatabase } from '../../store/db.js';
import { shortHash, shortModelId } from '../format.js';

interface Props {
  db: StudioDatabase;
  version: HarnessVersionRecord;
  evolutions: EvolutionState[];
  versions: ReadonlyMap<string, HarnessVersionRecord>;
}

const KIND_TEXT: Record<LineageStep['kind'], string> = {
  base: 'start of an evolution',
  candidate: 'accepted candidate',
  merge: 'merge of accepted candidates',
  edit: 'edited by a person',
  default: 'the default harness',
  example: 'an example harness',
  import: 'imported',
  unknown: 'not in this workspace',
};

function editText(edit: LineageStep['acceptedEdits'][number]['edits'][number]): string {
  switch (edit.op) {
    case 'add_rule':
    case 'replace_rule':
      return `${edit.op} ${edit.ruleId}: "${edit.text}"`;
    case 'set_policy':
      return `set_policy ${edit.path} = ${JSON.stringify(edit.value)}`;
    case 'add_hook':
    case 'replace_hook':
      return `${edit.op} ${edit.hook.id} (${edit.hook.processor} at ${edit.hook.at})`;
    case 'set_tool_description':
      return `set_tool_description ${edit.tool}: "${edit.description}"`;
    case 'set_planning_template':
      return `set_planning_template "${edit.template}"`;
  }
}

/** How a version came to be, oldest first: each step's accepted edits with their weakness and the gate's verdict. */
export function LineageView({ version, evolutions, versions }: Props) {
  const lineage = useMemo(() => {
    const known = new Map<string, KnownVersion>([...versions.values()].map((record) => [record.hash, { hash: record.hash, parentHash: record.parentHash, label: record.label, source: record.source, importedLineage: record.origin?.lineage }]));
    return buildLineage({ hash: version.hash, versions: known, evolutions });
  }, [version.hash, versions, evolutions]);
  const evolvedOn = version.origin?.evolvedOn;
  return (
    <div className="lineage" data-testid="lineage">
      {evolvedOn && (
        <p className="muted" data-testid="lineage-evolved-on">
          Evolved in <strong>{evolvedOn.evolutionId}</strong> with agent {shortModelId(evolvedOn.agentModelId)} and proposer {shortModelId(evolvedOn.proposerModelId)}, suite {evolvedOn.suiteId} (
          <code>{shortHash(evolvedOn.suiteHash)}</code>), acceptance rule {evolvedOn.acceptance.kind}, k = {evolvedOn.attempts}.
        </p>
      )}
      <ol className="lineage-steps">
        {lineage.steps.map((step) => (
          <li key={step.hash} data-testid="lineage-step" data-kind={step.kind}>
            <code>{shortHash(step.hash)}</code> {step.label && <strong>{step.label}</strong>} <span className="muted">{KIND_TEXT[step.kind]}</span>
            {step.evolutionId && <span className="muted"> · {step.evolutionId}, iteration {step.iteration}</span>}
            {step.acceptedEdits.map((accepted, index) => (
              <div key={index} className="accepted-step" data-testid="lineage-accepted">
                {accepted.weakness && (
                  <p>
                    <span className="muted">weakness</span> <strong>{accepted.weakness.title ?? accepted.weakness.id}</strong>
                    {accepted.weakness.category && <span className="chip">{accepted.weakness.category}</span>}
                  </p>
                )}
                <ul>
                  {accepted.edits.map((edit, editIndex) => (
                    <li key={editIndex} title={editTypeDescription(edit.op)}>
                      <code>{editText(edit)}</code>
                    </li>
                  ))}
                </ul>
                {accepted.gate && (
                  <p data-testid="lineage-gate">
                    <span className="muted">gate ({accepted.gate.rule.kind}):</span> {accepted.gate.accepted ? 'accepted' : 'rejected'} — {accepted.gate.reason}; flips:{' '}
                    {accepted.gate.flips.filter((flip) => flip.flip !== 'same').map((flip) => `${flip.taskId} ${flip.flip}`).join(', ') || 'none'}
                  </p>
                )}
              </div>
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}
