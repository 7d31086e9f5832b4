import { describe, expect, it } from 'vitest';
import { DealTable, timeToClose } from '../../src/index.js';
import { DAY, funnel } from './fixtures.js';

// Kaplan–Meier and Aalen–Johansen through the public `timeToClose`, checked against numbers PRINTED in
// published sources (not computed by us). Conventions of `timeToClose` (see its JSDoc and
// src/internal/survival.ts): Kaplan–Meier with Greenwood variance and log-log intervals
// S^{exp(±z·se/(S·|log S|))} (Kalbfleisch–Prentice; Stata `sts list` default, R `conf.type = "log-log"`);
// events before censorings at tied times; Aalen–Johansen F̂_j(t) = Σ Ŝ(t_{l−1}) d_jl / Y_l.
//
// Mapping to deals: one time unit = one day; a subject who has the event at t is a deal created at day 0
// and closed (won or lost) at day t; a subject censored at t is a deal still open at `now`, created at
// now − t (so its age at `now` is t). Kaplan–Meier "still open" treats won and lost alike as events.


/** A subject: time in days, outcome won / lost, or open (censored at that time). */
interface Subject {
  readonly t: number;
  readonly outcome: 'won' | 'lost' | 'open';
}

function tableOf(subjects: readonly Subject[], now: number): DealTable {
  return DealTable.fromColumns(
    {
      dealIds: subjects.map((_, i) => `d${i}`),
      createdAt: subjects.map((s) => (s.outcome === 'open' ? (now - s.t) * DAY : 0)),
      stage: subjects.map((s) => (s.outcome === 'open' ? 'lead' : s.outcome)),
      closedAt: subjects.map((s) => (s.outcome === 'open' ? Number.NaN : s.t * DAY)),
    },
    funnel,
  );
}

/** "6 6 6* 7" → subjects (* = censored); events are `lost` unless given. */
function parse(times: string, outcome: 'won' | 'lost' = 'lost'): Subject[] {
  return times
    .trim()
    .split(/\s+/)
    .map((s) => (s.endsWith('*') ? { t: Number.parseFloat(s), outcome: 'open' as const } : { t: Number.parseFloat(s), outcome }));
}

const Z95 = 1.959963984540054;

/** Recovers the Greenwood standard error of Ŝ from a log-log interval: lower = S^{exp(z·se/(S|log S|))}. */
function seFromLogLog(s: number, lower: number): number {
  return (Math.log(Math.log(lower) / Math.log(s)) * s * Math.abs(Math.log(s))) / Z95;
}

