/**
 * Child process that serves the Aura sandbox for a benchmark, so that the
 * sandbox's own work (generating and serialising pages) does not share an
 * event loop with the service being measured. Driven over IPC by
 * sandbox-process.ts; options arrive as JSON in BENCH_SANDBOX_OPTIONS.
 */
import { createAuraSandbox, type SandboxOptions } from '../../apps/aura-sandbox/src';
import type { SandboxRequest, SandboxReply } from './sandbox-process';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_SANDBOX_OPTIONS ?? '{}') as SandboxOptions;
  const sandbox = await createAuraSandbox(options);
  const send = (reply: SandboxReply) => process.send?.(reply);
  process.on('message', (request: SandboxRequest) => {
    if (request.type === 'stats') send({ type: 'stats', id: request.id, stats: sandbox.stats() });
    else if (request.type === 'resetStats') {
      sandbox.resetStats();
      send({ type: 'done', id: request.id });
    } else if (request.type === 'close') {
      void sandbox.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => void sandbox.close().finally(() => process.exit(0)));
  send({
    type: 'ready',
    url: sandbox.url,
    apiKey: sandbox.apiKey,
    size: sandbox.store.size,
    dataset: {
      closers: sandbox.dataset.closers,
      setters: sandbox.dataset.setters,
      products: sandbox.dataset.products.map((product) => product.id),
      from: sandbox.dataset.from,
      to: sandbox.dataset.to,
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox-worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
