/**
 * `funnelwise demo [--seed N] [--deals N] [--out report.html]`: generates the seeded synthetic B2B
 * dataset, assigns each lead to a segment by its action path, replays the customer actions through each
 * segment's funnel (silence rules at `now`) and prints the stage distribution, per-segment counts, the
 * audit trail of two deals and the key numbers (win rate, conversion, forecast P10/P50/P90); then writes
 * the HTML report of the same dataset (`funnelwise report` with no file) and says where it is.
 * Output is deterministic for a seed (no timings, no clock).
 */
import type { ReportInput, ReportMetric } from '../charts/index.js';
import type { CustomerAction, Transition } from '../model/index.js';
import { scoreLead } from '../segments/index.js';
import { generateB2BDataset, replayB2BDataset } from '../synthetic/index.js';
import { runReport } from './report.js';

/** Options of the demo, from the command line. */
export interface DemoOptions {
  readonly seed: number;
  readonly deals: number;
  /** Where the HTML report goes (default `funnelwise-report.html` in the working directory). */
  readonly out: string;
}

/** Parses `--seed N --deals N --out path`; returns an error message for anything else. */
export function parseDemoArgs(args: ReadonlyArray<string>): DemoOptions | string {
  let seed = 1;
  let deals = 3000;
  let out = 'funnelwise-report.html';
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const raw = args[i + 1];
    const value = raw === undefined ? Number.NaN : Number(raw);
    if (flag === '--out') {
      if (raw === undefined || raw.startsWith('--')) return `expected a path after --out; ${USAGE}`;
      out = raw;
      i++;
    } else if (flag === '--seed' || flag === '--deals') {
      if (!Number.isSafeInteger(value) || value < 0 || (flag === '--deals' && (value < 1 || value > 1_000_000))) {
        return `expected a whole number after ${flag}, received ${JSON.stringify(raw ?? '')}`;
      }
      if (flag === '--seed') seed = value;
      else deals = value;
      i++;
    } else return `unknown option ${JSON.stringify(flag)}; ${USAGE}`;
  }
  return { seed, deals, out };
}

const USAGE = 'usage: funnelwise demo [--seed N] [--deals N] [--out report.html]';

const BAR = 28;
function bar(n: number, max: number): string {
  const w = max === 0 ? 0 : Math.round((n / max) * BAR);
  return '█'.repeat(w) + (n > 0 && w === 0 ? '▏' : '');
}
function pct(n: number, d: number): string {
  return d === 0 ? '   –  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`;
}
function day(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}
function num(n: number): string {
  return n.toLocaleString('en-US');
}

function causeOf(t: Transition, actions: ReadonlyMap<string, CustomerAction>): string {
  const c = t.cause;
  if (c.type === 'action') {
    const a = actions.get(c.actionId);
    const late = a !== undefined && a.at !== t.at ? ` (done ${day(a.at)}, arrived late)` : '';
    return `customer action ${c.actionType} [${c.actionId}]${c.ruleId === undefined ? '' : ` via trigger "${c.ruleId}"`}${late}`;
  }
  if (c.type === 'timeout') return `silence rule "${c.ruleId}"${t.lostReason === undefined ? '' : ` → lost reason ${t.lostReason}`}`;
  return `command ${c.command}`;
}

function metric(input: ReportInput, label: string): ReportMetric['value'] | undefined {
  return input.health?.find((m) => m.label === label)?.value;
}
function amount(v: ReportMetric['value'] | undefined): string {
  return v !== null && typeof v === 'object' ? `${Number(v.amount).toLocaleString('en-US', { maximumFractionDigits: 0 })} ${v.currency}` : '–';
}

