export * from './aura-call';
export * from './aura-client';
export * from './aura-errors';
export * from './aura-key-gate';
export * from './aura-payment';
export * from './list-calls-query';
export * from './list-payments-query';
export type { RateLimitSnapshot } from './rate-limit-pacer';
export { parseRetryAfterMs } from './rate-limit-pacer';
