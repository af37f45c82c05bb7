import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../apps/commissions-api/src/create-app';
import { copyOfTemplate } from './pglite-template';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefgh';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  /** supertest agent call with the admin key (or another) preset. */
  as(key: string): {
    get(path: string): request.Test;
    post(path: string): request.Test;
    patch(path: string): request.Test;
    put(path: string): request.Test;
    delete(path: string): request.Test;
  };
  close(): Promise<void>;
}

/**
 * Boots the real application (same module, pipes, filters, guards) on a
 * throwaway copy of a migrated PGlite directory, unless `env` names a
 * DATA_DIR or DATABASE_URL. One per test file.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const previous = { ...process.env };
  const scratch = env.DATA_DIR || env.DATABASE_URL ? null : copyOfTemplate();
  Object.assign(process.env, {
    DATA_DIR: scratch?.dataDir ?? 'memory://',
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    // Suites send thousands of requests from one key and one address; the limits have suites of their own.
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_FAILURES_PER_MINUTE: '1000000',
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: 'false',
    ...env,
  });
  if (!env.DATABASE_URL) delete process.env.DATABASE_URL;
  const app = await createApp();
  await app.init();
  const server = app.getHttpServer();
  const as = (key: string) => ({
    get: (path: string) => request(server).get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string) => request(server).post(path).set('Authorization', `Bearer ${key}`),
    patch: (path: string) => request(server).patch(path).set('Authorization', `Bearer ${key}`),
    put: (path: string) => request(server).put(path).set('Authorization', `Bearer ${key}`),
    delete: (path: string) => request(server).delete(path).set('Authorization', `Bearer ${key}`),
  });
  return {
    app,
    http: request(server),
    as,
    close: async () => {
      await app.close();
      process.env = previous;
      scratch?.remove();
    },
  };
}

/** Creates a key with the given role through the API; returns its secret. */
export async function createKey(testApp: TestApp, role: 'admin' | 'finance' | 'payroll', name = `${role} key`): Promise<{ id: string; secret: string }> {
  const response = await testApp.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name, role }).expect(201);
  return { id: response.body.id, secret: response.body.secret };
}
