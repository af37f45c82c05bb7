import type { CommissionCall } from './commission-call';
import type { Plan, RoleTerms } from './plan-definition';
import { computePayouts, forEachPayout } from './compute-payouts';
import type { PayoutLine, UnplannedPayout } from './payout-result';
import { call, plan, run, summary } from './testing/builders';

/**
 * Golden cases, one or more per sentence of product.md "Plans" and
 * "Precise order of work". Each row: plans and calls in, lines out as
 * "callId role payeeId amount planId" in the engine's order (period, payee,
 * role, commission instant, call id), plus the (call role payee) no plan pays.
 */
interface GoldenCase {
  rule: string;
  plans: Plan[];
  calls: CommissionCall[];
  lines: string[];
  unplanned?: string[];
  options?: Parameters<typeof run>[2];
}

const closer = (terms: RoleTerms, fields: Partial<Plan> = {}) => plan({ ...fields, roles: { closer: terms } });
const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;
const tiers = (basis: 'amount' | 'count', mode: 'marginal' | 'retroactive', ...steps: [string, string][]) => ({
  basis,
  mode,
  steps: steps.map(([from, rate]) => ({ from, rate })),
});
const amountTiers = (mode: 'marginal' | 'retroactive') => tiers('amount', mode, ['0', '0.10'], ['15000', '0.12']);

const whichPlan: GoldenCase[] = [
  {
    rule: 'effective_from is inclusive',
    plans: [closer({ rate: '0.10' }, { effective_from: day(10) })],
    calls: [call('c0', { commissionDay: day(9) }), call('c1', { commissionDay: day(10) })],
    lines: ['c1 closer alice 100.00 plan-a'],
    unplanned: ['c0 closer alice'],
  },
  {
    rule: 'effective_to is exclusive: the next plan pays from that day',
    plans: [closer({ rate: '0.10' }, { id: 'old', effective_to: day(15) }), closer({ rate: '0.20' }, { id: 'new', effective_from: day(15) })],
    calls: [call('c1', { commissionDay: day(14) }), call('c2', { commissionDay: day(15) })],
    lines: ['c1 closer alice 100.00 old', 'c2 closer alice 200.00 new'],
  },
  {
    rule: 'a plan naming the payee beats a default plan, whatever their priorities',
    plans: [closer({ rate: '0.10' }, { id: 'team', priority: 10 }), closer({ rate: '0.15' }, { id: 'alice-deal', payees: ['alice'], priority: 0 })],
    calls: [call('c1'), call('c2', { closerId: 'bob' })],
    lines: ['c1 closer alice 150.00 alice-deal', 'c2 closer bob 100.00 team'],
  },
  {
    rule: 'then the higher priority wins',
    plans: [closer({ rate: '0.10' }, { id: 'base', priority: 0 }), closer({ rate: '0.12' }, { id: 'promo', priority: 5 })],
    calls: [call('c1')],
    lines: ['c1 closer alice 120.00 promo'],
  },
  {
    rule: 'only plans that define the role compete for it',
    plans: [plan({ id: 'base', roles: { closer: { rate: '0.10' }, setter: { rate: '0.05' } } }), closer({ rate: '0.12' }, { id: 'promo', priority: 5 })],
    calls: [call('c1', { setterId: 'bob' })],
    lines: ['c1 closer alice 120.00 promo', 'c1 setter bob 50.00 base'],
  },
  {
    rule: 'no plan → no line, and the call is reported as no_plan for that role and payee',
    plans: [closer({ rate: '0.10' }, { payees: ['alice'] })],
    calls: [call('c1', { setterId: 'bob' }), call('c2', { closerId: 'carol' })],
    lines: ['c1 closer alice 100.00 plan-a'],
    unplanned: ['c1 setter bob', 'c2 closer carol'],
  },
  {
    rule: 'plans that would tie (refused by validation) still give one answer: the smaller plan id',
    plans: [closer({ rate: '0.20' }, { id: 'b-plan' }), closer({ rate: '0.10' }, { id: 'a-plan' })],
    calls: [call('c1')],
    lines: ['c1 closer alice 100.00 a-plan'],
  },
];

