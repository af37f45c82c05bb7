/** What one benchmark hands back to main.ts: its figures and how they were taken. */
export interface BenchmarkOutcome {
  /** Short name, e.g. "sync (PostgreSQL)". */
  name: string;
  /** What is timed, what is excluded, warm or cold: one or two sentences. */
  method: string;
  /** Every figure, printed in the benchmark's block. */
  figures: Figure[];
  /** The few figures repeated in the final summary table (default: all). */
  headline?: Figure[];
  /** Set when the benchmark could not run; figures are then empty. */
  skipped?: string;
}

export interface Figure {
  label: string;
  value: string;
}

export function skipped(name: string, method: string, reason: string): BenchmarkOutcome {
  return { name, method, figures: [], skipped: reason };
}

export function printBlock(outcome: BenchmarkOutcome): void {
  const lines = [``, `== ${outcome.name} ==`, ...wrap(`method: ${outcome.method}`, 100, '   ')];
  if (outcome.skipped) lines.push(`   skipped: ${outcome.skipped}`);
  const width = Math.max(0, ...outcome.figures.map((figure) => figure.label.length));
  for (const figure of outcome.figures) lines.push(`   ${figure.label.padEnd(width)}  ${figure.value}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function printSummary(outcomes: BenchmarkOutcome[]): void {
  const rows: [string, string, string][] = [];
  for (const outcome of outcomes) {
    if (outcome.skipped) {
      rows.push([outcome.name, 'skipped', outcome.skipped]);
      continue;
    }
    for (const figure of outcome.headline ?? outcome.figures) rows.push([outcome.name, figure.label, figure.value]);
  }
  const widths = [0, 1, 2].map((column) => Math.max(['benchmark', 'figure', 'value'][column].length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index])).join(' | ')} |`;
  const out = ['', '== summary ==', line(['benchmark', 'figure', 'value']), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** 12345.6 → "12,346"; digits > 0 keeps that many decimals. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatSeconds(seconds: number): string {
  return `${formatNumber(seconds, seconds < 10 ? 2 : 1)} s`;
}

export function formatRatio(ratio: number): string {
  return `${formatNumber(ratio, 2)}×`;
}

function wrap(text: string, width: number, indent: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(indent + current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(indent + current);
  return lines;
}
