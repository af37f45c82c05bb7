import { validatePlanDefinition } from './plan-validation';

/** The example plan of product.md "Plans", as JSON arrives over the API. */
const productExample = () => ({
  name: 'Closers and setters 2026',
  effective_from: '2026-01-01',
  effective_to: null,
  payees: null,
  priority: 0,
  self_set: 'closer_only',
  missing_setter: 'none',
  roles: {
    closer: {
      rate: '0.10',
      flat: '0',
      tiers: {
        basis: 'amount',
        mode: 'marginal',
        steps: [
          { from: '0', rate: '0.10' },
          { from: '15000', rate: '0.12' },
        ],
      },
      rules: [{ when: { product_id: ['…'], utm_source: ['google'] }, rate: '0.15' }],
      min_per_call: null,
      max_per_call: '2500',
      max_per_period: null,
    },
    setter: { flat: '100' },
  },
});

/** Plans under test are JSON of any shape: the point is to send what the types would not allow. */
type Example = any;

function errorsOf(change: (plan: Example) => unknown) {
  const plan = productExample() as Example;
  const input = change(plan) ?? plan;
  const result = validatePlanDefinition(input);
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}

describe('validatePlanDefinition', () => {
  test('accepts the example plan of product.md as it is', () => {
    const result = validatePlanDefinition(productExample());
    const expected = productExample();
    // …with the setter's omitted caps filled in as null.
    expect(result).toEqual({
      ok: true,
      plan: { ...expected, roles: { ...expected.roles, setter: { flat: '100', min_per_call: null, max_per_call: null, max_per_period: null } } },
    });
  });

  test('fills in the defaults for omitted optional fields', () => {
    const result = validatePlanDefinition({ name: 'Setters', effective_from: '2026-01-01', roles: { setter: { flat: '100' } } });
    expect(result).toEqual({
      ok: true,
      plan: {
        name: 'Setters',
        effective_from: '2026-01-01',
        effective_to: null,
        payees: null,
        priority: 0,
        self_set: 'closer_only',
        missing_setter: 'none',
        roles: { setter: { flat: '100', min_per_call: null, max_per_call: null, max_per_period: null } },
      },
    });
  });

  test('treats a null rate, flat, tiers or rules as not set', () => {
    const result = validatePlanDefinition({
      name: 'P',
      effective_from: '2026-01-01',
      roles: { closer: { rate: '0.1', flat: null, tiers: null, rules: null } },
    });
    expect(result.ok && result.plan.roles.closer).toEqual({ rate: '0.1', min_per_call: null, max_per_call: null, max_per_period: null });
  });

  test.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-13-01', false],
    ['2026-00-10', false],
  ])('effective_from %s is a calendar date: %s', (date, valid) => {
    expect(validatePlanDefinition({ ...productExample(), effective_from: date }).ok).toBe(valid);
  });

  const refusals: [string, (plan: Example) => unknown, string, string][] = [
    ['a plan that is not an object', () => ['plan'], '', 'a plan must be a JSON object'],
    ['a missing name', (p) => void delete p.name, 'name', 'is required'],
    ['a blank name', (p) => void (p.name = '   '), 'name', 'must not be empty'],
    ['a name over 200 characters', (p) => void (p.name = 'x'.repeat(201)), 'name', 'at most 200 characters (got 201)'],
    ['a missing effective_from', (p) => void delete p.effective_from, 'effective_from', 'is required'],
    ['a date in another format', (p) => void (p.effective_from = '01/01/2026'), 'effective_from', 'YYYY-MM-DD'],
    ['a date that does not exist', (p) => void (p.effective_from = '2026-02-30'), 'effective_from', '"2026-02-30" is not a calendar date'],
    ['effective_to equal to effective_from', (p) => void (p.effective_to = '2026-01-01'), 'effective_to', 'must be after effective_from (2026-01-01)'],
    ['effective_to before effective_from', (p) => void (p.effective_to = '2025-12-31'), 'effective_to', 'must be after effective_from'],
    ['an empty payee list', (p) => void (p.payees = []), 'payees', 'must be null (a default plan for everyone) or a non-empty list'],
    ['payees as a string', (p) => void (p.payees = 'alice'), 'payees', 'non-empty list of payee ids'],
    ['an empty payee id', (p) => void (p.payees = ['alice', '']), 'payees[1]', 'must be a non-empty string'],
    ['a payee listed twice', (p) => void (p.payees = ['alice', 'alice']), 'payees[1]', 'lists "alice" a second time'],
    ['a fractional priority', (p) => void (p.priority = 1.5), 'priority', 'must be a whole number'],
    ['a priority sent as a string', (p) => void (p.priority = '1'), 'priority', 'must be a whole number'],
    ['an unknown self_set', (p) => void (p.self_set = 'always'), 'self_set', 'must be one of "closer_only", "both"'],
    ['an unknown missing_setter', (p) => void (p.missing_setter = 'setter'), 'missing_setter', 'must be one of "none", "closer"'],
    ['an unknown top-level field', (p) => void (p.prority = 1), 'prority', 'unknown field "prority" (did you mean "priority"?)'],
    ['missing roles', (p) => void delete p.roles, 'roles', 'is required'],
    ['no role at all', (p) => void (p.roles = {}), 'roles', 'must define at least one role'],
    ['an unknown role', (p) => void (p.roles.closers = { rate: '0.1' }), 'roles.closers', 'unknown role "closers" (did you mean "closer"?)'],
    ['a role with no terms', (p) => void (p.roles.setter = { max_per_call: '10' }), 'roles.setter', 'must define at least one of rate, flat, tiers or rules'],
    ['a typo in a role field', (p) => void (p.roles.setter = { rats: '0.1', flat: '1' }), 'roles.setter.rats', 'unknown field "rats" (did you mean "rate"?)'],
    [
      'a rate sent as a JSON number',
      (p) => void (p.roles.closer.rate = 0.1),
      'roles.closer.rate',
      'must be a decimal string such as "0.10", not a JSON number: send "0.1"',
    ],
    ['a flat sent as a JSON number', (p) => void (p.roles.setter.flat = 100), 'roles.setter.flat', 'not a JSON number: send "100"'],
    ['a rate above 1', (p) => void (p.roles.closer.rate = '1.5'), 'roles.closer.rate', 'must be between 0 and 1'],
    ['a negative rate', (p) => void (p.roles.closer.rate = '-0.1'), 'roles.closer.rate', 'must be between 0 and 1'],
    ['a rate in exponent notation', (p) => void (p.roles.closer.rate = '1e-1'), 'roles.closer.rate', 'must be a decimal string'],
    ['a rate with a bare decimal point', (p) => void (p.roles.closer.rate = '.1'), 'roles.closer.rate', 'must be a decimal string'],
    ['a decimal too long to keep exact', (p) => void (p.roles.closer.rate = `0.${'1'.repeat(40)}`), 'roles.closer.rate', 'at most 32 characters'],
    ['a negative flat', (p) => void (p.roles.setter.flat = '-5'), 'roles.setter.flat', 'must be 0 or more'],
    ['a negative cap', (p) => void (p.roles.closer.max_per_period = '-1'), 'roles.closer.max_per_period', 'must be 0 or more'],
    ['a cap sent as a JSON number', (p) => void (p.roles.closer.max_per_call = 2500), 'roles.closer.max_per_call', 'send "2500"'],
    ['min_per_call above max_per_call', (p) => void (p.roles.closer.min_per_call = '3000'), 'roles.closer.min_per_call', 'must not exceed max_per_call (2500)'],
    ['tiers that are not an object', (p) => void (p.roles.closer.tiers = []), 'roles.closer.tiers', 'must be an object with basis, mode and steps'],
    ['an unknown tier basis', (p) => void (p.roles.closer.tiers.basis = 'volume'), 'roles.closer.tiers.basis', 'must be one of "amount", "count"'],
    ['a missing tier mode', (p) => void delete p.roles.closer.tiers.mode, 'roles.closer.tiers.mode', 'is required: must be one of "marginal", "retroactive"'],
    ['no tier steps', (p) => void (p.roles.closer.tiers.steps = []), 'roles.closer.tiers.steps', 'must be a non-empty list'],
    ['a first step not at 0', (p) => void (p.roles.closer.tiers.steps[0].from = '100'), 'roles.closer.tiers.steps[0].from', 'the first step must start at "0"'],
    [
      'steps not strictly ascending',
      (p) => void (p.roles.closer.tiers.steps[1].from = '0'),
      'roles.closer.tiers.steps[1].from',
      'must be greater than steps[0].from (0)',
    ],
    [
      'a count step that is not a whole number of calls',
      (p) =>
        void (p.roles.closer.tiers = {
          basis: 'count',
          mode: 'marginal',
          steps: [
            { from: '0', rate: '0.1' },
            { from: '2.5', rate: '0.2' },
          ],
        }),
      'roles.closer.tiers.steps[1].from',
      'must be a whole number',
    ],
    ['a step rate above 1', (p) => void (p.roles.closer.tiers.steps[1].rate = '12'), 'roles.closer.tiers.steps[1].rate', 'must be between 0 and 1'],
    ['a step without from', (p) => void delete p.roles.closer.tiers.steps[1].from, 'roles.closer.tiers.steps[1].from', 'is required'],
    ['a typo in a step', (p) => void (p.roles.closer.tiers.steps[1].form = '1'), 'roles.closer.tiers.steps[1].form', 'did you mean "from"?'],
    ['rules that are not a list', (p) => void (p.roles.closer.rules = {}), 'roles.closer.rules', 'must be a list of rules'],
    [
      'a rule setting nothing',
      (p) => void (p.roles.closer.rules = [{ when: { utm_source: ['google'] } }]),
      'roles.closer.rules[0]',
      'a rule must set rate, flat or both',
    ],
    ['a rule with an empty when', (p) => void (p.roles.closer.rules[0].when = {}), 'roles.closer.rules[0].when', 'at least one call field'],
    [
      'an unknown match field',
      (p) => void (p.roles.closer.rules[0].when.utm_sorce = ['x']),
      'roles.closer.rules[0].when.utm_sorce',
      'unknown match field "utm_sorce" (did you mean "utm_source"?); allowed: product_id, booking_link_id',
    ],
    [
      'an empty list of values',
      (p) => void (p.roles.closer.rules[0].when.utm_source = []),
      'roles.closer.rules[0].when.utm_source',
      'must be a non-empty list',
    ],
    [
      'a single value instead of a list',
      (p) => void (p.roles.closer.rules[0].when.utm_source = 'google'),
      'roles.closer.rules[0].when.utm_source',
      'must be a non-empty list',
    ],
    [
      'an empty value',
      (p) => void (p.roles.closer.rules[0].when.utm_source = ['google', '']),
      'roles.closer.rules[0].when.utm_source[1]',
      'must be a non-empty string',
    ],
    ['a rule rate sent as a number', (p) => void (p.roles.closer.rules[0].rate = 0.15), 'roles.closer.rules[0].rate', 'not a JSON number'],
    ['a typo in a rule', (p) => void (p.roles.closer.rules[0].flta = '1'), 'roles.closer.rules[0].flta', 'did you mean "flat"?'],
  ];

  test.each(refusals)('refuses %s, naming the field', (_case, change, field, message) => {
    expect(errorsOf(change)).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  test('reports every error, not only the first', () => {
    const errors = errorsOf((p) => {
      p.name = '';
      p.effective_to = '2025-01-01';
      p.priority = 0.5;
      p.roles.closer.rate = 2;
      p.roles.closer.tiers.steps[0].from = '1';
      p.roles.setter = { rats: '0.1' } as never;
    });
    expect(errors.map((e) => e.field)).toEqual([
      'name',
      'effective_to',
      'priority',
      'roles.closer.rate',
      'roles.closer.tiers.steps[0].from',
      'roles.setter.rats',
      'roles.setter',
    ]);
  });

  test('an unknown key is reported at every level', () => {
    const errors = errorsOf((p) => {
      p.extra = 1;
      p.roles.closer.extra = 1;
      p.roles.closer.tiers.extra = 1;
      p.roles.closer.tiers.steps[0].extra = 1;
      p.roles.closer.rules[0].extra = 1;
      p.roles.closer.rules[0].when.extra = ['x'];
    });
    expect(errors.map((e) => e.field)).toEqual([
      'extra',
      'roles.closer.extra',
      'roles.closer.tiers.extra',
      'roles.closer.tiers.steps[0].extra',
      'roles.closer.rules[0].extra',
      'roles.closer.rules[0].when.extra',
    ]);
  });
});

