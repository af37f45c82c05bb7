import { SetMetadata } from '@nestjs/common';

export const IDEMPOTENT_METADATA = 'access:idempotent';

/**
 * A mutating POST that honours `Idempotency-Key`: the same key and body
 * replays the first response; the same key with another body is a 409.
 */
export const Idempotent = () => SetMetadata(IDEMPOTENT_METADATA, true);
