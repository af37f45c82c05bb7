import { csvField, toCsv } from './payroll-csv';

describe('RFC 4180 CSV', () => {
  it('quotes only fields holding a comma, a quote, CR or LF, doubling quotes, and ends every record with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('lf\nonly')).toBe('"lf\nonly"');
    expect(csvField(null)).toBe('');
    expect(
      toCsv(
        ['id', 'name'],
        [
          ['1', 'Ann, "the closer"'],
          ['2', null],
        ],
      ),
    ).toBe('id,name\r\n1,"Ann, ""the closer"""\r\n2,\r\n');
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
  ])('neutralises %j so a spreadsheet shows it as text (OWASP CSV injection)', (cell, expected) => {
    expect(csvField(cell)).toBe(expected);
  });

  it('keeps numbers numbers, negative ones included', () => {
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvField('1500.00')).toBe('1500.00');
  });
});
