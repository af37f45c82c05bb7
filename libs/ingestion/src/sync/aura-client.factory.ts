import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuraClient } from '@app/aura-client';
import { auraConfig, type AuraConfig } from '@app/configuration';

/** A fresh client per sync, so each run's request counters start at zero. */
@Injectable()
export class AuraClientFactory {
  private readonly logger = new Logger('AuraClient');

  constructor(@Inject(auraConfig.KEY) private readonly config: AuraConfig) {}

  get configured(): boolean {
    return this.config.apiKey !== null;
  }

  create(): AuraClient {
    if (this.config.apiKey === null) throw new Error('AURA_API_KEY is not set');
    return new AuraClient({
      baseUrl: this.config.apiUrl,
      apiKey: this.config.apiKey,
      pageSize: this.config.pageSize,
      timeoutMs: this.config.requestTimeoutMs,
      logger: { warn: (message) => this.logger.warn(message), debug: (message) => this.logger.debug(message) },
    });
  }
}
