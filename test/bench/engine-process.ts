import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { BenchmarkOutcome, formatNumber, formatSeconds } from './bench-report';
import type { EngineBenchmarkResult } from './engine.bench';

/**
 * The engine benchmark in a fresh child process per mode, pinned to one CPU
 * (taskset) when possible: computePayouts (what a run calls), and with
 * `streamed` also forEachPayout (lines handed over one at a time).
 */
export async function runEngineInChildProcess(calls: number, options: { streamed: boolean }): Promise<BenchmarkOutcome> {
  const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const result = await runWorker(calls, false, pinned);
  const streamed = options.streamed ? await runWorker(calls, true, pinned) : null;
  const figures = [
    { label: 'calls per second', value: formatNumber(result.callsPerSecond) },
    { label: 'seconds', value: `${formatSeconds(result.seconds)} for ${formatNumber(result.calls)} calls → ${formatNumber(result.lines)} lines` },
    {
      label: 'peak RSS',
      value: `${formatNumber(result.peakRssMb)} MB (input calls alone: ${formatNumber(result.inputRssMb)} MB RSS before the engine starts)`,
    },
    { label: 'V8 heap after the run', value: `${formatNumber(result.heapUsedMb)} MB (every line still held)` },
  ];
  if (streamed) {
    figures.push(
      { label: 'streamed (forEachPayout) calls/s', value: `${formatNumber(streamed.callsPerSecond)} (${formatSeconds(streamed.seconds)})` },
      {
        label: 'streamed peak RSS',
        value: `${formatNumber(streamed.peakRssMb)} MB (input ${formatNumber(streamed.inputRssMb)} MB; heap after ${formatNumber(streamed.heapUsedMb)} MB)`,
      },
    );
  }
  return {
    name: 'engine',
    method:
      `computePayouts over ${formatNumber(calls)} synthetic calls (50 payees, one period, shuffled) through a 4-step marginal tiered closer plan with two rules, per-call and per-period caps, plus a capped setter role; ` +
      `one cold pass in a fresh child process${pinned ? ' pinned to one CPU with taskset (GC threads included)' : ' (taskset unavailable: not pinned)'}. ` +
      "Timed: the engine call only (generating the calls excluded); peak RSS is the child's maxRSS (process start, input and engine)" +
      (streamed ? '; the streamed figures repeat this in another child with forEachPayout, counting lines without holding them.' : '.'),
    figures,
    headline: [figures[0], figures[2], ...(streamed ? [figures[4], figures[5]] : [])],
  };
}

async function runWorker(calls: number, stream: boolean, pinned: boolean): Promise<EngineBenchmarkResult> {
  const worker = path.join(__dirname, 'engine-worker.js');
  const node = [...process.execArgv, worker, `--calls=${calls}`, ...(stream ? ['--stream'] : [])];
  const [command, args] = pinned ? ['taskset', ['-c', '0', process.execPath, ...node]] : [process.execPath, node];
  return new Promise<EngineBenchmarkResult>((resolve, reject) => {
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
}
