/** Runs `fn`, expects a FunnelError, and returns its code and path (rethrows anything else). */
import { isFunnelError } from '../../src/index.js';

export function caught(fn: () => unknown): { code: string; path: ReadonlyArray<string | number> } {
  try {
    fn();
  } catch (e) {
    if (isFunnelError(e)) return { code: e.code, path: e.path };
    throw e;
  }
  throw new Error('expected a FunnelError');
}
