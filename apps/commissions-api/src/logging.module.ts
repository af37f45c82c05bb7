import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { httpConfig, HttpConfig } from '@app/configuration';
import { assignRequestId } from '@app/http-platform';

const SECRET_PARAMETER = /([?&](?:api[_-]?key|key|token|access[_-]?token|secret|password)=)[^&]*/gi;

const SECRET_NAME = /^(?:api[_-]?key|key|token|access[_-]?token|secret|password)$/i;

function redactQuery(url: string | undefined): string | undefined {
  return url?.replace(SECRET_PARAMETER, '$1***');
}

function redactFields(query: unknown): unknown {
  if (!query || typeof query !== 'object') return query;
  return Object.fromEntries(Object.entries(query as Record<string, unknown>).map(([name, value]) => [name, SECRET_NAME.test(name) ? '***' : value]));
}

/** pino: JSON lines (pretty with LOG_FORMAT=pretty), the request id on every line, keys redacted. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [httpConfig.KEY],
      useFactory: (config: HttpConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: (request, response) => assignRequestId(request, response),
          customProps: (request) => ({ requestId: request.id }),
          redact: [
            'req.headers.authorization',
            'req.headers["idempotency-key"]',
            'req.headers["x-api-key"]',
            'req.headers["x-aura-signature"]',
            'req.headers.cookie',
          ],
          // A key sent in the query string is as secret as one in a header.
          serializers: { req: (req: { url?: string; query?: unknown }) => ({ ...req, url: redactQuery(req.url), query: redactFields(req.query) }) },
          autoLogging: { ignore: (request) => (request.url ?? '').startsWith('/health') },
          transport: config.logFormat === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
        },
      }),
    }),
  ],
})
export class LoggingModule {}
