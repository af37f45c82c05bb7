import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, ErrorCode, HTTP_STATUS_OF } from './domain-errors';

/** The one error shape every client sees (product.md, "REST API"). */
export interface ErrorEnvelope {
  success: false;
  code: ErrorCode;
  error: string;
  requestId: string;
  details: unknown[];
}

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/** Maps anything thrown to a status and envelope; unknown errors never leak their message. */
export function toErrorEnvelope(error: unknown, requestId: string): { status: number; body: ErrorEnvelope } {
  if (error instanceof DomainError) {
    return { status: HTTP_STATUS_OF[error.code], body: envelope(error.code, error.message, requestId, error.details) };
  }
  const bodyParserError = error as { type?: string };
  if (bodyParserError?.type === 'entity.too.large') {
    return { status: 413, body: envelope('PAYLOAD_TOO_LARGE', 'Request body is too large', requestId) };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
    const message = (status as HttpStatus) === HttpStatus.TOO_MANY_REQUESTS ? 'Too many requests for this API key; slow down' : error.message;
    return { status, body: envelope(code, status >= 500 ? 'Internal error' : message, requestId) };
  }
  return { status: 500, body: envelope('INTERNAL', 'Internal error', requestId) };
}

function envelope(code: ErrorCode, error: string, requestId: string, details: unknown[] = []): ErrorEnvelope {
  return { success: false, code, error, requestId, details };
}
