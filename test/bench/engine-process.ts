import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { BenchmarkOutcome, formatNumber, formatSeconds } from './bench-report';
import type { EngineBenchmarkResult } from './engine.bench';

/**
 * The engine benchmark, each mode in a fresh child process pinned to one CPU
 * (taskset) when possible: computePayouts (what a run calls) on the fast
 * path and on the decimal.js reference path, and with `streamed` the same
 * two with forEachPayout (lines handed over one at a time). The streamed
 * children (or, without them, the held ones) also hash every line with its
 * explanation after the timed pass: the two paths must give equal digests.
 */
export async function runEngineInChildProcess(calls: number, options: { streamed: boolean }): Promise<BenchmarkOutcome> {
  const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const digestHeld = !options.streamed;
  const fast = await runWorker(calls, { stream: false, decimal: false, digest: digestHeld }, pinned);
  const reference = await runWorker(calls, { stream: false, decimal: true, digest: digestHeld }, pinned);
  const fastStreamed = options.streamed ? await runWorker(calls, { stream: true, decimal: false, digest: true }, pinned) : null;
  const referenceStreamed = options.streamed ? await runWorker(calls, { stream: true, decimal: true, digest: true }, pinned) : null;
  const [fastDigest, referenceDigest] = options.streamed ? [fastStreamed!.digest, referenceStreamed!.digest] : [fast.digest, reference.digest];
  if (fastDigest === undefined || fastDigest !== referenceDigest) {
    throw new Error(`the scaled-integer path's lines differ from the decimal path's: digest ${fastDigest} against ${referenceDigest}`);
  }
  const ratio = (a: EngineBenchmarkResult, b: EngineBenchmarkResult) => `${(a.callsPerSecond / b.callsPerSecond).toFixed(2)}×`;
  const figures = [
    { label: 'calls per second', value: formatNumber(fast.callsPerSecond) },
    { label: 'decimal path calls per second', value: `${formatNumber(reference.callsPerSecond)} (fast path ${ratio(fast, reference)} of it)` },
    {
      label: 'seconds',
      value: `${formatSeconds(fast.seconds)} for ${formatNumber(fast.calls)} calls → ${formatNumber(fast.lines)} lines (decimal path ${formatSeconds(reference.seconds)})`,
    },
    {
      label: 'peak RSS',
      value: `${formatNumber(fast.peakRssMb)} MB (input calls alone: ${formatNumber(fast.inputRssMb)} MB RSS before the engine starts; decimal path ${formatNumber(reference.peakRssMb)} MB)`,
    },
    {
      label: 'V8 heap after the run',
      value: `${formatNumber(fast.heapUsedMb)} MB (every line still held; decimal path ${formatNumber(reference.heapUsedMb)} MB)`,
    },
    { label: 'same lines and explanations', value: `yes: SHA-256 of every line as JSON ${fastDigest.slice(0, 16)}… on both paths` },
  ];
  const headline = [figures[0], figures[1], figures[3], figures[5]];
  if (fastStreamed && referenceStreamed) {
    figures.push(
      {
        label: 'streamed (forEachPayout) calls/s',
        value: `${formatNumber(fastStreamed.callsPerSecond)} (${formatSeconds(fastStreamed.seconds)}); decimal path ${formatNumber(referenceStreamed.callsPerSecond)}: ${ratio(fastStreamed, referenceStreamed)}`,
      },
      {
        label: 'streamed peak RSS',
        value: `${formatNumber(fastStreamed.peakRssMb)} MB (input ${formatNumber(fastStreamed.inputRssMb)} MB; heap after ${formatNumber(fastStreamed.heapUsedMb)} MB)`,
      },
    );
    headline.push(figures[6], figures[7]);
  }
  return {
    name: 'engine',
    method:
      `computePayouts over ${formatNumber(calls)} synthetic calls (50 payees, one period, made and given in run order: commission instant, then id) through a 4-step marginal tiered closer plan with two rules, per-call and per-period caps, plus a capped setter role; ` +
      `the fast path (scaled integers, explanations built when read) against the decimal.js reference path (arithmetic: 'decimal'), each one cold pass in a fresh child process${pinned ? ' pinned to one CPU with taskset (GC threads included)' : ' (taskset unavailable: not pinned)'}. ` +
      "Timed: the engine call only (generating the calls excluded); peak RSS is the child's maxRSS (process start, input and engine)" +
      (options.streamed ? '; the streamed figures repeat this in two more children with forEachPayout, counting lines without holding them' : '') +
      '. After the timed pass, a child hashes every line and unplanned item as JSON (reading each explanation); the bench fails unless both paths give the same hash.',
    figures,
    headline,
  };
}

async function runWorker(calls: number, mode: { stream: boolean; decimal: boolean; digest: boolean }, pinned: boolean): Promise<EngineBenchmarkResult> {
  const worker = path.join(__dirname, 'engine-worker.js');
  const flags = [...(mode.stream ? ['--stream'] : []), ...(mode.decimal ? ['--decimal'] : []), ...(mode.digest ? ['--digest'] : [])];
  const node = [...process.execArgv, worker, `--calls=${calls}`, ...flags];
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
