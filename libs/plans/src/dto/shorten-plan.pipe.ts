import { Injectable, PipeTransform } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from '@app/http-platform';
import { isCalendarDay } from './calendar';

/** PATCH /v1/plans/:id: the only change a plan accepts is an end date. */
export interface ShortenPlanRequest {
  effectiveTo: string;
}

const IMMUTABLE = 'cannot be changed: a plan is immutable once created except for ending it (effective_to); a change of terms is a new plan';

/** Reads `{ "effective_to": "YYYY-MM-DD" }`; any other field is refused by name as immutable. */
@Injectable()
export class ShortenPlanPipe implements PipeTransform<unknown, ShortenPlanRequest> {
  transform(value: unknown): ShortenPlanRequest {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object such as {"effective_to": "2026-07-01"}' }]);
    }
    const body = value as Record<string, unknown>;
    const problems: FieldProblem[] = Object.keys(body)
      .filter((key) => key !== 'effective_to')
      .map((key) => ({ field: key, message: IMMUTABLE }));
    const effectiveTo = body.effective_to;
    if (effectiveTo === undefined) {
      problems.push({ field: 'effective_to', message: 'is required: the first day the plan no longer applies, written YYYY-MM-DD' });
    } else if (effectiveTo === null) {
      problems.push({ field: 'effective_to', message: 'cannot be removed: a plan may only be ended or ended earlier, never lengthened' });
    } else if (typeof effectiveTo !== 'string' || !isCalendarDay(effectiveTo)) {
      problems.push({ field: 'effective_to', message: 'must be a date written YYYY-MM-DD' });
    }
    if (problems.length > 0) throw new ValidationFailedError(problems);
    return { effectiveTo: effectiveTo as string };
  }
}
