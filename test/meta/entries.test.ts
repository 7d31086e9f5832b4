/**
 * The main entry (`funnelwise`, src/index.ts) stays pure and browser-safe: nothing it imports, directly
 * or through other modules, is a Node built-in (`node:…`, `worker_threads`, `fs` …) or the Node-only
 * subpath `funnelwise/threads` (src/threads/). The threads entry is the only library code that starts
 * worker threads. (test/examples/threads.test.ts checks the built files the same way after the build.)
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(__dirname, '..', '..', 'src');
const NODE = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Every module the file reaches through static imports and re-exports: relative ones (as files) and bare ones. */
function graph(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else bare.add(spec);
    }
  }
  return { files, bare };
}

describe('entries', () => {
  const main = graph(join(src, 'index.ts'));
  it('the main entry imports no Node built-in', () => {
    expect([...main.bare].filter((b) => NODE.has(b))).toEqual([]);
    expect(main.files.size).toBeGreaterThan(50);
  });
  it('the main entry does not reach src/threads', () => {
    expect([...main.files].map((f) => relative(src, f)).filter((f) => f.startsWith('threads'))).toEqual([]);
  });
  it('the threads entry is where worker_threads is imported', () => {
    const threads = graph(join(src, 'threads', 'index.ts'));
    expect(threads.bare.has('node:worker_threads')).toBe(true);
  });
});
