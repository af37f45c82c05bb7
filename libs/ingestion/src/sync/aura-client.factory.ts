import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuraClient, AuraKeyGate } from '@app/aura-client';
import { auraConfig, type AuraConfig } from '@app/configuration';
import { Metrics } from '@app/observability';

/**
 * A fresh client per sync (or webhook batch), so each one's request counters
 * start at zero; all of them go through one gate, the key's, so that the
 * sync and the webhook worker together stay inside the key's rate limit.
 */
@Injectable()
export class AuraClientFactory {
  private readonly logger = new Logger('AuraClient');
  private readonly gate = new AuraKeyGate();

  constructor(
    @Inject(auraConfig.KEY) private readonly config: AuraConfig,
    private readonly metrics: Metrics,
  ) {}

  get configured(): boolean {
    return this.config.apiKey !== null;
  }

  create(signal?: AbortSignal): AuraClient {
    if (this.config.apiKey === null) throw new Error('AURA_API_KEY is not set');
    return new AuraClient({
      baseUrl: this.config.apiUrl,
      apiKey: this.config.apiKey,
      pageSize: this.config.pageSize,
      timeoutMs: this.config.requestTimeoutMs,
      gate: this.gate,
      maxResponseBytes: this.config.maxResponseBytes,
      signal,
      logger: { warn: (message) => this.logger.warn(message), debug: (message) => this.logger.debug(message) },
      onAttempt: (path, status, retried) => this.metrics.auraAttempt(path, status, retried),
    });
  }
}
