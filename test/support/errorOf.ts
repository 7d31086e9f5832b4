/** Test helper: runs `fn` and returns the FunnelError it throws (fails when it throws nothing or something else). */
import { type FunnelError, isFunnelError } from '../../src/index.js';

export function errorOf(fn: () => unknown): FunnelError {
  try {
    fn();
  } catch (e) {
    if (isFunnelError(e)) return e;
    throw e;
  }
  throw new Error('expected a FunnelError');
}
