import { writeSync } from 'node:fs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { SERVER_USAGE, serverCommand, serverVersion } from './command-line';
import { logError } from './run-safe';
import { startServer } from './server';
import { framingErrorLine, transportOf, watchFraming } from './stdio-framing';

/** Exit code after a broken frame: an unexpected end, as after `exit` without `shutdown`. */
const FRAMING_EXIT_CODE = 1;

function serve(): void {
  // Without transport arguments `createConnection` reads the choice from the command line:
  // --stdio, --node-ipc, --socket=<port> or --pipe=<name>.
  const connection = createConnection(ProposedFeatures.all);

  // Last line of defence: a bug outside the guarded handlers (a timer, a stray promise) is logged
  // instead of ending the process and with it every open editor's diagnostics.
  process.on('uncaughtException', (error) => logError(connection.console, 'Uncaught exception', error));
  process.on('unhandledRejection', (reason) => logError(connection.console, 'Unhandled rejection', reason));

  startServer(connection);

  // The reader cannot recover from a broken header and would wait forever; an editor notices a
  // server that exits and can restart it. Node IPC frames messages itself; sockets and pipes
  // (rarely used) are left as they were.
  if (transportOf(process.argv.slice(2)) === 'stdio') {
    watchFraming(process.stdin, (reason) => {
      try {
        // Synchronous: the process ends on the next line, and stdout belongs to the protocol.
        writeSync(2, framingErrorLine(reason));
      } catch {
        // stderr closed or full: exiting still lets the editor restart the server.
      }
      process.exit(FRAMING_EXIT_CODE);
    });
  }
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
