import { useMemo, useState } from 'react';
import { exampleHarnesses } from '../../core/harness/examples.js';
import { buildGlossary, GLOSSARY_KIND_TITLES, type GlossaryEntry, type GlossaryKind } from '../../core/share/glossary.js';
import type { HarnessVersionRecord, StudioDatabase } from '../../store/db.js';
import { saveHarnessVersion } from '../../store/studio-store.js';
import { errorMessage } from '../format.js';
import { Panel } from '../Panel.js';
import { PAPER } from './paper.js';
import '../learn/learn.css';

interface Props {
  db: StudioDatabase;
  onStartTour(): void;
  /** An example was saved as a version: make it active and go run it. */
  onUseExample(version: HarnessVersionRecord): Promise<void>;
}

const KIND_ORDER: GlossaryKind[] = ['surface', 'tool', 'policy', 'hook-point', 'hook-processor', 'edit', 'acceptance-rule'];

/** Teaching: the paper, the tour, harnesses to start from, and a glossary generated from the schema's own words. */
export function LearnPage({ db, onStartTour, onUseExample }: Props) {
  const glossary = useMemo(() => buildGlossary(), []);
  const [filter, setFilter] = useState('');
  const [failure, setFailure] = useState<string | undefined>();
  const needle = filter.trim().toLowerCase();
  const matches = (entry: GlossaryEntry) => !needle || `${entry.name} ${entry.description} ${entry.parameters.map((parameter) => `${parameter.name} ${parameter.description}`).join(' ')}`.toLowerCase().includes(needle);

  return (
    <div className="learn-page" data-testid="learn-page">
      <Panel
        title="The idea"
        testId="learn-paper"
        help="This studio is a hands-on companion to a paper; everything it calls a weakness, a proposal or a gate comes from it."
        actions={
          <button type="button" className="primary" onClick={onStartTour} data-testid="learn-start-tour">
            Take the guided tour
          </button>
        }
      >
        <p>
          An LLM agent is shaped as much by its <strong>harness</strong> — prompt, tools, runtime policies, hooks — as by its model. In the Self-Harness loop the agent improves its
          own harness: it mines <em>weaknesses</em> from its failed traces, <em>proposes</em> small edits tied to them, and keeps an edit only when a <em>validation gate</em> shows
          more tasks pass without losing any held-out one.
        </p>
        <p className="citation" data-testid="paper-citation">
          {PAPER.authors}. <cite>{PAPER.title}</cite>. {PAPER.venue}, {PAPER.date}.{' '}
          <a href={PAPER.url} target="_blank" rel="noreferrer" data-testid="paper-link">
            {PAPER.url}
          </a>
        </p>
      </Panel>

      <Panel title="Harnesses to start from" testId="learn-examples" help="Each is a valid harness; starting from one saves it as a version and makes it the active one on the Run page.">
        <ul className="example-list">
          {exampleHarnesses().map((example) => (
            <li key={example.id} className="example" data-testid={`example-${example.id}`}>
              <div>
                <strong>{example.title}</strong>
                <p className="muted">{example.why}</p>
              </div>
              <button
                type="button"
                className="small"
                onClick={async () => {
                  setFailure(undefined);
                  try {
                    const version = await saveHarnessVersion(db, example.harness, { source: 'example', label: example.title });
                    await onUseExample(version);
                  } catch (error) {
                    setFailure(errorMessage(error));
                  }
                }}
                data-testid={`example-use-${example.id}`}
              >
                Start from this
              </button>
            </li>
          ))}
        </ul>
        {failure && <p className="error-box">{failure}</p>}
      </Panel>

      <Panel
        title="Glossary"
        testId="glossary"
        help="Every part of a harness, every edit evolution may make and every acceptance rule. These texts are the harness schema's own descriptions: the summary on the Run page, AGENTS.md exports and the proposer's prompt are generated from the same words."
      >
        <input type="search" className="glossary-filter" placeholder="Filter, e.g. finish or loop" value={filter} onChange={(event) => setFilter(event.target.value)} data-testid="glossary-filter" />
        {KIND_ORDER.map((kind) => {
          const entries = glossary.filter((entry) => entry.kind === kind && matches(entry));
          if (!entries.length) return null;
          return (
            <section key={kind} className="glossary-group">
              <h3>{GLOSSARY_KIND_TITLES[kind]}</h3>
              <dl>
                {entries.map((entry) => (
                  <div key={`${kind}-${entry.name}`} className="glossary-entry" data-testid={`glossary-${kind}-${entry.name}`}>
                    <dt>
                      <code>{entry.name}</code>
                    </dt>
                    <dd>
                      {entry.description}
                      {entry.parameters.length > 0 && (
                        <ul className="glossary-parameters">
                          {entry.parameters.map((parameter) => (
                            <li key={parameter.name}>
                              <code>{parameter.name}</code> {parameter.description}
                            </li>
                          ))}
                        </ul>
                      )}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          );
        })}
      </Panel>
    </div>
  );
}
