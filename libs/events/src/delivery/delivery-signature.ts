import { createHmac, randomBytes } from 'node:crypto';

/** The header a receiver verifies: hex HMAC-SHA256 of the raw body with the subscription's secret (Aura's own scheme). */
export const SIGNATURE_HEADER = 'X-Commissions-Signature';
export const EVENT_ID_HEADER = 'X-Commissions-Event-Id';
export const EVENT_TYPE_HEADER = 'X-Commissions-Event-Type';

export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** 256 random bits, shown once. */
export function newSubscriptionSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}
