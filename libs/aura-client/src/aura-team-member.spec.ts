import { parseAuraTeamMember } from './aura-team-member';

const valid = {
  id: 'user_2okOaTlf6TM0GzzUuC0oKH3RTOp',
  name: 'Keiko Okafor',
  email: 'keiko.okafor@example.test',
  role: 'admin',
  created_at: '2023-11-20T21:40:00Z',
  updated_at: '2023-11-27T21:40:00Z',
  property1: { kept: true },
};

describe('parseAuraTeamMember', () => {
  it('accepts a member and keeps every field, unknown ones too, without touching the record', () => {
    const raw = structuredClone(valid);
    const result = parseAuraTeamMember(raw);
    expect(result).toEqual({ ok: true, member: valid });
    if (result.ok) expect(result.member).not.toBe(raw);
    expect(raw).toEqual(valid);
  });

  it('accepts a uuid id, an undocumented role, and no name, email or role at all', () => {
    expect(parseAuraTeamMember({ ...valid, id: '550e8400-e29b-41d4-a716-446655440000' }).ok).toBe(true);
    expect(parseAuraTeamMember({ ...valid, role: 'owner' }).ok).toBe(true);
    expect(parseAuraTeamMember({ id: valid.id }).ok).toBe(true);
    expect(parseAuraTeamMember({ id: valid.id, name: null, email: null, role: null }).ok).toBe(true);
    expect(parseAuraTeamMember({ ...valid, name: 'N'.repeat(200) }).ok).toBe(true);
  });

  it.each([
    ['unstorable_text', 'a NUL in the name', { ...valid, name: 'Keiko\u0000' }, 'name'],
    ['unstorable_text', 'a lone surrogate in a key', { ...valid, ['bad\ud800']: 1 }, undefined],
    ['too_deep', 'an unknown field nested 40 deep', { ...valid, extra: JSON.parse('['.repeat(40) + ']'.repeat(40)) }, undefined],
    ['not_an_object', 'an array', [valid], undefined],
    ['missing_id', 'no id', { ...valid, id: undefined }, 'id'],
    ['missing_id', 'a blank id', { ...valid, id: '  ' }, 'id'],
    ['invalid_person_id', 'a numeric id', { ...valid, id: 7 }, 'id'],
    ['invalid_person_id', 'an id that is no user_… id or uuid', { ...valid, id: '=HYPERLINK("http://x")' }, 'id'],
    ['invalid_person_id', 'a user_ id too long to be one', { ...valid, id: `user_${'a'.repeat(101)}` }, 'id'],
    ['invalid_field', 'a name that is not text', { ...valid, name: 42 }, 'name'],
    ['invalid_field', 'a name of 201 characters', { ...valid, name: 'N'.repeat(201) }, 'name'],
    ['invalid_field', 'an email that is not text', { ...valid, email: ['a@b.test'] }, 'email'],
    ['invalid_field', 'an email of 201 characters', { ...valid, email: `${'e'.repeat(188)}@example.test` }, 'email'],
    ['invalid_field', 'a role that is not text', { ...valid, role: { admin: true } }, 'role'],
  ])('quarantines %s: %s', (reason, _what, raw, field) => {
    const result = parseAuraTeamMember(raw);
    expect(result).toMatchObject({ ok: false, reason });
    if (result.ok) return;
    if (field !== undefined) expect(result.field).toBe(field);
    if (reason === 'invalid_field' || reason === 'unstorable_text') {
      expect(result.id).toBe(valid.id);
      expect(result.message).toContain(`team member ${valid.id}`);
    }
    if (reason === 'invalid_person_id' || reason === 'missing_id') expect(result.id).toBeUndefined();
  });
});
