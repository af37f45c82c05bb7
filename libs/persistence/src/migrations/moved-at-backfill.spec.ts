import { openDatabase } from '../database-connection';
import { applyMigrations } from './migrator';
import { readMigrationList } from './migration-files';

/**
 * The migration that indexes calls.moved_at also marks the calls that had
 * moved to another month before moved_at was stamped (a line of theirs sits
 * in another period than their own): the run's check for moved calls reads
 * only calls with moved_at set, so an unmarked one would be missed.
 */
describe('migration 20261202001640_ledger_lookups_that_do_not_grow on a ledger that has history', () => {
  const NAME = '20261202001640_ledger_lookups_that_do_not_grow';

  it('marks the calls whose lines sit in another month than their own, and only those', async () => {
    const all = readMigrationList();
    const earlier = { ...all, migrationDirectories: all.migrationDirectories.filter((directory) => directory.path < NAME) };
    const connection = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      await applyMigrations(connection, earlier);
      const sql = (text: string) => connection.prisma.$executeRawUnsafe(text);
      await sql(`INSERT INTO calls (id, currency, commissionable, raw, content_hash, period) VALUES
        ('moved', 'USD', true, '{}', 'h1', '2026-09'),
        ('stayed', 'USD', true, '{}', 'h2', '2026-09'),
        ('unpaid', 'USD', true, '{}', 'h3', '2026-09')`);
      await sql(`INSERT INTO statements (id, payee_id, period, currency, status, commission_total, adjustment_total, total, hash) VALUES
        ('00000000-0000-4000-8000-000000000001', 'ann', '2026-08', 'USD', 'approved', 0, 0, 0, 'a'),
        ('00000000-0000-4000-8000-000000000002', 'ann', '2026-09', 'USD', 'draft', 0, 0, 0, 'b')`);
      await sql(`INSERT INTO statement_lines (id, line_key, statement_id, payee_id, kind, position, amount, explanation, call_id, call_period) VALUES
        ('00000000-0000-4000-8000-0000000000a1', 'commission:moved:closer:ann', '00000000-0000-4000-8000-000000000001', 'ann', 'commission', 0, 1, '{}', 'moved', '2026-08'),
        ('00000000-0000-4000-8000-0000000000a2', 'commission:stayed:closer:ann', '00000000-0000-4000-8000-000000000002', 'ann', 'commission', 0, 1, '{}', 'stayed', '2026-09'),
        ('00000000-0000-4000-8000-0000000000a3', 'manual:x', '00000000-0000-4000-8000-000000000002', 'ann', 'manual', 1, 1, '{}', NULL, NULL)`);

      expect(await applyMigrations(connection, all)).toEqual([
        NAME,
        ...all.migrationDirectories.map((directory) => directory.path).filter((path) => path > NAME),
      ]);

      const rows = await connection.prisma.$queryRawUnsafe<{ id: string; marked: boolean }[]>(
        'SELECT id, moved_at IS NOT NULL AS marked FROM calls ORDER BY id',
      );
      expect(rows).toEqual([
        { id: 'moved', marked: true },
        { id: 'stayed', marked: false },
        { id: 'unpaid', marked: false },
      ]);
    } finally {
      await connection.close();
    }
  });
});
