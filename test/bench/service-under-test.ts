import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { createApp } from '../../apps/commissions-api/src/create-app';

export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdefghij';

/** Settings every benchmarked service gets: quiet logs, no cron, no API throttling. */
const BASE_ENV = {
  LOG_LEVEL: 'silent',
  JOBS_ENABLED: 'false',
  ADMIN_API_KEY: BENCH_ADMIN_KEY,
  API_RATE_LIMIT_PER_MINUTE: '1000000',
};

export interface InProcessApp {
  app: INestApplication;
  close(): Promise<void>;
}

/**
 * The real application (createApp) booted in this process from the given
 * environment: PGlite in DATA_DIR unless DATABASE_URL is set. Not listening;
 * benchmarks call its services directly.
 */
export async function startInProcessApp(env: Record<string, string>): Promise<InProcessApp> {
  const previous = { ...process.env };
  Object.assign(process.env, BASE_ENV, env);
  if (!env.DATABASE_URL) delete process.env.DATABASE_URL;
  try {
    const app = await createApp();
    await app.init();
    return {
      app,
      close: async () => {
        await app.close();
        process.env = previous;
      },
    };
  } catch (error) {
    process.env = previous;
    throw error;
  }
}

export interface ServiceProcess {
  url: string;
  /** GET/POST with the bench admin key; resolves with status and parsed body. */
  request<T = unknown>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** The built service (dist/apps/commissions-api/src/main.js) in its own process, as operators run it. */
export async function startServiceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const main = path.resolve(__dirname, '../../apps/commissions-api/src/main.js');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, main], {
    env: { PATH: process.env.PATH ?? '', ...BASE_ENV, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${output.trim()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not answer within ${timeoutMs} ms: ${output.trim()}`);
    }
    await sleep(100);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    request: async <T>(method: 'GET' | 'POST', route: string, body?: unknown) => {
      // A POST carries an Idempotency-Key, so that it, like a GET, can be sent again when the
      // connection drops: a keep-alive socket the service closes while a long run blocks its
      // event loop surfaces here as "fetch failed" (ECONNRESET).
      const headers: Record<string, string> = { Authorization: `Bearer ${BENCH_ADMIN_KEY}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (method === 'POST') headers['Idempotency-Key'] = randomUUID();
      for (let attempt = 1; ; attempt++) {
        try {
          const response = await fetch(`${url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
          const text = await response.text();
          return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
        } catch (error) {
          if (attempt >= 5 || !(error instanceof TypeError)) throw error;
          await sleep(250 * attempt);
        }
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