const google = { utm_source: 'google' };
const amount: GoldenCase[] = [
  {
    rule: 'a line is rate part + flat',
    plans: [closer({ rate: '0.10', flat: '50' })],
    calls: [call('c1', { baseAmount: '5000.00' })],
    lines: ['c1 closer alice 550.00 plan-a'],
  },
  {
    rule: "a matching rule's rate replaces the role's rate (the flat stays)",
    plans: [closer({ rate: '0.10', flat: '50', rules: [{ when: { utm_source: ['google'] }, rate: '0.15' }] })],
    calls: [call('c1', { attributes: google }), call('c2', { attributes: { utm_source: 'facebook' } })],
    lines: ['c1 closer alice 200.00 plan-a', 'c2 closer alice 150.00 plan-a'],
  },
  {
    rule: 'a rule that sets only flat replaces only the flat',
    plans: [closer({ rate: '0.10', flat: '50', rules: [{ when: { product_id: ['p1'] }, flat: '80' }] })],
    calls: [call('c1', { attributes: { product_id: 'p1' } })],
    lines: ['c1 closer alice 180.00 plan-a'],
  },
  {
    rule: 'a rule that sets rate and flat replaces both (a flat of "0" removes the role flat)',
    plans: [closer({ rate: '0.10', flat: '50', rules: [{ when: { product_id: ['p1'] }, rate: '0.20', flat: '0' }] })],
    calls: [call('c1', { attributes: { product_id: 'p1' } })],
    lines: ['c1 closer alice 200.00 plan-a'],
  },
  {
    rule: "a rule matches when every listed field's value is in its list (missing or null never matches)",
    plans: [closer({ rate: '0.10', rules: [{ when: { product_id: ['p1', 'p2'], utm_source: ['google'] }, rate: '0.20' }] })],
    calls: [
      call('c1', { attributes: { product_id: 'p2', utm_source: 'google' } }),
      call('c2', { attributes: { product_id: 'p1', utm_source: 'facebook' } }),
      call('c3', { attributes: { product_id: 'p1', utm_source: null } }),
      call('c4', { attributes: { product_id: 'p1' } }),
    ],
    lines: ['c1 closer alice 200.00 plan-a', 'c2 closer alice 100.00 plan-a', 'c3 closer alice 100.00 plan-a', 'c4 closer alice 100.00 plan-a'],
  },
  {
    rule: 'the first matching rule wins',
    plans: [
      closer({
        rate: '0.10',
        rules: [
          { when: { utm_source: ['google'] }, rate: '0.15' },
          { when: { product_id: ['p1'] }, rate: '0.30' },
        ],
      }),
    ],
    calls: [call('c1', { attributes: { utm_source: 'google', product_id: 'p1' } }), call('c2', { attributes: { product_id: 'p1' } })],
    lines: ['c1 closer alice 150.00 plan-a', 'c2 closer alice 300.00 plan-a'],
  },
];

