/**
 * Runs the built CLI (`node dist/cli.js demo`, what `npm run demo` runs after the build) and checks
 * that it prints every section and is deterministic for a seed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'demo', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run demo (the built CLI)', () => {
  const a = run('--seed', '5', '--deals', '400');
  it('prints the stage distribution, per-segment counts and an audit trail', () => {
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^funnelwise demo — a synthetic B2B pipeline \(seed 5\)/);
    expect(a.stdout).toContain('400 deals created');
    expect(a.stdout).toContain('STAGE DISTRIBUTION');
    for (const stage of ['request', 'answered', 'described', 'proposal', 'objections', 'invoice', 'paid', 'lost']) expect(a.stdout).toMatch(new RegExp(`\\n  ${stage} +(open|won|lost) +\\d+`));
    expect(a.stdout).toContain('SEGMENTS');
    for (const seg of ['hot', 'researcher', 'standard']) expect(a.stdout).toMatch(new RegExp(`\\n  ${seg} +b2b\\S* +\\d+`));
    expect(a.stdout).toContain('AUDIT TRAIL of deal d');
    expect(a.stdout).toMatch(/\(new\) +→ request +customer action (request\.submitted|callback\.requested) \[a\d+\]/);
    expect(a.stdout).toMatch(/→ paid +customer action invoice\.paid/);
    expect(a.stdout).toMatch(/silence rule "silent"/);
  });
  it('counts every deal once across stages and segments', () => {
    const stageCounts = [...a.stdout.matchAll(/\n {2}[a-z]+ +(?:open|won|lost) +(\d+) /g)].map((m) => Number(m[1]));
    expect(stageCounts.reduce((s, n) => s + n, 0)).toBe(400);
    const segmentCounts = [...a.stdout.matchAll(/\n {2}(?:hot|researcher|standard) +b2b\S* +(\d+) /g)].map((m) => Number(m[1]));
    expect(segmentCounts.reduce((s, n) => s + n, 0)).toBe(400);
  });
  it('is deterministic for a seed and differs between seeds', () => {
    expect(run('--seed', '5', '--deals', '400').stdout).toBe(a.stdout);
    expect(run('--seed', '6', '--deals', '400').stdout).not.toBe(a.stdout);
  });
  it('rejects bad options with exit code 2', () => {
    const bad = run('--deals', 'many');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/expected a whole number after --deals/);
    expect(run('--colour').status).toBe(2);
  });
});
