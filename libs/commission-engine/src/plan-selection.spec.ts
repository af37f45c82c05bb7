import type { Plan, Role } from './plan-definition';
import { planCoversDay, selectPlan } from './plan-selection';
import { plan } from './testing/builders';

const plans: Plan[] = [
  plan({ id: 'default-2026', roles: { closer: { rate: '0.1' }, setter: { flat: '100' } }, effective_from: '2026-01-01' }),
  plan({ id: 'default-promo', roles: { closer: { rate: '0.12' } }, priority: 5, effective_from: '2026-03-01', effective_to: '2026-04-01' }),
  plan({ id: 'alice-only', roles: { closer: { rate: '0.2' } }, payees: ['alice'], priority: -10, effective_from: '2026-02-01' }),
  plan({ id: 'bob-high', roles: { setter: { flat: '50' } }, payees: ['bob'], priority: 2, effective_from: '2026-01-01' }),
  plan({ id: 'bob-low', roles: { setter: { flat: '40' } }, payees: ['bob', 'carol'], priority: 1, effective_from: '2026-01-01' }),
];

describe('selectPlan', () => {
  test.each<[Role, string, string, string | null]>([
    ['closer', 'carol', '2025-12-31', null],
    ['closer', 'carol', '2026-01-01', 'default-2026'],
    ['closer', 'carol', '2026-03-01', 'default-promo'],
    ['closer', 'carol', '2026-03-31', 'default-promo'],
    ['closer', 'carol', '2026-04-01', 'default-2026'],
    ['closer', 'alice', '2026-01-31', 'default-2026'],
    ['closer', 'alice', '2026-02-01', 'alice-only'],
    ['closer', 'alice', '2026-03-15', 'alice-only'],
    ['setter', 'alice', '2026-03-15', 'default-2026'],
    ['setter', 'bob', '2026-03-15', 'bob-high'],
    ['setter', 'carol', '2026-03-15', 'bob-low'],
  ])('%s %s on %s → %s', (role, payee, day, expected) => {
    expect(selectPlan(plans, role, payee, day)?.id ?? null).toBe(expected);
  });

  test('does not depend on the order of the plans', () => {
    for (const [role, payee, day] of [
      ['closer', 'carol', '2026-03-10'],
      ['setter', 'bob', '2026-03-10'],
    ] as const) {
      expect(selectPlan([...plans].reverse(), role, payee, day)).toBe(selectPlan(plans, role, payee, day));
    }
  });

  test.each([
    ['2026-01-01', true],
    ['2026-01-31', true],
    ['2026-02-01', false],
    ['2025-12-31', false],
  ])('a January plan (effective_from inclusive, effective_to exclusive) covers %s: %s', (day, covered) => {
    expect(planCoversDay({ effective_from: '2026-01-01', effective_to: '2026-02-01' }, day)).toBe(covered);
  });
});
