/**
 * The dependency rule of ARCHITECTURE.md: each src/ folder imports only the folders listed here.
 * Arrows point one way, so there are no cycles between rooms.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const BASE = ['errors', 'internal'];
const ALLOWED: Record<string, string[]> = {
  model: [],
  errors: [],
  internal: ['errors', 'model'],
  io: ['model', ...BASE],
  triggers: ['model', ...BASE],
  machine: ['model', 'triggers', ...BASE],
  segments: ['model', 'io', 'triggers', ...BASE],
  funnels: ['model', 'io', ...BASE],
  metrics: ['model', 'io', 'segments', ...BASE],
  dropoff: ['model', 'io', 'segments', 'metrics', ...BASE],
  forecast: ['model', 'io', 'segments', 'metrics', 'dropoff', ...BASE],
  charts: [...BASE],
  synthetic: ['model', 'io', 'triggers', 'machine', 'segments', ...BASE],
  // `funnelwise/threads` (Node only, its own entry): worker threads around the event-funnel pass
  threads: ['model', 'io', 'funnels', ...BASE],
  // the command-line tool (Node only, not part of the library) may use every room
  cli: ['model', 'io', 'triggers', 'machine', 'segments', 'funnels', 'metrics', 'dropoff', 'forecast', 'charts', 'synthetic', ...BASE],
};
// charts/ may import *types* from any room (it renders reports), but no runtime code.
const TYPE_ONLY_ANYWHERE = new Set(['charts']);

const src = join(__dirname, '..', '..', 'src');
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('import rule between src/ rooms', () => {
  for (const file of walk(src)) {
    const rel = relative(src, file);
    const room = rel.split(sep)[0] ?? '';
    if (!rel.includes(sep)) continue; // index.ts, cli.ts at the top may import anything
    it(rel, () => {
      const text = readFileSync(file, 'utf8');
      const bad: string[] = [];
      for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.\.?\/[^'"]+)['"]/gm)) {
        const target = relative(src, join(file, '..', m[3] ?? ''));
        const targetRoom = target.split(sep)[0] ?? '';
        if (targetRoom === room) continue;
        const isType = m[2] !== undefined;
        if (isType && TYPE_ONLY_ANYWHERE.has(room)) continue;
        if (!(ALLOWED[room] ?? []).includes(targetRoom)) bad.push(`${rel} → ${targetRoom}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
