import { fail, FunnelError } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { scaleOf, toMinor } from '../internal/money.js';
import { toEpochMs } from '../internal/time.js';
import type { Funnel } from '../model/funnel.js';
import type { TimestampInput } from '../model/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, DealTable } from './dealTable.js';
import { parseCsv } from './parseCsv.js';

/**
 * How dates are written in the file. Every format is read as UTC.
 * - `'iso'`: `2017-03-01`, `2017-03-01T10:00:00Z`, `2017-03-01 10:00:00`, with an optional offset
 *   (`+02:00`); without an offset the time is UTC;
 * - `'DD.MM.YYYY'`, `'DD/MM/YYYY'`, `'MM/DD/YYYY'`: a date, optionally followed by ` HH:mm[:ss]`;
 * - `'epoch-ms'`, `'epoch-s'`: numbers.
 *
 * @category IO
 * @since 0.1.0
 */
export type CsvDateFormat = 'iso' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY' | 'epoch-ms' | 'epoch-s';

/**
 * Which columns of the file mean what (column names as in the header).
 *
 * @category IO
 * @since 0.1.0
 */
export interface DealsCsvColumns {
  /** The deal id (`opportunity_id`, `OpportunityId`). */
  readonly id: string;
  /** The stage name: the current stage (shape `deal`) or the stage entered (shape `stageEntry`). */
  readonly stage: string;
  /** Creation time (optional; default: the earliest date of the deal). */
  readonly createdAt?: string;
  /** Shape `deal`: the date each stage was entered, stage id → column (`{ engaging: 'engage_date' }`). */
  readonly stageDates?: Readonly<Record<string, string>>;
  /** Shape `deal`: the date the deal was won or lost (`close_date`). */
  readonly closedAt?: string;
  /** Shape `stageEntry`: when the stage was entered (`CreatedDate`). */
  readonly enteredAt?: string;
  /** The amount (`close_value`, `Amount`); empty = no amount. */
  readonly amount?: string;
  /** The currency code per row (default: the option `currency`). */
  readonly currency?: string;
  /** Shape `stageEntry`: the probability recorded with the entry (0–1 or 0–100); the last one is kept as attribute `probability` (0–1). */
  readonly probability?: string;
  /** The segment id. */
  readonly segment?: string;
  /** The lost reason. */
  readonly lostReason?: string;
  /** Columns copied as text into each deal's attributes (shape `stageEntry`: from the deal's last row). */
  readonly attributes?: readonly string[];
}

/**
 * Options for {@link loadDealsCsv}.
 *
 * @category IO
 * @since 0.1.0
 */
export interface LoadDealsCsvOptions {
  /** The funnel the file maps to. */
  readonly funnel: Funnel;
  /** `deal`: one row per deal with its current stage and a few dates (Maven `sales_pipeline.csv`); `stageEntry`: one row per stage entry (Salesforce OpportunityHistory). */
  readonly shape: 'deal' | 'stageEntry';
  /** Column mapping. */
  readonly columns: DealsCsvColumns;
  /** File stage name → funnel stage id. Names not listed are problems (the funnel's own ids and names are accepted too when `matchStageNames` is true). */
  readonly stages?: Readonly<Record<string, string>>;
  /** Also accept the funnel's stage ids and names as written in the file (default `true`). */
  readonly matchStageNames?: boolean;
  /** Date format (default `'iso'`). */
  readonly dateFormat?: CsvDateFormat;
  /** The currency of every amount when there is no currency column. */
  readonly currency?: string;
  /** Decimal mark of amounts (default `'.'`); thousands separators are not accepted. */
  readonly decimalMark?: '.' | ',';
  /** Shape `deal`: the time to use for a deal that has no date at all (e.g. Maven's Prospecting rows: the export date). Without it such rows are problems. */
  readonly undatedAt?: TimestampInput;
  /** Field delimiter (default `','`). */
  readonly delimiter?: string;
  /** `'collect'` (default): rows with a problem are left out and listed in `problems`; `'throw'`: the first problem throws a FunnelError. */
  readonly onProblem?: 'collect' | 'throw';
}

/**
 * One problem found in a row of the file.
 *
 * @category IO
 * @since 0.1.0
 */
