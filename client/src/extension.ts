import { existsSync } from 'node:fs';
import { commands, languages, window, type ExtensionContext, type LogOutputChannel, type TextDocument } from 'vscode';
import {
  CloseAction,
  LanguageClient,
  TransportKind,
  type CloseHandlerResult,
  type DocumentSelector,
  type ErrorHandler,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { DocumentDigestStatus } from './document-digest';
import { JsonServiceOverlap } from './json-service-overlap';
import { warnWhenReformattingChangesDigest } from './reformat-warning';
import { REGISTRY_SCHEME } from './registry-api';
import { registerRegistryFeatures } from './registry';

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
  // Manifests, indexes and configs fetched from a registry (Open from Registry, their links),
  // whatever language they have at the moment they open (they are switched to JSON).
  { scheme: REGISTRY_SCHEME },
];

/** How many crashes in three minutes are restarted before the client gives up (the library's rule). */
const MAX_RESTARTS = 4;

let client: LanguageClient | undefined;

/** Whether a document is one the server is sent (the same filters as the client's selector). */
function isCandidate(document: TextDocument): boolean {
  return languages.match(DOCUMENT_SELECTOR as Parameters<typeof languages.match>[0], document) > 0;
}

/**
 * The library's restart policy (up to MAX_RESTARTS crashes in three minutes), but saying so: by
 * default a restart after a crash is only a line in the output, and the user wonders why the
 * squiggles blinked.
 */
function restartingErrorHandler(outputChannel: LogOutputChannel, defaultHandler: () => ErrorHandler): ErrorHandler {
  return {
    error: (error, message, count) => defaultHandler().error(error, message, count),
    closed: async (): Promise<CloseHandlerResult> => {
      const result = await defaultHandler().closed();
      if (result.action !== CloseAction.Restart) return result;
      const message = 'The language server stopped unexpectedly and was restarted.';
      outputChannel.warn(message);
      void window.showWarningMessage(`Image Manifest: ${message}`, 'Show Output').then((choice) => {
        if (choice) outputChannel.show(true);
      });
      return { action: CloseAction.Restart, message, handled: true };
    },
  };
}

function resolveServerModule(context: ExtensionContext): string {
  for (const candidate of SERVER_MODULE_CANDIDATES) {
    const absolute = context.asAbsolutePath(candidate);
    if (existsSync(absolute)) return absolute;
  }
  // Let the client library report the missing file in the output channel.
  return context.asAbsolutePath(SERVER_MODULE_CANDIDATES[SERVER_MODULE_CANDIDATES.length - 1]);
}

/**
 * VS Code's own JSON support also completes a string value, with the values the same key has
 * elsewhere in the document (a config's media type offered for a layer, say), and its sort texts
 * (`"application/…`) come before the server's (`0000`): the suggest widget listed them first and
 * scrolled the server's preselected item to the top with JSON's rows above it. The server knows
 * what fits the position, so its order goes first: a leading space sorts before a quote.
 */
const rankCompletionsFirst: Middleware['provideCompletionItem'] = async (document, position, context, token, next) => {
  const result = await next(document, position, context, token);
  const items = Array.isArray(result) ? result : result?.items;
  for (const item of items ?? []) {
    const label = typeof item.label === 'string' ? item.label : item.label.label;
    item.sortText = ` ${item.sortText ?? label}`;
  }
  return result;
};

function createClient(context: ExtensionContext, outputChannel: LogOutputChannel, overlap: JsonServiceOverlap): LanguageClient {
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
    middleware: { provideCompletionItem: rankCompletionsFirst, handleDiagnostics: overlap.handleDiagnostics },
    // The default error handler restarts a crashed server; this keeps it on and bounds it, so a
    // server that crashes on start does not loop forever, and says so when it restarts.
    connectionOptions: { maxRestartCount: MAX_RESTARTS },
    // Created on first use: the library's default handler needs the client it belongs to.
    errorHandler: restartingErrorHandler(outputChannel, () => (defaultHandler ??= languageClient.createDefaultErrorHandler(MAX_RESTARTS))),
  };
  let defaultHandler: ErrorHandler | undefined;
  const languageClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  return languageClient;
}

export async function activate(context: ExtensionContext): Promise<void> {
  const outputChannel = window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(outputChannel);
  const overlap = new JsonServiceOverlap(() => languageClient.diagnostics);
  context.subscriptions.push(overlap);
  const languageClient = createClient(context, outputChannel, overlap);
  client = languageClient;
  context.subscriptions.push(languageClient.onDidChangeState(() => overlap.reset()));

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

  context.subscriptions.push(new DocumentDigestStatus(languageClient, outputChannel, isCandidate));
  context.subscriptions.push(warnWhenReformattingChangesDigest(languageClient, isCandidate));
  context.subscriptions.push(...registerRegistryFeatures(context, languageClient, outputChannel));

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
