/**
 * The command-line tool: `funnelwise demo [--seed N] [--deals N]`. Not part of the library API.
 */
import { parseDemoArgs, runDemo } from './demo.js';

const [, , command = 'demo', ...rest] = process.argv;
if (command !== 'demo') {
  process.stderr.write(`funnelwise: unknown command ${JSON.stringify(command)}; try "funnelwise demo"\n`);
  process.exit(2);
}
const options = parseDemoArgs(rest);
if (typeof options === 'string') {
  process.stderr.write(`funnelwise: ${options}\n`);
  process.exit(2);
}
process.stdout.write(runDemo(options));
