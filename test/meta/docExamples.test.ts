/**
 * Runs every `@example` in src/ as a test. Inside a ```ts fence, a line `expr // => value` becomes an
 * assertion that `expr` equals `value` (numbers within 1e-9 relative); other lines run as written.
 * The library's exports are in scope, as users would import them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';

interface Example {
  file: string;
  line: number;
  code: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function extract(file: string): Example[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Example[] = [];
  let inExample = false;
  let fence: string[] | null = null;
  let start = 0;
  lines.forEach((raw, i) => {
    const text = raw.replace(/^\s*\*\s?/, '');
    if (/^\s*\*\s*@example/.test(raw)) inExample = true;
    else if (/^\s*\*\s*@\w+/.test(raw) && fence === null) inExample = false;
    if (/\*\//.test(raw) && fence === null) inExample = false;
    if (!inExample) return;
    if (text.startsWith('```')) {
      if (fence === null) {
        fence = [];
        start = i + 2;
      } else {
        out.push({ file, line: start, code: fence.join('\n') });
        fence = null;
      }
    } else if (fence !== null) fence.push(text);
  });
  return out;
}

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

const root = join(__dirname, '..', '..', 'src');
const examples = walk(root).flatMap(extract);
const names = Object.keys(lib);
const values = names.map((n) => (lib as Record<string, unknown>)[n]);
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;

describe('doc @examples', () => {
  it('finds examples', () => {
    expect(examples.length).toBeGreaterThan(10);
  });
  for (const ex of examples) {
    it(`${relative(root, ex.file)}:${ex.line}`, async () => {
      const fn = new AsyncFunction(...names, '__check', toProgram(ex.code));
      let checks = 0;
      await fn(...values, (actual: unknown, expected: unknown, line: number) => {
        checks++;
        try {
          same(actual, expected);
        } catch (e) {
          throw new Error(`${relative(root, ex.file)}:${ex.line + line - 1}: ${(e as Error).message}`);
        }
      });
      expect(checks, 'an @example must assert at least one `// =>` result').toBeGreaterThan(0);
    });
  }
});
