import { Injectable, PipeTransform } from '@nestjs/common';
import { validatePlanDefinition, type PlanDefinition } from '@app/commission-engine';
import { FieldProblem, ValidationFailedError } from '@app/http-platform';

/**
 * The plan JSON of a request body, checked by the engine's own validator (not
 * class-validator: that would strip or refuse fields before the validator
 * could name them). Every problem is listed, each naming its field.
 */
@Injectable()
export class PlanDefinitionPipe implements PipeTransform<unknown, PlanDefinition> {
  transform(value: unknown): PlanDefinition {
    const result = readPlanDefinition(value, '');
    if (!result.ok) throw new ValidationFailedError(result.problems, invalidPlanSummary(result.problems));
    return result.plan;
  }
}

export type PlanReading = { ok: true; plan: PlanDefinition } | { ok: false; problems: FieldProblem[] };

/** Validates a plan found at `path` of the body ('' for the body itself, 'plan' inside a preview). */
export function readPlanDefinition(value: unknown, path: string): PlanReading {
  const result = validatePlanDefinition(value);
  if (result.ok) return result;
  return {
    ok: false,
    problems: result.errors.map((error) => ({ field: fieldAt(path, error.field), message: error.message })),
  };
}

export function invalidPlanSummary(problems: FieldProblem[]): string {
  const shown = problems.slice(0, 3).map((problem) => `${problem.field}: ${problem.message}`);
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more; see details)` : '';
  return `Invalid plan: ${shown.join('; ')}${more}`;
}

function fieldAt(path: string, field: string): string {
  if (field === '') return path === '' ? 'body' : path;
  if (path === '') return field;
  return field.startsWith('[') ? `${path}${field}` : `${path}.${field}`;
}
