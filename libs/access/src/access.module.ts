import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { httpConfig, HttpConfig } from '@app/configuration';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditController } from './audit/audit.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditRepository } from './audit/audit.repository';
import { AuditService } from './audit/audit.service';
import { ApiKeyGuard } from './authorization/api-key.guard';
import { AuthFailureLimiter } from './authorization/auth-failure-limiter';
import { PerKeyThrottlerGuard } from './authorization/per-key-throttler.guard';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyRepository } from './idempotency/idempotency.repository';

/**
 * Who may call what. Guards run in the order registered: the key first, then
 * the per-key rate limit. Interceptors: audit outermost, so replays and
 * refusals by the idempotency layer are audited too.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [httpConfig.KEY],
      // Named 'default' so that @SkipThrottle() skips it and the 429 carries a plain Retry-After.
      useFactory: (config: HttpConfig) => [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
    }),
  ],
  controllers: [ApiKeysController, AuditController],
  providers: [
    ApiKeysRepository,
    ApiKeysService,
    AuditRepository,
    AuditService,
    IdempotencyRepository,
    { provide: AuthFailureLimiter, inject: [httpConfig.KEY], useFactory: (config: HttpConfig) => new AuthFailureLimiter(config) },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: PerKeyThrottlerGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [ApiKeysService, AuditService, AuthFailureLimiter],
})
export class AccessModule {}
