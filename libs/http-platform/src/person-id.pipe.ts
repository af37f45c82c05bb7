import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from './domain-errors';

/** Aura's person ids: `user_…`, or a uuid as an older revision of its docs gave. */
export const PERSON_ID_PATTERN = /^(?:user_[A-Za-z0-9]{1,100}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/** A payee id route parameter; the 400 names it. */
@Injectable()
export class PersonIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!PERSON_ID_PATTERN.test(value)) throw new ValidationFailedError([{ field: metadata.data ?? 'id', message: 'must be a user_… id or a uuid' }]);
    return value;
  }
}
