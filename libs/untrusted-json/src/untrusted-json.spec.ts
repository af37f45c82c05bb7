import { inspectJson, isStorableText, losslessJsonText, MAX_JSON_DEPTH, storableCopy, storableText } from './untrusted-json';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = { next: value };
  return value;
}

describe('untrusted JSON from upstream', () => {
  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'x\ud800y'],
    ['a lone low surrogate', '\udc00'],
    ['a high surrogate at the end', 'end\ud83d'],
  ])('refuses %s as storable text and replaces it with U+FFFD', (_what, text) => {
    expect(isStorableText(text)).toBe(false);
    expect(isStorableText(storableText(text))).toBe(true);
    expect(storableText(text)).toContain('\ufffd');
  });

  it('keeps a well-formed pair (an emoji) and ordinary text as they are', () => {
    expect(isStorableText('deal 😀 ✓ é')).toBe(true);
    expect(storableText('deal 😀 ✓ é')).toBe('deal 😀 ✓ é');
  });

  it('names the path of the first unstorable value, keys included', () => {
    expect(inspectJson({ id: 'c1', transcript_data: { segments: [{ text: 'ok' }, { text: 'bad\u0000' }] } })).toMatchObject({
      reason: 'unstorable_text',
      field: 'transcript_data.segments[1].text',
    });
    expect(inspectJson({ id: 'c1', ['k\ud800']: 1 })).toMatchObject({ reason: 'unstorable_text' });
    expect(inspectJson({ id: 'c1', notes: 'fine', list: [1, null, true] })).toBeNull();
  });

  it('refuses nesting deeper than the limit without overflowing the stack, even 100,000 levels', () => {
    expect(inspectJson(nested(MAX_JSON_DEPTH - 1))).toBeNull();
    expect(inspectJson(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ reason: 'too_deep' });
    const hostile = nested(100_000);
    expect(inspectJson(hostile)).toMatchObject({ reason: 'too_deep' });
    const copy = storableCopy(hostile);
    expect(inspectJson(copy)).toBeNull();
    expect(typeof losslessJsonText(hostile)).toBe('string');
  });

  it('keeps the original losslessly as escaped JSON text, and a storable copy for queries', () => {
    const record = { id: 'c\u00001', name: 'x\ud800', ok: 'yes' };
    const text = losslessJsonText(record);
    expect(isStorableText(text)).toBe(true);
    expect(JSON.parse(text)).toEqual(record);
    expect(storableCopy(record)).toEqual({ id: 'c\ufffd1', name: 'x\ufffd', ok: 'yes' });
  });
});
