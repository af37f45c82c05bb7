import { csvField, toCsv } from './payroll-csv';

describe('RFC 4180 CSV', () => {
  it('quotes only fields holding a comma, a quote, CR or LF, doubling quotes, and ends every record with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('lf\nonly')).toBe('"lf\nonly"');
    expect(csvField(null)).toBe('');
    expect(toCsv(['id', 'name'], [['1', 'Ann, "the closer"'], ['2', null]])).toBe('id,name\r\n1,"Ann, ""the closer"""\r\n2,\r\n');
  });
});
