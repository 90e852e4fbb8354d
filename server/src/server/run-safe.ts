import type { CancellationToken, RemoteConsole } from 'vscode-languageserver/node';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** Logs an error that a handler swallowed, so a user can still report it. */
export function logError(console: RemoteConsole, what: string, error: unknown): void {
  try {
    console.error(`${what}: ${describe(error)}`);
  } catch {
    // The connection may already be gone (shutdown, broken pipe); losing the log is acceptable.
  }
}

/**
 * Runs a request handler so that an exception never reaches the connection: it is logged and the
 * request is answered with `emptyResult`. A cancelled request answers with the LSP cancel error,
 * as the protocol asks, instead of computing a result nobody waits for.
 */
export async function runSafe<T>(
  console: RemoteConsole,
  what: string,
  emptyResult: T,
  token: CancellationToken | undefined,
  handler: () => T | Promise<T>,
): Promise<T | ResponseError<void>> {
  if (token?.isCancellationRequested) return cancelled();
  try {
    const result = await handler();
    if (token?.isCancellationRequested) return cancelled();
    return result;
  } catch (error) {
    logError(console, what, error);
    return emptyResult;
  }
}

/** Same guard for notifications and timers, where there is nobody to answer. */
export function runSafeVoid(console: RemoteConsole, what: string, handler: () => void | Promise<void>): void {
  try {
    const pending = handler();
    if (pending) pending.catch((error: unknown) => logError(console, what, error));
  } catch (error) {
    logError(console, what, error);
  }
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}
