import { formatAmount, percent } from './explanation';
import type { Plan } from './plan-definition';
import { call, plan, run } from './testing/builders';

const lineOf = (plans: Plan[], calls: Parameters<typeof run>[0], callId: string, role = 'closer', options?: Parameters<typeof run>[2]) => {
  const line = run(calls, plans, options).lines.find((l) => l.callId === callId && l.role === role);
  if (!line) throw new Error(`no ${role} line for ${callId}`);
  return line;
};

const marginal = plan({
  id: 'closers-2026',
  name: 'Closers 2026',
  roles: {
    closer: {
      tiers: {
        basis: 'amount',
        mode: 'marginal',
        steps: [
          { from: '0', rate: '0.10' },
          { from: '15000', rate: '0.125' },
        ],
      },
      rules: [{ when: { utm_source: ['google'], product_id: ['p1', 'p2'] }, flat: '25' }],
      max_per_call: '2500',
      max_per_period: '3000',
    },
  },
});
const marginalCalls = [
  call('c1', { baseAmount: '10000', commissionDay: '2026-03-01' }),
  call('c2', { baseAmount: '10000', commissionDay: '2026-03-02', attributes: { utm_source: 'google', product_id: 'p1' } }),
  call('c3', { baseAmount: '30000', commissionDay: '2026-03-03' }),
];

