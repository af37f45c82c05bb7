export * from './aura-call';
export * from './aura-client';
export * from './aura-errors';
export * from './list-calls-query';
export type { RateLimitSnapshot } from './rate-limit-pacer';
export { parseRetryAfterMs } from './rate-limit-pacer';
