/**
 * The language server's own command line: an editor starts it with a transport (`--stdio`,
 * `--node-ipc`, `--socket=<port>`, `--pipe=<name>`, as vscode-languageserver reads them). A person
 * who runs it by hand without one gets a one-line usage instead of the library's stack trace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SERVER_NAME = 'image-manifest-language-server';
export const SERVER_USAGE = `Usage: ${SERVER_NAME} --stdio | --node-ipc | --socket=<port> | --pipe=<name> (a language server, started by an editor; for checking files use image-manifest check)`;

export type ServerCommand = 'serve' | 'version' | 'help' | 'usage';

/** What the arguments ask for; a transport wins over everything else. */
export function serverCommand(args: readonly string[]): ServerCommand {
  const transport = args.some((a) => a === '--stdio' || a === '--node-ipc' || a === '--socket' || a === '--pipe' || a.startsWith('--socket=') || a.startsWith('--pipe='));
  if (transport) return 'serve';
  if (args.includes('--version') || args.includes('-V') || args.includes('-v')) return 'version';
  if (args.includes('--help') || args.includes('-h')) return 'help';
  return 'usage';
}

/** The server package's version (out/server → server/package.json; a bundle in dist/ → the extension's). */
export function serverVersion(): string {
  for (const file of [path.join(__dirname, '..', '..', 'package.json'), path.join(__dirname, '..', 'package.json')]) {
    try {
      const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
      if (typeof version === 'string') return version;
    } catch {
      // Try the next place.
    }
  }
  return '0.0.0';
}
