import { withoutRepeatedIds } from './page-groups';

const page = (...ids: string[]) => ({ parsed: { seenIds: ids } });
const idsOf = (groups: { parsed: { seenIds: readonly string[] } }[][]) => groups.map((group) => group.map((member) => member.parsed.seenIds.join('+')));

describe('withoutRepeatedIds', () => {
  it('keeps pages with distinct ids in one group', () => {
    expect(idsOf(withoutRepeatedIds([page('a', 'b'), page('c'), page('d', 'e')]))).toEqual([['a+b', 'c', 'd+e']]);
  });

  it('starts a new group at a page that repeats an id of the group, so a record met twice is written twice in order', () => {
    // Aura's pages shifting under the cursor: b is listed again on the third page.
    expect(idsOf(withoutRepeatedIds([page('a', 'b'), page('c'), page('b', 'd'), page('a')]))).toEqual([
      ['a+b', 'c'],
      ['b+d', 'a'],
    ]);
  });

  it('has no group for no pages, and a page of no records joins its group', () => {
    expect(withoutRepeatedIds([])).toEqual([]);
    expect(idsOf(withoutRepeatedIds([page('a'), page(), page('a')]))).toEqual([['a', ''], ['a']]);
  });
});
