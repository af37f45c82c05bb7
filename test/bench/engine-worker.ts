/**
 * Runs the engine benchmark alone in this process (main.ts starts it pinned
 * to one CPU with taskset when available), so that the peak RSS it reports
 * is the engine's and its input's, not the benchmark runner's. Prints one
 * JSON line: EngineBenchmarkResult. `--stream` times forEachPayout (lines
 * handed over one by one) instead of computePayouts (every line held);
 * `--decimal` takes the decimal.js reference path; `--digest` adds a hash of
 * every line and explanation, computed after the timed pass.
 */
import { runEngineBenchmark } from './engine.bench';

const argument = process.argv.find((arg) => arg.startsWith('--calls='));
const calls = argument ? Number.parseInt(argument.slice('--calls='.length), 10) : 100_000;

runEngineBenchmark({
  calls,
  holdLines: !process.argv.includes('--stream'),
  arithmetic: process.argv.includes('--decimal') ? 'decimal' : 'auto',
  digest: process.argv.includes('--digest'),
}).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
