// A payroll integration as an integrator would write it, against the client
// types openapi-typescript generates from /docs-json (./generated-api.ts, made
// by test/platform/generated-client.spec.ts). It is type-checked, not run:
// a field renamed or retyped in the API breaks this file's compilation.
import type { paths } from './generated-api';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

type StatementsPage = Json<'/v1/statements', 'get', 200>;
type Statement = Json<'/v1/statements/{id}', 'get', 200>;
type LinesPage = Json<'/v1/statements/{id}/lines', 'get', 200>;
type Paid = Json<'/v1/statements/{id}/mark-paid', 'post', 200>;
type ApiError = Json<'/v1/statements/{id}', 'get', 404>;

export async function payApprovedPeriod(baseUrl: string, key: string, period: string): Promise<{ paid: string[]; total: string }> {
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${key}` } })).json()) as T;
  const paid: string[] = [];
  let total = 0n;
  let cursor: string | null = null;
  do {
    const page: StatementsPage = await get<StatementsPage>(`/v1/statements?period=${period}&status=approved${cursor ? `&cursor=${cursor}` : ''}`);
    for (const summary of page.data) {
      const statement: Statement = await get<Statement>(`/v1/statements/${summary.id}`);
      let lines = statement.lines.length;
      let next: string | null = statement.lines_pagination.next_cursor;
      while (next !== null) {
        const more: LinesPage = await get<LinesPage>(`/v1/statements/${statement.id}/lines?cursor=${next}`);
        lines += more.data.length;
        next = more.pagination.next_cursor;
      }
      if (lines !== statement.line_count) throw new Error(`statement ${statement.id}: ${lines} lines read, ${statement.line_count} counted`);
      const cents = BigInt(statement.total.replace('.', ''));
      const answer = await fetch(`${baseUrl}/v1/statements/${statement.id}/mark-paid`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ payroll_reference: `PR-${statement.payee_id}-${period}` }),
      });
      if (!answer.ok) {
        const failure = (await answer.json()) as ApiError;
        throw new Error(`${failure.code}: ${failure.error} (request ${failure.requestId})`);
      }
      const marked = (await answer.json()) as Paid;
      if (marked.status !== 'paid' || marked.payroll_reference === null) throw new Error(`statement ${marked.id} is ${marked.status}`);
      paid.push(marked.id);
      total += cents;
    }
    cursor = page.pagination.next_cursor;
  } while (cursor !== null);
  return { paid, total: (Number(total) / 100).toFixed(2) };
}
