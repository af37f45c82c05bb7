import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { raw } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { loadConfiguration } from '@app/configuration';
import { Metrics } from '@app/observability';
import { answerClientErrorsWithEnvelope, assignRequestId, bodyParserErrorHandler, ErrorEnvelopeView, withSharedResponses } from '@app/http-platform';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppModule } from './app.module';

/** Builds the HTTP application exactly as production runs it; tests use it too. */
export async function createApp(): Promise<INestApplication> {
  const { http } = loadConfiguration(process.env);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // Before anything can fail: every answer, a body parser's refusal included, carries the request id.
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    assignRequestId(request, response);
    next();
  });
  app.use(app.get(Metrics).httpMiddleware());
  // nosniff, no framing, and a Content-Security-Policy that lets /docs load only its own files.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      hsts: false, // TLS ends in front of the service (docs/operations.md)
    }),
  );
  // API answers carry pay and secrets: never cached by a browser or a proxy.
  app.use('/v1', (_request: IncomingMessage, response: ServerResponse, next: () => void) => {
    response.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Aura's webhooks are read as bytes, whatever their Content-Type: the signature is checked before any parsing.
  app.use('/v1/webhooks/aura', raw({ type: () => true, limit: http.bodyLimit }));
  app.useBodyParser('json', { limit: http.bodyLimit });
  app.use(bodyParserErrorHandler);
  answerClientErrorsWithEnvelope(app.getHttpServer());
  app.set('trust proxy', trustProxySetting(http.trustProxy));
  app.disable('x-powered-by');
  // Exit through process.exit so pino flushes what shutdown logged; re-raising
  // the signal (Nest's default) could end the process with lines unwritten.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  // Built on the first request for /docs, not at start (docs: "Start fast"); the same document after that.
  let document: ReturnType<typeof SwaggerModule.createDocument> | null = null;
  const describe = () =>
    (document ??= withSharedResponses(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Aura commission service')
          .setDescription(
            'Commission plans, payout runs and statements for closers and setters, computed from Aura calls. ' +
              'Every /v1 route needs `Authorization: Bearer <key>`. Money is a decimal string. Errors use one envelope.',
          )
          .setVersion('1')
          .addBearerAuth()
          .build(),
        { extraModels: [ErrorEnvelopeView] },
      ),
    ));
  SwaggerModule.setup('docs', app, describe, { jsonDocumentUrl: 'docs-json' });
  return app;
}

function trustProxySetting(value: string): string | number | boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
