import { findPlanConflict, type PlanConflict } from './plan-conflict';
import type { Plan } from './plan-definition';
import { plan } from './testing/builders';

const existing = plan({
  id: 'team-2026',
  effective_from: '2026-01-01',
  effective_to: '2026-07-01',
  roles: { closer: { rate: '0.10' } },
});
const alicePlan = plan({ id: 'alice-2026', payees: ['alice', 'bob'], roles: { closer: { rate: '0.15' } } });

describe('findPlanConflict: a tie is two plans that could both be the top choice for some (role, payee, date)', () => {
  const cases: [string, Partial<Plan>, Plan[], Partial<PlanConflict> | null][] = [
    [
      'two default plans, same priority, overlapping windows, a shared role',
      { effective_from: '2026-06-01', effective_to: null },
      [existing],
      { role: 'closer', payeeId: null, from: '2026-06-01', to: '2026-07-01' },
    ],
    ['a different priority decides: no tie', { priority: 1 }, [existing], null],
    ['windows that only touch (effective_to is exclusive): no tie', { effective_from: '2026-07-01' }, [existing], null],
    ['windows that end before the other starts: no tie', { effective_from: '2025-01-01', effective_to: '2025-12-31' }, [existing], null],
    ['no shared role: no tie', { roles: { setter: { flat: '100' } } }, [existing], null],
    ['a payee-specific plan beats a default one: no tie', { payees: ['alice'] }, [existing], null],
    [
      'payee lists that intersect tie on a shared payee',
      { payees: ['carol', 'bob'] },
      [alicePlan],
      { role: 'closer', payeeId: 'bob', from: '2026-01-01', to: null },
    ],
    ['payee lists that do not intersect: no tie', { payees: ['carol'] }, [alicePlan], null],
    [
      'open-ended windows always overlap',
      { effective_from: '2030-01-01' },
      [plan({ id: 'forever', roles: { closer: { rate: '0.1' } } })],
      { role: 'closer', payeeId: null, from: '2030-01-01', to: null },
    ],
    [
      'the role named is a role both define',
      { roles: { closer: { rate: '0.1' }, setter: { flat: '1' } } },
      [plan({ id: 'setters', roles: { setter: { flat: '2' } } })],
      { role: 'setter', payeeId: null },
    ],
    ['a plan does not tie with itself (same id, e.g. when re-checking a stored plan)', { id: 'team-2026' }, [existing], null],
  ];

  test.each(cases)('%s', (_case, candidateFields, plans, expected) => {
    const candidate = plan({ id: 'candidate', roles: { closer: { rate: '0.2' } }, ...candidateFields });
    const conflict = findPlanConflict(candidate, plans);
    if (expected === null) {
      expect(conflict).toBeNull();
    } else {
      expect(conflict).toMatchObject(expected);
      expect(plans).toContain(conflict!.plan);
    }
  });

  test('a plan definition without an id (not yet created) is checked the same way, and the conflict names the other plan', () => {
    const { id: _id, ...definition } = plan({ roles: { closer: { rate: '0.2' } } });
    expect(findPlanConflict(definition, [existing])).toEqual({
      plan: existing,
      role: 'closer',
      payeeId: null,
      from: '2026-01-01',
      to: '2026-07-01',
    });
  });

  test('the answer does not depend on the order of the existing plans', () => {
    const other = plan({ id: 'aaa', roles: { closer: { rate: '0.3' } } });
    const candidate = plan({ id: 'candidate', roles: { closer: { rate: '0.2' } } });
    expect(findPlanConflict(candidate, [existing, other])?.plan.id).toBe('aaa');
    expect(findPlanConflict(candidate, [other, existing])?.plan.id).toBe('aaa');
  });
});
