import { existsSync } from 'node:fs';
import { commands, window, type ExtensionContext, type LogOutputChannel } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** Also the prefix of the `imageManifest.trace.server` setting, which the client library reads. */
const CLIENT_ID = 'imageManifest';
const CLIENT_NAME = 'Image Manifest';

/** The packaged extension ships an esbuild bundle; a development checkout has the tsc output. */
const SERVER_MODULE_CANDIDATES = ['dist/server.js', 'server/out/server/main.js'];

/**
 * Which documents the server sees. The server itself decides what is a manifest (by content),
 * so every JSON document is sent and non-manifests simply get no diagnostics.
 */
const DOCUMENT_SELECTOR: DocumentSelector = [
  { scheme: 'file', language: 'json' },
  { scheme: 'untitled', language: 'json' },
  { scheme: 'file', language: 'jsonc' },
  { scheme: 'untitled', language: 'jsonc' },
  // Blobs of an OCI layout have no extension; package.json maps them to `json`, and this
  // covers them even when a user has associated them with another language.
  { scheme: 'file', pattern: '**/blobs/*/*' },
];

let client: LanguageClient | undefined;

function resolveServerModule(context: ExtensionContext): string {
  for (const candidate of SERVER_MODULE_CANDIDATES) {
    const absolute = context.asAbsolutePath(candidate);
    if (existsSync(absolute)) return absolute;
  }
  // Let the client library report the missing file in the output channel.
  return context.asAbsolutePath(SERVER_MODULE_CANDIDATES[SERVER_MODULE_CANDIDATES.length - 1]);
}

function createClient(context: ExtensionContext, outputChannel: LogOutputChannel): LanguageClient {
  const module = resolveServerModule(context);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel,
    // Settings travel by the pull model: the server asks for the `imageManifest` section per
    // document and registers for its change notifications itself, so the deprecated
    // `synchronize.configurationSection` push is not needed.
    // The default error handler restarts a crashed server; this keeps it on and bounds it, so a
    // server that crashes on start does not loop forever.
    connectionOptions: { maxRestartCount: 4 },
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}

export async function activate(context: ExtensionContext): Promise<void> {
  const outputChannel = window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(outputChannel);
  const languageClient = createClient(context, outputChannel);
  client = languageClient;

  context.subscriptions.push(
    commands.registerCommand('imageManifest.restartServer', async () => {
      try {
        outputChannel.info('Restarting the language server on request.');
        await languageClient.restart();
      } catch (error) {
        outputChannel.error(`Restarting the language server failed: ${String(error)}`);
        void window.showErrorMessage('Image Manifest: the language server could not be restarted. See the "Image Manifest" output.');
      }
    }),
  );

  try {
    await languageClient.start();
  } catch (error) {
    // The extension stays active so the restart command can be used after fixing the cause.
    outputChannel.error(`Starting the language server failed: ${String(error)}`);
  }
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}
