import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { httpConfig, HttpConfig } from '@app/configuration';
import { assignRequestId } from '@app/http-platform';

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
          redact: ['req.headers.authorization', 'req.headers["idempotency-key"]'],
          autoLogging: { ignore: (request) => (request.url ?? '').startsWith('/health') },
          transport: config.logFormat === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
        },
      }),
    }),
  ],
})
export class LoggingModule {}