/** Runs the demo: returns its text, and writes the HTML report to `options.out`. Throws an Error when the report cannot be written. */
export function runDemo(options: DemoOptions): string {
  const ds = generateB2BDataset({ seed: options.seed, deals: options.deals });
  const out: string[] = [];
  const line = (s = ''): void => void out.push(s);

  // 1–2. Segment every lead by its action path, route its deal to the segment's funnel, replay.
  const replayed = replayB2BDataset(ds);
  const deals = replayed.deals;
  const results = replayed.replays;
  const leadById = new Map(replayed.leads.map((l) => [l.leadId, l]));
  const byLead = new Map<string, CustomerAction[]>();
  for (const a of ds.actions) {
    const key = a.leadId ?? a.dealId ?? '';
    const list = byLead.get(key);
    if (list === undefined) byLead.set(key, [a]);
    else list.push(a);
  }
  const dealActions = ds.actions.filter((a) => a.dealId !== undefined).length;
  const late = ds.actions.reduce((n, a, i) => n + (i > 0 && a.at < (ds.actions[i - 1] as CustomerAction).at ? 1 : 0), 0);
  const rejected = results.reduce((n, r) => n + r.result.counts.rejected, 0);
  const reasons = new Map<string, number>();
  for (const r of results) for (const x of r.result.rejected) reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + 1);
  const reasonText = [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${v} ${k}`).join(', ');
  const timeouts = results.reduce((n, r) => n + r.result.counts.timeouts, 0);

  line(`funnelwise demo — a synthetic B2B pipeline (seed ${ds.options.seed})`);
  line(`${num(ds.deals.length)} deals created ${ds.options.start.slice(0, 10)} … ${ds.now.slice(0, 10)}; now = ${ds.now}`);
  line(`${num(ds.actions.length)} customer actions (${num(dealActions)} on deals, ${num(ds.actions.length - dealActions)} lead browsing before a request; ${num(late)} arrived out of order)`);
  line(`replayed through ${ds.funnels.length} funnels (${ds.funnels.map((f) => f.id).join(', ')}): ${num(deals.length)} deals, ${num(timeouts)} silence timeouts, ${num(rejected)} actions not applied${reasonText === '' ? '' : ` (${reasonText})`}`);
  line();

  // 3. Stage distribution.
  line('STAGE DISTRIBUTION (where every deal is at now)');
  const stages = ds.funnel.stages;
  const perStage = new Map<string, number>(stages.map((s) => [s.id, 0]));
  for (const d of deals) perStage.set(d.stageId, (perStage.get(d.stageId) ?? 0) + 1);
  const maxStage = Math.max(0, ...perStage.values());
  for (const s of stages) {
    const n = perStage.get(s.id) ?? 0;
    line(`  ${s.id.padEnd(11)} ${s.category.padEnd(5)} ${String(n).padStart(6)} ${pct(n, deals.length)}  ${bar(n, maxStage)}`);
  }
  const status = { open: 0, won: 0, lost: 0 };
  for (const d of deals) status[d.status]++;
  line(`  open ${num(status.open)} · won ${num(status.won)} · lost ${num(status.lost)} · win rate (won / closed) ${pct(status.won, status.won + status.lost).trim()}`);
  line();

  // 4. Per-segment counts.
  line('SEGMENTS (assignSegment on each lead\'s action path; priority, then definition order; default "standard")');
  line(`  ${'segment'.padEnd(11)} ${'funnel'.padEnd(15)} ${'deals'.padStart(6)} ${'share'.padStart(6)} ${'won'.padStart(6)} ${'lost'.padStart(6)} ${'open'.padStart(6)} ${'win rate'.padStart(9)}  agrees with generator`);
  const truthProfile = new Map(ds.deals.map((d) => [d.dealId, d.profile as string]));
  for (const s of ds.segments) {
    const mine = deals.filter((d) => d.segmentId === s.id);
    const c = { open: 0, won: 0, lost: 0 };
    for (const d of mine) c[d.status]++;
    const agree = mine.filter((d) => truthProfile.get(d.id) === s.id).length;
    line(
      `  ${s.id.padEnd(11)} ${s.funnelId.padEnd(15)} ${String(mine.length).padStart(6)} ${pct(mine.length, deals.length)} ${String(c.won).padStart(6)} ${String(c.lost).padStart(6)} ${String(c.open).padStart(6)} ${pct(c.won, c.won + c.lost).padStart(9)}  ${pct(agree, mine.length).trim()}`,
    );
    line(`  ${''.padEnd(11)} ${s.name}`);
  }
  line();

  // 5. Sample audit trails: a won deal that went through post-sale, and a deal lost to silence.
  const won = deals.find((d) => d.status === 'won' && d.history.length >= 9) ?? deals.find((d) => d.status === 'won');
  const silent = deals.find((d) => d.status === 'lost' && d.history.some((t) => t.cause.type === 'timeout'));
  const truthOf = new Map(ds.deals.map((d) => [d.dealId, d]));
  for (const sample of [won, silent]) {
    if (sample === undefined) continue;
    const truth = truthOf.get(sample.id);
    const leadId = truth?.leadId ?? sample.id;
    const leadActions = byLead.get(leadId) ?? [];
    const byId = new Map(leadActions.map((a) => [a.id, a]));
    const funnel = ds.funnels.find((f) => f.id === sample.funnelId) ?? ds.funnel;
    const money = sample.amount === null ? '' : `, ${sample.amount.amount} ${sample.amount.currency}`;
    line(`AUDIT TRAIL of deal ${sample.id} (lead ${leadId}; segment ${sample.segmentId ?? '-'}, funnel ${sample.funnelId}; ${sample.status}${money})`);
    const lead = leadById.get(leadId);
    line(`  path: ${lead?.path ?? ''}`);
    line(`  segment because: ${lead === undefined || lead.by === 'default' ? 'no rule matched: the default segment' : lead.because}`);
    for (const t of sample.history) line(`  ${day(t.at)}  ${(t.from ?? '(new)').padEnd(11)} → ${t.to.padEnd(11)} ${causeOf(t, byId)}`);
    if (funnel.scoring !== undefined) {
      const s = scoreLead(funnel.scoring, { attributes: truth?.attributes ?? {}, actions: leadActions }, { now: sample.createdAt });
      const perRule = new Map<string, { points: number; times: number }>();
      for (const i of s.items) {
        const r = perRule.get(i.ruleId) ?? { points: 0, times: 0 };
        perRule.set(i.ruleId, { points: r.points + i.points, times: r.times + 1 });
      }
      const top = [...perRule].map(([id, r]) => `${id} ${r.points.toFixed(1)}${r.times > 1 ? ` (${r.times}×)` : ''}`).join(', ');
      line(`  lead score when the deal was created: ${s.score.toFixed(1)} → ${s.stage.toUpperCase()} (${top})`);
    }
    line();
  }
  // 6. The key numbers, from the HTML report of the same dataset (general funnel, `funnelwise report`).
  const report = runReport({ file: null, funnel: null, out: options.out, seed: options.seed, deals: options.deals }, () => undefined);
  const input = report.input;
  line('KEY NUMBERS (the HTML report: all deals replayed through the general funnel; definitions in the report)');
  const wonCount = metric(input, 'Won');
  const lost = metric(input, 'Lost');
  const winRate = metric(input, 'Win rate');
  line(`  win rate (won ÷ closed)          ${typeof winRate === 'number' ? `${(100 * winRate).toFixed(1)}%` : '–'} (${String(wonCount)} won of ${Number(wonCount) + Number(lost)} closed)`);
  const first = input.funnel?.stages[0];
  const last = input.funnel?.stages.at(-1);
  if (first !== undefined && last !== undefined) {
    line(`  conversion to won (won ÷ deals)  ${pct(Number(wonCount), Number(metric(input, 'Deals'))).trim()} (${String(wonCount)} of ${String(metric(input, 'Deals'))} deals)`);
    line(`  conversion by stage (reached ÷ reached the previous stage; ${first.label}: ${num(first.count)})`);
  }
  for (const s of input.funnel?.stages.slice(1) ?? []) line(`    → ${s.label.padEnd(28)} ${String(s.count).padStart(6)}  step ${s.conversionFromPrevious === null || s.conversionFromPrevious === undefined ? '  –  ' : `${(100 * s.conversionFromPrevious).toFixed(1).padStart(5)}%`}`);
  const median = metric(input, 'Median time to close');
  line(`  median time to close (won deals) ${typeof median === 'number' ? `${median.toFixed(1)} days` : '–'}`);
  line(`  open pipeline                    ${amount(input.health?.find((m) => m.label.startsWith('Open pipeline'))?.value)}`);
  const fm = input.forecastMetrics ?? [];
  const p50 = fm[0];
  if (p50 !== undefined) {
    line(`  forecast, revenue won ${p50.label.replace(/^P50 revenue /, '')} (seeded simulation, seed ${options.seed}):`);
    line(`    P10 ${amount(fm[1]?.value)} · P50 ${amount(p50.value)} · P90 ${amount(fm[2]?.value)}`);
  } else line(`  forecast: ${input.missing?.find((m) => m.section === 'forecast')?.reason ?? 'not available'}`);
  const bottleneck = input.dropOff?.subtitle?.match(/bottleneck: (.*)$/)?.[1];
  if (bottleneck !== undefined) line(`  drop-off bottleneck              ${bottleneck}`);
  line(`  stuck deals                      ${num(input.stuckDeals?.length ?? 0)} open deals over their stage's threshold`);
  line();
  line(`HTML report written to ${report.path}`);
  line('  open it in a browser: health, funnel, drop-off and reasons, stuck deals, segments and paths, trends and time to close, forecast and backtest');
  return `${out.join('\n').trimEnd()}\n`;
}
