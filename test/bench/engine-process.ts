import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { BenchmarkOutcome, formatNumber, formatSeconds } from './bench-report';
import type { EngineBenchmarkResult } from './engine.bench';

/** Runs engine-worker.js in a child process pinned to one CPU (taskset) when possible. */
export async function runEngineInChildProcess(calls: number): Promise<BenchmarkOutcome> {
  const worker = path.join(__dirname, 'engine-worker.js');
  const node = [...process.execArgv, worker, `--calls=${calls}`];
  const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const [command, args] = pinned ? ['taskset', ['-c', '0', process.execPath, ...node]] : [process.execPath, node];
  const result = await new Promise<EngineBenchmarkResult>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`engine worker exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as EngineBenchmarkResult);
      } catch {
        reject(new Error(`engine worker printed no result: ${stdout.slice(-500)}`));
      }
    });
  });
  const figures = [
    { label: 'calls per second', value: formatNumber(result.callsPerSecond) },
    { label: 'seconds', value: `${formatSeconds(result.seconds)} for ${formatNumber(result.calls)} calls → ${formatNumber(result.lines)} lines` },
    { label: 'peak RSS', value: `${formatNumber(result.peakRssMb)} MB (input calls alone: ${formatNumber(result.inputRssMb)} MB RSS before the engine starts)` },
    { label: 'V8 heap after the run', value: `${formatNumber(result.heapUsedMb)} MB (result still referenced)` },
  ];
  return {
    name: 'engine',
    method:
      `computePayouts over ${formatNumber(calls)} synthetic calls (50 payees, one period, shuffled) through a 4-step marginal tiered closer plan with two rules, per-call and per-period caps, plus a capped setter role; ` +
      `one cold pass in a fresh child process${pinned ? ' pinned to one CPU with taskset (GC threads included)' : ' (taskset unavailable: not pinned)'}. ` +
      'Timed: computePayouts only (generating the calls excluded); peak RSS is the child\'s maxRSS (process start, input and engine).',
    figures,
    headline: [figures[0], figures[2]],
  };
}