const march = (d: number, id: string, baseAmount: string, fields: Partial<CommissionCall> = {}) => call(id, { commissionDay: day(d), baseAmount, ...fields });
const tierCases: GoldenCase[] = [
  {
    rule: 'tiers replace rate',
    plans: [closer({ rate: '0.50', tiers: amountTiers('marginal') })],
    calls: [march(1, 'c1', '1000')],
    lines: ['c1 closer alice 100.00 plan-a'],
  },
  {
    rule: "marginal, amount: each slice of a call's base is paid at its step's rate",
    plans: [closer({ tiers: amountTiers('marginal') })],
    calls: [march(2, 'c2', '10000'), march(1, 'c1', '10000')],
    // c2: 5,000 up to 15,000 at 10% + 5,000 above at 12% = 500 + 600
    lines: ['c1 closer alice 1000.00 plan-a', 'c2 closer alice 1100.00 plan-a'],
  },
  {
    rule: 'a step covers volume strictly above its from',
    plans: [closer({ tiers: amountTiers('marginal') })],
    calls: [march(1, 'c1', '15000'), march(2, 'c2', '1000')],
    lines: ['c1 closer alice 1500.00 plan-a', 'c2 closer alice 120.00 plan-a'],
  },
  {
    rule: 'retroactive, amount: every call is paid at the step below the period total',
    plans: [closer({ tiers: amountTiers('retroactive') })],
    calls: [march(1, 'c1', '10000'), march(2, 'c2', '10000')],
    lines: ['c1 closer alice 1200.00 plan-a', 'c2 closer alice 1200.00 plan-a'],
  },
  {
    rule: 'retroactive: a period total equal to a from stays in the step below',
    plans: [closer({ tiers: amountTiers('retroactive') })],
    calls: [march(1, 'c1', '10000'), march(2, 'c2', '5000')],
    lines: ['c1 closer alice 1000.00 plan-a', 'c2 closer alice 500.00 plan-a'],
  },
  {
    rule: 'marginal, count: the call at position p is paid at the last step with from < p',
    plans: [closer({ tiers: tiers('count', 'marginal', ['0', '0.05'], ['2', '0.10']) })],
    calls: [march(3, 'c3', '1000'), march(1, 'c1', '1000'), march(2, 'c2', '1000')],
    lines: ['c1 closer alice 50.00 plan-a', 'c2 closer alice 50.00 plan-a', 'c3 closer alice 100.00 plan-a'],
  },
  {
    rule: 'retroactive, count: every call is paid at the last step with from < the number of calls in the period',
    plans: [closer({ tiers: tiers('count', 'retroactive', ['0', '0.05'], ['2', '0.10']) })],
    calls: [
      march(1, 'm1', '1000'),
      march(2, 'm2', '1000'),
      march(3, 'm3', '1000'),
      call('a1', { commissionDay: '2026-04-01' }),
      call('a2', { commissionDay: '2026-04-02' }),
    ],
    lines: [
      'm1 closer alice 100.00 plan-a',
      'm2 closer alice 100.00 plan-a',
      'm3 closer alice 100.00 plan-a',
      'a1 closer alice 50.00 plan-a',
      'a2 closer alice 50.00 plan-a',
    ],
  },
  {
    rule: 'volume is taken in commission-instant order, then call id (not input order, not the text of the instant)',
    plans: [closer({ tiers: tiers('amount', 'marginal', ['0', '0.10'], ['1000', '0.20']) })],
    calls: [
      call('c-b', { baseAmount: '1000', commissionAt: '2026-03-10T10:00:00Z' }),
      call('c-a', { baseAmount: '1000', commissionAt: '2026-03-10T10:00:00.000Z' }),
      // 09:00 UTC: first, although its id sorts last and its text sorts after "…T10".
      call('c-z', { baseAmount: '500', commissionAt: '2026-03-10T11:00:00+02:00' }),
    ],
    lines: ['c-z closer alice 50.00 plan-a', 'c-a closer alice 150.00 plan-a', 'c-b closer alice 200.00 plan-a'],
  },
  {
    rule: 'volume is per payee, per role and per period',
    plans: [plan({ roles: { closer: { tiers: amountTiers('marginal') }, setter: { tiers: amountTiers('marginal') } } })],
    calls: [
      march(1, 'c1', '10000'),
      march(2, 'c2', '10000', { closerId: 'bob' }),
      march(3, 'c3', '10000', { closerId: 'carol', setterId: 'alice' }),
      call('c4', { commissionDay: '2026-04-01', baseAmount: '10000' }),
    ],
    lines: [
      'c1 closer alice 1000.00 plan-a',
      'c3 setter alice 1000.00 plan-a',
      'c2 closer bob 1000.00 plan-a',
      'c3 closer carol 1000.00 plan-a',
      'c4 closer alice 1000.00 plan-a',
    ],
  },
];

