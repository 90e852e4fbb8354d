import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { validateDocument, warmUpSchemas, type ManifestDiagnostic, type ParsedDocument } from '../service';
import { languageFeatureCapabilities, registerLanguageFeatures } from './features';
import { sharedBlobJobs } from '../layout/blob-jobs';
import { BlobProgress } from './blob-progress';
import { filePathOf, LayoutContextProvider } from './layout-context';
import { toLspDiagnostics } from './lsp-diagnostics';
import { ParseCache } from './parse-cache';
import { SafeTextDocument } from './safe-document';
import { logError, runSafeVoid } from './run-safe';
import { SETTINGS_SECTION } from './settings';
import { SettingsStore } from './settings-store';
import { TYPING_DEBOUNCE_MS, ValidationScheduler, typingDelayMs } from './validation-scheduler';

/** Hashes finish in bursts (every blob of a layout); one validation covers them. */
const HASHED_DEBOUNCE_MS = 100;
/** Settings notifications come in bursts (one per changed key, pull and push at once). */
const SETTINGS_DEBOUNCE_MS = 50;

function serverVersion(): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wires the language service to an LSP connection and starts listening. All behaviour lives in
 * the service; this layer only syncs documents, reads settings, schedules and publishes.
 */
export function startServer(connection: Connection): void {
  const log = connection.console;
  const documents = new TextDocuments(SafeTextDocument);
  const parses = new ParseCache();
  const parsedFor = (document: TextDocument): ParsedDocument => parses.get(document);
  const settings = new SettingsStore(connection);
  const jobs = sharedBlobJobs();
  const layouts = new LayoutContextProvider(jobs);
  const progress = new BlobProgress(connection, jobs);
  let capabilities: ClientCapabilities = {};
  let clientName: string | undefined;

  /** How long the last validation of each open document took (parse, rules, positions), in ms. */
  const validationMs = new Map<string, number>();
  /** What the last validation found, per open document and version: code actions reuse it. */
  const findings = new Map<string, { version: number; found: readonly ManifestDiagnostic[] }>();
  /** When each open document last changed (performance.now()). */
  const changedAt = new Map<string, number>();
  const scheduler = new ValidationScheduler(
    (uri, isCurrent) => validate(uri, isCurrent),
    (uri, error) => logError(log, `Validating ${uri} failed`, error),
  );

  async function validate(uri: string, isCurrent: () => boolean): Promise<void> {
    if (!documents.get(uri)) return;
    const current = await settings.settingsFor(uri);
    const context = current.validateEnable ? await layouts.contextFor(uri, current) : undefined;
    // From here on nothing awaits: the document cannot change between reading and publishing.
    const document = documents.get(uri);
    if (!document || !isCurrent()) return;
    let diagnostics: Diagnostic[] = [];
    const started = performance.now();
    try {
      const parsed = current.validateEnable ? parsedFor(document) : undefined;
      // The service gives package.json, tsconfig.json and the like no diagnostics at all.
      if (parsed) {
        const found = validateDocument(parsed, { rules: current.rules, context, maxValidationSize: current.maxValidationSize });
        findings.set(uri, { version: document.version, found });
        diagnostics = toLspDiagnostics(parsed.text, found);
      }
    } catch (error) {
      logError(log, `Validating ${uri} failed`, error);
      diagnostics = [];
    }
    validationMs.set(uri, performance.now() - started);
    connection.sendDiagnostics({ uri, version: document.version, diagnostics }).catch((error: unknown) =>
      logError(log, `Publishing diagnostics for ${uri} failed`, error),
    );
  }

  function revalidateAll(delayMs: number): void {
    for (const document of documents.all()) scheduler.schedule(document.uri, delayMs);
  }

  /**
   * Validates again the open documents that sit in a layout (a blob was hashed, saved or changed).
   * Not only those of `file`'s layout: a layout reached through a symlink has another path.
   */
  function revalidateLayouts(delayMs: number): void {
    for (const document of documents.all()) {
      const file = filePathOf(document.uri);
      if (file !== undefined && layouts.rootOf(file) !== undefined) scheduler.schedule(document.uri, delayMs);
    }
  }

  // Diagnostics that need a hash arrive when the hash does; the others were published already.
  jobs.onSettled((_file, kind) => {
    if (kind === 'hash') runSafeVoid(log, 'Validating after hashing failed', () => revalidateLayouts(HASHED_DEBOUNCE_MS));
  });

  connection.onInitialize((params): InitializeResult => {
    try {
      capabilities = params.capabilities ?? {};
      clientName = params.clientInfo?.name;
      settings.initialize(capabilities, params.initializationOptions);
    } catch (error) {
      logError(log, 'Reading the initialize parameters failed', error);
    }
    let featureCapabilities = {};
    try {
      featureCapabilities = languageFeatureCapabilities();
    } catch (error) {
      logError(log, 'Collecting the language feature capabilities failed', error);
    }
    return {
      capabilities: {
        ...featureCapabilities,
        // Saves matter in layouts: a saved blob has new bytes to hash, and the documents naming it change.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      },
      serverInfo: { name: 'image-manifest-language-server', version: serverVersion() },
    };
  });

  connection.onInitialized(() => {
    // Compiling the schemas takes a few hundred milliseconds: do it before the first document asks.
    setImmediate(() => runSafeVoid(log, 'Compiling the schemas failed', () => warmUpSchemas()));
    runSafeVoid(log, 'Registering for notifications failed', async () => {
      if (settings.supportsPull && capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
        // Pull-model clients only send change notifications for sections a server registered.
        await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
      }
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/oci-layout' }, { globPattern: '**/index.json' }, { globPattern: '**/blobs/*/*' }],
        });
      }
    });
  });

  connection.onDidChangeConfiguration((params) => {
    runSafeVoid(log, 'Applying changed settings failed', () => {
      settings.changed(params?.settings);
      revalidateAll(SETTINGS_DEBOUNCE_MS);
    });
  });

  connection.onDidChangeWatchedFiles((params) => {
    runSafeVoid(log, 'Handling changed files failed', () => {
      for (const change of params.changes) layouts.forgetDirectoryOf(change.uri);
      for (const document of documents.all()) {
        if (LayoutContextProvider.isCandidate(document.uri)) scheduler.schedule(document.uri, TYPING_DEBOUNCE_MS);
      }
    });
  });

  // TextDocuments fires onDidChangeContent right after onDidOpen; that first event is the open
  // itself and must not turn the immediate validation into a debounced one.
  const justOpened = new Set<string>();
  documents.onDidOpen(({ document }) => {
    runSafeVoid(log, 'Handling an opened document failed', () => {
      justOpened.add(document.uri);
      // The file system may have changed while the document was closed.
      if (LayoutContextProvider.isCandidate(document.uri)) layouts.forgetDirectoryOf(document.uri);
      scheduler.schedule(document.uri, 0);
    });
  });
  documents.onDidChangeContent(({ document }) => {
    runSafeVoid(log, 'Handling a changed document failed', () => {
      if (justOpened.delete(document.uri)) return;
      const now = performance.now();
      const previous = changedAt.get(document.uri);
      changedAt.set(document.uri, now);
      const delay = typingDelayMs(scheduler.isWaiting(document.uri), previous === undefined ? undefined : now - previous, validationMs.get(document.uri));
      scheduler.schedule(document.uri, delay);
    });
  });
  documents.onDidSave(({ document }) => {
    runSafeVoid(log, 'Handling a saved document failed', () => {
      const file = filePathOf(document.uri);
      if (file !== undefined && layouts.rootOf(file) !== undefined) revalidateLayouts(TYPING_DEBOUNCE_MS);
    });
  });
  documents.onDidClose(({ document }) => {
    runSafeVoid(log, 'Handling a closed document failed', () => {
      const uri = document.uri;
      justOpened.delete(uri);
      scheduler.cancel(uri);
      validationMs.delete(uri);
      findings.delete(uri);
      changedAt.delete(uri);
      parses.delete(uri);
      settings.forget(uri);
      connection.sendDiagnostics({ uri, diagnostics: [] }).catch((error: unknown) =>
        logError(log, `Clearing diagnostics for ${uri} failed`, error),
      );
    });
  });

  connection.onShutdown(() => {
    // Nothing may be published after shutdown; the library's exit handler then ends the process
    // with 0 (or 1 when `exit` comes without `shutdown`).
    runSafeVoid(log, 'Shutting down failed', () => {
      scheduler.dispose();
      progress.dispose();
      jobs.dispose();
    });
  });

  try {
    registerLanguageFeatures(connection, documents, parsedFor, {
      clientCapabilities: () => capabilities,
      clientName: () => clientName,
      settingsFor: (uri) => settings.settingsFor(uri),
      layoutFor: async (uri) => layouts.contextFor(uri, await settings.settingsFor(uri)),
      waitForBlobs: (timeoutMs) => jobs.nextSettled(timeoutMs),
      findingsFor: (uri, version) => {
        const last = findings.get(uri);
        return last?.version === version ? last.found : undefined;
      },
    });
  } catch (error) {
    logError(log, 'Registering the language features failed', error);
  }

  documents.listen(connection);
  connection.listen();
}
