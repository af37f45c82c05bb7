import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/service-process';
import { startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);

interface Operation {
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

/** The API document (`/docs-json`) an integrator generates a client from: Redocly's recommended rules, and the shared error responses. */
describe('the API document', () => {
  let t: TestApp;
  let document: { servers: unknown[]; paths: Record<string, Record<string, Operation>> };
  let folder: string;

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http.get('/docs-json').expect(200)).body;
    folder = mkdtempSync(path.join(tmpdir(), 'openapi-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("passes Redocly's lint with its recommended rules and no errors", async () => {
    const file = path.join(folder, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    // redocly exits 1 when it finds errors: read its report either way.
    const report = await run(path.join(ROOT, 'node_modules/.bin/redocly'), ['lint', file, '--format=json'], { cwd: folder }).catch(
      (failure: { stdout: string }) => failure,
    );
    const { totals, problems } = JSON.parse(report.stdout) as { totals: { errors: number }; problems: { ruleId: string; severity: string; message: string }[] };
    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(totals.errors).toBe(0);
  });

  it('gives every operation a summary, declared security, a typed success answer, and its error responses in the envelope', () => {
    expect(document.servers).not.toHaveLength(0);
    for (const [route, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${route}`;
        expect([where, typeof operation.summary]).toEqual([where, 'string']);
        const success = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
        expect([where, success.some(([, response]) => Object.values(response.content ?? {}).some((media) => media.schema !== undefined))]).toEqual([
          where,
          true,
        ]);
        expect([where, Array.isArray(operation.security)]).toEqual([where, true]);
        const errors = Object.entries(operation.responses).filter(([status]) => /^[45]/.test(status));
        if (!route.startsWith('/v1/')) continue; // /health answers its own readiness body, 503 included
        expect([where, errors.length > 0]).toEqual([where, true]);
        for (const [status, response] of errors) {
          expect([where, status, response.content?.['application/json']?.schema?.$ref]).toEqual([where, status, '#/components/schemas/ErrorEnvelopeView']);
        }
      }
    }
  });
});
