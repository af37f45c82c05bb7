import { Decimal as GlobalDecimal } from 'decimal.js';
import { Decimal, minorUnitDigits, roundMoney } from './money';

describe('money', () => {
  test.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['BHD', 3],
  ])('%s has %i minor-unit digits', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });

  test.each(['', 'US', 'DOLLARS', '$$$', 'XYZ', 'usd'])('an unknown currency %p is refused with a clear message', (currency) => {
    expect(() => minorUnitDigits(currency)).toThrow(/Unknown currency/);
  });

  test.each([
    ['190.6125', 'USD', 'half_up', '190.61'],
    ['0.125', 'USD', 'half_up', '0.13'],
    ['0.125', 'USD', 'half_even', '0.12'],
    ['0.135', 'USD', 'half_even', '0.14'],
    ['0.1349999999999999999999999999', 'USD', 'half_up', '0.13'],
    ['-0.125', 'USD', 'half_up', '-0.13'],
    ['100.5', 'JPY', 'half_up', '101'],
    ['100.5', 'JPY', 'half_even', '100'],
    ['1.0005', 'BHD', 'half_up', '1.001'],
  ] as const)('roundMoney(%s, %s, %s) = %s', (value, currency, mode, expected) => {
    expect(roundMoney(new Decimal(value), currency, mode).toFixed()).toBe(expected);
    expect(roundMoney(value, currency, mode).toFixed()).toBe(expected);
  });

  test("the engine's decimals keep 40 digits and leave the global decimal.js configuration alone", () => {
    const before = GlobalDecimal.precision;
    expect(new Decimal(1).dividedBy(3).toFixed()).toBe(`0.${'3'.repeat(40)}`);
    expect(GlobalDecimal.precision).toBe(before);
  });

  test('a value computed with another decimal.js configuration rounds the same', () => {
    expect(roundMoney(new GlobalDecimal('2.675'), 'USD', 'half_up').toFixed()).toBe('2.68');
  });
});
