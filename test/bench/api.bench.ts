/**
 * API latency: autocannon against the built service (own process) on the
 * PostgreSQL database the monthly-run benchmark left behind.
 */
import autocannon from 'autocannon';
import { BenchmarkOutcome, formatNumber } from './bench-report';
import type { RunFixture } from './monthly-run.bench';
import { BENCH_ADMIN_KEY } from './service-under-test';

const CONNECTIONS = 10;

export async function runApiBenchmarks(fixture: RunFixture, seconds: number): Promise<BenchmarkOutcome[]> {
  if (fixture.statementIds.length === 0) throw new Error('the run left no statements to read');
  const headers = { Authorization: `Bearer ${BENCH_ADMIN_KEY}` };
  const ids = fixture.statementIds;
  /** autocannon options that GET each of `paths` in turn, round and round. */
  const cycling = (paths: string[]) => (): autocannon.Options => {
    let next = 0;
    return {
      url: fixture.service.url,
      connections: CONNECTIONS,
      headers,
      timeout: 30,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) }],
    };
  };
  const single = cycling(ids.map((id) => `/v1/statements/${id}`));
  // Every page of the first statement's lines, 100 a page, walked once to learn the cursors; the benchmark cycles through them.
  const pagePaths: string[] = [];
  for (let cursor: string | null = null; ;) {
    const path = `/v1/statements/${ids[0]}/lines?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    pagePaths.push(path);
    const page = (await (await fetch(`${fixture.service.url}${path}`, { headers })).json()) as { pagination: { next_cursor: string | null } };
    cursor = page.pagination.next_cursor;
    if (cursor === null) break;
  }
  const linePages = cycling(pagePaths);
  const list = (): autocannon.Options => ({
    url: `${fixture.service.url}/v1/statements?period=${fixture.period}`,
    connections: CONNECTIONS,
    headers,
    timeout: 30,
  });
  const health = (): autocannon.Options => ({ url: `${fixture.service.url}/health`, connections: CONNECTIONS, timeout: 30 });
  const targets = [
    {
      name: 'API floor: GET /health',
      options: health,
      what: 'the liveness route (no key, no database, a 15-byte answer): what the framework, the middleware and the machine cost a request before any work, the floor under the figures below',
    },
    {
      name: 'API: GET /v1/statements/:id',
      options: single,
      what: `one statement (totals, counts, disputes and its first 100 lines with explanations), cycling through the period's ${formatNumber(ids.length)} statements`,
    },
    {
      name: 'API: GET /v1/statements/:id/lines',
      options: linePages,
      what: `100 lines a page with explanations, cycling through all ${formatNumber(pagePaths.length)} pages of one statement`,
    },
    { name: 'API: GET /v1/statements?period=…', options: list, what: "the first page (default limit 50) of the period's statement list" },
  ];
  const outcomes: BenchmarkOutcome[] = [];
  for (const target of targets) {
    await autocannon({ ...target.options(), duration: 1 }); // warm-up, discarded
    const result = await autocannon({ ...target.options(), duration: seconds });
    const bytesPerResponse = result.requests.total > 0 ? result.throughput.total / result.requests.total : 0;
    const figures = [
      { label: 'p50 latency', value: `${formatNumber(result.latency.p50)} ms` },
      { label: 'p99 latency', value: `${formatNumber(result.latency.p99)} ms` },
      { label: 'requests per second', value: formatNumber(result.requests.average, 1) },
      {
        label: 'responses',
        value: `${formatNumber(result.requests.total)} (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}), ${formatNumber(bytesPerResponse / 1024, 1)} KiB each`,
      },
    ];
    outcomes.push({
      name: target.name,
      method:
        `autocannon (bench process) with ${CONNECTIONS} connections for ${seconds} s after a 1-s warm-up, admin key, against the built service in its own process (LOG_LEVEL=silent, API throttling raised) ` +
        `on the PostgreSQL database of the monthly run: ${target.what}. Service, PostgreSQL and autocannon share the machine's cores.`,
      figures,
      headline: figures.slice(0, 3),
    });
  }
  return outcomes;
}
