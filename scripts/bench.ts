// npm run bench — every figure of issue 12 (B1–B8, and B10: an evolution at pool size 2 vs 1) and issue 11's Ctrl-C goal (B9) side by side with its baseline, each with its target and PASS, MISS
// or SKIP; writes bench/results.json and bench/RESULTS.md. One file per figure under bench/; bench/README.md says how
// each is measured. Flags: --only B1,B3 (those figures; the others in results.json are kept), --quick (fewer
// repetitions, prints only, writes nothing). Never part of `npm test`: tests do not assert timings.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, type BenchResults, FIGURE_IDS, type FigureId, type FigureResult, figureStatus, renderCheckLine, renderResultsMarkdown, renderTable, skipped } from '../bench/figure.js';
import { describeMachine, loadAverageNow } from '../bench/machine.js';

const FIGURE_FILES: Record<FigureId, string> = {
  B1: '../bench/b1-shell-round-trip.js',
  B2: '../bench/b2-fresh-environment.js',
  B3: '../bench/b3-harness-overhead.js',
  B4: '../bench/b4-pool-throughput.js',
  B5: '../bench/b5-trace-store.js',
  B6: '../bench/b6-cold-load.js',
  B7: '../bench/b7-gate-calibration.js',
  B8: '../bench/b8-real-model-share.js',
  B9: '../bench/b9-ctrl-c.js',
  B10: '../bench/b10-evolution-pool.js',
};
const RESULTS_JSON = fileURLToPath(new URL('../bench/results.json', import.meta.url));
const RESULTS_MD = fileURLToPath(new URL('../bench/RESULTS.md', import.meta.url));

function parseArguments(argv: string[]): { only: FigureId[]; quick: boolean } | { error: string } {
  let only: FigureId[] = [...FIGURE_IDS];
  let quick = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--quick') quick = true;
    else if (argument === '--only' || argument.startsWith('--only=')) {
      const value = argument.startsWith('--only=') ? argument.slice('--only='.length) : argv[++index];
      if (!value) return { error: '--only needs figure ids, e.g. --only B1,B3' };
      const ids = value.split(',').map((id) => id.trim().toUpperCase()).filter(Boolean);
      const unknown = ids.filter((id) => !FIGURE_IDS.includes(id as FigureId));
      if (unknown.length || !ids.length) return { error: `unknown figure ${unknown.join(', ') || '(none)'}; figures are ${FIGURE_IDS.join(', ')}` };
      only = FIGURE_IDS.filter((id) => ids.includes(id));
    } else if (argument === '--help' || argument === '-h') {
      return { error: 'usage: npm run bench [-- --only B1,B3] [-- --quick]' };
    } else return { error: `unknown flag ${argument}; usage: npm run bench [-- --only B1,B3] [-- --quick]` };
  }
  return { only, quick };
}

async function measureFigure(id: FigureId, quick: boolean): Promise<FigureResult> {
  const { figure } = (await import(FIGURE_FILES[id])) as { figure: BenchFigure };
  const measuredAt = new Date().toISOString();
  const loadAverageAtStart = loadAverageNow();
  const started = performance.now();
  console.log(`\n${id} ${figure.title}`);
  try {
    const outcome = await figure.measure({ quick, log: (line) => console.log(`  ${id}: ${line}`) });
    return { ...outcome, status: figureStatus(outcome.checks), measuredAt, loadAverageAtStart, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    // A figure that crashed was not measured: it says why and never passes.
    const message = (error as Error).stack?.split('\n').slice(0, 3).join(' ') ?? String(error);
    const checks = [skipped(figure.title, figure.target, figure.unit, `the measurement failed: ${message}`)];
    return { id, title: figure.title, status: 'SKIP', checks, tables: [], notes: [], measuredAt, loadAverageAtStart, durationMs: Math.round(performance.now() - started) };
  }
}

const parsed = parseArguments(process.argv.slice(2));
if ('error' in parsed) {
  console.error(parsed.error);
  process.exit(2);
}
const machine = describeMachine();
console.log(`npm run bench: ${parsed.only.join(', ')}${parsed.quick ? ' (quick: fewer repetitions, nothing written)' : ''}`);
console.log(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.chromium}; load average ${machine.loadAverage.join(' / ')}`);

const measured: FigureResult[] = [];
for (const id of parsed.only) {
  const result = await measureFigure(id, parsed.quick);
  measured.push(result);
  for (const table of result.tables) console.log(`\n${table.title}\n${renderTable(table)}\n`);
  for (const check of result.checks) console.log(renderCheckLine(id, check));
}

console.log('\nsummary');
for (const result of measured) for (const check of result.checks) console.log(renderCheckLine(result.id, check));

if (!parsed.quick) {
  // --only replaces those figures and keeps the others of the last run, each with its own date and load.
  const previous: FigureResult[] = parsed.only.length < FIGURE_IDS.length && existsSync(RESULTS_JSON) ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as BenchResults).figures : [];
  const figures = FIGURE_IDS.map((id) => measured.find((result) => result.id === id) ?? previous.find((result) => result.id === id)).filter((result): result is FigureResult => Boolean(result));
  const results: BenchResults = { generatedBy: `npm run bench${parsed.only.length < FIGURE_IDS.length ? ` -- --only ${parsed.only.join(',')}` : ''}`, date: new Date().toISOString(), machine, figures };
  await writeFile(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(RESULTS_MD, renderResultsMarkdown(results));
  console.log(`\nwrote bench/results.json and bench/RESULTS.md`);
}
