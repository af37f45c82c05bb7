import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ServiceProcess, startService } from '../support/service-process';

/**
 * A hostile or broken Aura against the built service (its own process, so
 * its memory can be read): oversized pages, endless cursors, huge bodies,
 * slow drips, the wrong content type, a redirect elsewhere, 401 mid-sync,
 * and a sync canceled on request. Each must end the sync with a clear error
 * within bounded time and memory, keep the good records already stored, and
 * leave /health answering throughout.
 */
type Mode =
  | 'good'
  | 'oversized_page'
  | 'endless_cursors'
  | 'huge_body'
  | 'slow_drip'
  | 'html'
  | 'redirect'
  | 'unauthorized_mid_sync'
  | 'slow_pages'
  | 'unstorable_cursor'
  | 'cursor_on_last_page';

const ADMIN = 'hostile-aura-admin-key-0123456789';
const KEY = 'aura_pk_test_hostile';

function call(index: number): Record<string, unknown> {
  return {
    id: `call-${String(index).padStart(6, '0')}`,
    status: 'closed',
    closer_id: 'user_2closer',
    linked_payment_id: `pay-${index}`,
    expected_deal_value: 100_000,
    created_at: '2026-10-01T10:00:00Z',
    ended_at: '2026-10-02T10:00:00Z',
  };
}

class HostileAura {
  mode: Mode = 'good';
  requests = 0;
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => void this.answer(request, response));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private json(response: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests += 1;
    const url = new URL(request.url ?? '/', 'http://aura.local');
    const cursor = Number(url.searchParams.get('cursor') ?? '0');
    const isPayments = url.pathname === '/v1/payments';
    const page = (records: unknown[], next: string | null) =>
      this.json(response, 200, { data: records, pagination: { has_more: next !== null, next_cursor: next } });
    if (isPayments || url.pathname === '/v1/team') return page([], null);
    switch (this.mode) {
      case 'good':
        return page(cursor === 0 ? [call(1), call(2)] : [call(3)], cursor === 0 ? '1' : null);
      case 'oversized_page': {
        // 100,000 records for a page of at most 100, streamed so the server holds none of it.
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{"data":[');
        for (let index = 0; index < 100_000; index++) {
          if (!response.write(`${index ? ',' : ''}${JSON.stringify(call(index))}`)) await new Promise((resolve) => response.once('drain', resolve));
          if (response.destroyed) return;
        }
        response.end('],"pagination":{"has_more":false,"next_cursor":null}}');
        return;
      }
      case 'endless_cursors':
        return page([call(cursor)], String(cursor + 1));
      case 'huge_body': {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = 'x'.repeat(64 * 1024);
        response.write('{"data":[],"padding":"');
        for (let sent = 0; sent < 200 * 1024 * 1024 && !response.destroyed; sent += chunk.length) {
          if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
        }
        response.end('"}');
        return;
      }
      case 'slow_drip': {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(' ')), 100);
        response.once('close', () => clearInterval(timer));
        return;
      }
      case 'html':
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end('<html><body>Welcome to the hotel Wi-Fi</body></html>');
        return;
      case 'redirect':
        response.writeHead(302, { Location: 'https://elsewhere.example/v1/calls' });
        response.end();
        return;
      case 'unauthorized_mid_sync':
        if (cursor >= 2) return this.json(response, 401, { success: false, code: 'UNAUTHORIZED', error: 'Key revoked', requestId: 'req_x' });
        return page([call(500_000 + cursor)], String(cursor + 1));
      case 'unstorable_cursor':
        // The second page's next cursor holds a NUL: it could not be stored as the checkpoint.
        return page([call(700_000 + cursor)], cursor === 0 ? '1' : 'after\u0000page-2');
      case 'cursor_on_last_page':
        // has_more false, and yet a next_cursor (one the database could not even store): the pass ends here.
        return this.json(response, 200, { data: [call(800_000)], pagination: { has_more: false, next_cursor: 'end\u0000' } });
      case 'slow_pages':
        await new Promise((resolve) => setTimeout(resolve, 300));
        return page([call(cursor + 100)], String(cursor + 1));
    }
  }
}

/** Peak resident memory of a process so far, in MB (Linux). */
function peakMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Starts measuring the peak afresh (Linux: writing 5 to clear_refs resets VmHWM). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

function currentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** The suite against one database; the PostgreSQL suite runs it too (test/postgresql/hostile-aura.postgres.spec.ts). */
export function hostileAuraScenario(name: string, database: () => Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>): void {
  describe(name, () => {
    const aura = new HostileAura();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'commissions-hostile-'));
    let service: ServiceProcess;
    let cleanup: () => Promise<void> = async () => undefined;
    let idleMb: number;

    const api = async (method: string, route: string): Promise<{ status: number; body: any }> => {
      const response = await fetch(`${service.url}${route}`, { method, headers: { Authorization: `Bearer ${ADMIN}` } });
      return { status: response.status, body: await response.json() };
    };

    /** Starts a sync in `mode` and waits for it to end, timing /health every 100 ms meanwhile. */
    async function syncIn(mode: Mode, whileRunning?: (id: string) => Promise<void>): Promise<{ run: any; slowestHealthMs: number }> {
      aura.mode = mode;
      resetPeak(service.child.pid!);
      const started = await api('POST', '/v1/sync');
      expect(started.status).toBe(202);
      let slowestHealthMs = 0;
      let done = false;
      const probe = (async () => {
        while (!done) {
          const before = Date.now();
          const health = await fetch(`${service.url}/health`);
          expect(health.status).toBe(200);
          slowestHealthMs = Math.max(slowestHealthMs, Date.now() - before);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      await whileRunning?.(started.body.id);
      const deadline = Date.now() + 90_000;
      let run: any;
      for (;;) {
        run = (await api('GET', `/v1/sync/runs/${started.body.id}`)).body;
        if (run.status === 'succeeded' || run.status === 'failed') break;
        if (Date.now() > deadline) throw new Error(`sync still ${run.status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      done = true;
      await probe;
      return { run, slowestHealthMs };
    }

    beforeAll(async () => {
      const url = await aura.listen();
      const target = await database();
      cleanup = target.cleanup;
      service = await startService({
        DATA_DIR: dataDir,
        ...target.env,
        ADMIN_API_KEY: ADMIN,
        AURA_API_URL: url,
        AURA_API_KEY: KEY,
        AURA_REQUEST_TIMEOUT_MS: '1000',
        AURA_MAX_RESPONSE_BYTES: String(4 * 1024 * 1024),
        SYNC_MAX_PAGES: '40',
        LOG_LEVEL: 'warn',
      });
      const good = await syncIn('good');
      expect(good.run).toMatchObject({ status: 'succeeded' });
      expect(good.run.counts.inserted).toBe(3);
      idleMb = currentMb(service.child.pid!);
    }, 60_000);
    afterAll(async () => {
      await service?.stop();
      await aura.close();
      await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('fails a page of 100,000 records for a limit of 100 with a clear error, within bounded memory, /health answering', async () => {
      const { run, slowestHealthMs } = await syncIn('oversized_page');
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/body over 4194304 bytes|records for a page of at most 100/);
      expect(slowestHealthMs).toBeLessThan(1_000);
      expect(peakMb(service.child.pid!) - idleMb).toBeLessThan(300);
    });

    it('fails an endless chain of new cursors after SYNC_MAX_PAGES pages, keeping what it stored', async () => {
      const { run, slowestHealthMs } = await syncIn('endless_cursors');
      expect(run).toMatchObject({ status: 'failed' });
      expect(run.error).toContain('SYNC_MAX_PAGES');
      expect(run.counts.pages).toBe(40);
      expect(slowestHealthMs).toBeLessThan(1_000);
    });

    it('stops reading a 200 MB body at AURA_MAX_RESPONSE_BYTES', async () => {
      const { run, slowestHealthMs } = await syncIn('huge_body');
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/body over 4194304 bytes/);
      expect(slowestHealthMs).toBeLessThan(1_000);
      expect(peakMb(service.child.pid!) - idleMb).toBeLessThan(300);
    });

    it('gives up on a body that drips slowly, after its timeouts and retries', async () => {
      const { run } = await syncIn('slow_drip');
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/timed out/);
    });

    it('refuses a 200 that is not JSON, and a redirect elsewhere, without flagging stored calls missing', async () => {
      const html = await syncIn('html');
      expect(html.run.error).toMatch(/not JSON/);
      const redirect = await syncIn('redirect');
      expect(redirect.run.error).toMatch(/redirects are not followed/);
      const calls = await api('GET', '/v1/calls?missing_upstream=true');
      expect(calls.body.data).toEqual([]);
    });

    it('fails on a 401 in the middle, naming AURA_API_KEY, and keeps the good pages it stored', async () => {
      const { run } = await syncIn('unauthorized_mid_sync');
      expect(run.status).toBe('failed');
      expect(run.error).toContain('AURA_API_KEY');
      expect(run.counts.inserted).toBe(2);
    });

    it('fails on a next_cursor holding a NUL with a protocol error, keeping the pages before it', async () => {
      const { run } = await syncIn('unstorable_cursor');
      expect(run.status).toBe('failed');
      expect(run.error).toContain('next_cursor holding a NUL character or a lone surrogate');
      expect(run.counts.inserted).toBe(1);
      expect(run.counts.pages).toBe(2); // the payments page and the first calls page; the refused page is not stored
    });

    it('ends a pass at has_more false, whatever next_cursor the page carries', async () => {
      const { run } = await syncIn('cursor_on_last_page');
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      expect(run.counts.inserted).toBe(1);
    });

    it('stops a running sync on POST /v1/sync/runs/:id/cancel; a second cancel is a 409', async () => {
      const { run } = await syncIn('slow_pages', async (id) => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const canceled = await api('POST', `/v1/sync/runs/${id}/cancel`);
        expect(canceled.status).toBe(202);
      });
      expect(run).toMatchObject({ status: 'failed' });
      expect(run.error).toMatch(/^Canceled on request/);
      expect((await api('POST', `/v1/sync/runs/${run.id}/cancel`)).status).toBe(409);
      expect(aura.mode).toBe('slow_pages');
    });

    it('syncs normally again afterwards', async () => {
      const { run } = await syncIn('good');
      expect(run.status).toBe('succeeded');
    });
  });
}
