/**
 * The cross-model matrix: does a harness evolved on one model help another? Pass counts per harness version × model
 * × task, read from the runs that exist (so a reload, or runs made elsewhere, fill the same grid), and its CSV.
 */

export interface MatrixRun {
  harnessHash: string;
  modelId: string;
  taskId: string;
  status: 'running' | 'done';
  outcome?: string;
}

export interface MatrixCell {
  taskId: string;
  passed: number;
  /** Finished attempts. */
  total: number;
}

export interface MatrixRow {
  harnessHash: string;
  modelId: string;
  cells: MatrixCell[];
  passed: number;
  total: number;
}

export interface Matrix {
  taskIds: string[];
  rows: MatrixRow[];
}

export interface MatrixSelection {
  harnessHashes: readonly string[];
  modelIds: readonly string[];
  taskIds: readonly string[];
}

/** Rows in harness-major order, cells in task order; only finished runs count (a running one has no outcome yet). */
export function buildMatrix(selection: MatrixSelection, runs: readonly MatrixRun[]): Matrix {
  const counts = new Map<string, { passed: number; total: number }>();
  for (const run of runs) {
    if (run.status !== 'done') continue;
    const key = `${run.harnessHash}|${run.modelId}|${run.taskId}`;
    const count = counts.get(key) ?? { passed: 0, total: 0 };
    count.total += 1;
    if (run.outcome === 'pass') count.passed += 1;
    counts.set(key, count);
  }
  const rows: MatrixRow[] = [];
  for (const harnessHash of selection.harnessHashes) {
    for (const modelId of selection.modelIds) {
      const cells = selection.taskIds.map((taskId) => ({ taskId, ...(counts.get(`${harnessHash}|${modelId}|${taskId}`) ?? { passed: 0, total: 0 }) }));
      rows.push({ harnessHash, modelId, cells, passed: cells.reduce((sum, cell) => sum + cell.passed, 0), total: cells.reduce((sum, cell) => sum + cell.total, 0) });
    }
  }
  return { taskIds: [...selection.taskIds], rows };
}

const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export interface MatrixLabels {
  harness(hash: string): string;
  model(modelId: string): string;
}

/**
 * One line per harness × model: labels, hash, model id, then `passed/total` per task, then the totals and the pass
 * rate. Empty cells (never run) are blank, not 0/0, so a spreadsheet does not read them as failures.
 */
export function matrixCsv(matrix: Matrix, labels: MatrixLabels): string {
  const header = ['harness', 'harness_hash', 'model', 'model_id', ...matrix.taskIds, 'passed', 'attempts', 'pass_rate'];
  const lines = [header.map(csvField).join(',')];
  for (const row of matrix.rows) {
    const rate = row.total ? (row.passed / row.total).toFixed(3) : '';
    lines.push(
      [labels.harness(row.harnessHash), row.harnessHash, labels.model(row.modelId), row.modelId, ...row.cells.map((cell) => (cell.total ? `${cell.passed}/${cell.total}` : '')), row.passed, row.total, rate]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
