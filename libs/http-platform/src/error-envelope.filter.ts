import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
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
    response.status(status).json(body);
  }
}
