import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Secrets look like `acs_<32 base62-ish chars>`; the first 12 characters are the visible prefix. */
export const KEY_PREFIX_LENGTH = 12;

export function generateApiKeySecret(): string {
  return `acs_${randomBytes(24).toString('base64url')}`;
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function prefixOf(secret: string): string {
  return secret.slice(0, KEY_PREFIX_LENGTH);
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
