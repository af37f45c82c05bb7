import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ErrorEnvelopeFilter } from './error-envelope.filter';
import { TextSafetyPipe } from './text-safety.pipe';
import { createValidationPipe } from './validation';

/** Registered as providers so any test that boots the module gets them too. */
@Module({
  providers: [
    // In this order: unstorable text and deep nesting are refused before validation walks the value.
    { provide: APP_PIPE, useClass: TextSafetyPipe },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
  ],
})
export class HttpPlatformModule {}