export interface CsvProblem {
  /** 1-based data row (the first row after the header is 1). */
  readonly row: number;
  /** 1-based line of the file where the row starts (the header is line 1). */
  readonly line: number;
  /** The column name. */
  readonly column: string;
  /** The cell text. */
  readonly value: string;
  /** What was expected, in words. */
  readonly expected: string;
  /** The error code the problem maps to. */
  readonly code: 'UNKNOWN_STAGE' | 'INVALID_DATE' | 'INVALID_AMOUNT' | 'UNKNOWN_CURRENCY' | 'INVALID_INPUT';
}

/**
 * The result of {@link loadDealsCsv}.
 *
 * @category IO
 * @since 0.1.0
 */
export interface LoadDealsCsvResult {
  /** The deals that loaded without problems. */
  readonly table: DealTable;
  /** Every problem, in file order (rows with a problem are not in the table). */
  readonly problems: readonly CsvProblem[];
  /** Data rows read. */
  readonly rows: number;
  /** Deals left out because of a problem. */
  readonly skippedDeals: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const DMY = /^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return Number.NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  return back.getUTCDate() === d && back.getUTCMonth() === mo - 1 ? t : Number.NaN;
}

/** Parses a date cell in a format; NaN when it does not parse. @internal */
export function parseCsvDate(text: string, format: CsvDateFormat): number {
  const s = text.trim();
  switch (format) {
    case 'epoch-ms':
    case 'epoch-s': {
      if (!/^-?\d+(\.\d+)?$/.test(s)) return Number.NaN;
      const v = Number(s) * (format === 'epoch-s' ? 1000 : 1);
      return Math.abs(v) <= 8.64e15 ? v : Number.NaN;
    }
    case 'iso': {
      const m = ISO.exec(s);
      if (m === null) return Number.NaN;
      const frac = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
      let t = utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), frac);
      const off = m[8];
      if (off !== undefined && off !== 'Z') {
        const sign = off[0] === '-' ? -1 : 1;
        const digits = off.slice(1).replace(':', '');
        t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
      }
      return t;
    }
    default: {
      const m = DMY.exec(s);
      if (m === null) return Number.NaN;
      const sepOk = format === 'DD.MM.YYYY' ? !s.includes('/') : !s.slice(0, 10).includes('.');
      if (!sepOk) return Number.NaN;
      const a = Number(m[1]);
      const b = Number(m[2]);
      const [d, mo] = format === 'MM/DD/YYYY' ? [b, a] : [a, b];
      return utc(Number(m[3]), mo, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0);
    }
  }
}

interface Ctx {
  readonly header: Map<string, number>;
  readonly problems: CsvProblem[];
  readonly throwing: boolean;
}

function col(ctx: Ctx, name: string | undefined, what: string): number {
  if (name === undefined) return -1;
  const i = ctx.header.get(name);
  if (i === undefined) fail('INVALID_OPTION', `a column of the file for ${what} (columns: ${[...ctx.header.keys()].join(', ')})`, name, ['options', 'columns', what]);
  return i;
}

