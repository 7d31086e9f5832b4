/**
 * The command-line tool: `funnelwise demo [--seed N] [--deals N] [--out report.html]` and
 * `funnelwise report [file.csv] [--funnel funnel.json] [--out report.html]`. Not part of the library API.
 */
import { parseDemoArgs, runDemo } from './demo.js';
import { reportCommand } from './report.js';

const [, , command = 'demo', ...rest] = process.argv;
if (command === 'report') {
  process.exitCode = reportCommand(rest);
} else if (command === 'demo') {
  const options = parseDemoArgs(rest);
  if (typeof options === 'string') {
    process.stderr.write(`funnelwise: ${options}\n`);
    process.exit(2);
  }
  try {
    process.stdout.write(runDemo(options));
  } catch (e) {
    process.stderr.write(`funnelwise: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
} else {
  process.stderr.write(`funnelwise: unknown command ${JSON.stringify(command)}; try "funnelwise demo" or "funnelwise report"\n`);
  process.exit(2);
}
