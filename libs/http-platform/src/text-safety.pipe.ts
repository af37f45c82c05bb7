import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { inspectJson } from '@app/untrusted-json';
import { ValidationFailedError } from './domain-errors';

/** Request bodies nest a few levels (a plan: five); deeper is refused before anything walks it recursively. */
const MAX_REQUEST_DEPTH = 16;

/**
 * Runs before validation on every body, query and path parameter: text the
 * database cannot store or compare (a NUL, a lone UTF-16 surrogate) and
 * nesting deeper than 16 levels are a 400 naming the field, never a
 * database error or a stack overflow further in.
 */
@Injectable()
export class TextSafetyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom' || value === undefined || value === null) return value;
    if (typeof value !== 'string' && typeof value !== 'object') return value;
    const problem = inspectJson(value, MAX_REQUEST_DEPTH);
    if (!problem) return value;
    const root = metadata.type === 'body' ? 'body' : (metadata.data ?? metadata.type);
    const field = typeof value === 'string' || problem.field === '(record)' ? root : problem.field;
    const message = problem.reason === 'too_deep' ? `nests deeper than ${MAX_REQUEST_DEPTH} levels` : 'holds a NUL character or a lone UTF-16 surrogate';
    throw new ValidationFailedError([{ field, message }]);
  }
}
