import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StatementDocument } from './statement-document';
import { renderStatementHtml } from './statement-html';
import { renderStatementPdf } from './statement-pdf';

function statement(overrides: Partial<StatementDocument> = {}): StatementDocument {
  return {
    id: '3f0c8a4e-1d2b-5c6d-8e9f-0a1b2c3d4e5f',
    payee_id: 'user_2abc',
    payee_name: 'Łukasz Żółkiewski',
    period: '2026-10',
    sequence: 1,
    currency: 'EUR',
    status: 'approved',
    commission_total: '1234.56',
    adjustment_total: '-10.00',
    total: '1224.56',
    version: 3,
    hash: 'a'.repeat(64),
    approved_at: '2026-11-02T09:00:00.000Z',
    paid_at: null,
    payroll_reference: null,
    lines: [
      {
        id: 'l1',
        call_id: 'c1',
        role: 'closer',
        kind: 'commission',
        amount: '1234.56',
        adjusts_line_id: null,
        explanation: { sentence: 'Closer commission on call c1: 10% of 12,345.60.' },
      },
      {
        id: 'l2',
        call_id: null,
        role: null,
        kind: 'manual',
        amount: '-10.00',
        adjusts_line_id: null,
        explanation: { sentence: 'Correction <b>by finance</b>: laptop & phone.' },
      },
    ],
    disputes: [{ id: 'd1', line_id: 'l1', status: 'open', message: 'Сделка была больше <script>alert(1)</script>', resolution_note: null }],
    ...overrides,
  };
}

const havePdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('statement documents', () => {
  it('renders the same statement to the same HTML and PDF bytes', async () => {
    expect(renderStatementHtml(statement())).toBe(renderStatementHtml(statement()));
    expect((await renderStatementPdf(statement())).equals(await renderStatementPdf(statement()))).toBe(true);
    expect((await renderStatementPdf(statement(), 'LETTER')).equals(await renderStatementPdf(statement(), 'A4'))).toBe(false);
  });

  it('escapes every value in the HTML: a sentence, a name or a dispute cannot add markup', () => {
    const html = renderStatementHtml(statement({ payee_name: '<img src=x onerror=alert(1)>' }));
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<b>by finance</b>');
    expect(html).toContain('&lt;b&gt;by finance&lt;/b&gt;');
  });

  it.each([
    ['draft', {}, 'Draft: not approved yet'],
    ['approved', {}, 'Approved on 2026-11-02'],
    ['paid', { paid_at: '2026-11-20T10:00:00.000Z', payroll_reference: 'PR-77' }, 'Paid on 2026-11-20 (payroll reference PR-77)'],
  ] as const)('says whether a %s statement is approved', (status, extra, text) => {
    expect(renderStatementHtml(statement({ status, ...extra }))).toContain(text);
  });

  it('embeds a Unicode font in the PDF, so names outside Latin-1 are not replaced', async () => {
    const pdf = await renderStatementPdf(statement());
    expect(pdf.toString('latin1')).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSans/);
    if (!havePdftotext) return; // the text check needs poppler-utils (.ci/run installs it)
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'statement-pdf-')), 'statement.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-']).toString('utf8');
    expect(text).toContain('Łukasz Żółkiewski');
    expect(text).toContain('Сделка была больше');
    expect(text).toContain('1224.56 EUR');
  });
});
