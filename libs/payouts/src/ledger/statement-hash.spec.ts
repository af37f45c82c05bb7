import fc from 'fast-check';
import { canonicalJson, contentHash, sha256Hex } from '@app/content-hash';
import { canonicalJsonMemo, lineHash, statementHash } from './statement-hash';

describe('statement hashes', () => {
  it('serialise exactly as content-hash does, shared frozen parts and repeated shapes included', () => {
    const shared = Object.freeze({ id: 'p1', name: 'Plan "A"', priority: 0, scope: 'default' });
    const caps = Object.freeze([]);
    const values: unknown[] = [
      null,
      'text',
      12.5,
      true,
      [1, undefined, null, 'x'],
      { b: 1, a: { d: [shared, shared], c: undefined }, caps, é: 'ü' },
      { a: 1, b: 2 },
      { b: 2, a: 1 },
      { plan: shared, caps, amount: '1.00', nested: { z: null, y: [{ q: 1, p: 2 }] } },
      { plan: shared, caps, amount: '2.00', nested: { z: 0, y: [] } },
    ];
    for (const value of values) expect(canonicalJsonMemo(value)).toBe(canonicalJson(value));
    for (const value of values) expect(canonicalJsonMemo(value)).toBe(canonicalJson(value)); // again, from the memo
  });

  it('serialise hostile strings, numbers and key orders exactly as content-hash does', () => {
    const hostile = ['', 'a"b', 'back\\slash', 'nul\u0000byte', 'line\nbreak', '\u001f', 'lone \ud800 high', 'lone \udfff low', 'pair 😀', '\u2028\u2029', 'é'];
    const values: unknown[] = [
      ...hostile,
      ...hostile.map((text) => ({ [text]: text, z: [text, { [text]: null }] })),
      [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, 5e-7],
      { 10: 'ten', 2: 'two', b: 1, a: undefined },
      { a: undefined },
      [1, , 3], // eslint-disable-line no-sparse-arrays
    ];
    for (const value of values) expect(canonicalJsonMemo(value)).toBe(canonicalJson(value));
  });

  it('serialise past the shape cache: more shapes of one first key than it keeps', () => {
    for (let index = 0; index < 200; index++) {
      const value = { a: index, [`k${index}`]: 'x', [`${index}`]: true };
      expect(canonicalJsonMemo(value)).toBe(canonicalJson(value));
    }
  });

  it('serialise any JSON value exactly as content-hash does (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        // The same keys in a second order: the memo finds the first shape again and must not reuse it for the second.
        const pair = { a, b, c: [a, b] };
        const swapped = { c: [b, a], b: a, a: b };
        expect(canonicalJsonMemo(pair)).toBe(canonicalJson(pair));
        expect(canonicalJsonMemo(swapped)).toBe(canonicalJson(swapped));
      }),
      { numRuns: 300 },
    );
  });

  it('hash a statement as the documented recipe: content hash of the header and the ordered line hashes', () => {
    const line = {
      lineKey: 'commission:c1:closer:ann',
      callId: 'c1',
      role: 'closer',
      kind: 'commission',
      baseAmount: '10.00',
      amount: '1.00',
      planId: null,
      adjustsLineId: null,
      explanation: { sentence: 'x' },
    };
    expect(lineHash(line)).toBe(
      sha256Hex(
        canonicalJson({
          line_key: line.lineKey,
          call_id: 'c1',
          role: 'closer',
          kind: 'commission',
          base_amount: '10.00',
          amount: '1.00',
          plan_id: null,
          adjusts_line_id: null,
          explanation: { sentence: 'x' },
        }),
      ),
    );
    expect(statementHash({ currency: 'USD', payeeId: 'ann', period: '2026-09' }, [line])).toBe(
      contentHash({ currency: 'USD', payee_id: 'ann', period: '2026-09', lines: [lineHash(line)] }),
    );
    expect(statementHash({ currency: 'USD', payeeId: 'ann', period: '2026-09' }, [line, line])).not.toBe(
      statementHash({ currency: 'USD', payeeId: 'ann', period: '2026-09' }, [line]),
    );
  });
});
