/**
 * Runs every `@example` in src/ as a test (see test/support/snippet.ts: a line `expr // => value` is an
 * assertion; the library's exports are in scope, as users would import them).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSnippet } from '../support/snippet.js';

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

const root = join(__dirname, '..', '..', 'src');
const examples = walk(root).flatMap(extract);

describe('doc @examples', () => {
  it('finds examples', () => {
    expect(examples.length).toBeGreaterThan(10);
  });
  for (const ex of examples) {
    it(`${relative(root, ex.file)}:${ex.line}`, async () => {
      const checks = await runSnippet(ex.code, relative(root, ex.file), ex.line);
      expect(checks, 'an @example must assert at least one `// =>` result').toBeGreaterThan(0);
    });
  }
});
