import { isIsoDateTime, parseAuraCall } from './aura-call';

const valid = {
  id: '550e8400-e29b-41d4-a716-446655440000',
  status: 'closed',
  closer_id: 'user_2abc123xyz',
  setter_id: 'user_2def456uvw',
  lead_id: '650e8400-e29b-41d4-a716-446655440001',
  product_id: '950e8400-e29b-41d4-a716-446655440004',
  booking_link_id: '850e8400-e29b-41d4-a716-446655440003',
  linked_payment_id: '403ebef4-39b7-43a9-8633-c107cae8737a',
  expected_deal_value: 500000,
  call_kind: 'booking',
  created_at: '2026-01-17T08:00:00Z',
  updated_at: '2026-01-17T09:30:00Z',
  scheduled_at: '2026-01-20T15:00:00Z',
  started_at: '2026-01-20T15:02:00Z',
  ended_at: '2026-01-20T15:47:00Z',
  duration_minutes: 45,
  utm_source: 'google',
  utm_medium: 'cpc',
  utm_campaign: 'summer_promo',
  action_items: [{ title: 'Send contract', property1: null }],
  transcript_data: { language: 'en', segments: [], property2: 'kept' },
};

describe('parseAuraCall', () => {
  it('accepts the seed example and returns every field untouched', () => {
    const result = parseAuraCall(valid);
    expect(result).toEqual({ ok: true, call: valid });
  });

  it('keeps unknown keys, nested extra keys and older-docs fields', () => {
    const raw = { ...valid, property1: { nested: true }, organization_id: 'org-uuid', closer_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7' };
    const result = parseAuraCall(raw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.call['property1']).toEqual({ nested: true });
    expect(result.call.organization_id).toBe('org-uuid');
    expect(result.call.closer_id).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    expect(result.call.transcript_data?.['property2']).toBe('kept');
  });

  it.each([
    ['status absent', { outcome: 'closed' }, 'closed'],
    ['status null', { status: null, outcome: 'no_show' }, 'no_show'],
    ['status wins over outcome', { status: 'closed', outcome: 'no_show' }, 'closed'],
    ['neither', {}, undefined],
  ])('normalises the older `outcome` naming (%s)', (_name, statusFields, expected) => {
    const { status: _status, ...rest } = valid;
    const raw = { ...rest, ...statusFields };
    const result = parseAuraCall(raw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.call.status).toBe(expected);
    if ('outcome' in statusFields) expect(result.call.outcome).toBe(statusFields.outcome);
  });

  it('does not mutate its input', () => {
    const raw = { id: 'x', outcome: 'closed' };
    parseAuraCall(raw);
    expect(raw).toEqual({ id: 'x', outcome: 'closed' });
  });

  it.each([
    ['deal value null', { expected_deal_value: null }],
    ['deal value absent', { expected_deal_value: undefined }],
    ['deal value zero', { expected_deal_value: 0 }],
    ['closer and setter null', { closer_id: null, setter_id: null }],
    ['dates null', { started_at: null, ended_at: null }],
    ['offset date-time', { ended_at: '2026-01-20T17:47:00+02:00' }],
    ['fractional seconds', { created_at: '2026-01-17T08:00:00.123456Z' }],
    ['no seconds', { scheduled_at: '2026-01-20T15:00Z' }],
    ['minimal record', { id: 'abc', status: undefined }],
  ])('accepts %s', (_name, change) => {
    expect(parseAuraCall({ ...valid, ...change }).ok).toBe(true);
  });

  it.each<[string, unknown, string, string | undefined]>([
    ['a string', 'garbage', 'not_an_object', undefined],
    ['null', null, 'not_an_object', undefined],
    ['an array', [valid], 'not_an_object', undefined],
    ['no id', { ...valid, id: undefined }, 'missing_id', 'id'],
    ['null id', { ...valid, id: null }, 'missing_id', 'id'],
    ['empty id', { ...valid, id: '  ' }, 'missing_id', 'id'],
    ['numeric id', { ...valid, id: 42 }, 'invalid_id', 'id'],
    ['deal value text', { ...valid, expected_deal_value: 'abc' }, 'invalid_deal_value', 'expected_deal_value'],
    ['deal value numeric text', { ...valid, expected_deal_value: '500000' }, 'invalid_deal_value', 'expected_deal_value'],
    ['deal value negative', { ...valid, expected_deal_value: -5 }, 'invalid_deal_value', 'expected_deal_value'],
    ['deal value fraction', { ...valid, expected_deal_value: 12.5 }, 'invalid_deal_value', 'expected_deal_value'],
    ['deal value unsafe', { ...valid, expected_deal_value: 2 ** 60 }, 'invalid_deal_value', 'expected_deal_value'],
    ['ended_at not a date', { ...valid, ended_at: 'not-a-date' }, 'invalid_date', 'ended_at'],
    ['created_at a number', { ...valid, created_at: 1768636800 }, 'invalid_date', 'created_at'],
    ['updated_at impossible day', { ...valid, updated_at: '2026-02-30T10:00:00Z' }, 'invalid_date', 'updated_at'],
    ['scheduled_at without zone', { ...valid, scheduled_at: '2026-01-20T15:00:00' }, 'invalid_date', 'scheduled_at'],
    ['started_at date only', { ...valid, started_at: '2026-01-20' }, 'invalid_date', 'started_at'],
    ['closer_id a number', { ...valid, closer_id: 17 }, 'invalid_person_id', 'closer_id'],
    ['setter_id an object', { ...valid, setter_id: { id: 'user_1' } }, 'invalid_person_id', 'setter_id'],
    ['status a number', { ...valid, status: 3 }, 'invalid_status', 'status'],
    ['outcome a boolean', { ...valid, status: undefined, outcome: true }, 'invalid_status', 'outcome'],
    ['linked_payment_id a number', { ...valid, linked_payment_id: 99 }, 'invalid_field', 'linked_payment_id'],
    ['utm_source an array', { ...valid, utm_source: ['google'] }, 'invalid_field', 'utm_source'],
  ])('quarantines %s', (_name, raw, reason, field) => {
    const result = parseAuraCall(raw);
    expect(result).toMatchObject({ ok: false, reason });
    if (result.ok) return;
    expect(result.field).toBe(field);
    expect(result.message).toEqual(expect.any(String));
    expect(result.message.length).toBeGreaterThan(5);
    if (field !== undefined && field !== 'id') expect(result.id).toBe(valid.id);
  });

  it('names the call and the offending value in the message', () => {
    const result = parseAuraCall({ ...valid, expected_deal_value: 'abc' });
    expect(result).toEqual({
      ok: false,
      reason: 'invalid_deal_value',
      field: 'expected_deal_value',
      id: valid.id,
      message: `call ${valid.id}: expected_deal_value is "abc", not a non-negative integer`,
    });
  });
});

describe('isIsoDateTime', () => {
  it.each([
    ['2026-01-17T08:00:00Z', true],
    ['2026-01-17 08:00:00Z', true],
    ['2024-02-29T00:00:00Z', true],
    ['2026-01-17T08:00:00+0530', true],
    ['2025-02-29T00:00:00Z', false],
    ['2026-01-17T24:00:00Z', false],
    ['2026-13-01T00:00:00Z', false],
    ['2026-01-17T08:00:00+02', false],
    ['17/01/2026 08:00', false],
  ])('%s → %s', (value, expected) => {
    expect(isIsoDateTime(value)).toBe(expected);
  });
});
