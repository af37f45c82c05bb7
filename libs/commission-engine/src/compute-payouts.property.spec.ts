import fc from 'fast-check';
import type { CommissionCall } from './commission-call';
import { computePayouts } from './compute-payouts';
import { Decimal, ZERO, roundMoney } from './money';
import type { Plan, PlanRule, RoleTerms, TierBasis, TierMode, Tiers } from './plan-definition';
import { validatePlanDefinition } from './plan-validation';
import type { PayoutLine, PayoutResult } from './payout-result';
import { statementTotals } from './statement-totals';

/**
 * Properties over small random plans and calls. fast-check prints the seed
 * and the shrunk counterexample of any failure; replay one with
 * { seed, path } in the options below.
 */
const RUNS = { numRuns: 1000 };

const PAYEES = ['alice', 'bob', 'carol'] as const;

/** Whole cents → "1234.56": test data is built from integers, never from float arithmetic. */
const cents = (value: number) => `${Math.trunc(value / 100)}.${String(value % 100).padStart(2, '0')}`;
const money = (max: number) => fc.integer({ min: 0, max }).map(cents);
/** A rate with up to 4 decimals in [0, 1]. */
const rate = fc.integer({ min: 0, max: 10_000 }).map((n) => new Decimal(n).dividedBy(10_000).toFixed());

const callRecord = fc.record({
  closerId: fc.constantFrom(...PAYEES),
  setterId: fc.option(fc.constantFrom(...PAYEES), { nil: null }),
  baseAmount: money(2_000_000),
  month: fc.constantFrom('03', '04'),
  day: fc.integer({ min: 1, max: 28 }),
  // Few distinct instants, so that ties (broken by call id) are common.
  hour: fc.integer({ min: 9, max: 10 }),
  utm_source: fc.constantFrom('google', 'facebook', null),
  product_id: fc.constantFrom('p1', 'p2'),
});

const callsArbitrary = (options: { withSetters?: boolean; maxLength?: number } = {}) =>
  fc.array(callRecord, { maxLength: options.maxLength ?? 12 }).map((records) =>
    records.map((record, index): CommissionCall => {
      const commissionDay = `2026-${record.month}-${String(record.day).padStart(2, '0')}`;
      return {
        id: `c${String(index).padStart(2, '0')}`,
        closerId: record.closerId,
        setterId: options.withSetters === false ? null : record.setterId,
        baseAmount: record.baseAmount,
        commissionAt: `${commissionDay}T${String(record.hour).padStart(2, '0')}:00:00Z`,
        commissionDay,
        period: commissionDay.slice(0, 7),
        attributes: { utm_source: record.utm_source, product_id: record.product_id },
      };
    }),
  );