/**
 * Loads deals from CSV text in one of the two shapes CRMs export, mapping the file onto a funnel:
 *
 * - `shape: 'deal'` — one row per deal with its current stage and a few dates, like Maven's
 *   `sales_pipeline.csv` (Prospecting → Engaging → Won/Lost, `engage_date`, `close_date`,
 *   `close_value`). The history is rebuilt from the dates: created (at `createdAt`, else the
 *   earliest stage date, else `undatedAt`) into the earliest dated stage (or the current stage), then
 *   each dated stage in time order, then the close at `closedAt` into a won or lost stage.
 * - `shape: 'stageEntry'` — one row per stage entry (deal id, stage, entered at, amount,
 *   probability), like Salesforce OpportunityHistory. Rows of a deal are ordered by time; the first
 *   is the creation; the last gives the current stage, the status (from the stage category) and the
 *   amount; each row's amount is kept in `histAmountMinor`.
 *
 * The mapping is configuration: column names, file stage name → stage id (`stages`), date format,
 * currency, decimal mark. Problems — an unknown stage name, a date or amount that does not parse, an
 * unknown currency, a missing id — are reported per row (row, line, column, value, expected) in
 * `problems`, and the row's deal is left out: never silently dropped. With `onProblem: 'throw'` the
 * first problem throws a {@link FunnelError} instead. A pure function over text: the caller reads
 * the file.
 *
 * Cost: one pass over the text and one over the rows (about 1 s per million rows).
 *
 * @param text - the CSV text (BOM, CRLF and quoted fields are fine)
 * @param options - funnel, shape, column mapping, stage map, date format, currency
 * @returns the table, the problems, the number of rows read and of deals left out
 * @throws FunnelError INVALID_OPTION for a mapping naming a column the file does not have or a stage
 *   the funnel does not have; the first row problem with `onProblem: 'throw'`
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'maven', name: 'Maven', stages: [
 *   { id: 'prospecting', name: 'Prospecting' }, { id: 'engaging', name: 'Engaging' },
 *   { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const csv = 'opportunity_id,deal_stage,engage_date,close_date,close_value\r\n' +
 *   'A1,Won,2017-01-02,2017-02-03,1054\r\nA2,Engaging,2017-01-05,,\r\nA3,Prospecting,,,\r\nA4,Closed,2017-01-02,2017-13-01,0\r\n';
 * const { table, problems } = loadDealsCsv(csv, {
 *   funnel, shape: 'deal', currency: 'USD', undatedAt: '2017-12-31',
 *   columns: { id: 'opportunity_id', stage: 'deal_stage', stageDates: { engaging: 'engage_date' }, closedAt: 'close_date', amount: 'close_value' },
 * });
 * table.size // => 3
 * table.amountMinor[0] // => 105400
 * problems.map((p) => `${p.row}:${p.column}:${p.code}`) // => ['4:deal_stage:UNKNOWN_STAGE', '4:close_date:INVALID_DATE']
 * ```
 */
