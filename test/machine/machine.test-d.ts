import { describe, expectTypeOf, it } from 'vitest';
import {
  applyAction,
  applyCommand,
  applySilence,
  checkFunnel,
  createDeal,
  replay,
  type Deal,
  type DealCommand,
  type FunnelCheckReport,
  type MachineRejection,
  type MachineRejectionReason,
  type MachineResult,
  type MachineSuccess,
  type ReplayRejectionReason,
  type ReplayResult,
} from '../../src/index.js';
import { b2b } from './fixtures.js';

declare const deal: Deal;

describe('machine types', () => {
  it('results are a union discriminated by ok', () => {
    const r = applyAction(b2b, deal, { id: 'a', type: 'x', at: '2026-03-01T00:00:00.000Z', dealId: 'd' });
    expectTypeOf(r).toEqualTypeOf<MachineResult>();
    if (r.ok) {
      expectTypeOf(r).toEqualTypeOf<MachineSuccess>();
      expectTypeOf(r.deal).toEqualTypeOf<Deal>();
      expectTypeOf(r.outcome).toEqualTypeOf<'created' | 'moved' | 'recorded' | 'flagged' | 'duplicate' | 'unchanged'>();
    } else {
      expectTypeOf(r).toEqualTypeOf<MachineRejection>();
      expectTypeOf(r.reason).toEqualTypeOf<MachineRejectionReason>();
      // @ts-expect-error a rejection has no deal
      r.deal;
    }
    expectTypeOf(createDeal).returns.toEqualTypeOf<MachineResult>();
    expectTypeOf(applyCommand).returns.toEqualTypeOf<MachineResult>();
    expectTypeOf(applySilence).returns.toEqualTypeOf<MachineSuccess>();
    expectTypeOf(replay).returns.toEqualTypeOf<ReplayResult>();
    expectTypeOf(checkFunnel).returns.toEqualTypeOf<FunnelCheckReport>();
  });

  it('reason codes are string literals', () => {
    expectTypeOf<'SKIP_FORBIDDEN'>().toExtend<MachineRejectionReason>();
    expectTypeOf<'NO_DEAL'>().toExtend<ReplayRejectionReason>();
    expectTypeOf<'NO_DEAL'>().not.toExtend<MachineRejectionReason>();
    expectTypeOf<'SOMETHING'>().not.toExtend<ReplayRejectionReason>();
  });

  it('commands are a union discriminated by type', () => {
    expectTypeOf<{ type: 'moveTo'; stageId: string; at: string }>().toExtend<DealCommand>();
    expectTypeOf<{ type: 'win'; at: number }>().toExtend<DealCommand>();
    expectTypeOf<{ type: 'lose'; reason: string; at: Date; stageId: string }>().toExtend<DealCommand>();
    expectTypeOf<{ type: 'reopen'; at: string; actor: string }>().toExtend<DealCommand>();
    // moveTo needs a stage, lose needs a reason, every command needs a time
    expectTypeOf<{ type: 'moveTo'; at: string }>().not.toExtend<DealCommand>();
    expectTypeOf<{ type: 'lose'; at: string }>().not.toExtend<DealCommand>();
    expectTypeOf<{ type: 'win' }>().not.toExtend<DealCommand>();
    expectTypeOf<{ type: 'delete'; at: string }>().not.toExtend<DealCommand>();
    const narrow = (c: DealCommand): string => (c.type === 'lose' ? c.reason : c.type === 'moveTo' ? c.stageId : c.type);
    expectTypeOf(narrow).returns.toBeString();
  });
});
