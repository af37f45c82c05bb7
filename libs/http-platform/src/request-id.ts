import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const ACCEPTABLE_INCOMING = /^[A-Za-z0-9._:-]{6,100}$/;

/**
 * Keeps a caller's X-Request-Id when it looks sane, else mints `req_…`;
 * echoes it back. Idempotent: the first middleware assigns it (so errors of
 * the body parsers carry it too) and the logger reuses it.
 */
export function assignRequestId(request: IncomingMessage & { id?: unknown }, response: ServerResponse): string {
  if (typeof request.id === 'string') return request.id;
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTABLE_INCOMING.test(incoming) ? incoming : `req_${randomBytes(12).toString('base64url')}`;
  response.setHeader('X-Request-Id', id);
  request.id = id;
  return id;
}

export function requestIdOf(request: { id?: unknown }): string {
  return typeof request.id === 'string' ? request.id : 'req_unknown';
}
