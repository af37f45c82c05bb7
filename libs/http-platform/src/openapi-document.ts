import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { HTTP_STATUS_OF, type ErrorCode } from './domain-errors';

const ERROR_CODES = Object.keys(HTTP_STATUS_OF) as ErrorCode[];

/** A property that holds any JSON value (a record as Aura sent it, an audit entry's details). */
export const ANY_JSON = {
  description: 'Any JSON value (null included)',
  anyOf: [
    { type: 'object', additionalProperties: true, nullable: true },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
  ],
} as ApiPropertyOptions;

/** The error envelope as the API document describes it (ErrorEnvelope, error-envelope.ts). */
export class ErrorEnvelopeView {
  @ApiProperty({ enum: [false] }) success: false;
  @ApiProperty({ enum: ERROR_CODES }) code: ErrorCode;
  @ApiProperty({ description: 'What went wrong, in a sentence' }) error: string;
  @ApiProperty({ description: 'The same as the X-Request-Id header' }) requestId: string;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'For a 400, one entry per bad field ({field, message}); for a 409, what conflicts' })
  details: unknown[];
}

/**
 * Completes the generated document with what every route shares: the error
 * responses it can give, in the envelope (400 when it takes input, 401 and
 * 403 when it needs a key, 404 when it names a resource, 409 when it
 * changes something, 429 under /v1),
 * `security: []` on the routes that need no key, and a server.
 */
export function withSharedResponses(document: OpenAPIObject): OpenAPIObject {
  const envelope = { 'application/json': { schema: { $ref: `#/components/schemas/${ErrorEnvelopeView.name}` } } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.security ??= [];
      const errors: [string, string][] = [];
      if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody) errors.push(['400', 'Invalid request: `details` names each bad field']);
      if (operation.security.length > 0) errors.push(['401', 'Missing, unknown or revoked API key'], ['403', 'This key’s role may not call this route']);
      if (path.includes('{')) errors.push(['404', 'No such resource (or none this key may read)']);
      if (path.startsWith('/v1/') && method !== 'get')
        errors.push(['409', 'The resource’s state does not allow this now (`details` say why), or an Idempotency-Key reused with another body']);
      if (path.startsWith('/v1/')) errors.push(['429', 'Too many requests for this key (or failed authentications from this address); see Retry-After']);
      for (const [status, description] of errors) operation.responses[status] ??= { description, content: envelope };
      // Errors a route declares itself (a 409, say) are the envelope too.
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response && /^[45]/.test(status) && path.startsWith('/v1/') && !('$ref' in response) && !response.content) response.content = envelope;
      }
    }
  }
  document.servers = document.servers?.length ? document.servers : [{ url: '/', description: 'This service' }];
  return document;
}
