/**
 * The document's own digest in the status bar, and the "Copy Document Digest" command.
 *
 * A manifest, an index or a config is content addressed: registries, indexes and tags refer to
 * the sha256 of its bytes. The server answers `imageManifest/documentDigest` for any open
 * document; whether the document is one of those kinds is asked separately (see `isManifest`), so
 * that an npm package.json or a tsconfig never gets a digest in the status bar.
 */
import { createHash } from 'node:crypto';
import {
  MarkdownString,
  StatusBarAlignment,
  commands,
  env,
  window,
  workspace,
  type Disposable,
  type LogOutputChannel,
  type StatusBarItem,
  type TextDocument,
  type Uri,
} from 'vscode';
import { DocumentSymbolRequest, State, type LanguageClient } from 'vscode-languageclient/node';

export const DOCUMENT_DIGEST_REQUEST = 'imageManifest/documentDigest';
export const COPY_DIGEST_COMMAND = 'imageManifest.copyDocumentDigest';
/** True while the active editor shows a document with a digest (the command palette's `when`). */
export const DIGEST_CONTEXT_KEY = 'imageManifest.documentDigestAvailable';

/** The answer of `imageManifest/documentDigest` (server/src/server/features.ts). */
export interface DocumentDigest {
  readonly algorithm: string;
  readonly digest: string;
  readonly size: number;
}