describe('Kaplan–Meier against published tables', () => {
  it('Gehan (Freireich 1963) control arm: Stata `sts list` (log-log CI) as printed by G. Rodríguez', () => {
    // Source: G. Rodríguez, "Kaplan-Meier Survival" (Princeton, ECO 572 / WWS 509 notes),
    // http://data.princeton.edu/eco572/KaplanMeier.html (also http://data.princeton.edu/pop509/gehan.html):
    //   Time Total Fail Lost Survivor  Std.Err  [95% Conf. Int.]
    //   1    21    2    0    0.9048    0.0641   0.6700  0.9753
    //   2    19    2    0    0.8095    0.0857   0.5689  0.9239
    // Control arm remission weeks (no censoring), Gehan (1965) / Cox (1972):
    const control = parse('1 1 2 2 3 4 4 5 5 8 8 8 8 11 11 12 12 15 17 22 23');
    const r = timeToClose(tableOf(control, 40), { now: 40 * DAY, minSample: 1, horizons: [1, 2] });
    if (!r.ok) throw new Error('expected ok');
    const [h1, h2] = [r.horizons[0]!.open, r.horizons[1]!.open];
    expect(h1.estimate).toBeCloseTo(0.9048, 4);
    expect(h1.lower!).toBeCloseTo(0.67, 4);
    expect(h1.upper!).toBeCloseTo(0.9753, 4);
    expect(seFromLogLog(h1.estimate, h1.lower!)).toBeCloseTo(0.0641, 4);
    expect(h2.estimate).toBeCloseTo(0.8095, 4);
    expect(h2.lower!).toBeCloseTo(0.5689, 4);
    expect(h2.upper!).toBeCloseTo(0.9239, 4);
    expect(seFromLogLog(h2.estimate, h2.lower!)).toBeCloseTo(0.0857, 4);
  });

  it('Stata `cancer` data, control group: the printed life-table rows (Stata feature overview)', () => {
    // Source: StataCorp, "Survival analysis example session", https://www.stata.com/features/overview/survival-example-session/
    // `sts list, by(dose)`, Control group, first rows (Beg. Total, Fail, Net Lost, S, Std.Err, 95% CI):
    //   1  20  2  0  0.9000  0.0671  0.6560  0.9740
    //   2  18  1  0  0.8500  0.0798  0.6038  0.9490
    //   3  17  1  0  0.8000  0.0894  0.5511  0.9198
    //   4  16  2  0  0.7000  0.1025  0.4505  0.8525
    // These rows are determined by the printed counts alone (no losses before day 4), so we rebuild 20
    // deals with exactly those failures; the 14 remaining deals close later (day 10) and do not affect them.
    const subjects = parse('1 1 2 3 4 4 10 10 10 10 10 10 10 10 10 10 10 10 10 10', 'won');
    const r = timeToClose(tableOf(subjects, 20), { now: 20 * DAY, minSample: 1, horizons: [1, 2, 3, 4] });
    if (!r.ok) throw new Error('expected ok');
    const printed = [
      [0.9, 0.0671, 0.656, 0.974],
      [0.85, 0.0798, 0.6038, 0.949],
      [0.8, 0.0894, 0.5511, 0.9198],
      [0.7, 0.1025, 0.4505, 0.8525],
    ] as const;
    printed.forEach(([s, se, lo, hi], i) => {
      const o = r.horizons[i]!.open;
      expect(o.estimate).toBeCloseTo(s, 4);
      expect(o.lower!).toBeCloseTo(lo, 4);
      expect(o.upper!).toBeCloseTo(hi, 4);
      expect(seFromLogLog(o.estimate, o.lower!)).toBeCloseTo(se, 4);
    });
  });

  it('Freireich 6-MP arm (with censoring and ties): the published Kaplan–Meier table', () => {
    // Source: Kleinbaum & Klein, "Survival Analysis: A Self-Learning Text" (3rd ed., ch. 2), the 6-MP
    // group, reproduced by SAS PROC LIFETEST output in many course notes: S(t) and Greenwood SE
    //   t   6       7       10      13      16      22      23
    //   S   0.8571  0.8067  0.7529  0.6902  0.6275  0.5378  0.4482
    //   SE  0.0764  0.0869  0.0963  0.1068  0.1141  0.1282  0.1346
    // Ties: at week 6, three relapses and one censoring — relapses come first (the censored patient is
    // still at risk at 6), so Y(6) = 21 and Y(7) = 17.
    const sixMp = parse('6 6 6 6* 7 9* 10 10* 11* 13 16 17* 19* 20* 22 23 25* 32* 32* 34* 35*');
    const r = timeToClose(tableOf(sixMp, 40), { now: 40 * DAY, minSample: 1, horizons: [6, 7, 10, 13, 16, 22, 23], quantiles: [0.5] });
    if (!r.ok) throw new Error('expected ok');
    expect([r.deals, r.lost, r.open]).toEqual([21, 9, 12]);
    const S = [0.8571, 0.8067, 0.7529, 0.6902, 0.6275, 0.5378, 0.4482];
    const SE = [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346];
    r.horizons.forEach((h, i) => {
      expect(h.open.estimate).toBeCloseTo(S[i]!, 4);
      expect(seFromLogLog(h.open.estimate, h.open.lower!)).toBeCloseTo(SE[i]!, 4);
    });
    // Median remission 23 weeks (Kleinbaum & Klein: "median survival time 23 weeks" for 6-MP)
    expect(r.quantiles[0]!.days).toBe(23);
  });
});

