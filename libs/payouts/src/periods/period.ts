import { calendarDay } from '@app/ingestion';

export { isPeriod, PERIOD_PATTERN, PERIOD_RULE } from '@app/commission-engine';

/** The month before the one holding `now` in `timezone`: what the monthly run pays. */
export function previousMonth(now: Date, timezone: string): string {
  const [year, month] = calendarDay(now, timezone)
    .split('-')
    .map((part) => Number.parseInt(part, 10));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** The first instant of a period in UTC (used only when a call has lost its commission date). */
export function periodStart(period: string): Date {
  return new Date(`${period}-01T00:00:00Z`);
}

/** The month after `period` (YYYY-MM). */
export function nextPeriod(period: string): string {
  const [year, month] = period.split('-').map((part) => Number.parseInt(part, 10));
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}