/** Where the digest came from, for the tooltip. */
interface ShownDigest extends DocumentDigest {
  /** The file starts with a UTF-8 byte-order mark, which VS Code keeps out of the text. */
  readonly bom?: boolean;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The encoding VS Code reads and saves the document with (`TextDocument.encoding`, VS Code 1.100
 * and later; undefined before).
 */
function encodingOf(document: TextDocument): string | undefined {
  const encoding = (document as { readonly encoding?: unknown }).encoding;
  return typeof encoding === 'string' ? encoding : undefined;
}

/** After typing stops for this long the status bar asks again; saves and editor switches ask at once. */
const REFRESH_DELAY_MS = 300;

/** `2,055` (digit groups of three, independent of the locale). */
function groupDigits(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `sha256:954830e117f5…dc11` (twelve digits like Docker's short IDs, and the last four). */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  const hex = digest.slice(colon + 1);
  if (hex.length <= 20) return digest;
  return `${digest.slice(0, colon + 1)}${hex.slice(0, 12)}…${hex.slice(-4)}`;
}

function isDigestResult(value: unknown): value is DocumentDigest {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<DocumentDigest>;
  return typeof candidate.digest === 'string' && typeof candidate.size === 'number' && typeof candidate.algorithm === 'string';
}

export class DocumentDigestStatus implements Disposable {
  readonly #client: LanguageClient;
  readonly #log: LogOutputChannel;
  readonly #isCandidate: (document: TextDocument) => boolean;
  readonly #item: StatusBarItem;
  readonly #disposables: Disposable[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every refresh; an answer that arrives after a newer refresh started is dropped. */
  #generation = 0;
  #contextValue: boolean | undefined;

  constructor(client: LanguageClient, log: LogOutputChannel, isCandidate: (document: TextDocument) => boolean) {
    this.#client = client;
    this.#log = log;
    this.#isCandidate = isCandidate;
    this.#item = window.createStatusBarItem('imageManifest.documentDigest', StatusBarAlignment.Right, 100);
    this.#item.name = 'Image Manifest: Document Digest';
    this.#item.command = { title: 'Copy Document Digest', command: COPY_DIGEST_COMMAND };

    this.#disposables.push(
      this.#item,
      window.onDidChangeActiveTextEditor(() => this.refresh()),
      workspace.onDidSaveTextDocument((document) => {
        if (document === window.activeTextEditor?.document) this.refresh();
      }),
      workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && event.document === window.activeTextEditor?.document) this.refresh(REFRESH_DELAY_MS);
      }),
      workspace.onDidCloseTextDocument(() => this.refresh()),
      // After a restart (asked for or after a crash) the new server knows the documents again.
      client.onDidChangeState((event) => {
        if (event.newState === State.Running) this.refresh();
        else if (event.newState === State.Stopped) this.#hide();
      }),
      commands.registerCommand(COPY_DIGEST_COMMAND, (uri?: Uri) => this.copy(uri)),
    );
  }

  /** Recomputes the status bar item for the active editor, now or after `delayMs`. */
  refresh(delayMs = 0): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const generation = ++this.#generation;
    const run = (): void => {
      this.#timer = undefined;
      void this.#update(generation);
    };
    if (delayMs > 0) this.#timer = setTimeout(run, delayMs);
    else run();
  }

  async #update(generation: number): Promise<void> {
    const document = window.activeTextEditor?.document;
    if (!document) {
      this.#hide();
      return;
    }
    const version = document.version;
    const digest = await this.digestOf(document);
    // A newer refresh, an edit or an editor switch happened while waiting: its answer wins.
    if (generation !== this.#generation || document !== window.activeTextEditor?.document || document.version !== version) return;
    if (!digest) {
      this.#hide();
      return;
    }
    this.#item.text = `$(file-binary) ${shortDigest(digest.digest)} · ${groupDigits(digest.size)} B`;
    this.#item.tooltip = this.#tooltip(digest, document);
    this.#item.accessibilityInformation = { label: `Document digest ${digest.digest}, ${digest.size} bytes. Click to copy.` };
    this.#item.show();
    this.#setContext(true);
  }

  #tooltip(digest: ShownDigest, document: TextDocument): MarkdownString {
    const lines = [
      '**Document digest**',
      '',
      `\`${digest.digest}\``,
      '',
      `${groupDigits(digest.size)} ${digest.size === 1 ? 'byte' : 'bytes'} as UTF-8.`,
      '',
      'This is what a registry, an index or a tag refers to: the sha256 of the exact bytes. ' +
        '**Reformatting, re-indenting or changing line endings changes the digest**, so a reformatted manifest is a different manifest.',
    ];
    if (digest.bom) {
      lines.push('', 'The file starts with a UTF-8 byte-order mark: it is part of the bytes and of this digest. Registries and tools write manifests without one.');
    }
    const encoding = encodingOf(document);
    if (encoding && encoding !== 'utf8' && encoding !== 'utf8bom') {
      lines.push('', `The file is saved as \`${encoding}\`; this is the digest of its text as UTF-8, not of its bytes.`);
    }
    if (document.isDirty) lines.push('', '*Unsaved changes*: this is the digest the file will have once saved.');
    lines.push('', 'Click to copy the digest.');
    const markdown = new MarkdownString(lines.join('\n'));
    markdown.supportThemeIcons = false;
    return markdown;
  }

  #hide(): void {
    this.#item.hide();
    this.#setContext(false);
  }

  #setContext(value: boolean): void {
    if (this.#contextValue === value) return;
    this.#contextValue = value;
    void commands.executeCommand('setContext', DIGEST_CONTEXT_KEY, value);
  }

  /**
   * The digest of `document` as the server computes it, or undefined when the document is not a
   * content-addressed image document (or the server is not running).
   */
  async digestOf(document: TextDocument): Promise<ShownDigest | undefined> {
    if (!this.#isCandidate(document) || !this.#client.isRunning()) return undefined;
    const uri = this.#client.code2ProtocolConverter.asUri(document.uri);
    try {
      const [digest, manifest] = await Promise.all([
        this.#client.sendRequest<unknown>(DOCUMENT_DIGEST_REQUEST, { uri }),
        this.isManifest(uri),
      ]);
      if (!manifest || !isDigestResult(digest)) return undefined;
      // The server hashes the text it was sent, which never has the BOM that VS Code strips on
      // reading and writes back on saving; hash the bytes as they will be on disk instead.
      if (encodingOf(document) === 'utf8bom') {
        const bytes = Buffer.concat([UTF8_BOM, Buffer.from(document.getText(), 'utf8')]);
        return { algorithm: 'sha256', digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length, bom: true };
      }
      return digest;
    } catch (error) {
      // A restart in progress cancels requests; the state change refreshes again afterwards.
      this.#log.debug(`Document digest of ${document.uri.toString()} unavailable: ${String(error)}`);
      return undefined;
    }
  }

  /**
   * Whether the server recognises the document as a manifest, an index or a config. The digest
   * request answers for any JSON, so this asks for the outline, which the server leaves empty for
   * documents it does not recognise. An `oci-layout` file is recognised but not content addressed
   * (its outline is its one `imageLayoutVersion`).
   */
  async isManifest(uri: string): Promise<boolean> {
    const symbols = await this.#client.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    if (!symbols || symbols.length === 0) return false;
    return !(symbols.length === 1 && symbols[0]?.name === 'imageLayoutVersion');
  }

  /** The command: copies the digest of `uri` (or of the active editor's document) to the clipboard. */
  async copy(uri?: Uri): Promise<string | undefined> {
    const document = uri
      ? (workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString()) ?? (await workspace.openTextDocument(uri)))
      : window.activeTextEditor?.document;
    if (!document) {
      void window.showInformationMessage('Image Manifest: open a manifest, an index or a config to copy its digest.');
      return undefined;
    }
    await this.#whenStarted();
    const digest = await this.digestOf(document);
    if (!digest) {
      const name = workspace.asRelativePath(document.uri);
      void window.showInformationMessage(`Image Manifest: ${name} is not an image manifest, index or config, so it has no document digest.`);
      return undefined;
    }
    await env.clipboard.writeText(digest.digest);
    window.setStatusBarMessage(`Copied ${shortDigest(digest.digest)} (${groupDigits(digest.size)} bytes)`, 3000);
    return digest.digest;
  }

  /** A command run while the server is (re)starting waits for it rather than answering "no digest". */
  async #whenStarted(timeoutMs = 10_000): Promise<void> {
    if (this.#client.state !== State.Starting) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      const subscription = this.#client.onDidChangeState((event) => {
        if (event.newState !== State.Starting) finish();
      });
      function finish(): void {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const disposable of this.#disposables) disposable.dispose();
  }
}
