/** What the service pushes to integrations (docs/operations.md "Events for payroll"). */
export const EVENT_TYPES = ['run.succeeded', 'run.failed', 'statement.approved', 'period.approved', 'statement.paid', 'statement.reopened'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event to publish with the change it tells of. */
export interface NewEvent {
  type: EventType;
  /** Events of one key reach each subscription in the order their changes committed: `statement:<id>`, `period:<yyyy-mm>`, `run:<id>`. */
  orderingKey: string;
  data: Record<string, unknown>;
}
