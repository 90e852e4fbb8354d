/**
 * Documents fetched from a registry, under `oci-registry:` URIs (see server/src/registry/uri.ts):
 * a read-only file system that serves the bytes exactly as the registry sent them, so the
 * document's digest is the registry's. Bytes are cached per URI for the session: a link followed
 * twice fetches once, and what the editor shows does not change under the user.
 */
import {
  Disposable,
  EventEmitter,
  FileChangeType,
  FilePermission,
  FileSystemError,
  FileType,
  MarkdownString,
  languages,
  window,
  workspace,
  type FileChangeEvent,
  type FileStat,
  type FileSystemProvider,
  type LogOutputChannel,
  type TextDocument,
  type Uri,
} from 'vscode';
import { REGISTRY_SCHEME, RegistryError, formatReference, parseRegistryUri, type FetchedBlob, type FetchedManifest, type RegistryResource } from './registry-api';
import { RESTRICTED_MESSAGE, describeRegistryError, registryClient } from './registry-settings';

/**
 * Blobs opened from a link are configs and other JSON documents, a few kB; a larger one is
 * refused rather than loaded into an editor (layers get no link at all).
 */
export const MAX_BLOB_BYTES = 16 * 1024 * 1024;

export interface FetchedDocument {
  readonly resource: RegistryResource;
  readonly bytes: Uint8Array;
  /** When it was fetched, the file's mtime. */
  readonly fetchedAt: number;
  readonly manifest?: FetchedManifest;
  readonly blob?: FetchedBlob;
}

const READ_ONLY = 'Fetched from a registry and read-only: run **Image Manifest: Push to Registry…** to store a changed copy.';

/** The resource an `oci-registry:` URI names. */
export function resourceOf(uri: Uri): RegistryResource | undefined {
  return uri.scheme === REGISTRY_SCHEME ? parseRegistryUri(uri.toString()) : undefined;
}

export class RegistryDocuments implements FileSystemProvider, Disposable {
  readonly #entries = new Map<string, FetchedDocument>();
  readonly #pending = new Map<string, Promise<FetchedDocument>>();
  readonly #changes = new EventEmitter<FileChangeEvent[]>();
  readonly #disposables: Disposable[] = [];
  readonly onDidChangeFile = this.#changes.event;

  constructor(private readonly log: LogOutputChannel) {
    this.#disposables.push(
      this.#changes,
      workspace.registerFileSystemProvider(REGISTRY_SCHEME, this, { isCaseSensitive: true, isReadonly: new MarkdownString(READ_ONLY) }),
      // Without an extension the path says nothing about the language; these are JSON documents,
      // and the language client sends them to the server like any other (DOCUMENT_SELECTOR).
      workspace.onDidOpenTextDocument((document) => void asJson(document)),
    );
    for (const document of workspace.textDocuments) void asJson(document);
  }

  /** What a command fetched itself (with its own progress and cancellation), served from now on. */
  remember(uri: Uri, document: FetchedDocument): void {
    const key = uri.toString();
    const replaced = this.#entries.has(key);
    this.#entries.set(key, document);
    // A tag fetched again may name other bytes now: an open editor reloads them.
    if (replaced) this.#changes.fire([{ type: FileChangeType.Changed, uri }]);
  }

  /** What was fetched for `uri` this session, if anything. */
  fetched(uri: Uri): FetchedDocument | undefined {
    return this.#entries.get(uri.toString());
  }

  /** Drops a cached tag after a push moved it, so the next open fetches what it names now. */
  forget(uri: Uri): void {
    if (this.#entries.delete(uri.toString())) this.#changes.fire([{ type: FileChangeType.Changed, uri }]);
  }

  watch(): Disposable {
    // The cache is the truth for the session; nothing changes behind the editor's back.
    return new Disposable(() => undefined);
  }

  async stat(uri: Uri): Promise<FileStat> {
    const document = await this.#load(uri);
    return { type: FileType.File, ctime: document.fetchedAt, mtime: document.fetchedAt, size: document.bytes.length, permissions: FilePermission.Readonly };
  }

  async readFile(uri: Uri): Promise<Uint8Array> {
    return (await this.#load(uri)).bytes;
  }

  readDirectory(uri: Uri): never {
    throw FileSystemError.FileNotADirectory(uri);
  }

  createDirectory(): never {
    throw FileSystemError.NoPermissions(READ_ONLY);
  }

  writeFile(): never {
    throw FileSystemError.NoPermissions(READ_ONLY);
  }

  delete(): never {
    throw FileSystemError.NoPermissions(READ_ONLY);
  }

  rename(): never {
    throw FileSystemError.NoPermissions(READ_ONLY);
  }

  #load(uri: Uri): Promise<FetchedDocument> {
    const key = uri.toString();
    const cached = this.#entries.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fetch(uri).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /** A fetch for a document opened by a link, a restored editor or `openTextDocument`. */
  async #fetch(uri: Uri): Promise<FetchedDocument> {
    // An editor restored in a window that is not trusted must not reach the network.
    if (!workspace.isTrusted) throw FileSystemError.NoPermissions(RESTRICTED_MESSAGE);
    const resource = resourceOf(uri);
    if (!resource) throw FileSystemError.FileNotFound(uri);
    const name = formatReference(resource.reference);
    const client = registryClient(this.log);
    try {
      let document: FetchedDocument;
      if (resource.kind === 'manifest') {
        const manifest = await client.fetchManifest(resource.reference);
        document = { resource, bytes: manifest.bytes, fetchedAt: Date.now(), manifest };
        if (manifest.digestMatches === false) warnDigestMismatch(this.log, name, manifest.digest, manifest.registryDigest ?? resource.reference.digest);
      } else {
        const blob = await client.fetchBlob(resource.reference, { maxBytes: MAX_BLOB_BYTES });
        document = { resource, bytes: blob.bytes, fetchedAt: Date.now(), blob };
        if (!blob.digestMatches) warnDigestMismatch(this.log, name, blob.digest, resource.reference.digest);
      }
      this.log.info(`Fetched ${resource.kind} ${name}: ${document.bytes.length} bytes`);
      this.#entries.set(uri.toString(), document);
      return document;
    } catch (error) {
      const message = `Fetching ${name} failed: ${describeRegistryError(error)}`;
      this.log.error(message);
      // The editor shows this message in place of the document.
      if (error instanceof RegistryError && error.kind === 'not-found') throw FileSystemError.FileNotFound(message);
      throw FileSystemError.Unavailable(message);
    }
  }

  dispose(): void {
    for (const disposable of this.#disposables) disposable.dispose();
  }
}

/** Registry documents are JSON whatever their path looks like; returns the document as JSON. */
export async function asJson(document: TextDocument): Promise<TextDocument> {
  if (document.uri.scheme !== REGISTRY_SCHEME || document.languageId === 'json') return document;
  return languages.setTextDocumentLanguage(document, 'json');
}

export function warnDigestMismatch(log: LogOutputChannel, name: string, actual: string, expected: string | undefined): void {
  const message = `Image Manifest: the bytes of ${name} hash to ${actual}, but the registry said ${expected ?? '(nothing)'}: they were changed on the way or the registry is inconsistent.`;
  log.warn(message);
  void window.showWarningMessage(message);
}
