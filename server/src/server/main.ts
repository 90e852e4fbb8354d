import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { logError } from './run-safe';
import { startServer } from './server';

// Without transport arguments `createConnection` reads the choice from the command line:
// --stdio, --node-ipc, --socket=<port> or --pipe=<name>.
const connection = createConnection(ProposedFeatures.all);

// Last line of defence: a bug outside the guarded handlers (a timer, a stray promise) is logged
// instead of ending the process and with it every open editor's diagnostics.
process.on('uncaughtException', (error) => logError(connection.console, 'Uncaught exception', error));
process.on('unhandledRejection', (reason) => logError(connection.console, 'Unhandled rejection', reason));

startServer(connection);
