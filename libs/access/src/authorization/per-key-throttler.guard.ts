import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Principal } from './roles';

/**
 * Per-key request budget (API_RATE_LIMIT_PER_MINUTE), counted per replica.
 * Runs after the API key guard, so it can count by key; anonymous calls count by address.
 */
@Injectable()
export class PerKeyThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: { principal?: Principal; ip?: string }): Promise<string> {
    return Promise.resolve(request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip ?? 'unknown'}`);
  }

  /** One budget per key across every route (the default counts each route apart: N × routes a minute). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}
