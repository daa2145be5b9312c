#!/usr/bin/env node
// The installed package's command: `npx campaign-lifecycle serve [options]` runs the service
// (the compiled dist/service; options as for `npm start`, see `serve --help`).
const [command, ...rest] = process.argv.slice(2);
if (command !== 'serve') {
  process.stdout.write('Usage: campaign-lifecycle serve [--port N] [--data DIR] [--store postgres://…] [--no-demo] [--help]\n');
  process.exit(command === undefined || command === '--help' || command === '-h' ? 0 : 2);
}
process.argv = [process.argv[0], process.argv[1], ...rest];
await import('../dist/service/main.js');
