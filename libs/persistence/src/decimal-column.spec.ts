import Decimal from 'decimal.js';
import { decimalColumnToString, decimalTextToString } from './decimal-column';

describe('decimal columns as strings', () => {
  it.each([
    ['7400.000000', 2, '7400.00'],
    ['0.001000', 2, '0.001'],
    ['-12.340000', 2, '-12.34'],
    ['5', 2, '5.00'],
    ['5.000000', 0, '5'],
    ['0.1234560000', 6, '0.123456'],
    ['1.5000000000', 3, '1.500'],
  ])('reads %s with at least %i digits as %s, as from a Decimal', (text, digits, expected) => {
    expect(decimalTextToString(text, digits)).toBe(expected);
    expect(decimalColumnToString(new Decimal(text), digits)).toBe(expected);
  });
});
