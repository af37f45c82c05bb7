import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/service-process';

/** The README's first command, as a newcomer runs it (after npm test has built dist/). */
describe('npm run demo -- --once', () => {
  it('syncs from the sandbox, runs the last full month, prints the statement table and exits 0', async () => {
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
    expect(output).toMatch(/✔ Syncing calls from Aura/);
    expect(output).toMatch(/payee\s+status\s+lines\s+commission \(USD\)\s+adjustments\s+total/);
    const rows = output.split('\n').filter((line) => /^user_\w+\s+draft\s+\d+\s+\d+\.\d{2}\s+-?\d+\.\d{2}\s+\d+\.\d{2}$/.test(line));
    expect(rows.length).toBeGreaterThan(20);
    expect(output).toMatch(/^TOTAL\s+\d+\s+\d+\.\d{2}/m);
    expect(output).toMatch(/\/docs/);
  }, 180_000);
});
