import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runServiceToExit, startService } from '../support/service-process';

const ADMIN = 'process-test-admin-key-0123456789';

describe('the service process', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'commissions-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs on the embedded database, shuts down cleanly, and keeps its data across a restart', async () => {
    const first = await startService({ DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN });
    const ready = await (await fetch(`${first.url}/health/ready`)).json();
    expect(ready).toMatchObject({ status: 'ready', database: { kind: 'pglite', migrations: { up_to_date: true } } });
    const created = await fetch(`${first.url}/v1/api-keys`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'survives restart', role: 'payroll' }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    // Nest closes the app, then exits 0 through process.exit so the logs are flushed.
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toMatch(/Applied \d+ migration/);
    expect(first.output()).toMatch(/Closing embedded PGlite .* on SIGTERM/);

    const second = await startService({ DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN });
    try {
      expect(await second.waitForOutput(/up to date; no migration applied/)).toMatch(/up to date; no migration applied/);
      const asPayroll = await fetch(`${second.url}/v1/api-keys`, { headers: { Authorization: `Bearer ${secret}` } });
      expect(asPayroll.status).toBe(403); // known key, wrong role: it survived the restart
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('exits 1 naming PORT when PORT is not a number', async () => {
    const { code, output } = await runServiceToExit({ PORT: 'abc', DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(output.trim()).toBe('Invalid configuration: PORT must be a whole number from 0 to 65535 (got "abc")');
  });

  it.each([
    ['ROUNDING_MODE', 'up'],
    ['COMMISSION_TIMEZONE', 'Mars/Olympus'],
    ['SYNC_CRON', 'every day'],
    ['COMMISSION_CURRENCY', 'dollars'],
    ['DATABASE_URL', 'mysql://localhost/x'],
  ])('exits 1 naming %s when it is invalid', async (variable, value) => {
    const { code, output } = await runServiceToExit({ [variable]: value, DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(output).toContain(`Invalid configuration: ${variable}`);
  });

  it('exits 1 saying it cannot connect when DATABASE_URL is unreachable', async () => {
    const { code, output } = await runServiceToExit({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' });
    expect(code).toBe(1);
    expect(output.trim()).toMatch(/^Cannot connect to PostgreSQL \(127\.0\.0\.1:1\/nowhere\) given by DATABASE_URL: connect ECONNREFUSED/);
  });
});
