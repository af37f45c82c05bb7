import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { allPages, closerPlan, runPeriod, StatementBody } from '../payouts/payouts-helpers';

const CHROMIUM = '/usr/bin/chromium';
const SEP = '2026-09';
const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const haveTools =
  existsSync(CHROMIUM) &&
  (() => {
    try {
      execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
// .ci/run installs Debian's chromium and poppler-utils; a machine without them skips this file and says so.
const describeWithBrowser = haveTools ? describe : describe.skip;
if (!haveTools) process.stderr.write('statement-document.spec: no /usr/bin/chromium or pdftotext here; skipped (apt-get install chromium poppler-utils)\n');

/**
 * product.md "Statement document", as a rep sees it: the HTML rendered by a
 * real headless Chromium (Debian's, driven by playwright-core), its visible
 * text checked and a screenshot kept; the PDF's text extracted by
 * pdftotext; both the same bytes on every fetch.
 */
describeWithBrowser('the statement document in a real browser and as a PDF', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let browser: Browser;
  let rep: string;
  let statement: StatementBody & { payee_name: string | null };
  const scratch = mkdtempSync(path.join(tmpdir(), 'statement-document-'));

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 500, seed: 71, months: 2, endMonth: '2026-10', now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
    const finance = (await createKey(t, 'finance')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
    await runPeriod(t, finance, SEP);
    const named = (await allPages<StatementBody & { payee_name: string | null }>(t, finance, `/v1/statements?period=${SEP}`)).find((entry) => entry.payee_name);
    await t
      .as(finance)
      .post('/v1/adjustments')
      .send({ payee_id: named!.payee_id, period: SEP, amount: '125.00', category: 'spiff', reason: 'Launch week SPIFF <b>not markup</b>' })
      .expect(201);
    await t.as(finance).post(`/v1/periods/${SEP}/approve`).send({}).expect(200);
    statement = (await t.as(finance).get(`/v1/statements/${named!.id}`).expect(200)).body;
    rep = (await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'rep', role: 'payee', payee_id: statement.payee_id }).expect(201)).body.secret;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sandbox?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("shows the rep who, which month, every line's amount and sentence, the total and the approval, in a real browser", async () => {
    const first = await t.as(rep).get(`/v1/statements/${statement.id}/document`).expect(200);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    const second = await t.as(rep).get(`/v1/statements/${statement.id}/document`).expect(200);
    expect(second.text).toBe(first.text);
    expect(first.text).not.toMatch(/<script|https?:\/\/(?!.*docs)/i); // self-contained: no script, no external asset
    expect(first.text).toContain('&lt;b&gt;not markup&lt;/b&gt;');

    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await page.setContent(first.text, { waitUntil: 'load' });
    const visible = await page.innerText('body');
    expect(visible).toContain(statement.payee_name!);
    expect(visible).toContain(statement.payee_id);
    expect(visible).toContain('September 2026');
    expect(visible).toContain('Approved on');
    for (const line of statement.lines!) {
      expect(visible).toContain(line.amount);
      expect(visible).toContain(String(line.explanation['sentence']));
    }
    expect(visible).toContain('Launch week SPIFF <b>not markup</b>');
    expect(visible).toMatch(new RegExp(`Total\\s+${statement.total.replace('.', '\\.')}`));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'statement-document.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    const printed = await page.pdf({ format: 'Letter' });
    expect(printed.length).toBeGreaterThan(1_000);
    await page.close();
  });

  it('carries the same figures in the PDF, byte for byte the same on every fetch', async () => {
    const first = await t
      .as(rep)
      .get(`/v1/statements/${statement.id}/document?format=pdf`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    const again = await t
      .as(rep)
      .get(`/v1/statements/${statement.id}/document?format=pdf`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(Buffer.compare(first.body as Buffer, again.body as Buffer)).toBe(0);
    const file = path.join(scratch, 'statement.pdf');
    writeFileSync(file, first.body as Buffer);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8').replace(/\s+/g, ' ');
    expect(text).toContain(statement.payee_id);
    expect(text).toContain('September 2026');
    expect(text).toContain(`Total: ${statement.total} USD`);
    for (const line of statement.lines!) expect(text).toContain(`${line.amount} USD`);
  });

  it("is the rep's own: another payee's document is a 404, finance and payroll may read it", async () => {
    const other = (await allPages<StatementBody>(t, TEST_ADMIN_KEY, `/v1/statements?period=${SEP}`)).find((entry) => entry.payee_id !== statement.payee_id)!;
    await t.as(rep).get(`/v1/statements/${other.id}/document`).expect(404);
    const payroll = (await createKey(t, 'payroll')).secret;
    await t.as(payroll).get(`/v1/statements/${statement.id}/document?format=pdf&paper=letter`).expect(200);
    await t.as(payroll).get(`/v1/statements/${statement.id}/document?format=docx`).expect(400);
  });
});
