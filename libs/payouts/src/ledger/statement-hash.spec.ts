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
