/**
 * Runs every ```ts block of the hand-written guides (docs/*.md) as a test, like the JSDoc examples
 * (see test/support/snippet.ts): each block runs on its own with the library's exports in scope and must
 * assert at least one `expr // => value` result. A block that cannot run here (it calls the reader's
 * storage, a notebook kernel …) must say so in the paragraph just above its fence, which starts with
 * `*Sketch (not run)`; such blocks are skipped, and every other block must run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSnippet } from '../support/snippet.js';

interface Block {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly sketch: boolean;
}

const SKETCH = /^\*Sketch \(not run\)/;

function blocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Block[] = [];
  let fence: string[] | null = null;
  let start = 0;
  let sketch = false;
  lines.forEach((raw, i) => {
    if (fence === null && /^```ts\s*$/.test(raw)) {
      fence = [];
      start = i + 2;
      // the paragraph just above the fence: skip blank lines, then walk up to its first line
      let k = i - 1;
      while (k >= 0 && (lines[k] as string).trim() === '') k--;
      while (k > 0 && (lines[k - 1] as string).trim() !== '') k--;
      sketch = k >= 0 && SKETCH.test((lines[k] as string).trim());
    } else if (fence !== null && /^```\s*$/.test(raw)) {
      out.push({ file, line: start, code: fence.join('\n'), sketch });
      fence = null;
    } else if (fence !== null) fence.push(raw);
  });
  return out;
}

const dir = join(__dirname, '..', '..', 'docs');
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .flatMap((f) => blocks(join(dir, f)));

describe('docs/*.md ```ts blocks', () => {
  it('finds the guides’ blocks, and most of them run', () => {
    expect(all.length).toBeGreaterThan(5);
    expect(all.filter((b) => !b.sketch).length).toBeGreaterThan(all.filter((b) => b.sketch).length);
  });
  for (const b of all) {
    const name = `docs/${b.file.split(/[\\/]/).pop()}:${b.line}`;
    if (b.sketch) {
      it.skip(`${name} (marked *Sketch (not run)*)`, () => {});
      continue;
    }
    it(name, async () => {
      const checks = await runSnippet(b.code, name, b.line);
      expect(checks, 'a guide block must assert at least one `// =>` result, or be marked *Sketch (not run)*').toBeGreaterThan(0);
    });
  }
});
