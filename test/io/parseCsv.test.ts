import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/index.js';

describe('parseCsv', () => {
  it('reads RFC 4180 quoting, CRLF, BOM, and skips blank lines', () => {
    const r = parseCsv('\uFEFFa,b\r\n"x, y","he said ""hi"""\r\n\r\n"multi\r\nline",2\n3,\n');
    expect(r.header).toEqual(['a', 'b']);
    expect(r.rows).toEqual([
      ['x, y', 'he said "hi"'],
      ['multi\r\nline', '2'],
      ['3', ''],
    ]);
    expect(r.lines).toEqual([2, 4, 6]);
  });
  it('takes another delimiter and a file without a final newline', () => {
    expect(parseCsv('a;b\n1;2', { delimiter: ';' }).rows).toEqual([['1', '2']]);
    expect(parseCsv('').header).toEqual([]);
  });
  it('reports an unclosed quote with its line', () => {
    expect(() => parseCsv('a\n1\n"open')).toThrow(/line 3/);
    expect(() => parseCsv('a\n"x"y')).toThrow(/closing quote/);
    expect(() => parseCsv('a', { delimiter: ',,' })).toThrow(/delimiter/);
  });
  test.prop([fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 10 }), fc.boolean()], { numRuns: 200 })(
    'round-trips any quoted cells (CRLF or LF)',
    (records, crlf) => {
      const width = 3;
      const rows = records.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? 'x'));
      const text = rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join(crlf ? '\r\n' : '\n');
      const parsed = parseCsv(text);
      expect([parsed.header, ...parsed.rows]).toEqual(rows);
    },
  );
});
