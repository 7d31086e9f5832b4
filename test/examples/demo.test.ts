/**
 * Runs the built CLI (`node dist/cli.js demo`, what `npm run demo` runs after the build) and checks
 * that it prints every section, writes the HTML report, and is deterministic for a seed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'funnelwise-demo-'));
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'demo', ...args], { encoding: 'utf8', timeout: 120_000, cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const out = join(dir, 'a.html');

describe('npm run demo (the built CLI)', () => {
  const a = run('--seed', '5', '--deals', '400', '--out', out);
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
  it('prints the key numbers and writes the HTML report where it says', () => {
    expect(a.stdout).toContain('KEY NUMBERS');
    const won = Number(a.stdout.match(/\n {2}paid +won +(\d+) /)?.[1]);
    const closed = [...a.stdout.matchAll(/\n {2}[a-z]+ +(?:won|lost) +(\d+) /g)].reduce((n, m) => n + Number(m[1]), 0);
    // the report replays every deal through the general funnel: same won and closed counts here
    const wr = a.stdout.match(/win rate \(won ÷ closed\) +([\d.]+)% \((\d+) won of (\d+) closed\)/);
    expect(wr).not.toBeNull();
    expect(Number(wr?.[1])).toBeCloseTo((100 * Number(wr?.[2])) / Number(wr?.[3]), 1);
    expect(a.stdout).toMatch(/conversion to won \(won ÷ deals\) +[\d.]+% \(\d+ of 400 deals\)/);
    expect(a.stdout).toMatch(/→ Picked up the callback +\d+ +step +[\d.]+%/);
    const f = a.stdout.match(/P10 ([\d,]+) EUR · P50 ([\d,]+) EUR · P90 ([\d,]+) EUR/);
    expect(f).not.toBeNull();
    const [p10, p50, p90] = [f?.[1], f?.[2], f?.[3]].map((x) => Number((x ?? '').replace(/,/g, '')));
    expect(p10! <= p50! && p50! <= p90! && p90! > 0).toBe(true);
    expect(a.stdout).toContain(`HTML report written to ${out}\n`);
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    for (const id of ['health', 'funnel', 'dropOff', 'stuck', 'segments', 'trend', 'forecast', 'backtest']) expect(html).toContain(`<section id="${id}">`);
    expect(Number.isFinite(won) && closed > 0).toBe(true);
  });
  it('writes funnelwise-report.html in the working directory by default', () => {
    const r = run('--seed', '5', '--deals', '200');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`HTML report written to ${join(dir, 'funnelwise-report.html')}`);
    expect(existsSync(join(dir, 'funnelwise-report.html'))).toBe(true);
  });
  it('counts every deal once across stages and segments', () => {
    const stageCounts = [...a.stdout.matchAll(/\n {2}[a-z]+ +(?:open|won|lost) +(\d+) /g)].map((m) => Number(m[1]));
    expect(stageCounts.reduce((s, n) => s + n, 0)).toBe(400);
    const segmentCounts = [...a.stdout.matchAll(/\n {2}(?:hot|researcher|standard) +b2b\S* +(\d+) /g)].map((m) => Number(m[1]));
    expect(segmentCounts.reduce((s, n) => s + n, 0)).toBe(400);
  });
  it('is deterministic for a seed and differs between seeds', () => {
    const html = readFileSync(out, 'utf8');
    const b = join(dir, 'b.html');
    expect(run('--seed', '5', '--deals', '400', '--out', b).stdout).toBe(a.stdout.replace(out, b));
    expect(readFileSync(b, 'utf8')).toBe(html);
    expect(run('--seed', '6', '--deals', '400', '--out', b).stdout).not.toBe(a.stdout.replace(out, b));
  });
  it('rejects bad options with exit code 2', () => {
    const bad = run('--deals', 'many');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/expected a whole number after --deals/);
    expect(run('--colour').status).toBe(2);
    expect(run('--out').stderr).toMatch(/expected a path after --out/);
    const unwritable = run('--deals', '50', '--out', join(dir, 'no', 'such', 'dir', 'r.html'));
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toMatch(/cannot write .*r\.html.*ENOENT/);
  });
});
