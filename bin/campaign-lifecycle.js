#!/usr/bin/env node
// The installed package's commands (the compiled dist/):
//   npx campaign-lifecycle serve [options]            runs the service (options as for `npm start`, see `serve --help`)
//   npx campaign-lifecycle migrate --check [options]  reports what this version would migrate or refuse in a store
const COMMANDS = { serve: '../dist/service/main.js', migrate: '../dist/cli/migrateMain.js' };
const [command, ...rest] = process.argv.slice(2);
if (!Object.hasOwn(COMMANDS, command ?? '')) {
  process.stdout.write(
    'Usage: campaign-lifecycle serve [--port N] [--data DIR] [--store postgres://…] [--no-demo] [--help]\n' +
      '       campaign-lifecycle migrate --check [--data DIR | --store postgres://… [--schema NAME]] [--json] [--help]\n',
  );
  process.exit(command === undefined || command === '--help' || command === '-h' ? 0 : 2);
}
process.argv = [process.argv[0], process.argv[1], ...rest];
await import(COMMANDS[command]);
