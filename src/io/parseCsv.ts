import { fail } from '../errors/FunnelError.js';

/**
 * Options for {@link parseCsv}.
 *
 * @category IO
 * @since 0.1.0
 */
export interface ParseCsvOptions {
  /** Field separator, one character (default `','`; `';'` and `'\t'` are common). */
  readonly delimiter?: string;
}

/**
 * A parsed CSV text: the header and the data rows as text cells.
 *
 * @category IO
 * @since 0.1.0
 */
export interface CsvTable {
  /** The first record's cells (column names). */
  readonly header: readonly string[];
  /** The data records (every record after the header); a record may have fewer or more cells than the header. */
  readonly rows: ReadonlyArray<readonly string[]>;
  /** For each data record, the 1-based line of the file where it starts (the header is line 1). */
  readonly lines: readonly number[];
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * Parses CSV text (RFC 4180): fields separated by a delimiter, records by CRLF or LF (a lone CR
 * too); fields in double quotes may hold delimiters, line breaks and doubled quotes (`""` → `"`). A
 * leading byte-order mark is dropped, as is a final empty line. Blank lines between records are
 * skipped. Pure function over text: the caller reads the file.
 *
 * Cost: one pass over the characters; cells are slices of the input.
 *
 * @param text - the CSV text
 * @param options - the delimiter
 * @returns the header, the data rows, and each row's line number
 * @throws FunnelError INVALID_INPUT for a quote that is never closed (naming its line) or text after
 *   a closing quote; INVALID_OPTION for a delimiter that is not one character (or is a quote or line break)
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * const csv = parseCsv('\uFEFFid,stage,note\r\nd1,Won,"big, ""urgent"" deal"\r\nd2,Lost,\r\n');
 * csv.header // => ['id', 'stage', 'note']
 * csv.rows[0] // => ['d1', 'Won', 'big, "urgent" deal']
 * csv.rows[1] // => ['d2', 'Lost', '']
 * csv.lines // => [2, 3]
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvTable {
  if (typeof text !== 'string') fail('INVALID_INPUT', 'CSV text (a string)', text, ['text']);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    fail('INVALID_OPTION', 'a one-character delimiter other than a quote or line break', delimiter, ['options', 'delimiter']);
  }
  const D = delimiter.charCodeAt(0);
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const records: string[][] = [];
  const lines: number[] = [];
  let record: string[] = [];
  let recordLine = 1;
  while (i <= n) {
    // one field
    let field: string;
    if (i < n && text.charCodeAt(i) === QUOTE) {
      const startLine = line;
      let out = '';
      let j = i + 1;
      let seg = j;
      for (;;) {
        if (j >= n) fail('INVALID_INPUT', `a closing quote for the field opened on line ${startLine}`, 'end of text', ['line', startLine]);
        const c = text.charCodeAt(j);
        if (c === QUOTE) {
          if (j + 1 < n && text.charCodeAt(j + 1) === QUOTE) {
            out += text.slice(seg, j + 1);
            j += 2;
            seg = j;
            continue;
          }
          out += text.slice(seg, j);
          j++;
          break;
        }
        if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line++;
        j++;
      }
      field = out;
      i = j;
      if (i < n) {
        const c = text.charCodeAt(i);
        if (c !== D && c !== LF && c !== CR) fail('INVALID_INPUT', 'a delimiter or line break after a closing quote', text.slice(i, i + 10), ['line', line]);
      }
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === D || c === LF || c === CR) break;
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    record.push(field);
    if (i < n && text.charCodeAt(i) === D) {
      i++;
      continue;
    }
    // end of record (line break or end of text)
    const blank = record.length === 1 && record[0] === '';
    if (!blank) {
      records.push(record);
      lines.push(recordLine);
    }
    record = [];
    if (i >= n) break;
    if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF) i += 2;
    else i++;
    line++;
    recordLine = line;
  }
  const header = records.shift() ?? [];
  lines.shift();
  return { header, rows: records, lines };
}