describe('plan validation against hostile input (bounded, linear)', () => {
  const fieldsOf = (input: unknown) => {
    const result = validatePlanDefinition(input);
    return result.ok ? [] : result.errors;
  };

  it('answers a million-character unknown key with one short error, not an echo of the key', () => {
    const plan = productExample() as Record<string, unknown>;
    plan['x'.repeat(1_000_000)] = 1;
    const errors = fieldsOf(plan);
    expect(errors).toHaveLength(1);
    expect(errors[0].field.length).toBeLessThan(100);
    expect(errors[0].message.length).toBeLessThan(300);
  });

  it('reports at most 20 unknown keys of one object', () => {
    const plan = productExample() as Record<string, unknown>;
    for (let index = 0; index < 10_000; index++) plan[`k${index}`] = index;
    expect(fieldsOf(plan)).toHaveLength(20);
  });

  it.each([
    [
      'tier steps',
      (plan: any) => (plan.roles.closer.tiers.steps = Array.from({ length: 51 }, (_, index) => ({ from: String(index * 100), rate: '0.1' }))),
      'roles.closer.tiers.steps',
    ],
    [
      'rules',
      (plan: any) => (plan.roles.closer.rules = Array.from({ length: 101 }, () => ({ when: { utm_source: ['google'] }, rate: '0.1' }))),
      'roles.closer.rules',
    ],
    ['payees', (plan: any) => (plan.payees = Array.from({ length: 1_001 }, (_, index) => `user_${index}`)), 'payees'],
    [
      'match values',
      (plan: any) => (plan.roles.closer.rules = [{ when: { utm_source: Array.from({ length: 1_001 }, (_, index) => `s${index}`) }, rate: '0.1' }]),
      'roles.closer.rules[0].when.utm_source',
    ],
  ])('refuses too many %s, naming the field', (_what, change, field) => {
    const plan = productExample();
    change(plan);
    expect(fieldsOf(plan)).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it.each([
    ['a 32-digit flat', 'roles.setter.flat', '12345678901234567890123456789012'],
    ['a 13-digit cap', 'roles.closer.max_per_call', '1234567890123'],
    ['an amount with 7 decimals', 'roles.closer.max_per_call', '25.0000001'],
  ])('refuses %s: it would overflow the money columns at every run', (_what, field, value) => {
    const plan = productExample() as any;
    if (field === 'roles.setter.flat') plan.roles.setter.flat = value;
    else plan.roles.closer.max_per_call = value;
    expect(fieldsOf(plan)).toEqual([expect.objectContaining({ field, message: expect.stringContaining('DECIMAL(24, 6)') })]);
  });

  it('still accepts the largest amount that fits: 12 whole digits, 6 decimals', () => {
    const plan = productExample() as any;
    plan.roles.setter.flat = '999999999999.999999';
    expect(validatePlanDefinition(plan).ok).toBe(true);
  });
});
