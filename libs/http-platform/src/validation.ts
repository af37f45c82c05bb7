import { ValidationError, ValidationPipe } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DomainError, FieldProblem, PayloadTooLargeError, ValidationFailedError } from './domain-errors';
import { toErrorEnvelope } from './error-envelope';
import { requestIdOf } from './request-id';

/** Flattens class-validator's tree into `field.path: message` problems. */
export function toFieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    for (const message of Object.values(error.constraints ?? {})) problems.push({ field, message });
    if (error.children?.length) problems.push(...toFieldProblems(error.children, field));
  }
  return problems;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldProblems(errors)),
  });
}

/** What a body parser's refusal means to the caller: the field to name and why. */
function bodyProblem(error: { type?: string; code?: string; status?: number; statusCode?: number }): DomainError | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ValidationFailedError([{ field: 'body', message: 'is not valid JSON' }], 'Request body is not valid JSON');
    case 'entity.too.large':
      return new PayloadTooLargeError('Request body is too large');
    case 'encoding.unsupported':
      return new ValidationFailedError([{ field: 'Content-Encoding', message: 'must be identity, gzip, deflate or br' }], 'Unsupported Content-Encoding');
    case 'charset.unsupported':
      return new ValidationFailedError([{ field: 'Content-Type', message: 'charset must be utf-8' }], 'Unsupported charset');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
    case 'entity.verify.failed':
      return new ValidationFailedError([{ field: 'body', message: 'could not be read' }], 'Request body could not be read');
  }
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) {
    return new ValidationFailedError([{ field: 'body', message: 'is not valid for its Content-Encoding' }], 'Request body could not be decompressed');
  }
  const status = error.status ?? error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ValidationFailedError([{ field: 'body', message: 'could not be read' }], 'Request body could not be read');
  }
  return null;
}

/**
 * Express error middleware for right after the body parsers: every refusal
 * of theirs (bad JSON, unknown charset or Content-Encoding, broken gzip, too
 * large) becomes the error envelope with the request's id, never a 500.
 */
export function bodyParserErrorHandler(
  error: unknown,
  request: { id?: unknown },
  response: { headersSent: boolean; setHeader(name: string, value: string): void; status(code: number): { json(body: unknown): void } },
  next: (error?: unknown) => void,
): void {
  const problem = error && typeof error === 'object' ? bodyProblem(error) : null;
  if (!problem) {
    next(error);
    return;
  }
  const requestId = requestIdOf(request);
  const { status, body } = toErrorEnvelope(problem, requestId);
  if (response.headersSent) return;
  response.setHeader('X-Request-Id', requestId);
  response.setHeader('Connection', 'close'); // the rest of an unread body must not be read as the next request
  response.status(status).json(body);
}

/**
 * Node's HTTP parser refuses some requests before any middleware sees them
 * (headers or URL over 16 KB, a malformed request line). Answer those too
 * with the envelope and a request id, not Node's bare status line.
 */
export function answerClientErrorsWithEnvelope(server: {
  on(event: 'clientError', listener: (error: Error & { code?: string }, socket: import('node:net').Socket) => void): unknown;
}): void {
  server.on('clientError', (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return;
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = tooLarge ? 431 : timedOut ? 408 : 400;
    const reason = tooLarge ? 'Request Header Fields Too Large' : timedOut ? 'Request Timeout' : 'Bad Request';
    const requestId = `req_${randomBytes(12).toString('base64url')}`;
    const body = JSON.stringify({
      success: false,
      code: 'VALIDATION_FAILED',
      error: tooLarge
        ? 'The request line or headers are larger than 16 KB'
        : timedOut
          ? 'The request took too long to arrive'
          : 'The request could not be parsed as HTTP',
      requestId,
      details: [{ field: tooLarge ? 'headers' : 'request', message: tooLarge ? 'must be under 16 KB, the URL included' : 'is not a valid HTTP/1.1 request' }],
    });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
