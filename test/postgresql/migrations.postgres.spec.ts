import { applyMigrations, openDatabase, readMigrationList } from '@app/persistence';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';

describeOnPostgres('migrations on PostgreSQL', () => {
  it('let replicas that start together all succeed: one applies, the others wait and apply nothing', async () => {
    const database = await createScratchDatabase();
    const connections = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: 'postgresql', url: database.url })));
    try {
      const applied = await Promise.all(connections.map((connection) => applyMigrations(connection)));
      const all = readMigrationList().migrationDirectories.map((dir) => dir.path);
      expect(applied.map((names) => names.length).sort()).toEqual([0, 0, all.length]);
      expect(applied.find((names) => names.length > 0)).toEqual(all);
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
      await database.drop();
    }
  });
});