export function loadDealsCsv(text: string, options: LoadDealsCsvOptions): LoadDealsCsvResult {
  if (typeof options !== 'object' || options === null) fail('INVALID_OPTION', 'an options object with funnel, shape and columns', options, ['options']);
  const { funnel, shape, columns } = options;
  if (shape !== 'deal' && shape !== 'stageEntry') fail('INVALID_OPTION', "shape 'deal' or 'stageEntry'", shape, ['options', 'shape']);
  if (typeof columns !== 'object' || columns === null) fail('INVALID_OPTION', 'a columns mapping', columns, ['options', 'columns']);
  const format = options.dateFormat ?? 'iso';
  const csv = parseCsv(text, options.delimiter === undefined ? {} : { delimiter: options.delimiter });
  const header = new Map<string, number>();
  csv.header.forEach((h, i) => {
    if (!header.has(h.trim())) header.set(h.trim(), i);
  });
  const ctx: Ctx = { header, problems: [], throwing: options.onProblem === 'throw' };
  // stage name map
  const stageIndex = new Map<string, number>();
  const funnelIds = new Map(funnel.stages.map((s, i) => [s.id, i] as const));
  if (options.matchStageNames !== false) {
    funnel.stages.forEach((s, i) => {
      stageIndex.set(s.name, i);
      stageIndex.set(s.id, i);
    });
  }
  for (const [name, id] of Object.entries(options.stages ?? {})) {
    const i = funnelIds.get(id);
    if (i === undefined) fail('INVALID_OPTION', `a stage id of the funnel (${[...funnelIds.keys()].join(', ')})`, id, ['options', 'stages', name]);
    stageIndex.set(name, i);
  }
  const stageNames = [...stageIndex.keys()];
  const cId = col(ctx, columns.id, 'id');
  const cStage = col(ctx, columns.stage, 'stage');
  const cCreated = col(ctx, columns.createdAt, 'createdAt');
  const cClosed = col(ctx, columns.closedAt, 'closedAt');
  const cEntered = col(ctx, columns.enteredAt, 'enteredAt');
  const cAmount = col(ctx, columns.amount, 'amount');
  const cCurrency = col(ctx, columns.currency, 'currency');
  const cProb = col(ctx, columns.probability, 'probability');
  const cSegment = col(ctx, columns.segment, 'segment');
  const cReason = col(ctx, columns.lostReason, 'lostReason');
  const cAttrs = (columns.attributes ?? []).map((a) => [a, col(ctx, a, 'attributes')] as const);
  const stageDates = Object.entries(columns.stageDates ?? {}).map(([id, c]) => {
    const s = funnelIds.get(id);
    if (s === undefined) fail('INVALID_OPTION', `a stage id of the funnel (${[...funnelIds.keys()].join(', ')})`, id, ['options', 'columns', 'stageDates', id]);
    return [s, col(ctx, c, 'stageDates'), c] as const;
  });
  if (shape === 'stageEntry' && cEntered < 0) fail('INVALID_OPTION', "a column enteredAt for shape 'stageEntry'", undefined, ['options', 'columns', 'enteredAt']);
  const undated = options.undatedAt === undefined ? Number.NaN : toEpochMs(options.undatedAt, ['options', 'undatedAt']);
  if (options.currency !== undefined) scaleOf(options.currency, ['options', 'currency']);
  const decimalMark = options.decimalMark ?? '.';

  let rowProblems = 0;
  const problem = (r: number, column: string, value: string, expected: string, code: CsvProblem['code']): void => {
    const p: CsvProblem = { row: r + 1, line: csv.lines[r] ?? 0, column, value, expected, code };
    if (ctx.throwing) {
      throw new FunnelError(code, `expected ${expected}, received ${JSON.stringify(value)} at row ${p.row} (line ${p.line}), column ${column}`, {
        path: ['row', p.row, column],
        expected,
        received: value,
      });
    }
    ctx.problems.push(p);
    rowProblems++;
  };
  const cell = (row: readonly string[], c: number): string => (c < 0 ? '' : (row[c] ?? '').trim());
  const stageOf = (r: number, row: readonly string[]): number => {
    const v = cell(row, cStage);
    const s = stageIndex.get(v);
    if (s === undefined) {
      problem(r, columns.stage, v, `a stage name mapped to the funnel (${stageNames.join(', ')})`, 'UNKNOWN_STAGE');
      return -1;
    }
    return s;
  };
  const dateOf = (r: number, row: readonly string[], c: number, name: string, required: boolean): number => {
    const v = cell(row, c);
    if (v === '') {
      if (required) problem(r, name, v, `a date (${format})`, 'INVALID_DATE');
      return Number.NaN;
    }
    const t = parseCsvDate(v, format);
    if (Number.isNaN(t)) problem(r, name, v, `a date (${format})`, 'INVALID_DATE');
    return t;
  };
  const moneyOf = (r: number, row: readonly string[]): { minor: number; currency: string } | null => {
    const v = cell(row, cAmount);
    if (v === '') return null;
    const cur = cCurrency >= 0 ? cell(row, cCurrency) : options.currency;
    if (cur === undefined || cur === '') {
      problem(r, columns.currency ?? 'currency', cur ?? '', 'a currency (column currency or the option currency)', 'UNKNOWN_CURRENCY');
      return null;
    }
    let scale: number;
    try {
      scale = scaleOf(cur);
    } catch {
      problem(r, columns.currency ?? 'currency', cur, 'an ISO 4217 currency code such as "EUR"', 'UNKNOWN_CURRENCY');
      return null;
    }
    const normalized = decimalMark === ',' ? v.replace(',', '.') : v;
    try {
      return { minor: toMinor(normalized.startsWith('+') ? normalized.slice(1) : normalized, scale), currency: cur };
    } catch {
      problem(r, columns.amount ?? 'amount', v, `a decimal amount with at most ${scale} fraction digit(s) (decimal mark "${decimalMark}")`, 'INVALID_AMOUNT');
      return null;
    }
  };
  const cat = funnel.stages.map((s) => (s.category === 'won' ? DEAL_WON : s.category === 'lost' ? DEAL_LOST : DEAL_OPEN));
  const firstOpen = cat.indexOf(DEAL_OPEN);

  const dealIds: string[] = [];
  const createdAt: number[] = [];
  const stage: number[] = [];
  const status: number[] = [];
  const closedAt: number[] = [];
  const amountMinor: number[] = [];
  const currency: (string | null)[] = [];
  const segment: (string | null)[] = [];
  const lostReason: (string | null)[] = [];
  const attributes: Record<string, unknown>[] = [];
  const hDeal: number[] = [];
  const hFrom: number[] = [];
  const hTo: number[] = [];
  const hAt: number[] = [];
  const hStatus: number[] = [];
  const hAmount: number[] = [];
  const attrsOf = (row: readonly string[]): Record<string, unknown> => {
    const a: Record<string, unknown> = {};
    for (const [name, c] of cAttrs) a[name] = cell(row, c);
    return a;
  };
  let skipped = 0;
  const seen = new Set<string>();

  if (shape === 'deal') {
    csv.rows.forEach((row, r) => {
      rowProblems = 0;
      const id = cell(row, cId);
      if (id === '') problem(r, columns.id, id, 'a deal id', 'INVALID_INPUT');
      else if (seen.has(id)) problem(r, columns.id, id, 'a unique deal id (shape "deal" has one row per deal)', 'INVALID_INPUT');
      const s = stageOf(r, row);
      const dated: [number, number][] = [];
      for (const [st, c, name] of stageDates) {
        const t = dateOf(r, row, c, name, false);
        if (!Number.isNaN(t)) dated.push([st, t]);
      }
      const created = cCreated >= 0 ? dateOf(r, row, cCreated, columns.createdAt ?? '', false) : Number.NaN;
      const st = s < 0 ? DEAL_OPEN : (cat[s] as number);
      const closed = cClosed >= 0 ? dateOf(r, row, cClosed, columns.closedAt ?? '', st !== DEAL_OPEN) : Number.NaN;
      const m = moneyOf(r, row);
      if (rowProblems > 0) {
        skipped++;
        return;
      }
      dated.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      let c0 = created;
      if (Number.isNaN(c0)) c0 = dated.length > 0 ? (dated[0] as [number, number])[1] : !Number.isNaN(closed) ? closed : undated;
      if (Number.isNaN(c0)) {
        problem(r, columns.createdAt ?? (stageDates[0]?.[2] ?? columns.stage), '', 'a date for the deal (a creation or stage date, or the option undatedAt)', 'INVALID_DATE');
        skipped++;
        return;
      }
      const d = dealIds.length;
      seen.add(id);
      dealIds.push(id);
      createdAt.push(c0);
      stage.push(s);
      status.push(st);
      closedAt.push(st === DEAL_OPEN ? Number.NaN : closed);
      amountMinor.push(m === null ? Number.NaN : m.minor);
      currency.push(m === null ? null : m.currency);
      segment.push(cSegment >= 0 && cell(row, cSegment) !== '' ? cell(row, cSegment) : null);
      lostReason.push(cReason >= 0 && cell(row, cReason) !== '' ? cell(row, cReason) : null);
      attributes.push(attrsOf(row));
      // history: creation into the earliest dated stage (or the current open stage), then each dated stage, then the close
      let prev = -1;
      const push = (to: number, at: number, stat: number): void => {
        hDeal.push(d), hFrom.push(prev), hTo.push(to), hAt.push(at), hStatus.push(stat), hAmount.push(Number.NaN);
        prev = to;
      };
      const openDated = dated.filter(([x]) => cat[x] === DEAL_OPEN);
      const firstStage = openDated.length > 0 ? (openDated[0] as [number, number])[0] : st === DEAL_OPEN ? s : firstOpen;
      push(firstStage, c0, DEAL_OPEN);
      for (const [x, t] of openDated) if (x !== prev) push(x, Math.max(t, c0), DEAL_OPEN);
      if (st === DEAL_OPEN) {
        if (s !== prev) push(s, hAt[hAt.length - 1] as number, DEAL_OPEN);
      } else push(s, closed, st);
    });
  } else {
    // group rows by deal id in order of first appearance
    const byDeal = new Map<string, number[]>();
    const bad = new Set<string>();
    const parsed: { s: number; t: number; m: ReturnType<typeof moneyOf>; p: number }[] = new Array(csv.rows.length);
    csv.rows.forEach((row, r) => {
      rowProblems = 0;
      const id = cell(row, cId);
      if (id === '') problem(r, columns.id, id, 'a deal id', 'INVALID_INPUT');
      const s = stageOf(r, row);
      const t = dateOf(r, row, cEntered, columns.enteredAt ?? '', true);
      const m = moneyOf(r, row);
      let p = Number.NaN;
      if (cProb >= 0 && cell(row, cProb) !== '') {
        const v = Number(cell(row, cProb));
        if (!(Number.isFinite(v) && v >= 0 && v <= 100)) problem(r, columns.probability ?? '', cell(row, cProb), 'a probability in [0, 1] or a percentage in [0, 100]', 'INVALID_INPUT');
        else p = v > 1 ? v / 100 : v;
      }
      parsed[r] = { s, t, m, p };
      const list = byDeal.get(id);
      if (list === undefined) byDeal.set(id, [r]);
      else list.push(r);
      if (rowProblems > 0) bad.add(id);
    });
    for (const [id, list] of byDeal) {
      if (bad.has(id) || id === '') {
        skipped++;
        continue;
      }
      const rows = list.map((r) => ({ r, ...(parsed[r] as (typeof parsed)[number]) })).sort((a, b) => a.t - b.t || a.r - b.r);
      const curs = new Set(rows.flatMap((x) => (x.m === null ? [] : [x.m.currency])));
      if (curs.size > 1) {
        const last = rows[rows.length - 1] as (typeof rows)[number];
        problem(last.r, columns.currency ?? 'currency', [...curs].join('/'), 'one currency per deal', 'UNKNOWN_CURRENCY');
        skipped++;
        continue;
      }
      const d = dealIds.length;
      const first = rows[0] as (typeof rows)[number];
      const last = rows[rows.length - 1] as (typeof rows)[number];
      const lastRow = csv.rows[last.r] as readonly string[];
      const st = cat[last.s] as number;
      let amount: { minor: number; currency: string } | null = null;
      for (const x of rows) if (x.m !== null) amount = x.m;
      const created = cCreated >= 0 ? parseCsvDate(cell(csv.rows[first.r] as readonly string[], cCreated), format) : Number.NaN;
      const c0 = Number.isNaN(created) ? first.t : Math.min(created, first.t);
      dealIds.push(id);
      createdAt.push(c0);
      stage.push(last.s);
      status.push(st);
      let closeAt = Number.NaN;
      if (st !== DEAL_OPEN) {
        closeAt = last.t;
        for (let k = rows.length - 1; k > 0 && cat[(rows[k - 1] as (typeof rows)[number]).s] === st; k--) closeAt = (rows[k - 1] as (typeof rows)[number]).t;
      }
      closedAt.push(closeAt);
      amountMinor.push(amount === null ? Number.NaN : amount.minor);
      currency.push(amount === null ? null : amount.currency);
      segment.push(cSegment >= 0 && cell(lastRow, cSegment) !== '' ? cell(lastRow, cSegment) : null);
      lostReason.push(cReason >= 0 && cell(lastRow, cReason) !== '' ? cell(lastRow, cReason) : null);
      const attrs = attrsOf(lastRow);
      if (!Number.isNaN(last.p)) attrs['probability'] = last.p;
      attributes.push(attrs);
      let prev = -1;
      for (const x of rows) {
        hDeal.push(d), hFrom.push(prev), hTo.push(x.s), hAt.push(x.t), hStatus.push(cat[x.s] as number), hAmount.push(x.m === null ? Number.NaN : x.m.minor);
        prev = x.s;
      }
    }
  }
  const table = DealTable.fromColumns(
    {
      dealIds,
      createdAt,
      stage,
      status,
      closedAt,
      amountMinor,
      currency,
      segment,
      lostReason,
      attributes,
      history: {
        deal: hDeal,
        from: Int32Array.from(hFrom),
        to: Int32Array.from(hTo),
        at: hAt,
        status: hStatus,
        ...(shape === 'stageEntry' ? { amountMinor: hAmount } : {}),
      },
    },
    funnel,
  );
  return { table, problems: deepFreeze(ctx.problems), rows: csv.rows.length, skippedDeals: skipped };
}
