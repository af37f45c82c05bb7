import fc from 'fast-check';
import type { CommissionCall } from './commission-call';
import { computePayouts, type ComputePayoutsInput } from './compute-payouts';
import { StringSet, fastInstant, fastMoneyDecimals } from './fast-parse';
import { Decimal, type RoundingMode } from './money';
import type { Plan, RoleTerms, Tiers } from './plan-definition';
import { validatePlanDefinition } from './plan-validation';
import { fixedText, plainText, roundToUnit, toScaled } from './scaled-integer';
import { call, plan } from './testing/builders';

/**
 * The scaled-integer path (arithmetic 'auto') must give exactly the lines,
 * amounts and explanations of the decimal.js path ('decimal') for any
 * input: where its bound check holds, and where it does not and the decimal
 * path takes over. Values range from ordinary cents to the limits the plan
 * and call checks allow, so both sides of every bound are reached.
 */
const RUNS = { numRuns: 600 };

const digits = (count: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: count, maxLength: count }).map((d) => d.join(''));
/** A plain decimal with up to `whole` digits before the point and up to `fraction` after, no needless leading zeros. */
const decimal = (whole: number, fraction: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: whole }), fc.integer({ min: 0, max: fraction }))
    .chain(([w, f]) => fc.tuple(digits(w), digits(f)))
    .map(([w, f]) => {
      const head = w.replace(/^0+(?=\d)/, '');
      return f.length > 0 ? `${head}.${f}` : head;
    });
const ordinaryMoney = fc.integer({ min: 0, max: 2_000_000 }).map((cents) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
/** Bases: mostly cents, sometimes many digits or decimals (those send a group to the decimal path). */
const baseAmount = fc.oneof(
  { weight: 5, arbitrary: ordinaryMoney },
  // Odd cents at half rates land on ties: half up and half to even differ there.
  { weight: 2, arbitrary: fc.constantFrom('0.01', '0.03', '1.05', '2.5', '10.07') },
  { weight: 1, arbitrary: decimal(12, 3) },
  { weight: 1, arbitrary: decimal(20, 9) },
);
const rate = fc.oneof(
  fc.constantFrom('0.5', '0.25', '0.125', '0.05'),
  fc.integer({ min: 0, max: 10_000 }).map((n) => new Decimal(n).dividedBy(10_000).toFixed()),
  fc
    .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 10 }))
    .chain(([lead, places]) => digits(places).map((tail) => (lead === 0 ? `0.${tail}` : '1'))),
);
const amount = fc.oneof({ weight: 4, arbitrary: ordinaryMoney }, { weight: 1, arbitrary: decimal(12, 6) });

const tiers: fc.Arbitrary<Tiers> = fc
  .record({ basis: fc.constantFrom('amount' as const, 'count' as const), mode: fc.constantFrom('marginal' as const, 'retroactive' as const) })
  .chain(({ basis, mode }) =>
    fc
      .array(fc.record({ gap: basis === 'amount' ? amount.filter((text) => new Decimal(text).gt(0)) : fc.integer({ min: 1, max: 3 }).map(String), rate }), {
        minLength: 1,
        maxLength: 4,
      })
      .map((items) => {
        let from = new Decimal(0);
        const steps = items.map((item, index) => {
          if (index > 0) from = from.plus(item.gap);
          return { from: from.toFixed(), rate: item.rate };
        });
        return { basis, mode, steps };
      }),
  );

const terms: fc.Arbitrary<RoleTerms> = fc
  .record({
    rate: fc.option(rate, { nil: undefined }),
    flat: fc.option(amount, { nil: undefined }),
    tiers: fc.option(tiers, { nil: undefined }),
    rules: fc.option(
      fc.array(
        fc.record({ source: fc.constantFrom('google', 'facebook'), rate: fc.option(rate, { nil: undefined }), flat: fc.option(amount, { nil: undefined }) }),
        { maxLength: 2 },
      ),
      { nil: undefined },
    ),
    min_per_call: fc.option(amount, { nil: null }),
    max_per_call: fc.option(amount, { nil: null }),
    max_per_period: fc.option(amount, { nil: null }),
  })
  .map((value) => {
    const result: RoleTerms = { min_per_call: value.min_per_call, max_per_call: value.max_per_call, max_per_period: value.max_per_period };
    if (value.rate !== undefined) result.rate = value.rate;
    if (value.flat !== undefined) result.flat = value.flat;
    if (value.tiers !== undefined) result.tiers = value.tiers;
    const rules = (value.rules ?? []).filter((rule) => rule.rate !== undefined || rule.flat !== undefined);
    if (rules.length > 0) result.rules = rules.map((rule) => ({ when: { utm_source: [rule.source] }, rate: rule.rate, flat: rule.flat }));
    if (result.rate === undefined && result.flat === undefined && result.tiers === undefined && result.rules === undefined) result.rate = '0.1';
    return result;
  });

