import { CallFilter, CallStore } from './call-store';
import { decodePathSegment, HttpProblem, invalid, JsonReply, ok } from './http-exchange';
import { PaymentFilter, PaymentStore } from './payment-store';
import { decodeCursor, encodeCursor, RecordKey, RecordPage } from './record-store';
import { parseIsoDateTime } from './sandbox-time';
import { TeamFilter, TeamStore } from './team-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLERK_USER_ID = /^user_[A-Za-z0-9]+$/;
const TEAM_ROLES = ['admin', 'member'];

interface PageRequest {
  limit: number;
  after: RecordKey | null;
}

/** Aura's read API: `GET /v1/calls`, `/v1/calls/{id}`, `/v1/payments`, `/v1/payments/{id}`, `/v1/team`. */
export class ApiRoutes {
  constructor(
    private readonly calls: CallStore,
    private readonly payments: PaymentStore,
    private readonly team: TeamStore,
  ) {}

  /** The answer to a GET of `path`; throws HttpProblem for a 4xx. */
  route(path: string, query: URLSearchParams): JsonReply {
    if (path === '/v1/calls') {
      const { limit, after } = pageRequest(query);
      return pageReply(this.calls.list(callFilter(query), after, limit));
    }
    if (path === '/v1/payments') {
      const { limit, after } = pageRequest(query);
      return pageReply(this.payments.list(paymentFilter(query), after, limit));
    }
    if (path === '/v1/team') {
      const { limit, after } = pageRequest(query);
      return pageReply(this.team.list(teamFilter(query), after, limit));
    }
    const call = /^\/v1\/calls\/([^/]+)$/.exec(path);
    if (call) return oneRecord(this.calls.peek(decodePathSegment(call[1], 'Call not found')), 'Call not found');
    const payment = /^\/v1\/payments\/([^/]+)$/.exec(path);
    if (payment) {
      return oneRecord(this.payments.peek(decodePathSegment(payment[1], 'Payment not found')), 'Payment not found');
    }
    throw new HttpProblem(404, 'NOT_FOUND', 'Route not found');
  }
}

function oneRecord(record: unknown, notFound: string): JsonReply {
  if (record === undefined) throw new HttpProblem(404, 'NOT_FOUND', notFound);
  return ok({ success: true, data: record });
}

function pageReply(page: RecordPage): JsonReply {
  const nextCursor = page.nextKey === null ? null : encodeCursor(page.nextKey);
  return ok({ data: page.records, pagination: { has_more: page.hasMore, next_cursor: nextCursor } });
}

function pageRequest(query: URLSearchParams): PageRequest {
  const limitText = query.get('limit');
  let limit = 50;
  if (limitText !== null) {
    limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= 100)) throw invalid('limit must be an integer from 1 to 100');
  }
  const cursorText = query.get('cursor');
  const after = cursorText === null || cursorText === '' ? null : decodeCursor(cursorText);
  if (after === null && cursorText) throw invalid('cursor is invalid');
  return { limit, after };
}

/** A query parameter, or undefined when it is missing or empty. */
function parameter(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

function uuidParameter(query: URLSearchParams, name: string): string | undefined {
  const value = parameter(query, name);
  if (value !== undefined && !UUID.test(value)) throw invalid(`${name} must be a uuid`);
  return value;
}

function userIdParameter(query: URLSearchParams, name: string): string | undefined {
  const value = parameter(query, name);
  if (value !== undefined && !CLERK_USER_ID.test(value)) throw invalid(`${name} must match ^user_[A-Za-z0-9]+$`);
  return value;
}

function dateTimeParameter(query: URLSearchParams, name: string): number | undefined {
  const value = parameter(query, name);
  if (value === undefined) return undefined;
  const ms = parseIsoDateTime(value);
  if (ms === null) throw invalid(`${name} must be an ISO 8601 date-time with a time zone, e.g. 2026-04-01T00:00:00Z`);
  return ms;
}

function callFilter(query: URLSearchParams): CallFilter {
  const filter: CallFilter = {
    status: parameter(query, 'status'),
    lead_id: uuidParameter(query, 'lead_id'),
    booking_link_id: uuidParameter(query, 'booking_link_id'),
    closer_id: userIdParameter(query, 'closer_id'),
    setter_id: userIdParameter(query, 'setter_id'),
  };
  const upcoming = parameter(query, 'is_upcoming');
  if (upcoming !== undefined) {
    if (upcoming !== 'true' && upcoming !== 'false') throw invalid('is_upcoming must be true or false');
    filter.is_upcoming = upcoming === 'true';
  }
  return filter;
}

function paymentFilter(query: URLSearchParams): PaymentFilter {
  return {
    status: parameter(query, 'status'),
    lead_id: uuidParameter(query, 'lead_id'),
    fromMs: dateTimeParameter(query, 'from_date'),
    toMs: dateTimeParameter(query, 'to_date'),
  };
}

function teamFilter(query: URLSearchParams): TeamFilter {
  const role = parameter(query, 'role');
  if (role !== undefined && !TEAM_ROLES.includes(role)) throw invalid(`role must be one of ${TEAM_ROLES.join(', ')}`);
  return { role };
}
