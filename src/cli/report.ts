/**
 * `funnelwise report [file.csv] [--funnel funnel.json] [--out report.html] [--seed N] [--deals N]`:
 * reads a CRM export (Maven CRM `sales_pipeline.csv` shape, or a Salesforce OpportunityHistory export
 * with `--funnel`), or with no file the built-in synthetic dataset, and writes one self-contained HTML
 * report. Progress goes to stderr. Not part of the library API.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderReport, type ReportInput } from '../charts/index.js';
import { isFunnelError } from '../errors/index.js';
import { DealTable, defineFunnel, loadDealsCsv, parseCsv, parseFunnel, type CsvProblem, type LoadDealsCsvOptions } from '../io/index.js';
import type { CustomerAction, Funnel } from '../model/index.js';
import { generateB2BDataset, replayB2BDataset } from '../synthetic/index.js';
import { reportInputFromTable } from './reportData.js';

/** Options of the report command. */
export interface ReportOptions {
  readonly file: string | null;
  readonly funnel: string | null;
  readonly out: string;
  readonly seed: number;
  readonly deals: number;
}

const USAGE = 'usage: funnelwise report [file.csv] [--funnel funnel.json] [--out report.html] [--seed N] [--deals N]';

/** Parses the command line; returns an error message for anything else. */
export function parseReportArgs(args: ReadonlyArray<string>): ReportOptions | string {
  let file: string | null = null;
  let funnel: string | null = null;
  let out = 'funnelwise-report.html';
  let seed = 1;
  let deals = 3000;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const v = args[i + 1];
    if (a === '--funnel' || a === '--out') {
      if (v === undefined || v.startsWith('--')) return `expected a path after ${a}; ${USAGE}`;
      if (a === '--funnel') funnel = v;
      else out = v;
      i++;
    } else if (a === '--seed' || a === '--deals') {
      const n = Number(v);
      if (v === undefined || !Number.isSafeInteger(n) || n < 0 || (a === '--deals' && (n < 1 || n > 1_000_000))) return `expected a whole number after ${a}, received ${JSON.stringify(v ?? '')}`;
      if (a === '--seed') seed = n;
      else deals = n;
      i++;
    } else if (a === '--help' || a === '-h') return USAGE;
    else if (a.startsWith('--')) return `unknown option ${JSON.stringify(a)}; ${USAGE}`;
    else if (file === null) file = a;
    else return `only one file can be read, received ${JSON.stringify(a)} too; ${USAGE}`;
  }
  return { file, funnel, out, seed, deals };
}