const stepsArbitrary = (basis: TierBasis) =>
  fc
    .array(fc.record({ gap: basis === 'amount' ? fc.integer({ min: 1, max: 1_500_000 }) : fc.integer({ min: 1, max: 3 }), rate }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((items) => {
      let from = 0;
      return items.map((item, index) => {
        if (index > 0) from += item.gap;
        return { from: basis === 'amount' ? cents(from) : String(from), rate: item.rate };
      });
    });

const tiersArbitrary = (mode?: TierMode): fc.Arbitrary<Tiers> =>
  fc
    .record({ basis: fc.constantFrom<TierBasis>('amount', 'count'), mode: fc.constantFrom<TierMode>('marginal', 'retroactive') })
    .chain(({ basis, mode: anyMode }) => stepsArbitrary(basis).map((steps) => ({ basis, mode: mode ?? anyMode, steps })));

const ruleArbitrary: fc.Arbitrary<PlanRule> = fc
  .record({
    utm_source: fc.option(fc.subarray(['google', 'facebook'], { minLength: 1 }), { nil: undefined }),
    product_id: fc.option(fc.subarray(['p1', 'p2'], { minLength: 1 }), { nil: undefined }),
    rate: fc.option(rate, { nil: undefined }),
    flat: fc.option(money(20_000), { nil: undefined }),
  })
  .map(({ utm_source, product_id, rate: ruleRate, flat }) => {
    const rule: PlanRule = { when: {} };
    if (utm_source) rule.when.utm_source = utm_source;
    if (product_id || !utm_source) rule.when.product_id = product_id ?? ['p1'];
    if (ruleRate !== undefined) rule.rate = ruleRate;
    if (flat !== undefined || ruleRate === undefined) rule.flat = flat ?? '1.00';
    return rule;
  });

/** Caps are whole cents, as a currency's amounts are. */
const termsArbitrary = (options: { caps?: boolean; periodCap?: boolean; tiers?: fc.Arbitrary<Tiers> } = {}): fc.Arbitrary<RoleTerms> =>
  fc
    .record({
      rate: fc.option(rate, { nil: undefined }),
      flat: fc.option(money(50_000), { nil: undefined }),
      tiers: fc.option(options.tiers ?? tiersArbitrary(), { nil: undefined }),
      rules: fc.option(fc.array(ruleArbitrary, { maxLength: 2 }), { nil: undefined }),
      minPerCall: options.caps === false ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: null }),
      maxPerCall: options.caps === false ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: null }),
      maxPerPeriod: options.periodCap === false ? fc.constant(null) : fc.option(money(1_000_000), { nil: null }),
    })
    .map(({ rate: roleRate, flat, tiers, rules, minPerCall, maxPerCall, maxPerPeriod }) => {
      const terms: RoleTerms = {};
      if (roleRate !== undefined) terms.rate = roleRate;
      if (flat !== undefined) terms.flat = flat;
      if (tiers !== undefined) terms.tiers = tiers;
      if (rules !== undefined) terms.rules = rules;
      if (Object.keys(terms).length === 0) terms.rate = '0.1';
      const [low, high] = minPerCall !== null && maxPerCall !== null && minPerCall > maxPerCall ? [maxPerCall, minPerCall] : [minPerCall, maxPerCall];
      terms.min_per_call = low === null ? null : cents(low);
      terms.max_per_call = high === null ? null : cents(high);
      terms.max_per_period = maxPerPeriod;
      return terms;
    });

const planArbitrary = (terms: fc.Arbitrary<RoleTerms>) =>
  fc
    .record({
      payees: fc.option(fc.subarray([...PAYEES], { minLength: 1 }), { nil: null }),
      priority: fc.integer({ min: 0, max: 2 }),
      effective_from: fc.constantFrom('2026-01-01', '2026-03-10', '2026-04-05'),
      effective_to: fc.constantFrom(null, '2026-03-20', '2026-05-01'),
      self_set: fc.constantFrom('closer_only' as const, 'both' as const),
      missing_setter: fc.constantFrom('none' as const, 'closer' as const),
      closer: fc.option(terms, { nil: undefined }),
      setter: fc.option(terms, { nil: undefined }),
    })
    .map(({ closer, setter, effective_to, ...fields }) => {
      const roles: Plan['roles'] = {};
      if (closer) roles.closer = closer;
      if (setter || !closer) roles.setter = setter ?? { flat: '10.00' };
      return { ...fields, effective_to: effective_to !== null && effective_to <= fields.effective_from ? null : effective_to, roles };
    });

const plansArbitrary = (terms = termsArbitrary()) =>
  fc.array(planArbitrary(terms), { minLength: 1, maxLength: 3 }).map((plans) =>
    plans.map((definition, index): Plan => {
      const plan = { ...definition, id: `p${index}`, name: `Plan ${index}` };
      const { id: _id, ...check } = plan;
      const validation = validatePlanDefinition(check);
      if (!validation.ok) throw new Error(`generated an invalid plan: ${JSON.stringify(validation.errors)}`);
      return plan;
    }),
  );

const compute = (calls: CommissionCall[], plans: Plan[], roundingMode: 'half_up' | 'half_even' = 'half_up', currency = 'USD') =>
  computePayouts({ calls, plans, currency, roundingMode });

