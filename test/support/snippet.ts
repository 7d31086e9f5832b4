/**
 * Runs a documentation snippet (a ```ts fence from a JSDoc `@example` or a guide in docs/*.md) as a test:
 * import lines are dropped (the library's exports are in scope, as users would import them), a line
 * `expr // => value` becomes an assertion that `expr` equals `value` (numbers within 1e-9 relative),
 * other lines run as written; top-level `await` is allowed. `createFunnelThreads` (from `funnelwise/threads`)
 * is in scope too. Returns the number of assertions made.
 */
import ts from 'typescript';
import { expect } from 'vitest';
import * as lib from '../../src/index.js';
import { createSourceFunnelThreads } from './threadsWorker.js';

const ASSERT = /^(.*?)\s*\/\/ => (.*)$/;

function toProgram(code: string): string {
  const body = code
    .split('\n')
    .filter((l) => !/^\s*import\s/.test(l))
    .map((l, i) => {
      const m = ASSERT.exec(l);
      if (m === null || m[1] === undefined || m[1].trim() === '') return l;
      const expr = m[1].trim().replace(/;$/, '');
      return `__check((${expr}), (${m[2]}), ${i + 1});`;
    })
    .join('\n');
  return ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None } }).outputText;
}

function same(actual: unknown, expected: unknown): void {
  if (typeof actual === 'number' && typeof expected === 'number' && Number.isFinite(expected)) {
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  } else expect(actual).toEqual(expected);
}

// the library's exports, plus `funnelwise/threads`' (its worker built from the source, see threadsWorker.ts)
const scope: Record<string, unknown> = { ...lib, createFunnelThreads: createSourceFunnelThreads };
const names = Object.keys(scope);
const values = names.map((n) => scope[n]);
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;

/** Runs `code`; an assertion failure names `where` and the snippet line (`firstLine` = line of the snippet's first line). */
export async function runSnippet(code: string, where: string, firstLine: number): Promise<number> {
  const fn = new AsyncFunction(...names, '__check', toProgram(code));
  let checks = 0;
  await fn(...values, (actual: unknown, expected: unknown, line: number) => {
    checks++;
    try {
      same(actual, expected);
    } catch (e) {
      throw new Error(`${where}:${firstLine + line - 1}: ${(e as Error).message}`);
    }
  });
  return checks;
}
