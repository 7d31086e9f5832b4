/**
 * The public API report: the names each src/<folder>/index.ts exports must equal the committed list in
 * test/api/<folder>.txt, so no rename or removal slips through unseen. After an intended change, run
 * `npm run api:update` and commit the lists.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';

const src = join(__dirname, '..', '..', 'src');
const folders = readdirSync(src, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(src, d.name, 'index.ts')))
  .map((d) => d.name);
/** Folders that are an entry of their own (a package.json subpath), not re-exported by the root: `funnelwise/threads` (Node only). */
const SUBPATH_ENTRIES = new Set(['threads']);

describe('public exports', () => {
  for (const folder of folders) {
    it(`src/${folder} exports exactly test/api/${folder}.txt`, async () => {
      const mod = (await import(`../../src/${folder}/index.ts`)) as Record<string, unknown>;
      const actual = Object.keys(mod).sort();
      const file = join(__dirname, '..', 'api', `${folder}.txt`);
      if (process.env['FUNNELWISE_UPDATE_API'] === '1') writeFileSync(file, actual.map((n) => `${n}\n`).join(''));
      const expected = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
      expect(actual).toEqual(expected);
    });
  }
  it('the root barrel re-exports every folder and nothing else', () => {
    const all = folders.filter((f) => !SUBPATH_ENTRIES.has(f)).flatMap((f) => {
      const file = join(__dirname, '..', 'api', `${f}.txt`);
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    });
    expect(Object.keys(root).sort()).toEqual(all.sort());
  });
  it('every subpath entry folder is a package.json export and is not in the root barrel', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    for (const f of SUBPATH_ENTRIES) {
      expect(folders).toContain(f);
      expect(Object.keys(pkg.exports)).toContain(`./${f}`);
      const names = readFileSync(join(__dirname, '..', 'api', `${f}.txt`), 'utf8').split('\n').filter(Boolean);
      for (const name of names) expect(Object.keys(root)).not.toContain(name);
    }
  });
});
