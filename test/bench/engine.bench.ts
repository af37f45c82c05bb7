/**
 * Throughput of the pure commission engine: N synthetic calls for 50 payees
 * in one period, paid through a tiered marginal plan with rules and caps.
 * Not a Jest spec. Import runEngineBenchmark, or run it alone in a process:
 * `node engine-worker.js --calls=1000000 [--stream] [--decimal] [--digest]` prints one JSON line.
 */
import { createHash } from 'node:crypto';
import { computePayouts, forEachPayout, type CommissionCall, type PayoutResult, type Plan } from '../../libs/commission-engine/src';

export interface EngineBenchmarkResult {
  calls: number;
  lines: number;
  seconds: number;
  callsPerSecond: number;
  /** Peak resident set size of the whole process so far (includes generating the calls). */
  peakRssMb: number;
  /** Resident set size once the calls are generated, before the engine starts: the input's share of the peak. */
  inputRssMb: number;
  /** V8 heap in use right after computePayouts, with its result still alive. */
  heapUsedMb: number;
  /** With `digest`: SHA-256 of every line and explanation (equal digests: equal results). */
  digest?: string;
}

const CLOSERS = 35;
const SETTERS = 15;
const PERIOD_START = Date.UTC(2026, 2, 1);
const PERIOD_LENGTH_MS = 31 * 24 * 60 * 60 * 1000;
const UTM_SOURCES = ['google', 'facebook', 'newsletter', null] as const;
const PRODUCTS = ['coaching', 'mastermind', 'course', 'audit', 'retainer'] as const;

export const BENCHMARK_PLAN: Plan = {
  id: 'bench-plan',
  name: 'Benchmark closers and setters',
  effective_from: '2026-01-01',
  effective_to: null,
  payees: null,
  priority: 0,
  self_set: 'both',
  missing_setter: 'closer',
  roles: {
    closer: {
      flat: '0',
      tiers: {
        basis: 'amount',
        mode: 'marginal',
        steps: [
          { from: '0', rate: '0.08' },
          { from: '250000', rate: '0.10' },
          { from: '1000000', rate: '0.12' },
          { from: '5000000', rate: '0.15' },
        ],
      },
      rules: [
        { when: { utm_source: ['google'], product_id: ['mastermind'] }, rate: '0.175' },
        { when: { product_id: ['audit'] }, flat: '25.00' },
      ],
      min_per_call: '10.00',
      max_per_call: '2500.00',
      max_per_period: '1500000.00',
    },
    setter: { rate: '0.0125', flat: '15.00', max_per_call: '400.00', max_per_period: '250000.00' },
  },
};

/** Deterministic PRNG (mulberry32): the same seed gives the same calls on every machine. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` calls in the order a run reads them (commission instant, then id),
 * each made in that order as a run's rows are, or with `shuffled` in a random
 * order (the engine must sort them).
 */
export function generateBenchmarkCalls(count: number, options: { seed?: number; shuffled?: boolean } = {}): CommissionCall[] {
  const random = prng(options.seed ?? 20260301);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const offsets = new Float64Array(count);
  for (let index = 0; index < count; index++) offsets[index] = Math.floor(random() * PERIOD_LENGTH_MS);
  offsets.sort();
  const calls: CommissionCall[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const closerId = `closer-${String(Math.floor(random() * CLOSERS)).padStart(2, '0')}`;
    const setterDraw = random();
    const setterId = setterDraw < 0.65 ? `setter-${String(Math.floor(random() * SETTERS)).padStart(2, '0')}` : setterDraw < 0.7 ? closerId : null;
    // Whole cents from 500.00 to 20,000.00, written as a decimal string (money never passes through a float).
    const cents = 50_000 + Math.floor(random() * 1_950_001);
    const at = new Date(PERIOD_START + offsets[index]).toISOString();
    calls[index] = {
      id: `call-${String(index).padStart(8, '0')}`,
      closerId,
      setterId,
      baseAmount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      commissionAt: at,
      commissionDay: at.slice(0, 10),
      period: at.slice(0, 7),
      attributes: { utm_source: pick(UTM_SOURCES), product_id: pick(PRODUCTS), call_kind: 'sales' },
    };
  }
  if (options.shuffled !== true) return calls;
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [calls[index], calls[other]] = [calls[other], calls[index]];
  }
  return calls;
}

export interface EngineBenchmarkOptions {
  calls: number;
  /** true (default): time computePayouts, which returns every line. false: time forEachPayout, which hands lines over one by one (how a run writes in batches). */
  holdLines?: boolean;
  /** 'auto': scaled integers, explanations when read; 'decimal': the decimal.js reference. */
  arithmetic?: 'auto' | 'decimal';
  /** Also (untimed, after the timed pass) hash every line with its explanation, to compare the two paths. */
  digest?: boolean;
}

export async function runEngineBenchmark(options: EngineBenchmarkOptions): Promise<EngineBenchmarkResult> {
  const calls = generateBenchmarkCalls(options.calls);
  const inputRssMb = process.memoryUsage().rss / 2 ** 20;
  const input = { calls, plans: [BENCHMARK_PLAN], currency: 'USD', roundingMode: 'half_up', arithmetic: options.arithmetic ?? 'auto' } as const;
  const started = process.hrtime.bigint();
  let lineCount = 0;
  let held: PayoutResult | null = null;
  // Counted after the measurements, so the held result is alive while they are taken.
  if (options.holdLines === false) {
    forEachPayout(input, { line: () => void lineCount++ });
  } else {
    held = computePayouts(input);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const lines = held !== null ? held.lines.length : lineCount;
  return {
    calls: options.calls,
    lines,
    seconds: round(seconds, 3),
    callsPerSecond: Math.round(options.calls / seconds),
    peakRssMb: round(peakRssMb, 1),
    inputRssMb: round(inputRssMb, 1),
    heapUsedMb: round(heapUsedMb, 1),
    ...(options.digest ? { digest: digestOf(input) } : {}),
  };
}

/** SHA-256 over every line as JSON, explanation and sentence included, in the order the engine hands them over. */
function digestOf(input: Parameters<typeof forEachPayout>[0]): string {
  const hash = createHash('sha256');
  forEachPayout(input, {
    line: (line) => hash.update(JSON.stringify(line)).update('\n'),
    unplanned: (item) => hash.update(JSON.stringify(item)).update('\n'),
  });
  return hash.digest('hex');
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
