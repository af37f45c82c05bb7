import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  id: string;
  type: string;
  occurred_at: string;
  data: Record<string, any>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Date.now() when it arrived. */
  receivedAt: number;
}

/**
 * A payroll system's endpoint as docs/operations.md tells one to build it:
 * verifies the signature over the raw body, answers 2xx, and keeps every
 * delivery it got (duplicates included, so a test can count them).
 */
export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedEvent[];
  /** Deliveries whose signature did not verify (answered 401). */
  rejected: number;
  secret: string | null;
  close(): Promise<void>;
}

export async function startWebhookReceiver(port = 0, secret: string | null = null): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: '', port: 0, received: [], rejected: 0, secret, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(request.headers['x-commissions-signature'] ?? '');
      if (receiver.secret === null || !verify(body, signature, receiver.secret)) {
        receiver.rejected += 1;
        response.writeHead(401).end();
        return;
      }
      receiver.received.push({
        ...(JSON.parse(body) as Omit<ReceivedEvent, 'headers' | 'body' | 'receivedAt'>),
        headers: request.headers,
        body,
        receivedAt: Date.now(),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks/commissions`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  server.keepAliveTimeout = 1;
  return receiver;
}

/** A port nothing listens on (a receiver that is down). */
export async function closedPort(): Promise<number> {
  const probe = await startWebhookReceiver();
  await probe.close();
  return probe.port;
}

function verify(body: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(createHmac('sha256', secret).update(body, 'utf8').digest('hex'), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A receiver that takes the request and never answers (until closed): the delivery times out. */
export async function startHangingReceiver(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const hanging: { url: string; requests: number; close(): Promise<void> } = { url: '', requests: 0, close: async () => undefined };
  const server = createServer(() => {
    hanging.requests += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  hanging.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  hanging.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return hanging;
}