/** The Maven CRM funnel (sales_pipeline.csv: Prospecting → Engaging → Won / Lost). */
const MAVEN = defineFunnel({
  id: 'maven',
  name: 'Maven CRM pipeline',
  stages: [
    { id: 'prospecting', name: 'Prospecting', probability: 0.1 },
    { id: 'engaging', name: 'Engaging', probability: 0.5 },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${what} ${JSON.stringify(path)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function describeProblem(p: CsvProblem): string {
  return `row ${p.row} (line ${p.line}), column ${JSON.stringify(p.column)}: expected ${p.expected}, received ${JSON.stringify(p.value)}`;
}

/** Loads a CSV export: detects the shape from its header. */
function loadCsv(path: string, funnelPath: string | null, say: (m: string) => void): { table: DealTable; source: string; now: number } {
  const text = read(path, 'file');
  let header: readonly string[];
  let csv: ReturnType<typeof parseCsv>;
  try {
    csv = parseCsv(text);
    header = csv.header;
  } catch (e) {
    throw new Error(`cannot read ${JSON.stringify(path)} as CSV: ${e instanceof Error ? e.message : String(e)}`);
  }
  const has = (c: string): boolean => header.includes(c);
  let funnel: Funnel | null = null;
  if (funnelPath !== null) {
    const json = read(funnelPath, 'funnel file');
    try {
      funnel = parseFunnel(JSON.parse(json));
    } catch (e) {
      throw new Error(`the funnel file ${JSON.stringify(funnelPath)} is not a valid funnel: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  let options: LoadDealsCsvOptions;
  let shape: string;
  if (has('opportunity_id') && has('deal_stage')) {
    shape = 'Maven CRM sales_pipeline.csv (one row per deal)';
    // Undated rows (Prospecting) get the latest date in the file: the export date.
    let latest = Number.NEGATIVE_INFINITY;
    const cols = ['engage_date', 'close_date'].map((c) => header.indexOf(c)).filter((i) => i >= 0);
    for (const row of csv.rows) for (const i of cols) {
      const t = Date.parse(`${row[i] ?? ''}T00:00:00Z`);
      if (Number.isFinite(t) && t > latest) latest = t;
    }
    options = {
      funnel: funnel ?? MAVEN,
      shape: 'deal',
      currency: 'USD',
      ...(Number.isFinite(latest) ? { undatedAt: latest } : {}),
      columns: {
        id: 'opportunity_id',
        stage: 'deal_stage',
        ...(has('engage_date') ? { stageDates: { engaging: 'engage_date' } } : {}),
        ...(has('close_date') ? { closedAt: 'close_date' } : {}),
        ...(has('close_value') ? { amount: 'close_value' } : {}),
        attributes: ['sales_agent', 'product', 'account'].filter(has),
      },
    };
  } else if (has('OpportunityId') && has('StageName') && has('CreatedDate')) {
    shape = 'Salesforce OpportunityHistory (one row per stage entry)';
    if (funnel === null) throw new Error(`${JSON.stringify(path)} looks like a Salesforce OpportunityHistory export: pass its stages with --funnel funnel.json (stage names as in the StageName column)`);
    options = {
      funnel,
      shape: 'stageEntry',
      currency: funnel.currency ?? 'USD',
      columns: {
        id: 'OpportunityId',
        stage: 'StageName',
        enteredAt: 'CreatedDate',
        ...(has('Amount') ? { amount: 'Amount' } : {}),
        ...(has('Probability') ? { probability: 'Probability' } : {}),
      },
    };
  } else {
    throw new Error(
      `cannot tell the shape of ${JSON.stringify(path)} from its header (${header.slice(0, 8).join(', ')}): expected the Maven CRM columns opportunity_id, deal_stage, engage_date, close_date, close_value, or the Salesforce OpportunityHistory columns OpportunityId, StageName, CreatedDate, Amount`,
    );
  }
  say(`reading ${path}: ${shape}`);
  const r = loadDealsCsv(text, options);
  for (const p of r.problems.slice(0, 10)) say(`skipped ${describeProblem(p)}`);
  if (r.problems.length > 10) say(`… and ${r.problems.length - 10} more problems`);
  if (r.table.size === 0) {
    const first = r.problems[0];
    throw new Error(`no deal could be read from ${JSON.stringify(path)}${first !== undefined ? `; first problem: ${describeProblem(first)}` : ''}`);
  }
  say(`${r.table.size} deals loaded from ${r.rows} rows (${r.skippedDeals} left out)`);
  let now = 0;
  for (let i = 0; i < r.table.size; i++) {
    now = Math.max(now, r.table.createdAt[i] as number);
    const c = r.table.closedAt[i] as number;
    if (!Number.isNaN(c)) now = Math.max(now, c);
  }
  return { table: r.table, source: `${path} — ${shape}`, now };
}

/** The built-in synthetic dataset, replayed through its general funnel. */
function loadSynthetic(seed: number, deals: number, say: (m: string) => void): { table: DealTable; source: string; now: number; actionsByDeal: Map<string, CustomerAction[]> } {
  say(`generating the synthetic B2B dataset (seed ${seed}, ${deals} deals)`);
  const ds = generateB2BDataset({ seed, deals });
  say(`replaying ${ds.actions.length} customer actions through the funnel`);
  const result = replayB2BDataset(ds, { through: 'general' });
  const table = DealTable.fromRows(result.deals, ds.funnel);
  const actionsByDeal = new Map<string, CustomerAction[]>();
  for (const a of ds.actions) {
    if (a.dealId === undefined) continue;
    const list = actionsByDeal.get(a.dealId);
    if (list === undefined) actionsByDeal.set(a.dealId, [a]);
    else list.push(a);
  }
  return { table, source: `built-in synthetic B2B dataset (seed ${seed})`, now: Date.parse(ds.now), actionsByDeal };
}

/** Runs the report command; returns the path written and the report's input (for the demo's terminal summary). Throws an Error with a clear message for bad input. */
export function runReport(options: ReportOptions, say: (message: string) => void): { path: string; deals: number; input: ReportInput } {
  const src: { table: DealTable; source: string; now: number; actionsByDeal?: Map<string, CustomerAction[]> } =
    options.file === null ? loadSynthetic(options.seed, options.deals, say) : loadCsv(options.file, options.funnel, say);
  const input = reportInputFromTable(src.table, {
    now: src.now,
    source: src.source,
    seed: options.seed,
    ...(src.actionsByDeal !== undefined ? { actionsByDeal: src.actionsByDeal } : {}),
    progress: (m) => say(`computing ${m}`),
  });
  say('rendering the HTML report');
  const html = renderReport(input);
  const path = resolve(options.out);
  try {
    writeFileSync(path, html);
  } catch (e) {
    throw new Error(`cannot write ${JSON.stringify(path)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return { path, deals: src.table.size, input };
}

/** The command's entry point: prints errors as one line and returns the exit code. */
export function reportCommand(args: ReadonlyArray<string>): number {
  const o = parseReportArgs(args);
  if (typeof o === 'string') {
    process.stderr.write(`funnelwise: ${o}\n`);
    return 2;
  }
  try {
    const r = runReport(o, (m) => process.stderr.write(`funnelwise: ${m}\n`));
    process.stdout.write(`Report of ${r.deals} deals written to ${r.path}\n`);
    return 0;
  } catch (e) {
    const msg = isFunnelError(e) ? e.message.replace(/^funnelwise: /, '') : e instanceof Error ? e.message : String(e);
    process.stderr.write(`funnelwise: ${msg}\n`);
    return 1;
  }
}
