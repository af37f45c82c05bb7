import { AuraCall } from '@app/aura-client';
import { calendarDay, deriveCall, DerivationSettings } from './call-derivation';

const settings: DerivationSettings = {
  amountScale: 2,
  currency: 'USD',
  roundingMode: 'half_up' as const,
  timezone: 'UTC',
  commissionableStatuses: ['closed'],
  commissionDateFields: ['ended_at', 'scheduled_at', 'created_at'],
};

const closed: AuraCall = {
  id: 'call-1',
  status: 'closed',
  closer_id: 'user_closer',
  setter_id: 'user_setter',
  linked_payment_id: 'pay-1',
  expected_deal_value: 500000,
  created_at: '2026-01-17T08:00:00Z',
  scheduled_at: '2026-01-20T15:00:00Z',
  ended_at: '2026-01-31T23:30:00Z',
};

describe('deriveCall', () => {
  it('reads the deal value as minor units: 500000 → 5000.00', () => {
    expect(deriveCall(closed, settings)).toMatchObject({ baseAmount: '5000.00', commissionable: true, reason: null, currency: 'USD' });
    expect(deriveCall(closed, { ...settings, amountScale: 0 }).baseAmount).toBe('500000');
    expect(deriveCall({ ...closed, expected_deal_value: 1 }, { ...settings, amountScale: 3 }).baseAmount).toBe('0.001');
  });

  it('dates the commission by ended_at, else scheduled_at, else created_at', () => {
    expect(deriveCall(closed, settings).commissionDay).toBe('2026-01-31');
    expect(deriveCall({ ...closed, ended_at: null }, settings).commissionDay).toBe('2026-01-20');
    expect(deriveCall({ ...closed, ended_at: null, scheduled_at: null }, settings).commissionDay).toBe('2026-01-17');
    expect(deriveCall({ ...closed }, { ...settings, commissionDateFields: ['created_at'] }).period).toBe('2026-01');
  });

  it('puts the call in the month of the commission time zone', () => {
    expect(deriveCall(closed, settings).period).toBe('2026-01');
    expect(deriveCall(closed, { ...settings, timezone: 'Asia/Tokyo' }).period).toBe('2026-02');
    expect(calendarDay(new Date('2026-03-01T03:00:00Z'), 'America/New_York')).toBe('2026-02-28');
  });

  it.each([
    ['not_closed', { status: 'no_show' }],
    ['not_closed', { status: null }],
    ['no_payment', { linked_payment_id: null }],
    ['no_closer', { closer_id: null }],
    ['no_deal_value', { expected_deal_value: 0 }],
    ['no_deal_value', { expected_deal_value: null }],
    ['no_commission_date', { ended_at: null, scheduled_at: null, created_at: null }],
  ])('marks a call %s with its reason', (reason, change) => {
    expect(deriveCall({ ...closed, ...change }, settings)).toMatchObject({ commissionable: false, reason });
  });

  it('honours COMMISSIONABLE_STATUSES', () => {
    expect(deriveCall({ ...closed, status: 'won' }, { ...settings, commissionableStatuses: ['closed', 'won'] }).commissionable).toBe(true);
  });
});