const orderOfWork: GoldenCase[] = [
  {
    rule: "1. tier volume counts all the payee's calls in the role, whatever plan pays them",
    plans: [
      closer({ rate: '0.05' }, { id: 'early', effective_to: day(15) }),
      closer({ tiers: amountTiers('marginal') }, { id: 'late', effective_from: day(15) }),
    ],
    calls: [march(5, 'c1', '10000'), march(20, 'c2', '10000')],
    lines: ['c1 closer alice 500.00 early', 'c2 closer alice 1100.00 late'],
  },
  {
    rule: "1. …including calls no plan pays (they are still the payee's commissionable calls)",
    plans: [closer({ tiers: amountTiers('marginal') }, { effective_from: day(15) })],
    calls: [march(5, 'c1', '10000'), march(20, 'c2', '10000')],
    lines: ['c2 closer alice 1100.00 plan-a'],
    unplanned: ['c1 closer alice'],
  },
  {
    rule: "2. a rule's rate replaces tiers for its call, and the call still adds to the volume the other calls see",
    plans: [closer({ tiers: amountTiers('marginal'), rules: [{ when: { utm_source: ['google'] }, rate: '0.20' }] })],
    calls: [march(1, 'c1', '10000', { attributes: google }), march(2, 'c2', '10000')],
    lines: ['c1 closer alice 2000.00 plan-a', 'c2 closer alice 1100.00 plan-a'],
  },
  {
    rule: '2. …and counts in the period total of retroactive tiers',
    plans: [closer({ tiers: amountTiers('retroactive'), rules: [{ when: { utm_source: ['google'] }, rate: '0.20' }] })],
    calls: [march(1, 'c1', '10000', { attributes: google }), march(2, 'c2', '6000')],
    lines: ['c1 closer alice 2000.00 plan-a', 'c2 closer alice 720.00 plan-a'],
  },
  {
    rule: "2. a rule's flat alone leaves the tiers paying the rate part",
    plans: [closer({ tiers: amountTiers('marginal'), flat: '10', rules: [{ when: { product_id: ['p1'] }, flat: '25' }] })],
    calls: [march(1, 'c1', '10000', { attributes: { product_id: 'p1' } })],
    lines: ['c1 closer alice 1025.00 plan-a'],
  },
  {
    rule: '4. min_per_call raises a line',
    plans: [closer({ rate: '0.01', min_per_call: '20' })],
    calls: [march(1, 'c1', '1000'), march(2, 'c2', '5000')],
    lines: ['c1 closer alice 20.00 plan-a', 'c2 closer alice 50.00 plan-a'],
  },
  {
    rule: '4. max_per_call bounds a line',
    plans: [closer({ rate: '0.10', max_per_call: '2500' })],
    calls: [march(1, 'c1', '30000'), march(2, 'c2', '1000')],
    lines: ['c1 closer alice 2500.00 plan-a', 'c2 closer alice 100.00 plan-a'],
  },
  {
    rule: '4. the line is clamped, then rounded',
    plans: [closer({ rate: '0.001', min_per_call: '10.005' })],
    calls: [march(1, 'c1', '1000')],
    lines: ['c1 closer alice 10.01 plan-a'],
  },
  {
    rule: '4. max_per_period cuts later calls first, and a line never goes below 0',
    plans: [closer({ rate: '0.10', max_per_period: '250' })],
    calls: [march(4, 'c4', '1000'), march(3, 'c3', '1000'), march(2, 'c2', '1000'), march(1, 'c1', '1000')],
    lines: ['c1 closer alice 100.00 plan-a', 'c2 closer alice 100.00 plan-a', 'c3 closer alice 50.00 plan-a', 'c4 closer alice 0.00 plan-a'],
  },
  {
    rule: '4. max_per_period runs over the rounded lines (33.34 + 33.34 + 33.32, not 33.33)',
    plans: [closer({ rate: '0.10', max_per_period: '100' })],
    calls: [march(1, 'c1', '333.35'), march(2, 'c2', '333.35'), march(3, 'c3', '333.35')],
    lines: ['c1 closer alice 33.34 plan-a', 'c2 closer alice 33.34 plan-a', 'c3 closer alice 33.32 plan-a'],
  },
  {
    rule: '4. max_per_period comes after min_per_call, so it can cut a line below the minimum',
    plans: [closer({ rate: '0.10', min_per_call: '50', max_per_period: '80' })],
    calls: [march(1, 'c1', '100'), march(2, 'c2', '100')],
    lines: ['c1 closer alice 50.00 plan-a', 'c2 closer alice 30.00 plan-a'],
  },
];

