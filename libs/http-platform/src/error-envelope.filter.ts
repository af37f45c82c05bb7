import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimitedError } from './domain-errors';
import { toErrorEnvelope } from './error-envelope';
import { requestIdOf } from './request-id';

@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorEnvelopeFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const requestId = requestIdOf(request);
    const { status, body } = toErrorEnvelope(error, requestId);
    if (status >= 500) {
      this.logger.error({ err: error, requestId, path: request.url }, 'Request failed');
    }
    if (response.headersSent) return;
    response.setHeader('X-Request-Id', requestId);
    if (status === 429 && !response.getHeader('Retry-After')) {
      response.setHeader('Retry-After', String(error instanceof RateLimitedError ? error.retryAfterSeconds : 60));
    }
    response.status(status).json(body);
  }
}
