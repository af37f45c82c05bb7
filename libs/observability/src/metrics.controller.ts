import { Controller, Get, Headers, Inject, Ip, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiKeysService, AuthFailureLimiter, Public } from '@app/access';
import { observabilityConfig, type ObservabilityConfig } from '@app/configuration';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '@app/http-platform';
import { Metrics } from './metrics';

/**
 * Prometheus's scrape target. Outside /v1 and the API document (it answers
 * text, not JSON), and outside the per-key rate limit (a scraper calls every
 * few seconds). It needs METRICS_TOKEN or an admin key as a Bearer token.
 */
@ApiExcludeController()
@Public()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly apiKeys: ApiKeysService,
    private readonly failures: AuthFailureLimiter,
    @Inject(observabilityConfig.KEY) private readonly config: ObservabilityConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Ip() address: string, @Res() response: Response): Promise<void> {
    // Failed tokens count against the address like failed API keys, so neither can be guessed at speed.
    const wait = this.failures.retryAfterSeconds(address);
    if (wait > 0) throw new RateLimitedError('Too many failed authentications from this address; slow down', [], wait);
    try {
      await this.authorize(authorization);
    } catch (error) {
      if (error instanceof UnauthorizedError) this.failures.recordFailure(address);
      throw error;
    }
    const { contentType, body } = await this.metrics.render();
    response.status(200).setHeader('Content-Type', contentType);
    response.end(body);
  }

  private async authorize(authorization: string | undefined): Promise<void> {
    const match = /^Bearer\s+(\S{1,512})$/i.exec(authorization ?? '');
    if (!match) throw new UnauthorizedError('Missing token: send Authorization: Bearer <METRICS_TOKEN or an admin key>');
    if (this.config.metricsToken !== null && sameSecret(match[1], this.config.metricsToken)) return;
    const principal = await this.apiKeys.authenticate(match[1]);
    if (!principal) throw new UnauthorizedError('Unknown token: send METRICS_TOKEN or an admin key');
    if (principal.role !== 'admin') throw new ForbiddenError(`Metrics need METRICS_TOKEN or an admin key; this key has ${principal.role}`);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
