/**
 * Consecutive pages cut wherever a page repeats an id an earlier page of the
 * group holds (Aura's pages shifting under the cursor): a record met twice is
 * written twice, in order, as it would be page by page, never merged into one.
 */
export function withoutRepeatedIds<Page extends { parsed: { seenIds: readonly string[] } }>(pages: readonly Page[]): Page[][] {
  const groups: Page[][] = [];
  let ids = new Set<string>();
  for (const page of pages) {
    const pageIds = page.parsed.seenIds;
    if (groups.length === 0 || pageIds.some((id) => ids.has(id))) {
      groups.push([]);
      ids = new Set();
    }
    groups[groups.length - 1].push(page);
    for (const id of pageIds) ids.add(id);
  }
  return groups;
}
