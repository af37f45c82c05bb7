import { SetMetadata } from '@nestjs/common';

export const AUDITED_METADATA = 'access:audited';

/** Writes the call to the audit log, success or failure, naming the resource type. */
export const Audited = (resourceType: string) => SetMetadata(AUDITED_METADATA, resourceType);