const plans: fc.Arbitrary<Plan[]> = fc
  .array(
    fc.record({
      closer: terms,
      setter: fc.option(terms, { nil: undefined }),
      from: fc.constantFrom('2026-01-01', '2026-03-15'),
      selfSet: fc.constantFrom('closer_only' as const, 'both' as const),
      missing: fc.constantFrom('none' as const, 'closer' as const),
    }),
    { minLength: 1, maxLength: 2 },
  )
  .map((items) =>
    items.flatMap((item, index) => {
      const definition = {
        name: `Plan ${index}`,
        effective_from: item.from,
        effective_to: null,
        payees: null,
        priority: index,
        self_set: item.selfSet,
        missing_setter: item.missing,
        roles: item.setter ? { closer: item.closer, setter: item.setter } : { closer: item.closer },
      };
      const validation = validatePlanDefinition(definition);
      return validation.ok ? [{ ...validation.plan, id: `p${index}` }] : [];
    }),
  );

const instant = fc
  .record({
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.constantFrom(0, 59),
    fraction: fc.constantFrom('', '.5', '.125', '.1239999'),
    offset: fc.constantFrom('Z', '+02:00', '-05:30'),
  })
  .map(({ day, hour, minute, fraction, offset }) => ({
    day: `2026-03-${String(day).padStart(2, '0')}`,
    at: `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00${fraction}${offset}`,
  }));

const calls: fc.Arbitrary<CommissionCall[]> = fc
  .array(
    fc.record({
      closerId: fc.constantFrom('alice', 'bob'),
      setterId: fc.option(fc.constantFrom('alice', 'bob', 'carol'), { nil: null }),
      baseAmount,
      instant,
      source: fc.constantFrom('google', 'facebook', null),
      refunded: fc.boolean(),
    }),
    { maxLength: 14 },
  )
  .map((records) =>
    records.map((record, index) => ({
      id: `c${String(index).padStart(2, '0')}`,
      closerId: record.closerId,
      setterId: record.setterId,
      baseAmount: record.baseAmount,
      ...(record.refunded ? { refund: { grossBase: '9999.99', refundedShare: '0.5' } } : {}),
      commissionAt: record.instant.at,
      commissionDay: record.instant.day,
      period: '2026-03',
      attributes: { utm_source: record.source },
    })),
  );

const settings = fc.record({
  currency: fc.constantFrom('USD', 'JPY', 'BHD'),
  roundingMode: fc.constantFrom<RoundingMode>('half_up', 'half_even'),
});

/** Lines as plain data: reading `explanation` builds it, on either path. */
const plain = (input: ComputePayoutsInput) => JSON.parse(JSON.stringify(computePayouts(input))) as unknown;

describe('the scaled-integer path', () => {
  it('gives the decimal path’s lines, amounts, explanations and unplanned payouts', () => {
    fc.assert(
      fc.property(calls, plans, settings, (someCalls, somePlans, { currency, roundingMode }) => {
        const input = { calls: someCalls, plans: somePlans, currency, roundingMode };
        expect(plain({ ...input, arithmetic: 'auto' })).toEqual(plain({ ...input, arithmetic: 'decimal' }));
      }),
      RUNS,
    );
  });

  it('gives equal explanations whether they are read at once or long after later lines were paid', () => {
    const input = {
      calls: [
        {
          id: 'a',
          closerId: 'x',
          setterId: null,
          baseAmount: '300000.00',
          commissionAt: '2026-03-02T10:00:00Z',
          commissionDay: '2026-03-02',
          period: '2026-03',
          attributes: {},
        },
        {
          id: 'b',
          closerId: 'x',
          setterId: null,
          baseAmount: '900000.00',
          commissionAt: '2026-03-03T10:00:00Z',
          commissionDay: '2026-03-03',
          period: '2026-03',
          attributes: {},
        },
      ],
      plans: [
        {
          id: 'p',
          name: 'Tiers',
          effective_from: '2026-01-01',
          effective_to: null,
          payees: null,
          priority: 0,
          self_set: 'closer_only' as const,
          missing_setter: 'none' as const,
          roles: {
            closer: {
              tiers: {
                basis: 'amount' as const,
                mode: 'marginal' as const,
                steps: [
                  { from: '0', rate: '0.05' },
                  { from: '1000000', rate: '0.1' },
                ],
              },
              max_per_period: '60000.00',
            },
          },
        },
      ],
      currency: 'USD',
      roundingMode: 'half_up' as const,
    };
    const lines = computePayouts(input).lines;
    const reference = computePayouts({ ...input, arithmetic: 'decimal' }).lines;
    // The first line's explanation is read only after the second line was computed.
    expect(lines[1].explanation).toEqual(reference[1].explanation);
    expect(lines[0].explanation).toEqual(reference[0].explanation);
    expect(lines[1].explanation.tiers?.slices.map((slice) => slice.rate)).toEqual(['0.05', '0.1']);
    expect(lines[1].explanation.caps.map((cap) => cap.cap)).toEqual(['max_per_period']);
    expect(lines[0].explanation).toBe(lines[0].explanation);
  });
});

