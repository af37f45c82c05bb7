import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL suite runs when TEST_DATABASE_URL is set (CI sets it). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const describeOnPostgres = TEST_DATABASE_URL ? describe : describe.skip;

/** A fresh, empty database on the test server; drop it when done. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `commissions_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
