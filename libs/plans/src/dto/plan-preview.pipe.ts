import { Injectable, PipeTransform } from '@nestjs/common';
import type { PlanDefinition } from '@app/commission-engine';
import { FieldProblem, ValidationFailedError } from '@app/http-platform';
import { isPeriod, PERIOD_RULE } from './calendar';
import { readPlanDefinition } from './plan-definition.pipe';

export interface PlanPreviewRequest {
  period: string;
  plan: PlanDefinition;
}

/** Reads `{ "period": "YYYY-MM", "plan": {…} }`, listing every problem: the period's and the plan's (as plan.<field>). */
@Injectable()
export class PlanPreviewPipe implements PipeTransform<unknown, PlanPreviewRequest> {
  transform(value: unknown): PlanPreviewRequest {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object {"period": "YYYY-MM", "plan": {…}}' }]);
    }
    const body = value as Record<string, unknown>;
    const problems: FieldProblem[] = Object.keys(body)
      .filter((key) => key !== 'period' && key !== 'plan')
      .map((key) => ({ field: key, message: `unknown field "${key}"; allowed here: period, plan` }));
    if (body.period === undefined) problems.push({ field: 'period', message: 'is required: a month written YYYY-MM' });
    else if (typeof body.period !== 'string' || !isPeriod(body.period)) problems.push({ field: 'period', message: `must be ${PERIOD_RULE}` });
    let plan: PlanDefinition | null = null;
    if (body.plan === undefined) {
      problems.push({ field: 'plan', message: 'is required: the proposed plan, as for POST /v1/plans' });
    } else {
      const reading = readPlanDefinition(body.plan, 'plan');
      if (reading.ok) plan = reading.plan;
      else problems.push(...reading.problems);
    }
    if (problems.length > 0 || plan === null) throw new ValidationFailedError(problems);
    return { period: body.period as string, plan };
  }
}
