import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { buildReport, renderReportMarkdown } from '../../core/evolve/report.js';
import type { EvolutionState, SplitScore } from '../../core/evolve/state.js';

const percent = (value?: SplitScore) => (value && value.total ? Math.round((100 * value.passed) / value.total) : null);
const signed = (value: number) => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)} pp`;
const cell = (value?: SplitScore) => (value && value.total ? `${value.passed}/${value.total} (${percent(value)}%)` : '—');

/** The end-of-run report: scores per split for every version, first vs last on test, accepted edits, spend. */
export function EvolutionReportView({ state }: { state: EvolutionState }) {
  const report = buildReport(state);
  const chartData = report.versions
    .filter((version) => version.status !== 'pending')
    .map((version) => ({ name: `${version.hash.slice(0, 6)} ${version.label}`.slice(0, 28), heldIn: percent(version.scores.heldIn), heldOut: percent(version.scores.heldOut), test: percent(version.scores.test) }));
  const download = () => {
    const url = URL.createObjectURL(new Blob([renderReportMarkdown(report)], { type: 'text/markdown' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${state.id}-report.md`;
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="evolution-report" data-testid="evolution-report">
      <div className="report-headline">
        <div data-testid="test-first">
          <span className="muted">test split, first version</span>
          <strong>{cell(report.testSplit.first)}</strong>
        </div>
        <div data-testid="test-last">
          <span className="muted">test split, last version</span>
          <strong>{cell(report.testSplit.last)}</strong>
        </div>
        <div data-testid="test-lift">
          <span className="muted">lift on test (95% CI) · sign test</span>
          <strong>
            {report.testSplit.lift
              ? `${signed(report.testSplit.lift.meanChange)}${report.testSplit.lift.low !== undefined ? ` (${signed(report.testSplit.lift.low)} … ${signed(report.testSplit.lift.high!)})` : ''} · p=${report.testSplit.lift.pValue.toFixed(3)}`
              : '—'}
          </strong>
        </div>
        <div data-testid="adopted-held-in">
          <span className="muted">last version, held-in / held-out</span>
          <strong>
            {cell(report.adopted.heldIn)} / {cell(report.adopted.heldOut)}
          </strong>
        </div>
        <div>
          <span className="muted">rollouts</span>
          <strong>
            {report.rollouts.used} ({report.rollouts.executed} run, rest cached)
            {report.gate.adaptive && report.rollouts.validation.saved > 0 && ` · ${report.rollouts.validation.saved} saved by adaptive validation`}
          </strong>
        </div>
        <div>
          <span className="muted">tokens (agent / proposer)</span>
          <strong>
            {report.tokens.agent} / {report.tokens.proposer}
          </strong>
        </div>
      </div>
      <p className="muted" data-testid="report-gate">
        Gate: {report.gate.rule}. Agent: {report.models.agent}; proposer: {report.models.proposer}.
        {report.testSplit.budget && ` Final test: ${report.testSplit.budget.used} of a budget of ${report.testSplit.budget.budget} rollouts; ${report.testSplit.budget.tasks} of ${report.testSplit.budget.of} test tasks measured for both versions.`}
        {report.models.proposerChanges.map((change) => ` The proposer changed at iteration ${change.iteration}.`)}
      </p>
      <div className="chart" aria-label="pass rate per split for every version">
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={chartData}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" fontSize={11} />
            <YAxis unit="%" domain={[0, 100]} fontSize={11} />
            <Tooltip />
            <Legend />
            <Bar dataKey="heldIn" name="held-in" fill="#1f5fbf" isAnimationActive={false} />
            <Bar dataKey="heldOut" name="held-out" fill="#9a6700" isAnimationActive={false} />
            <Bar dataKey="test" name="test" fill="#17803d" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="report-table" data-testid="report-table">
        <thead>
          <tr>
            <th>version</th>
            <th>parent</th>
            <th>status</th>
            <th>held-in</th>
            <th>held-out</th>
            <th>test</th>
          </tr>
        </thead>
        <tbody>
          {report.versions.map((version) => (
            <tr key={version.hash}>
              <td>
                <code>{version.hash.slice(0, 10)}</code> {version.label}
              </td>
              <td>{version.parentHash ? <code>{version.parentHash.slice(0, 10)}</code> : '—'}</td>
              <td>{version.status}</td>
              <td>{cell(version.scores.heldIn)}</td>
              <td>{cell(version.scores.heldOut)}</td>
              <td>{cell(version.scores.test)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Accepted edits</h3>
      {report.acceptedEdits.length === 0 && <p className="muted">No edit was accepted.</p>}
      {report.acceptedEdits.map((edit) => (
        <div key={edit.candidateId} className="accepted-edit" data-testid="accepted-edit">
          <strong>{edit.candidateId}</strong> — {edit.weakness}
          <pre>{edit.edits.map((operation) => JSON.stringify(operation)).join('\n')}</pre>
          <span className="muted">
            gate: {edit.gate} · flips: {Object.entries(edit.flips).map(([kind, taskIds]) => `${kind} ${taskIds!.length}`).join(', ') || 'none'}
          </span>
        </div>
      ))}
      <button type="button" className="secondary" onClick={download}>
        Download report (Markdown)
      </button>
    </div>
  );
}
