import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { SERVER_USAGE, serverCommand, serverVersion } from './command-line';
import { logError } from './run-safe';
import { startServer } from './server';

function serve(): void {
  // Without transport arguments `createConnection` reads the choice from the command line:
  // --stdio, --node-ipc, --socket=<port> or --pipe=<name>.
  const connection = createConnection(ProposedFeatures.all);

  // Last line of defence: a bug outside the guarded handlers (a timer, a stray promise) is logged
  // instead of ending the process and with it every open editor's diagnostics.
  process.on('uncaughtException', (error) => logError(connection.console, 'Uncaught exception', error));
  process.on('unhandledRejection', (reason) => logError(connection.console, 'Unhandled rejection', reason));

  startServer(connection);
}

switch (serverCommand(process.argv.slice(2))) {
  case 'serve':
    serve();
    break;
  case 'version':
    process.stdout.write(`${serverVersion()}\n`);
    break;
  case 'help':
    process.stdout.write(`${SERVER_USAGE}\n`);
    break;
  case 'usage':
    process.stderr.write(`${SERVER_USAGE}\n`);
    process.exitCode = 2;
    break;
}
