import { parseAuraPayment } from './aura-payment';

const valid = {
  id: '403ebef4-39b7-43a9-8633-c107cae8737a',
  amount: 500000,
  currency: 'usd',
  status: 'succeeded',
  call_id: '550e8400-e29b-41d4-a716-446655440000',
  lead_id: '650e8400-e29b-41d4-a716-446655440001',
  payment_date: '2026-01-20T16:00:00Z',
  refund_status: null,
  refunded_amount: null,
  refunded_at: null,
  provider: 'stripe',
  property1: { kept: true },
};

describe('parseAuraPayment', () => {
  it('accepts a payment and keeps every field, unknown ones too', () => {
    expect(parseAuraPayment(valid)).toEqual({ ok: true, payment: valid });
  });

  it('keeps an undocumented or missing status (the call then earns nothing) rather than quarantining it', () => {
    expect(parseAuraPayment({ ...valid, status: 'chargeback' }).ok).toBe(true);
    const { status: _status, ...withoutStatus } = valid;
    expect(parseAuraPayment(withoutStatus).ok).toBe(true);
  });

  it.each([
    ['not_an_object', 'a string', 'payment'],
    ['missing_id', 'no id', { ...valid, id: ' ' }],
    ['invalid_id', 'a numeric id', { ...valid, id: 7 }],
    ['invalid_status', 'a status that is not text', { ...valid, status: 1 }],
    ['invalid_amount', 'no amount', { ...valid, amount: undefined }],
    ['invalid_amount', 'an amount in units with a fraction', { ...valid, amount: 5000.5 }],
    ['invalid_amount', 'a negative amount', { ...valid, amount: -1 }],
    ['invalid_amount', 'an amount as text', { ...valid, amount: '500000' }],
    ['invalid_currency', 'no currency', { ...valid, currency: null }],
    ['invalid_currency', 'a currency that is no ISO code', { ...valid, currency: 'dollars' }],
    ['invalid_refunded_amount', 'a refund as text', { ...valid, refunded_amount: '100' }],
    ['invalid_date', 'a refund date without a zone', { ...valid, refunded_at: '2026-01-21T10:00:00' }],
    ['invalid_field', 'a call id that is not text', { ...valid, call_id: ['x'] }],
  ])('quarantines %s: %s', (reason, _what, raw) => {
    const result = parseAuraPayment(raw);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok && !['not_an_object', 'missing_id', 'invalid_id'].includes(reason))
      expect(result.message).toContain(`payment ${(raw as { id: unknown }).id}`);
  });
});