/** Lines grouped by (payee, role, period), each group in the engine's (commission) order. */
function groups(result: PayoutResult): PayoutLine[][] {
  const byKey = new Map<string, PayoutLine[]>();
  for (const line of result.lines) {
    const key = `${line.period} ${line.payeeId} ${line.role}`;
    byKey.set(key, [...(byKey.get(key) ?? []), line]);
  }
  return [...byKey.values()];
}

const termsOf = (plans: Plan[], line: PayoutLine) => plans.find((plan) => plan.id === line.planId)!.roles[line.role]!;

describe('computePayouts properties', () => {
  test('line amounts are never negative, and each is its explanation rounded once', () => {
    fc.assert(
      fc.property(callsArbitrary(), plansArbitrary(), fc.constantFrom('half_up' as const, 'half_even' as const), (calls, plans, mode) => {
        for (const line of compute(calls, plans, mode).lines) {
          const amount = new Decimal(line.amount);
          expect(amount.isNegative() && !amount.isZero()).toBe(false);
          expect(line.amount).toMatch(/^\d+\.\d{2}$/);
          expect(line.amount).toBe(line.explanation.amount);
          const { rounding } = line.explanation;
          expect(roundMoney(rounding.unrounded, 'USD', mode).toFixed(2)).toBe(rounding.rounded);
        }
      }),
      RUNS,
    );
  });

  test('caps are never exceeded: per call, and per payee, role and period', () => {
    fc.assert(
      fc.property(callsArbitrary(), plansArbitrary(), (calls, plans) => {
        for (const group of groups(compute(calls, plans))) {
          let paid: Decimal = ZERO;
          for (const line of group) {
            const terms = termsOf(plans, line);
            const amount = new Decimal(line.amount);
            const beforePeriodCap = new Decimal(line.explanation.rounding.rounded);
            if (terms.max_per_call) expect(beforePeriodCap.lte(terms.max_per_call)).toBe(true);
            if (terms.min_per_call) expect(beforePeriodCap.gte(terms.min_per_call)).toBe(true);
            expect(amount.lte(beforePeriodCap)).toBe(true);
            if (terms.max_per_period) {
              const room = Decimal.max(ZERO, new Decimal(terms.max_per_period).minus(paid));
              expect(amount.lte(room)).toBe(true);
              // …and it is cut only as far as the limit requires.
              expect(amount.eq(Decimal.min(beforePeriodCap, room))).toBe(true);
            } else {
              expect(amount.eq(beforePeriodCap)).toBe(true);
            }
            paid = paid.plus(amount);
          }
          const limits = new Set(group.map((line) => termsOf(plans, line).max_per_period));
          const [only] = limits;
          if (limits.size === 1 && only) expect(paid.lte(only)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test("a marginal tier's total equals the piecewise integral of its rates over the period volume", () => {
    const marginalPlan = stepsArbitrary('amount').map((steps): Plan => ({
      id: 'marginal',
      name: 'Marginal',
      effective_from: '2026-01-01',
      effective_to: null,
      payees: null,
      priority: 0,
      self_set: 'closer_only',
      missing_setter: 'none',
      roles: { closer: { tiers: { basis: 'amount', mode: 'marginal', steps } } },
    }));
    fc.assert(
      fc.property(callsArbitrary({ withSetters: false }), marginalPlan, (calls, plan) => {
        const steps = plan.roles.closer!.tiers!.steps;
        for (const group of groups(compute(calls, [plan]))) {
          const volume = group.reduce((sum, line) => sum.plus(line.baseAmount), ZERO);
          // ∫₀^volume rate(v) dv, step by step.
          const integral = steps.reduce((sum, step, index) => {
            const end = index + 1 < steps.length ? Decimal.min(volume, steps[index + 1].from) : volume;
            const width = Decimal.max(ZERO, end.minus(step.from));
            return sum.plus(width.times(step.rate));
          }, ZERO);
          const paid = group.reduce((sum, line) => sum.plus(line.explanation.rate_amount), ZERO);
          expect(paid.toFixed()).toBe(integral.toFixed());
        }
      }),
      RUNS,
    );
  });

  test('with ascending rates, retroactive tiers pay at least what marginal tiers pay', () => {
    const ascending = tiersArbitrary('marginal').map((tiers) => ({
      ...tiers,
      steps: tiers.steps.map((step, index) => ({
        from: step.from,
        rate: [...tiers.steps.map((s) => s.rate)].sort((a, b) => new Decimal(a).comparedTo(b))[index],
      })),
    }));
    const terms = termsArbitrary({ periodCap: false, tiers: ascending }).map((t) => ({ ...t, tiers: t.tiers }));
    fc.assert(
      fc.property(callsArbitrary(), plansArbitrary(terms), (calls, plans) => {
        const withMode = (mode: TierMode) =>
          plans.map((plan) => ({
            ...plan,
            roles: Object.fromEntries(
              Object.entries(plan.roles).map(([role, roleTerms]) => [
                role,
                roleTerms.tiers ? { ...roleTerms, tiers: { ...roleTerms.tiers, mode } } : roleTerms,
              ]),
            ),
          }));
        const marginal = compute(calls, withMode('marginal')).lines;
        const retroactive = compute(calls, withMode('retroactive')).lines;
        expect(retroactive.map((l) => `${l.callId} ${l.role} ${l.payeeId}`)).toEqual(marginal.map((l) => `${l.callId} ${l.role} ${l.payeeId}`));
        retroactive.forEach((line, index) => {
          expect(new Decimal(line.explanation.rate_amount).gte(marginal[index].explanation.rate_amount)).toBe(true);
          expect(new Decimal(line.amount).gte(marginal[index].amount)).toBe(true);
        });
      }),
      RUNS,
    );
  });

  test('results do not depend on the order of calls or plans', () => {
    const shuffled = callsArbitrary().chain((calls) =>
      fc.tuple(fc.constant(calls), fc.shuffledSubarray(calls, { minLength: calls.length, maxLength: calls.length })),
    );
    const plansShuffled = plansArbitrary().chain((plans) =>
      fc.tuple(fc.constant(plans), fc.shuffledSubarray(plans, { minLength: plans.length, maxLength: plans.length })),
    );
    fc.assert(
      fc.property(shuffled, plansShuffled, ([calls, callsReordered], [plans, plansReordered]) => {
        expect(compute(callsReordered, plansReordered)).toEqual(compute(calls, plans));
      }),
      RUNS,
    );
  });

  test("a statement's total equals the sum of its rounded lines", () => {
    fc.assert(
      fc.property(callsArbitrary(), plansArbitrary(), fc.constantFrom('USD', 'JPY', 'BHD'), (calls, plans, currency) => {
        const { lines } = compute(calls, plans, 'half_up', currency);
        const digits = { USD: 2, JPY: 0, BHD: 3 }[currency];
        // Independent arithmetic: whole minor units as BigInt, read from the amount strings.
        const minorUnits = (amount: string) => {
          expect(amount).toMatch(digits === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${digits}}$`));
          return BigInt(amount.replace('.', ''));
        };
        const expected = new Map<string, bigint>();
        for (const line of lines) {
          const key = `${line.period} ${line.payeeId}`;
          expected.set(key, (expected.get(key) ?? 0n) + minorUnits(line.amount));
        }
        const totals = statementTotals(lines, currency);
        expect(totals).toHaveLength(expected.size);
        for (const statement of totals) {
          expect(minorUnits(statement.total)).toBe(expected.get(`${statement.period} ${statement.payeeId}`));
          expect(statement.lineCount).toBe(lines.filter((l) => l.payeeId === statement.payeeId && l.period === statement.period).length);
        }
      }),
      RUNS,
    );
  });
});