const both = { closer: { rate: '0.10' }, setter: { rate: '0.05' } };
const roles: GoldenCase[] = [
  {
    rule: 'the closer is paid as closer, the setter as setter',
    plans: [plan({ roles: both })],
    calls: [call('c1', { setterId: 'bob' })],
    lines: ['c1 closer alice 100.00 plan-a', 'c1 setter bob 50.00 plan-a'],
  },
  {
    rule: 'self_set closer_only: a closer who set the call is paid once, as closer',
    plans: [plan({ roles: both, self_set: 'closer_only' })],
    calls: [call('c1', { setterId: 'alice' })],
    lines: ['c1 closer alice 100.00 plan-a'],
  },
  {
    rule: 'self_set both: a closer who set the call is also paid the setter line',
    plans: [plan({ roles: both, self_set: 'both' })],
    calls: [call('c1', { setterId: 'alice' })],
    lines: ['c1 closer alice 100.00 plan-a', 'c1 setter alice 50.00 plan-a'],
  },
  {
    rule: 'missing_setter none: a call without setter pays no setter line, and is not reported as no_plan',
    plans: [plan({ roles: both, missing_setter: 'none' })],
    calls: [call('c1', { setterId: null })],
    lines: ['c1 closer alice 100.00 plan-a'],
  },
  {
    rule: 'missing_setter closer: the closer also gets the setter line',
    plans: [plan({ roles: both, missing_setter: 'closer' })],
    calls: [call('c1', { setterId: null })],
    lines: ['c1 closer alice 100.00 plan-a', 'c1 setter alice 50.00 plan-a'],
  },
  {
    rule: '5. self_set and missing_setter are read from the plan paying the setter role, not the closer role',
    plans: [
      closer({ rate: '0.10' }, { id: 'closers', self_set: 'both', missing_setter: 'closer' }),
      plan({ id: 'setters', roles: { setter: { rate: '0.05' } }, self_set: 'closer_only', missing_setter: 'none' }),
    ],
    calls: [call('c1', { setterId: 'alice' }), call('c2', { setterId: null })],
    lines: ['c1 closer alice 100.00 closers', 'c2 closer alice 100.00 closers'],
  },
  {
    rule: '5. …so a setter plan with both / closer pays those lines whatever the closer plan says',
    plans: [
      closer({ rate: '0.10' }, { id: 'closers' }),
      plan({ id: 'setters', roles: { setter: { rate: '0.05' } }, self_set: 'both', missing_setter: 'closer' }),
    ],
    calls: [call('c1', { setterId: 'alice' }), call('c2', { setterId: null })],
    // Sorted by period, payee, role, then commission order.
    lines: ['c1 closer alice 100.00 closers', 'c2 closer alice 100.00 closers', 'c1 setter alice 50.00 setters', 'c2 setter alice 50.00 setters'],
  },
  {
    rule: '5. the setter line of a call without setter is paid under the setter-role plan selected for the closer',
    plans: [
      plan({ id: 'default-setters', roles: { setter: { rate: '0.05' } }, missing_setter: 'closer' }),
      plan({ id: 'alice-setter', payees: ['alice'], roles: { setter: { rate: '0.02' } }, missing_setter: 'closer' }),
      plan({ id: 'bob-setter', payees: ['bob'], roles: { setter: { rate: '0.02' } }, missing_setter: 'none' }),
      closer({ rate: '0.10' }, { id: 'closers' }),
    ],
    calls: [call('c1'), call('c2', { closerId: 'bob' })],
    lines: ['c1 closer alice 100.00 closers', 'c1 setter alice 20.00 alice-setter', 'c2 closer bob 100.00 closers'],
  },
];

const rounding: GoldenCase[] = [
  {
    rule: 'rounding half_up (the default): 0.125 → 0.13, 0.135 → 0.14',
    plans: [closer({ rate: '0.10' })],
    calls: [march(1, 'c1', '1.25'), march(2, 'c2', '1.35')],
    lines: ['c1 closer alice 0.13 plan-a', 'c2 closer alice 0.14 plan-a'],
  },
  {
    rule: 'rounding half_even: 0.125 → 0.12, 0.135 → 0.14',
    plans: [closer({ rate: '0.10' })],
    calls: [march(1, 'c1', '1.25'), march(2, 'c2', '1.35')],
    lines: ['c1 closer alice 0.12 plan-a', 'c2 closer alice 0.14 plan-a'],
    options: { roundingMode: 'half_even' },
  },
  {
    rule: "lines are rounded to the currency's minor unit: JPY has none",
    plans: [closer({ rate: '0.10' })],
    calls: [march(1, 'c1', '1005'), march(2, 'c2', '1015')],
    lines: ['c1 closer alice 101 plan-a', 'c2 closer alice 102 plan-a'],
    options: { currency: 'JPY' },
  },
  {
    rule: 'full precision until each line is rounded (0.001 × 0.5 + 0.0049 = 0.0054 → 0.01)',
    plans: [closer({ rate: '0.5', flat: '0.0049' })],
    calls: [march(1, 'c1', '0.001')],
    lines: ['c1 closer alice 0.01 plan-a'],
  },
];

