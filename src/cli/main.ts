/**
 * The command-line tool: `funnelwise demo`. Not part of the library API.
 */
const [, , command = 'demo'] = process.argv;
if (command !== 'demo') {
  process.stderr.write(`funnelwise: unknown command ${JSON.stringify(command)}; try "funnelwise demo"\n`);
  process.exit(2);
}
process.stdout.write('funnelwise demo\n');
