import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/service-process';

/** The README's first command, as a newcomer runs it (after npm test has built dist/). */
describe('npm run demo -- --once', () => {
  it("syncs calls and payments from the sandbox, runs the last full month, prints the statement table, settles a late payment and a refund after approval, prints one rep's key, document link and dispute command, and exits 0", async () => {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/demo/src/main.js'), '--once'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk) => (text += chunk));
      child.stderr.on('data', (chunk) => (text += chunk));
      child.once('exit', (exitCode) => resolve({ code: exitCode, output: text }));
    });
    expect(output).not.toContain('Demo failed');
    expect(code).toBe(0);
    expect(output).toMatch(/✔ Syncing calls and payments from Aura/);
    expect(output).toMatch(
      /Money follows the money that arrived: in \d{4}-\d{2}, \d+ payment pending, \d+ payment failed, \d+ payment refunded, \d+ currency mismatch/,
    );
    // After approval: the late payment is paid in full, the 30 % refund is clawed back with its reason.
    expect(output).toMatch(/^\s+\d+\.\d{2} USD\s+Closer late payment for user_\w+ on call/m);
    expect(output).toMatch(/^\s+-\d+\.\d{2} USD\s+Closer adjustment .* less the 30% of its payment refunded/m);
    expect(output).toMatch(/name\s+payee\s+status\s+lines\s+commission \(USD\)\s+adjustments\s+total/);
    const rows = output.split('\n').filter((line) => /^[A-Z][\w' .-]+?\s+user_\w+\s+draft\s+\d+\s+\d+\.\d{2}\s+-?\d+\.\d{2}\s+\d+\.\d{2}$/.test(line));
    expect(rows.length).toBeGreaterThan(20);
    expect(output).toMatch(/^\(not listed\)\s+user_\w+\s+draft/m);
    expect(output).toMatch(/^TOTAL\s+\d+\s+\d+\.\d{2}/m);
    expect(output).toMatch(/\/docs/);
    // One rep's own key, the link to their statement document and the command to question a line.
    const key = /own key \(role payee\): (acs_\S+)/.exec(output)?.[1];
    expect(key).toBeDefined();
    expect(output).toMatch(
      new RegExp(`their statement\\s+curl -H 'Authorization: Bearer ${key}' http://localhost:\\d+/v1/statements/[\\w-]+/document > statement.html`),
    );
    expect(output).toMatch(
      new RegExp(
        `open a dispute\\s+curl -X POST -H 'Authorization: Bearer ${key}' .* -d '\\{"statement_id":"[\\w-]+","line_id":"[\\w-]+","message":"[^']+"\\}' http://localhost:\\d+/v1/disputes`,
      ),
    );
  }, 180_000);
});