const publishedExample: GoldenCase = {
  rule: 'published setter/closer policy: base 3,812.25, closer 20% → 762.45, setter 5% → 190.6125 → 190.61',
  plans: [plan({ id: 'policy', roles: { closer: { rate: '0.20' }, setter: { rate: '0.05' } } })],
  // cash 4,485.00 less a 15% financing fee: 4,485.00 × 0.85 = 3,812.25 (the base arrives computed)
  calls: [call('deal-1', { baseAmount: '3812.25', setterId: 'sam' })],
  lines: ['deal-1 closer alice 762.45 policy', 'deal-1 setter sam 190.61 policy'],
};

describe('computePayouts golden cases (product.md "Plans")', () => {
  describe.each([
    ['Which plan', whichPlan],
    ['Amount and rules', amount],
    ['Tiers', tierCases],
    ['Precise order of work', orderOfWork],
    ['Roles', roles],
    ['Rounding', rounding],
    ['Published example', [publishedExample]],
  ])('%s', (_section, cases) => {
    test.each(cases)('$rule', ({ plans, calls, lines, unplanned, options }) => {
      const result = run(calls, plans, options);
      expect(summary(result)).toEqual(lines);
      expect(result.unplanned.map((u) => `${u.callId} ${u.role} ${u.payeeId}`)).toEqual(unplanned ?? []);
    });
  });

  test('the same inputs in any order give the same lines and explanations', () => {
    const plans = [
      plan({ id: 'team', roles: { closer: { tiers: amountTiers('marginal'), max_per_period: '2000' }, setter: { flat: '100' } } }),
      plan({ id: 'alice', payees: ['alice'], roles: { closer: { rate: '0.15' } }, effective_from: day(10) }),
    ];
    const calls = [
      march(1, 'c1', '9000', { setterId: 'bob' }),
      march(12, 'c2', '9000'),
      march(12, 'c3', '9000', { closerId: 'bob', setterId: 'carol' }),
      march(5, 'c4', '9000', { closerId: 'bob' }),
    ];
    const expected = run(calls, plans);
    for (const order of [
      [3, 2, 1, 0],
      [2, 0, 3, 1],
      [1, 3, 0, 2],
    ]) {
      expect(
        run(
          order.map((i) => calls[i]),
          [...plans].reverse(),
        ),
      ).toEqual(expected);
    }
  });

  test('forEachPayout hands over the same lines and unplanned items, in the same order, without holding them', () => {
    const plans = [plan({ roles: { closer: { tiers: amountTiers('marginal'), max_per_period: '1500' } }, payees: ['alice', 'bob'] })];
    const calls = [march(2, 'c2', '9000'), march(1, 'c1', '9000', { setterId: 'bob' }), march(3, 'c3', '9000', { closerId: 'bob' })];
    const input = { calls, plans, currency: 'USD', roundingMode: 'half_up' as const };
    const lines: PayoutLine[] = [];
    const unplanned: UnplannedPayout[] = [];
    forEachPayout(input, { line: (line) => lines.push(line), unplanned: (item) => unplanned.push(item) });
    expect({ lines, unplanned }).toEqual(computePayouts(input));
  });

  test('forEachPayout checks all input before handing over the first line', () => {
    const seen: PayoutLine[] = [];
    const input = {
      calls: [call('c1'), call('c2', { baseAmount: 'ten' })],
      plans: [plan({ roles: { closer: { rate: '0.1' } } })],
      currency: 'USD',
      roundingMode: 'half_up' as const,
    };
    expect(() => forEachPayout(input, { line: (line) => seen.push(line) })).toThrow(/call c2 baseAmount/);
    expect(seen).toEqual([]);
  });
});
