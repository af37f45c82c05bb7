/**
 * A commission period: `YYYY-MM`, a calendar month of a year from 1970 to
 * 2999. The one home of the rule: runs, previews, filters and route
 * parameters all read it, so a period one accepts the others accept too.
 */
export const PERIOD_PATTERN = /^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && PERIOD_PATTERN.test(value);
}

export const PERIOD_RULE = 'a month written YYYY-MM, from 1970-01 to 2999-12';
