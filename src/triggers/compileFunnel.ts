import { FunnelError, fail } from '../errors/FunnelError.js';
import type { Effect, Predicate } from '../model/common.js';
import type { Funnel, SilenceRule, Stage, StageCategory } from '../model/funnel.js';
import { DAY_MS } from './time.js';

/** One way a customer action can move a deal: a trigger rule or a stage's own `actions`. @internal */
export interface CompiledRule {
  /** Trigger id; `undefined` for a stage's own action. */
  readonly ruleId: string | undefined;
  /** Target stage index. */
  readonly to: number;
  readonly from: 'previous' | 'anyEarlier' | 'any' | ReadonlySet<number>;
  readonly where: ReadonlyArray<Predicate>;
  readonly count: number | undefined;
  readonly withinMs: number | undefined;
  readonly withinOf: 'stageEntered' | 'dealCreated';
  readonly minScore: number | undefined;
  readonly priority: number;
  /** Definition order: triggers first (0..n-1), then stage actions (n + stage index). */
  readonly order: number;
  readonly effects: ReadonlyArray<Effect>;
  /** Lost reason recorded when the rule moves the deal into a lost stage (`null` = none). */
  readonly lostReason: string | null;
}

/** A silence rule with its stage filter resolved. @internal */
export interface CompiledSilence {
  readonly rule: SilenceRule;
  readonly afterMs: number;
  /** Stage indices where the rule applies; `null` = every open stage. */
  readonly stages: ReadonlySet<number> | null;
  readonly to: number;
  readonly order: number;
}

/** A funnel prepared for fast matching: indices, ranks and rules grouped by action type. @internal */
export interface CompiledFunnel {
  readonly funnel: Funnel;
  readonly stages: ReadonlyArray<Stage>;
  readonly stageIndex: ReadonlyMap<string, number>;
  readonly category: ReadonlyArray<StageCategory>;
  /** Position on the path of open and won stages (funnel order, lost stages left out); -1 for lost stages. */
  readonly rank: Int32Array;
  /** Number of open + won stages. */
  readonly pathLength: number;
  /** Stage index by rank. */
  readonly byRank: ReadonlyArray<number>;
  readonly firstLost: number;
  readonly firstWon: number;
  readonly creation: ReadonlyArray<number>;
  readonly creationSet: ReadonlySet<number>;
  readonly byType: ReadonlyMap<string, ReadonlyArray<CompiledRule>>;
  /** Action types the funnel knows; `null` when unknown types are simply ignored. */
  readonly known: ReadonlySet<string> | null;
  readonly silence: ReadonlyArray<CompiledSilence>;
  /** Whether some rule has a `count`. */
  readonly hasCounting: boolean;
  /** The shortest silence (`afterDays` in ms) of any silence rule; Infinity when there are none. */
  readonly minSilenceMs: number;
}

const cache = new WeakMap<object, CompiledFunnel>();

/**
 * Compiles (once per funnel object, cached) a parsed funnel. Throws INVALID_FUNNEL when given
 * something that is not a parsed funnel (defaults missing). @internal
 */