describe('Aalen–Johansen cumulative incidence against a published worked example', () => {
  // Source: Satagopan, Ben-Porat, Berwick, Robson, Kutler & Auerbach (2004), "A note on competing risks in
  // survival data analysis", Br J Cancer 91(7):1229–1235, Table 2 (doi:10.1038/sj.bjc.6602102,
  // https://pmc.ncbi.nlm.nih.gov/articles/PMC2410013/table/tbl2). 305 breast-cancer patients; the table
  // lists the first nine (months): 7 alive, 10 BC death, 14 alive, 16 BC death, 18 other death,
  // 23 BC death, 24 alive, 26 other death, 27 BC death; the other 296 are followed beyond 27 months.
  // Printed (in %): overall survival S(t) at 10,16,18,23,26,27 = 99.7, 99.3, 99.0, 98.7, 98.3, 98.0;
  // cumulative incidence of BC death at 10,16,23,27 = 0.3, 0.6, 0.9, 1.2.
  // Mapped to deals: BC death = won (the outcome of interest), other death = lost (competing), alive = open.
  const listed: Subject[] = [
    { t: 7, outcome: 'open' },
    { t: 10, outcome: 'won' },
    { t: 14, outcome: 'open' },
    { t: 16, outcome: 'won' },
    { t: 18, outcome: 'lost' },
    { t: 23, outcome: 'won' },
    { t: 24, outcome: 'open' },
    { t: 26, outcome: 'lost' },
    { t: 27, outcome: 'won' },
  ];
  const rest: Subject[] = Array.from({ length: 296 }, () => ({ t: 40, outcome: 'open' as const }));
  const r = timeToClose(tableOf([...listed, ...rest], 40), { now: 40 * DAY, minSample: 1, horizons: [10, 16, 18, 23, 26, 27] });
  if (!r.ok) throw new Error('expected ok');
  const at = (d: number) => r.horizons.find((h) => h.days === d)!;

  it('overall survival (Kaplan–Meier, both causes as events) matches the printed step 1', () => {
    const printed: [number, number][] = [[10, 0.997], [16, 0.993], [18, 0.99], [23, 0.987], [26, 0.983], [27, 0.98]];
    for (const [d, s] of printed) expect(Math.abs(at(d).open.estimate - s)).toBeLessThanOrEqual(0.0005 + 1e-12);
  });
  it('cumulative incidence of the event of interest matches the printed step 2', () => {
    // The paper rounds each increment h1(t_j)·S(t_{j−1}) to 0.1% and adds the rounded increments, so the
    // k-th printed cumulative value carries up to k half-units (0.05%) of rounding: compare like with like.
    const printed: [number, number][] = [[10, 0.003], [16, 0.006], [23, 0.009], [27, 0.012]];
    let previous = 0;
    printed.forEach(([d, f], k) => {
      const value = at(d).won.estimate;
      expect(Math.abs(value - previous - 0.003)).toBeLessThanOrEqual(0.0005); // each printed increment: 0.3%
      expect(Math.abs(value - f)).toBeLessThanOrEqual(0.0005 * (k + 1));
      previous = value;
    });
    // and exactly: Σ Ŝ(t_{l−1}) d/Y with the printed risk sets 304, 302, 300, 297
    const s = (y: number, d = 1) => 1 - d / y;
    const S16 = s(304) * s(302);
    const S18 = S16 * s(301);
    const S23 = S18 * s(300);
    const S26 = S23 * s(298);
    const F27 = 1 / 304 + s(304) / 302 + S18 / 300 + S26 / 297;
    expect(at(27).won.estimate).toBeCloseTo(F27, 12);
  });
  it('won + lost + open = 1 at every horizon, and won is below the naive 1 − KM (losses censored)', () => {
    for (const h of r.horizons) expect(h.won.estimate + h.lost.estimate + h.open.estimate).toBeCloseTo(1, 12);
    // The paper's point: 1 − KM treating the competing deaths as censored overstates the incidence.
    const naive = timeToClose(
      tableOf(
        [...listed, ...rest].map((x) => (x.outcome === 'lost' ? { t: x.t, outcome: 'open' as const } : x)),
        40,
      ),
      { now: 40 * DAY, minSample: 1, horizons: [27] },
    );
    if (!naive.ok) throw new Error('expected ok');
    expect(1 - naive.horizons[0]!.open.estimate).toBeGreaterThan(at(27).won.estimate);
  });
});

describe('Aalen–Johansen variance convention', () => {
  it('without censoring, F̂ is the plain proportion and its delta-method SE the binomial √(F(1−F)/n)', () => {
    // The delta-method (Marubini & Valsecchi 1995; SAS PROC LIFETEST ERROR=DELTA) variance reduces to the
    // binomial variance when nobody is censored: every deal is closed, so F̂_won(t) = #won by t / n.
    // Gehan control times, alternately won / lost (the alternation is arbitrary):
    const subjects = parse('1 1 2 2 3 4 4 5 5 8 8 8 8 11 11 12 12 15 17 22 23').map((s, i) => ({ t: s.t, outcome: i % 2 === 0 ? ('won' as const) : ('lost' as const) }));
    const r = timeToClose(tableOf(subjects, 40), { now: 40 * DAY, minSample: 1, horizons: [5, 12] });
    if (!r.ok) throw new Error('expected ok');
    const wonBy = (d: number) => subjects.filter((s, i) => i % 2 === 0 && s.t <= d).length;
    for (const h of r.horizons) {
      const f = wonBy(h.days) / 21;
      expect(h.won.estimate).toBeCloseTo(f, 12);
      expect(seFromLogLog(f, h.won.lower!)).toBeCloseTo(Math.sqrt((f * (1 - f)) / 21), 10);
    }
  });
});
