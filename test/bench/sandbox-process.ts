import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SandboxOptions, SandboxStats } from '../../apps/aura-sandbox/src';

export type SandboxRequest = { type: 'stats' | 'resetStats' | 'close'; id: number };
export type SandboxReply =
  | { type: 'ready'; url: string; apiKey: string; size: number; dataset: SandboxDatasetSummary }
  | { type: 'stats'; id: number; stats: SandboxStats }
  | { type: 'done'; id: number };

export interface SandboxDatasetSummary {
  closers: string[];
  setters: string[];
  /** Product ids. */
  products: string[];
  from: string;
  to: string;
}

/** The Aura sandbox running in its own process (sandbox-worker.ts). */
export interface SandboxProcess {
  url: string;
  apiKey: string;
  /** Calls in the sandbox's store. */
  size: number;
  dataset: SandboxDatasetSummary;
  stats(): Promise<SandboxStats>;
  resetStats(): Promise<void>;
  close(): Promise<void>;
}

export async function startSandboxProcess(options: SandboxOptions, timeoutMs = 120_000): Promise<SandboxProcess> {
  const child: ChildProcess = fork(path.join(__dirname, 'sandbox-worker.js'), [], {
    env: { ...process.env, BENCH_SANDBOX_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Extract<SandboxReply, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox process exited with ${code} before it was ready`));
    });
    child.on('message', (message: SandboxReply) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      }
    });
  });
  child.removeAllListeners('exit');

  let nextId = 1;
  const pending = new Map<number, (reply: SandboxReply) => void>();
  child.on('message', (message: SandboxReply) => {
    if (message.type === 'ready') return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const ask = (type: SandboxRequest['type']) =>
    new Promise<SandboxReply>((resolve, reject) => {
      if (!child.connected) return reject(new Error('sandbox process is gone'));
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ type, id } satisfies SandboxRequest);
    });
  let closed: Promise<void> | null = null;
  return {
    url: ready.url,
    apiKey: ready.apiKey,
    size: ready.size,
    dataset: ready.dataset,
    stats: async () => {
      const reply = await ask('stats');
      if (reply.type !== 'stats') throw new Error('unexpected sandbox reply');
      return reply.stats;
    },
    resetStats: async () => {
      await ask('resetStats');
    },
    close: () =>
      (closed ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        if (child.connected) child.send({ type: 'close', id: 0 } satisfies SandboxRequest);
        else child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      })()),
  };
}
