import { IncomingMessage } from 'node:http';

const MAX_BODY_BYTES = 1_000_000;

/** An answer in Aura's error envelope. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A JSON answer a route hands back to be sent. */
export interface JsonReply {
  status: number;
  body: unknown;
}

export function ok(body: unknown, status = 200): JsonReply {
  return { status, body };
}

export function methodNotAllowed(): HttpProblem {
  return new HttpProblem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
}

export function invalid(message: string): HttpProblem {
  return new HttpProblem(400, 'VALIDATION_FAILED', message);
}

/** A path segment, percent-decoded; one that cannot be decoded names nothing (404 `notFound`). */
export function decodePathSegment(segment: string, notFound: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpProblem(404, 'NOT_FOUND', notFound);
  }
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const body = await readOptionalJsonBody(req);
  if (body === undefined) throw invalid('body must be JSON');
  return body;
}

/** The JSON body, or undefined when there is none. */
export async function readOptionalJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'PAYLOAD_TOO_LARGE', 'Body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid('body is not valid JSON');
  }
}