describe('explanations', () => {
  test('the published example: every part of the setter line is explained', () => {
    const policy = plan({ id: 'policy', name: 'Setter/closer policy', roles: { closer: { rate: '0.20' }, setter: { rate: '0.05' } } });
    const line = lineOf([policy], [call('deal-1', { baseAmount: '3812.25', setterId: 'sam' })], 'deal-1', 'setter');
    // As a run writes it: the explanation is built when read, so compare the line serialised.
    expect(JSON.parse(JSON.stringify(line))).toEqual({
      callId: 'deal-1',
      payeeId: 'sam',
      role: 'setter',
      planId: 'policy',
      planName: 'Setter/closer policy',
      period: '2026-03',
      commissionAt: '2026-03-10T12:00:00.000Z',
      baseAmount: '3812.25',
      amount: '190.61',
      explanation: {
        plan: { id: 'policy', name: 'Setter/closer policy', priority: 0, scope: 'default' },
        role: 'setter',
        payee_id: 'sam',
        call_id: 'deal-1',
        period: '2026-03',
        currency: 'USD',
        base: '3812.25',
        rate_source: 'role_rate',
        rate: '0.05',
        rate_amount: '190.6125',
        flat: '0',
        flat_source: 'role_flat',
        unrounded: '190.6125',
        caps: [],
        rounding: { mode: 'half_up', minor_unit_digits: 2, unrounded: '190.6125', rounded: '190.61' },
        amount: '190.61',
        sentence:
          "Setter commission for sam on call deal-1: 5% of 3,812.25 plus 0.00 flat = 190.6125, rounded half up to 190.61, under plan 'Setter/closer policy'.",
      },
    });
  });

  test('a tiered line names its slices, the rule used and the volume around it', () => {
    expect(lineOf([marginal], marginalCalls, 'c2').explanation).toEqual({
      plan: { id: 'closers-2026', name: 'Closers 2026', priority: 0, scope: 'default' },
      role: 'closer',
      payee_id: 'alice',
      call_id: 'c2',
      period: '2026-03',
      currency: 'USD',
      base: '10000',
      rate_source: 'tiers',
      rule: { index: 0, when: { utm_source: ['google'], product_id: ['p1', 'p2'] }, rate: null, flat: '25' },
      tiers: {
        basis: 'amount',
        mode: 'marginal',
        volume_before: '10000',
        volume_after: '20000',
        slices: [
          { step: 0, from: '0', to: '15000', rate: '0.10', base: '5000', amount: '500' },
          { step: 1, from: '15000', to: null, rate: '0.125', base: '5000', amount: '625' },
        ],
      },
      rate_amount: '1125',
      flat: '25',
      flat_source: 'rule',
      unrounded: '1150',
      caps: [],
      rounding: { mode: 'half_up', minor_unit_digits: 2, unrounded: '1150', rounded: '1150.00' },
      amount: '1150.00',
      sentence:
        "Closer commission for alice on call c2: 5,000.00 at 10% + 5,000.00 at 12.5% (marginal tiers, period volume 10,000.00 to 20,000.00) plus 25.00 flat (flat from rule 1, matched on utm_source google and product_id p1 or p2) = 1,150.00 under plan 'Closers 2026'.",
    });
  });

  test('caps are listed in the order they applied, each with its limit, before and after', () => {
    const explanation = lineOf([marginal], marginalCalls, 'c3').explanation;
    expect(explanation.caps).toEqual([
      { cap: 'max_per_call', limit: '2500', before: '3750', after: '2500' },
      { cap: 'max_per_period', limit: '3000', before: '2500.00', after: '850.00', period_paid_before: '2150.00' },
    ]);
    expect(explanation.rounding).toEqual({ mode: 'half_up', minor_unit_digits: 2, unrounded: '2500', rounded: '2500.00' });
    expect(explanation.amount).toBe('850.00');
  });

  test('an explanation survives JSON unchanged (strings, numbers, booleans, null, arrays, objects only)', () => {
    for (const line of run(marginalCalls, [marginal]).lines) {
      expect(JSON.parse(JSON.stringify(line.explanation))).toEqual(line.explanation);
    }
  });

  const flatSetter = plan({ id: 's', name: 'Setters', self_set: 'both', missing_setter: 'closer', roles: { setter: { rate: '0.01', flat: '100' } } });
  const sentences: [string, Plan[], Parameters<typeof run>[0], string, string, string][] = [
    [
      'rate and flat',
      [plan({ name: 'Closers 2026', roles: { closer: { rate: '0.10' } } })],
      [call('X', { baseAmount: '5000.00' })],
      'X',
      'closer',
      "Closer commission for alice on call X: 10% of 5,000.00 plus 0.00 flat = 500.00 under plan 'Closers 2026'.",
    ],
    [
      'a rule setting the rate',
      [plan({ name: 'P', roles: { closer: { rate: '0.10', rules: [{ when: { utm_source: ['google', 'bing', 'ddg', 'yahoo'] }, rate: '0.15' }] } } })],
      [call('X', { baseAmount: '2000', attributes: { utm_source: 'google' } })],
      'X',
      'closer',
      "Closer commission for alice on call X: 15% of 2,000.00 plus 0.00 flat (rate from rule 1, matched on utm_source google or bing or ddg or 1 more) = 300.00 under plan 'P'.",
    ],
    [
      'a rule setting rate and flat',
      [plan({ name: 'P', roles: { closer: { rate: '0.10', rules: [{ when: { call_kind: ['demo'] }, rate: '0.2', flat: '5' }] } } })],
      [call('X', { baseAmount: '100', attributes: { call_kind: 'demo' } })],
      'X',
      'closer',
      "Closer commission for alice on call X: 20% of 100.00 plus 5.00 flat (rate and flat from rule 1, matched on call_kind demo) = 25.00 under plan 'P'.",
    ],
    [
      'count tiers',
      [
        plan({
          name: 'P',
          roles: {
            closer: {
              tiers: {
                basis: 'count',
                mode: 'marginal',
                steps: [
                  { from: '0', rate: '0.05' },
                  { from: '1', rate: '0.07' },
                ],
              },
            },
          },
        }),
      ],
      [call('A', { commissionDay: '2026-03-01' }), call('B', { commissionDay: '2026-03-02' })],
      'B',
      'closer',
      "Closer commission for alice on call B: 7% of 1,000.00 (call 2 of the period, in the tier above 1 call) plus 0.00 flat = 70.00 under plan 'P'.",
    ],
    [
      'retroactive amount tiers',
      [
        plan({
          name: 'P',
          roles: {
            closer: {
              tiers: {
                basis: 'amount',
                mode: 'retroactive',
                steps: [
                  { from: '0', rate: '0.05' },
                  { from: '1500', rate: '0.07' },
                ],
              },
            },
          },
        }),
      ],
      [call('A', { commissionDay: '2026-03-01' }), call('B', { commissionDay: '2026-03-02' })],
      'A',
      'closer',
      "Closer commission for alice on call A: 7% of 1,000.00 (retroactive tier above 1,500.00, for a period volume of 2,000.00) plus 0.00 flat = 70.00 under plan 'P'.",
    ],
    [
      'retroactive count tiers',
      [
        plan({
          name: 'P',
          roles: {
            closer: {
              tiers: {
                basis: 'count',
                mode: 'retroactive',
                steps: [
                  { from: '0', rate: '0.05' },
                  { from: '1', rate: '0.07' },
                ],
              },
            },
          },
        }),
      ],
      [call('A', { commissionDay: '2026-03-01' }), call('B', { commissionDay: '2026-03-02' })],
      'A',
      'closer',
      "Closer commission for alice on call A: 7% of 1,000.00 (retroactive tier above 1 call, for a period volume of 2 calls) plus 0.00 flat = 70.00 under plan 'P'.",
    ],
    [
      'retroactive tiers over a period of zero volume',
      [plan({ name: 'P', roles: { closer: { tiers: { basis: 'amount', mode: 'retroactive', steps: [{ from: '0', rate: '0.05' }] } } } })],
      [call('A', { baseAmount: '0' })],
      'A',
      'closer',
      "Closer commission for alice on call A: nothing on 0.00 (no retroactive tier covers a period volume of 0.00) plus 0.00 flat = 0.00 under plan 'P'.",
    ],
    [
      'min_per_call and half-even rounding',
      [plan({ name: 'P', roles: { closer: { rate: '0.001', min_per_call: '10.005' } } })],
      [call('A')],
      'A',
      'closer',
      "Closer commission for alice on call A: 0.1% of 1,000.00 plus 0.00 flat = 1.00, raised to the 10.005 minimum per call, rounded half to even to 10.00, under plan 'P'.",
    ],
    [
      'a self-set call paid to both roles',
      [flatSetter],
      [call('S', { setterId: 'alice' })],
      'S',
      'setter',
      "Setter commission for alice (who also set the call; the plan pays self-set calls to both roles) on call S: 1% of 1,000.00 plus 100.00 flat = 110.00 under plan 'Setters'.",
    ],
    [
      'a call without setter, its setter line paid to the closer',
      [flatSetter],
      [call('N')],
      'N',
      'setter',
      "Setter commission for alice (the call has no setter, so the plan gives the setter line to the closer) on call N: 1% of 1,000.00 plus 100.00 flat = 110.00 under plan 'Setters'.",
    ],
    [
      'a period cap cutting the line',
      [plan({ name: 'P', roles: { closer: { rate: '0.10', max_per_period: '150' } } })],
      [call('A', { commissionDay: '2026-03-01' }), call('B', { commissionDay: '2026-03-02' })],
      'B',
      'closer',
      "Closer commission for alice on call B: 10% of 1,000.00 plus 0.00 flat = 100.00, cut to 50.00 by the 150.00 maximum per period (100.00 already paid in 2026-03), under plan 'P'.",
    ],
  ];

  test.each(sentences)('one plain sentence: %s', (_name, plans, calls, callId, role, sentence) => {
    const options = _name.includes('half-even') ? ({ roundingMode: 'half_even' } as const) : undefined;
    expect(lineOf(plans, calls, callId, role, options).explanation.sentence).toBe(sentence);
  });

  test.each([
    ['0', 2, '0.00'],
    ['5000', 2, '5,000.00'],
    ['3812.25', 2, '3,812.25'],
    ['190.6125', 2, '190.6125'],
    ['1234567.5', 2, '1,234,567.50'],
    ['-1000', 2, '-1,000.00'],
    ['123', 0, '123'],
    ['1000.5', 3, '1,000.500'],
  ])('formatAmount(%s, %i) = %s', (text, digits, expected) => {
    expect(formatAmount(text, digits)).toBe(expected);
  });

  test.each([
    ['0.10', '10%'],
    ['0.125', '12.5%'],
    ['1', '100%'],
    ['0', '0%'],
    ['0.0005', '0.05%'],
  ])('percent(%s) = %s', (rate, expected) => {
    expect(percent(rate)).toBe(expected);
  });
});