export function compileFunnel(funnel: Funnel): CompiledFunnel {
  if (typeof funnel !== 'object' || funnel === null) fail('INVALID_FUNNEL', 'a funnel parsed by parseFunnel or defineFunnel', funnel, ['funnel']);
  const hit = cache.get(funnel);
  if (hit !== undefined) return hit;
  if (!Array.isArray(funnel.stages) || !Array.isArray(funnel.triggers) || !Array.isArray(funnel.silence) || typeof funnel.policy !== 'object' || funnel.policy === null) {
    throw new FunnelError('INVALID_FUNNEL', 'expected a funnel parsed by parseFunnel or defineFunnel (with defaults applied)', {
      path: ['funnel'],
      expected: 'a funnel parsed by parseFunnel or defineFunnel',
      received: funnel,
    });
  }
  const stages = funnel.stages;
  const stageIndex = new Map<string, number>();
  stages.forEach((s, i) => stageIndex.set(s.id, i));
  const rank = new Int32Array(stages.length).fill(-1);
  const byRank: number[] = [];
  stages.forEach((s, i) => {
    if (s.category !== 'lost') {
      rank[i] = byRank.length;
      byRank.push(i);
    }
  });
  const idx = (id: string, path: (string | number)[]): number => {
    const i = stageIndex.get(id);
    if (i === undefined) fail('UNKNOWN_STAGE', `one of the funnel's stage ids`, id, path);
    return i;
  };
  const rules: CompiledRule[] = [];
  funnel.triggers.forEach((t, i) => {
    const from = Array.isArray(t.from) ? new Set(t.from.map((s, j) => idx(s, ['triggers', i, 'from', j]))) : t.from;
    rules.push({
      ruleId: t.id,
      to: idx(t.to, ['triggers', i, 'to']),
      from,
      where: t.where,
      count: t.count,
      withinMs: t.within === undefined ? undefined : t.within.days * DAY_MS,
      withinOf: t.within?.of ?? 'stageEntered',
      minScore: t.minScore,
      priority: t.priority,
      order: i,
      effects: t.effects,
      lostReason: t.lostReason ?? null,
    });
  });
  const types = new Map<string, CompiledRule[]>();
  const push = (type: string, r: CompiledRule): void => {
    const list = types.get(type);
    if (list === undefined) types.set(type, [r]);
    else list.push(r);
  };
  funnel.triggers.forEach((t, i) => {
    const r = rules[i] as CompiledRule;
    for (const type of Array.isArray(t.action) ? t.action : [t.action]) push(type, r);
  });
  stages.forEach((s, i) => {
    const r: CompiledRule = {
      ruleId: undefined,
      to: i,
      from: 'any',
      where: [],
      count: undefined,
      withinMs: undefined,
      withinOf: 'stageEntered',
      minScore: undefined,
      priority: 0,
      order: funnel.triggers.length + i,
      effects: [],
      lostReason: null,
    };
    for (const type of s.actions) push(type, r);
  });
  const open = stages.findIndex((s) => s.category === 'open');
  const creation = funnel.policy.creationStages?.map((s, j) => idx(s, ['policy', 'creationStages', j])) ?? [open < 0 ? 0 : stages[0]?.category === 'open' ? 0 : open];
  let known: Set<string> | null = null;
  if (funnel.policy.unknownActions === 'reject') {
    known = new Set([...types.keys(), ...(funnel.knownActions ?? [])]);
    for (const r of funnel.scoring?.rules ?? []) {
      if (r.action !== undefined) for (const a of Array.isArray(r.action) ? r.action : [r.action]) known.add(a);
    }
  }
  const silence = funnel.silence.map((rule, i): CompiledSilence => ({
    rule,
    afterMs: rule.afterDays * DAY_MS,
    stages: rule.stages === undefined ? null : new Set(rule.stages.map((s, j) => idx(s, ['silence', i, 'stages', j]))),
    to: rule.then.type === 'move' ? idx(rule.then.to, ['silence', i, 'then', 'to']) : -1,
    order: i,
  }));
  const compiled: CompiledFunnel = {
    funnel,
    stages,
    stageIndex,
    category: stages.map((s) => s.category),
    rank,
    pathLength: byRank.length,
    byRank,
    firstLost: stages.findIndex((s) => s.category === 'lost'),
    firstWon: stages.findIndex((s) => s.category === 'won'),
    creation,
    creationSet: new Set(creation),
    byType: types,
    known,
    silence,
    hasCounting: rules.some((r) => r.count !== undefined),
    minSilenceMs: silence.reduce((m, s) => Math.min(m, s.afterMs), Number.POSITIVE_INFINITY),
  };
  cache.set(funnel, compiled);
  return compiled;
}

/** The stage index of `id`, or a FunnelError UNKNOWN_STAGE naming `path`. @internal */
export function stageIndexOf(c: CompiledFunnel, id: unknown, path: ReadonlyArray<string | number>): number {
  const i = typeof id === 'string' ? c.stageIndex.get(id) : undefined;
  if (i === undefined) fail('UNKNOWN_STAGE', `one of the funnel's stage ids (${[...c.stageIndex.keys()].join(', ')})`, id, path);
  return i;
}
