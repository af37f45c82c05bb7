import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/service-process';
import { startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);

/**
 * A payroll system generates its client from /docs-json (openapi-typescript)
 * and compiles against it: test/platform/payroll-client/payroll-script.ts
 * must type-check with the generated types, and must not with a document in
 * which a field it reads has changed.
 */
describe('a client generated from the API document', () => {
  let t: TestApp;
  let folder: string;
  let document: { components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };

  const generateAndCheck = async (doc: unknown): Promise<{ ok: boolean; output: string }> => {
    writeFileSync(path.join(folder, 'openapi.json'), JSON.stringify(doc));
    await run(path.join(ROOT, 'node_modules/.bin/openapi-typescript'), [path.join(folder, 'openapi.json'), '-o', path.join(folder, 'generated-api.ts')]);
    const compile = await run(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--lib',
        'es2022,dom',
        '--skipLibCheck',
        path.join(folder, 'payroll-script.ts'),
      ],
      { cwd: folder },
    ).then(
      (result) => ({ ok: true, output: result.stdout }),
      (failure: { stdout: string }) => ({ ok: false, output: failure.stdout }),
    );
    return compile;
  };

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http.get('/docs-json').expect(200)).body;
    folder = mkdtempSync(path.join(tmpdir(), 'payroll-client-'));
    copyFileSync(path.join(__dirname, 'payroll-client/payroll-script.ts'), path.join(folder, 'payroll-script.ts'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('type-checks a payroll script against the generated client', async () => {
    const compiled = await generateAndCheck(document);
    expect(compiled.output).toBe('');
    expect(compiled.ok).toBe(true);
    expect(readFileSync(path.join(folder, 'generated-api.ts'), 'utf8')).toContain('StatementDetailView');
  }, 120_000);

  it('fails to type-check when the document drops a field the script reads', async () => {
    const broken = structuredClone(document);
    const statement = broken.components.schemas.StatementDetailView;
    delete statement.properties!.line_count;
    statement.required = statement.required?.filter((name) => name !== 'line_count');
    const compiled = await generateAndCheck(broken);
    expect(compiled.ok).toBe(false);
    expect(compiled.output).toMatch(/line_count/);
  }, 120_000);
});
