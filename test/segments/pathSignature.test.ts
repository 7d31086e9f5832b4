import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isFunnelError, pathSignature } from '../../src/index.js';
import { actionsAndShuffleArb } from '../arbitraries/actions.js';

describe('pathSignature', () => {
  it('keeps distinct types in first-occurrence order', () => {
    const sig = pathSignature([
      { id: 'x1', type: 'call.answered', at: '2026-03-03' },
      { id: 'x2', type: 'request.submitted', at: '2026-03-01' },
      { id: 'x3', type: 'page.viewed', at: '2026-03-02' },
      { id: 'x4', type: 'request.submitted', at: '2026-03-04' },
    ]);
    expect(sig.types).toEqual(['request.submitted', 'page.viewed', 'call.answered']);
    expect(sig.key).toBe('request.submitted>page.viewed>call.answered');
  });
  it('breaks equal timestamps by action id', () => {
    const at = '2026-03-01T10:00:00Z';
    const sig = pathSignature([
      { id: 'b', type: 'call.answered', at },
      { id: 'a', type: 'request.submitted', at },
    ]);
    expect(sig.key).toBe('request.submitted>call.answered');
  });
  it('counts a duplicate action id once and can ignore noise', () => {
    expect(pathSignature([{ id: 'a', type: 'x', at: 0 }, { id: 'a', type: 'x', at: 0 }]).types).toEqual(['x']);
    const sig = pathSignature(
      [
        { id: '1', type: 'page.viewed', at: 1 },
        { id: '2', type: 'request.submitted', at: 2 },
      ],
      { ignore: ['page.viewed'] },
    );
    expect(sig.key).toBe('request.submitted');
  });
  it('is empty for no actions', () => {
    expect(pathSignature([])).toEqual({ types: [], key: '' });
  });
  it('names the row of a bad time', () => {
    try {
      pathSignature([{ id: 'a', type: 'x', at: 0 }, { id: 'b', type: 'x', at: 'yesterday' }]);
      expect.unreachable();
    } catch (e) {
      expect(isFunnelError(e) && e.code).toBe('INVALID_DATE');
      expect(isFunnelError(e) && e.path).toEqual(['actions', 1, 'at']);
    }
  });
  test.prop([actionsAndShuffleArb], { numRuns: 200 })('does not depend on the order of the array', ([xs, ys]) => {
    expect(pathSignature(ys)).toEqual(pathSignature(xs));
  });
  test.prop([actionsAndShuffleArb], { numRuns: 100 })('has each type once, and the key joins the types', ([xs]) => {
    const sig = pathSignature(xs);
    expect(new Set(sig.types).size).toBe(sig.types.length);
    expect(new Set(sig.types)).toEqual(new Set(xs.map((a) => a.type)));
    expect(sig.key).toBe(sig.types.join('>'));
  });
});