describe('which path pays', () => {
  const flatRate = plan({ id: 'p', name: 'Flat rate', roles: { closer: { rate: '0.1' } } });
  const callOf = (id: string, closerId: string, baseAmount: string) => call(id, { closerId, baseAmount });
  const pathOf = (line: object) => (Object.getOwnPropertyDescriptor(line, 'explanation') === undefined ? 'scaled' : 'decimal');

  it('pays ordinary amounts in scaled integers, and a payee whose volume could leave the exact range in decimal.js', () => {
    const { lines } = computePayouts({
      calls: [callOf('a', 'ann', '5000.00'), callOf('b', 'ben', '90071992547409.91'), callOf('c', 'ben', '90071992547409.91')],
      plans: [flatRate],
      currency: 'USD',
      roundingMode: 'half_up',
    });
    expect(lines.map((line) => [line.payeeId, pathOf(line), line.amount])).toEqual([
      ['ann', 'scaled', '500.00'],
      ['ben', 'decimal', '9007199254740.99'],
      ['ben', 'decimal', '9007199254740.99'],
    ]);
  });

  it('pays everything in decimal.js when asked to', () => {
    const { lines } = computePayouts({
      calls: [callOf('a', 'ann', '5000.00')],
      plans: [flatRate],
      currency: 'USD',
      roundingMode: 'half_up',
      arithmetic: 'decimal',
    });
    expect(lines.map(pathOf)).toEqual(['decimal']);
  });
});

describe('scaled-integer helpers', () => {
  it('read and write decimals exactly as decimal.js does', () => {
    fc.assert(
      fc.property(decimal(15, 6), fc.integer({ min: 6, max: 12 }), (text, scale) => {
        const scaled = toScaled(text, scale);
        const exact = new Decimal(text).times(new Decimal(10).pow(scale));
        if (exact.gt(Number.MAX_SAFE_INTEGER)) {
          expect(scaled).toBe(-1);
          return;
        }
        expect(String(scaled)).toBe(exact.toFixed());
        expect(plainText(scaled, scale)).toBe(new Decimal(text).toFixed());
      }),
      RUNS,
    );
  });

  it('round to the minor unit as decimal.js does, ties up or to even', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 4 }), fc.boolean(), (value, extra, halfEven) => {
        const unit = 10 ** extra;
        const expected = new Decimal(value)
          .dividedBy(unit)
          .toDecimalPlaces(0, halfEven ? Decimal.ROUND_HALF_EVEN : Decimal.ROUND_HALF_UP)
          .times(unit);
        expect(String(roundToUnit(value, unit, halfEven))).toBe(expected.toFixed());
        expect(fixedText(roundToUnit(value, unit, halfEven), 2 + extra, 2)).toBe(expected.dividedBy(10 ** (2 + extra)).toFixed(2));
      }),
      RUNS,
    );
  });

  it('read an instant as Date.parse does, or leave it to Date.parse', () => {
    const part = (max: number, width: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0'));
    const text = fc
      .tuple(
        part(2999, 4),
        part(13, 2),
        part(32, 2),
        part(25, 2),
        part(61, 2),
        part(61, 2),
        fc.constantFrom('', '.1', '.12', '.123', '.1234567891', '.'),
        fc.constantFrom('Z', '+00:00', '+14:00', '-23:59', '+24:00', 'z', ''),
      )
      .map(([y, mo, d, h, mi, s, fraction, offset]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${offset}`);
    fc.assert(
      fc.property(text, (value) => {
        const fast = fastInstant(value);
        if (!Number.isNaN(fast)) expect(fast).toBe(Date.parse(value));
      }),
      { numRuns: 5000 },
    );
    expect(fastInstant('2026-03-10T15:04:05.1239Z')).toBe(Date.parse('2026-03-10T15:04:05.1239Z'));
    expect(fastInstant('2026-02-30T00:00:00Z')).toBeNaN();
    // A sign or letter where a digit belongs is never read as a number: the general check refuses these.
    for (const malformed of [
      '2026-03-10T-1:04:05Z',
      '2026-03-10T12:-4:05Z',
      '2026-03-10T12:04:-5Z',
      '2026-03-10T12:04:05+x1:00',
      '2026-03-10T12:04:05+01:-1',
    ]) {
      expect(fastInstant(malformed)).toBeNaN();
      const input = {
        calls: [call('c', { commissionAt: malformed })],
        plans: [plan({ roles: { closer: { rate: '0.1' } } })],
        currency: 'USD',
        roundingMode: 'half_up' as const,
      };
      expect(() => computePayouts(input)).toThrow(/commissionAt/);
    }
  });

  it('find repeated ids as a Set does, also past the size they were made for', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 200 }), fc.integer({ min: 0, max: 50 }), (ids, expected) => {
        const set = new StringSet(expected);
        const reference = new Set<string>();
        for (const id of ids) {
          const known = reference.has(id);
          reference.add(id);
          expect(set.add(id)).toBe(!known);
        }
      }),
      RUNS,
    );
  });

  it('take only plain money strings on the fast path', () => {
    expect(['1', '1234.56', '0.000001', '123456789012345'].map(fastMoneyDecimals)).toEqual([0, 2, 6, 0]);
    expect(['', '-1', '1.', '.5', '1.1234567', '1e5', '1234567890123456', '１'].map(fastMoneyDecimals)).toEqual([-1, -1, -1, -1, -1, -1, -1, -1]);
  });
});
