// The shape every figure of `npm run bench` returns, how a figure is judged (PASS / MISS / SKIP) and the statistics
// they share. Pure: no timers, no I/O, so tests/unit/bench-figures.test.ts checks it without measuring anything.

export type FigureId = 'B1' | 'B2' | 'B3' | 'B4' | 'B5' | 'B6' | 'B7' | 'B8' | 'B9' | 'B10';
export const FIGURE_IDS: readonly FigureId[] = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9', 'B10'];

export type CheckStatus = 'PASS' | 'MISS' | 'SKIP';

/** A goal a measured value must meet: `≤ 1.0` (at most) or `≥ 1.6` (at least). */
export interface Target {
  comparison: 'at-most' | 'at-least';
  value: number;
}

/** One judged number of a figure, e.g. "geo-mean ratio in Node". A figure may have several (Node and Chromium). */
export interface Check {
  label: string;
  status: CheckStatus;
  target: Target;
  unit: string;
  /** Absent when not measured; `skipReason` then says why. */
  value?: number;
  /** What the value is compared with, measured in the same run (e.g. native bash), when there is one. */
  baseline?: number;
  baselineLabel?: string;
  skipReason?: string;
}

/** Rows of measurements side by side with their baselines, e.g. one row per shell command. */
export interface Table {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

export interface FigureResult {
  id: FigureId;
  title: string;
  status: CheckStatus;
  checks: Check[];
  tables: Table[];
  /** How it was measured, in a sentence or two each (what the baseline is, what is subtracted). */
  notes: string[];
  measuredAt: string;
  /** The 1-minute load average when the figure started: the machine is shared. */
  loadAverageAtStart: number;
  durationMs: number;
}

/** What a figure's `measure()` returns; the runner adds the time stamps and the overall status. */
export type FigureOutcome = Omit<FigureResult, 'status' | 'measuredAt' | 'loadAverageAtStart' | 'durationMs'>;

export function meets(value: number, target: Target): boolean {
  return target.comparison === 'at-most' ? value <= target.value : value >= target.value;
}

/** A measured check: PASS when the value meets its target, MISS otherwise (NaN never passes). */
export function judged(label: string, value: number, target: Target, unit: string, baseline?: { value: number; label: string }): Check {
  const status: CheckStatus = Number.isFinite(value) && meets(value, target) ? 'PASS' : 'MISS';
  return { label, status, target, unit, value, ...(baseline ? { baseline: baseline.value, baselineLabel: baseline.label } : {}) };
}

/** A check that could not be measured: never PASS. */
export function skipped(label: string, target: Target, unit: string, reason: string): Check {
  return { label, status: 'SKIP', target, unit, skipReason: reason };
}

/** A figure is as good as its worst check: any MISS is a MISS; otherwise any SKIP (or no check at all) is a SKIP. */
export function figureStatus(checks: readonly Check[]): CheckStatus {
  if (checks.some((check) => check.status === 'MISS')) return 'MISS';
  if (!checks.length || checks.some((check) => check.status === 'SKIP')) return 'SKIP';
  return 'PASS';
}

/** The p-th percentile (0–100) with linear interpolation between the nearest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** Geometric mean: the mean of ratios that treats 2× slower and 2× faster as cancelling out. */
export function geometricMean(values: readonly number[]): number {
  if (!values.length || values.some((value) => !(value > 0))) return Number.NaN;
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}

/** measured ÷ baseline: below 1 means faster (or smaller) than the baseline. */
export function ratio(measured: number, baseline: number): number {
  return baseline > 0 ? measured / baseline : Number.NaN;
}

const TARGET_SIGN = { 'at-most': '≤', 'at-least': '≥' } as const;

/** A number as the console and RESULTS.md show it: 3 significant digits, no exponent for usual sizes. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (Number.isInteger(value)) return String(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

export function formatValue(value: number | undefined, unit: string): string {
  const number = formatNumber(value);
  if (number === '—') return number;
  return unit === '×' ? `${number}×` : unit === '%' ? `${number} %` : `${number} ${unit}`;
}

export const formatTarget = (target: Target, unit: string) => `${TARGET_SIGN[target.comparison]} ${formatValue(target.value, unit)}`;

/** One console line per check: `B1 geo-mean ratio, Node  0.71×  (native bash: …)  target ≤ 1.00×  PASS`. */
export function renderCheckLine(id: FigureId, check: Check): string {
  const measured = check.status === 'SKIP' ? `not measured: ${check.skipReason}` : formatValue(check.value, check.unit);
  const baseline = check.baselineLabel ? `  (baseline ${check.baselineLabel}: ${formatNumber(check.baseline)})` : '';
  return `${id}  ${check.label.padEnd(62)} ${measured}${baseline}  target ${formatTarget(check.target, check.unit)}  ${check.status}`;
}

const escapeCell = (cell: string | number) => String(typeof cell === 'number' ? formatNumber(cell) : cell).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(table: Table): string {
  return [`| ${table.columns.map(escapeCell).join(' | ')} |`, `| ${table.columns.map(() => '---').join(' | ')} |`, ...table.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`)].join('\n');
}

export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  chromium: string;
  /** 1, 5 and 15-minute load averages when the run started. */
  loadAverage: number[];
}

export interface BenchResults {
  generatedBy: string;
  /** When the newest figure was measured (figures measured by an earlier `--only` run keep their own date). */
  date: string;
  machine: MachineDescription;
  figures: FigureResult[];
}

/** bench/RESULTS.md: a summary table (every check with its target and status), then each figure's tables and notes. */
export function renderResultsMarkdown(results: BenchResults): string {
  const { machine } = results;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`${results.generatedBy}\`${results.generatedBy.includes('--only') ? ' (the other figures are kept from an earlier run)' : ''}; each figure says when it was measured and the load at that moment. How each figure is measured: [README.md](README.md).`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${formatNumber(machine.memoryGiB)} GiB memory, ${machine.platform}; Node ${machine.node}; ${machine.chromium}. ` +
      `Load average when the last run started: ${machine.loadAverage.map((load) => load.toFixed(2)).join(' / ')} (1 / 5 / 15 min) — a shared machine, so absolute times are noisy; the ratios compare figures measured side by side.`,
    `Date: ${results.date}.`,
    '',
    '| figure | check | measured | baseline | target | status |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const figure of results.figures) {
    for (const check of figure.checks) {
      const measured = check.status === 'SKIP' ? `not measured: ${check.skipReason}` : formatValue(check.value, check.unit);
      const baseline = check.baselineLabel ? `${check.baselineLabel}: ${formatNumber(check.baseline)}` : '—';
      lines.push(`| ${figure.id} ${escapeCell(figure.title)} | ${escapeCell(check.label)} | ${escapeCell(measured)} | ${escapeCell(baseline)} | ${escapeCell(formatTarget(check.target, check.unit))} | **${check.status}** |`);
    }
  }
  for (const figure of results.figures) {
    lines.push('', `## ${figure.id} ${figure.title} — ${figure.status}`, '');
    lines.push(`Measured ${figure.measuredAt} in ${(figure.durationMs / 1000).toFixed(1)} s; load average at its start ${figure.loadAverageAtStart.toFixed(2)}.`);
    for (const note of figure.notes) lines.push('', note);
    for (const table of figure.tables) lines.push('', `**${table.title}**`, '', renderTable(table));
  }
  return `${lines.join('\n')}\n`;
}

/** What every figure file (bench/b1-….ts …) exports; scripts/bench.ts runs them in order. */
export interface BenchFigure {
  id: FigureId;
  title: string;
  /** The main goal, shown when the figure could not be measured at all. */
  target: Target;
  unit: string;
  measure(context: BenchContext): Promise<FigureOutcome>;
}

export interface BenchContext {
  /** Progress lines while a figure runs. */
  log(line: string): void;
  /** `--quick`: fewer repetitions, to try the bench out; its figures are marked and are not the committed ones. */
  quick: boolean;
}
