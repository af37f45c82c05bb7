import { randomUUID } from 'node:crypto';
import { applyMigrations, DatabaseService, openDatabase, type DatabaseClient } from '@app/persistence';
import { LedgerRepository } from './ledger.repository';
import type { LedgerOutcome, StatementLineDraft } from './period-ledger';

/** A transaction whose line INSERTs take a few milliseconds each, and whose `failAt`-th INSERT fails. */
function fakeTransaction(failAt: number | null) {
  const sent: { lineIds: string[]; overlapping: boolean }[] = [];
  let running = 0;
  const tx = {
    statementLine: { deleteMany: async () => ({ count: 0 }) },
    statement: { deleteMany: async () => ({ count: 0 }), updateMany: async () => ({ count: 1 }), createMany: async () => ({ count: 1 }) },
    $executeRaw: (_sql: TemplateStringsArray, ...values: unknown[]) => {
      const json = values.find((value): value is string => typeof value === 'string' && value.startsWith('[')) ?? '[]';
      const statement = { lineIds: (JSON.parse(json) as { id: string }[]).map((row) => row.id), overlapping: running > 0 };
      sent.push(statement);
      running += 1;
      const number = sent.length;
      return new Promise<number>((resolve, reject) =>
        setTimeout(() => {
          running -= 1;
          if (number === failAt) reject(new Error('the database refused chunk 2'));
          else resolve(statement.lineIds.length);
        }, 5),
      );
    },
  };
  return { tx: tx as unknown as DatabaseClient, sent };
}

function outcomeOf(lineCount: number, lineId = (index: number) => `line-${index}`, statementId = 'statement-1'): LedgerOutcome {
  const lines: StatementLineDraft[] = Array.from({ length: lineCount }, (_, index) => ({
    id: lineId(index),
    lineKey: `key-${index}`,
    callId: `call-${index}`,
    callPeriod: '2026-10',
    payeeId: 'closer-1',
    role: 'closer',
    kind: 'commission',
    position: index + 1,
    baseAmount: '100.00',
    amount: '10.00',
    planId: null,
    adjustsLineId: null,
    explanation: { sentence: `line ${index}` },
  }));
  return {
    statements: [
      {
        id: statementId,
        payeeId: 'closer-1',
        period: '2026-10',
        sequence: 1,
        currency: 'USD',
        commissionTotal: '0.00',
        adjustmentTotal: '0.00',
        total: '0.00',
        version: 1,
        hash: 'h',
        change: 'new',
        lines,
      },
    ],
    deletedStatementIds: [],
    warnings: [],
  };
}

describe('LedgerRepository.writePeriod, the lines', () => {
  const repository = new LedgerRepository({} as DatabaseService);

  it('sends every line once, in order, 2,000 a statement, one statement at a time', async () => {
    const { tx, sent } = fakeTransaction(null);

    await repository.writePeriod(tx, outcomeOf(4_001), 'run-1', new Date('2026-11-01T00:00:00Z'));

    expect(sent.map((statement) => statement.lineIds.length)).toEqual([2_000, 2_000, 1]);
    expect(sent.flatMap((statement) => statement.lineIds)).toEqual(Array.from({ length: 4_001 }, (_, index) => `line-${index}`));
    expect(sent.some((statement) => statement.overlapping)).toBe(false);
  });

  it('fails with the database refusal of a chunk and sends no chunk after it', async () => {
    const { tx, sent } = fakeTransaction(2);

    await expect(repository.writePeriod(tx, outcomeOf(6_000), 'run-1', new Date('2026-11-01T00:00:00Z'))).rejects.toThrow('the database refused chunk 2');

    expect(sent).toHaveLength(2);
  });

  it('on the embedded database, leaves nothing behind when PostgreSQL refuses a line of the second chunk', async () => {
    const connection = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    const database = new DatabaseService(connection);
    try {
      await applyMigrations(connection);
      await database.client.$executeRawUnsafe(`ALTER TABLE statement_lines ADD CONSTRAINT refuse_one_line CHECK (line_key <> 'key-3000') NOT VALID`);
      const ledger = new LedgerRepository(database);

      const write = database.transaction((tx) =>
        ledger.writePeriod(
          tx,
          outcomeOf(6_000, () => randomUUID(), randomUUID()),
          null,
          new Date('2026-11-01T00:00:00Z'),
        ),
      );

      await expect(write).rejects.toThrow(/refuse_one_line/);
      expect(await database.client.statementLine.count()).toBe(0);
      expect(await database.client.statement.count()).toBe(0);
    } finally {
      await database.close();
    }
  }, 60_000);
});
