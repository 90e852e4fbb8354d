/**
 * Image Manifest: Push to Registry… — PUTs the active JSON document's exact text (UTF-8) as a
 * manifest, to a tag or by digest. A document with errors is pushed only after the user confirms.
 * What the registry refuses (MANIFEST_INVALID, MANIFEST_BLOB_UNKNOWN, …) becomes diagnostics on
 * the descriptors it names, until the next edit or a successful push.
 */
import {
  Diagnostic,
  DiagnosticSeverity,
  ProgressLocation,
  Range,
  commands,
  languages,
  window,
  workspace,
  type DiagnosticCollection,
  type Disposable,
  type LogOutputChannel,
  type TextDocument,
  type Uri,
} from 'vscode';
import { RegistryError, formatReference, locateRegistryErrors, parseReference, type ImageReference, type PushResult } from './registry-api';
import { resourceOf, type RegistryDocuments } from './registry-documents';
import { manifestUri, OPEN_FROM_REGISTRY_COMMAND } from './registry-open';
import { askForReference, type RecentReferences } from './registry-reference-input';
import { describeRegistryError, isCancellation, refuseWhenRestricted, registryClient } from './registry-settings';

export const PUSH_TO_REGISTRY_COMMAND = 'imageManifest.pushToRegistry';
/** The collection's name and the diagnostics' source, apart from the language server's `image-manifest`. */
export const REGISTRY_DIAGNOSTIC_SOURCE = 'image-manifest registry';

/** The kind the server answers (`imageManifest/documentDigest`), or undefined when it cannot. */
export type KindOf = (document: TextDocument) => Promise<string | undefined>;

const MEDIA_TYPE_OF_KIND: Readonly<Record<string, string>> = {
  'oci-manifest': 'application/vnd.oci.image.manifest.v1+json',
  'oci-index': 'application/vnd.oci.image.index.v1+json',
  'docker-manifest': 'application/vnd.docker.distribution.manifest.v2+json',
  'docker-manifest-list': 'application/vnd.docker.distribution.manifest.list.v2+json',
};
const SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
const SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

function topLevel(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Content-Type to push with: the document's own `mediaType` (a registry compares the two),
 * else what its kind implies. Undefined for documents that are no manifest or index.
 */
export async function pushMediaType(document: TextDocument, kindOf: KindOf): Promise<string | undefined> {
  const root = topLevel(document.getText());
  if (typeof root?.['mediaType'] === 'string' && root['mediaType'] !== '') return root['mediaType'];
  const kind = (await kindOf(document).catch(() => undefined)) ?? guessKind(root);
  if (kind === 'docker-schema1') return Array.isArray(root?.['signatures']) ? SCHEMA1_SIGNED : SCHEMA1;
  return kind === undefined ? undefined : MEDIA_TYPE_OF_KIND[kind];
}

/** When the server cannot answer: the shape decides, as containers/image guesses. */
function guessKind(root: Record<string, unknown> | undefined): string | undefined {
  if (!root) return undefined;
  if (root['schemaVersion'] === 1) return 'docker-schema1';
  if ('manifests' in root) return 'oci-index';
  if ('config' in root || 'layers' in root) return 'oci-manifest';
  return undefined;
}

export class PushToRegistry implements Disposable {
  readonly diagnostics: DiagnosticCollection;
  readonly #subscriptions: Disposable[];

  constructor(
    private readonly documents: RegistryDocuments,
    private readonly recent: RecentReferences,
    private readonly kindOf: KindOf,
    private readonly log: LogOutputChannel,
  ) {
    this.diagnostics = languages.createDiagnosticCollection(REGISTRY_DIAGNOSTIC_SOURCE);
    this.#subscriptions = [
      this.diagnostics,
      // The registry judged the text it was sent; after an edit that judgement is stale.
      workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.diagnostics.delete(event.document.uri);
      }),
      workspace.onDidCloseTextDocument((document) => this.diagnostics.delete(document.uri)),
    ];
  }

  /**
   * The command. `target`: the document to push (default: the active editor's); `reference`: where
   * to push without asking (tests, keybindings). Resolves with the registry's answer, or undefined.
   */
  async run(target?: unknown, reference?: unknown): Promise<PushResult | undefined> {
    if (refuseWhenRestricted(this.log)) return undefined;
    const document = await this.#documentFor(target);
    if (!document) {
      void window.showInformationMessage('Image Manifest: open the JSON manifest or index to push first.');
      return undefined;
    }
    const mediaType = await pushMediaType(document, this.kindOf);
    if (!mediaType) {
      void window.showErrorMessage(`Image Manifest: ${workspace.asRelativePath(document.uri)} is not a manifest or an index (it has no mediaType, and its members are those of neither), so it cannot be pushed as a manifest.`);
      return undefined;
    }
    const text = typeof reference === 'string' && reference.trim() !== '' ? reference.trim() : await askForReference({ title: 'Push to Registry', value: this.#defaultReference(document.uri), recent: this.recent.list() });
    if (text === undefined) return undefined;
    let destination: ImageReference;
    try {
      destination = parseReference(text);
    } catch (error) {
      void window.showErrorMessage(`Image Manifest: ${JSON.stringify(text)} is not an image reference: ${describeRegistryError(error)}`);
      return undefined;
    }
    if (!(await this.#confirmErrors(document, formatReference(destination)))) return undefined;
    await this.recent.add(text);
    return this.#push(document, destination, mediaType);
  }

  async #documentFor(target: unknown): Promise<TextDocument | undefined> {
    if (target && typeof target === 'object' && 'scheme' in target) {
      const uri = target as Uri;
      return workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString()) ?? workspace.openTextDocument(uri);
    }
    return window.activeTextEditor?.document;
  }

  /** Where the document came from, if it came from a registry; else where the last push went. */
  #defaultReference(uri: Uri): string | undefined {
    const resource = resourceOf(uri);
    if (resource?.kind === 'manifest') return formatReference(resource.reference);
    return this.recent.list()[0];
  }

  /** A modal question when the document has errors (the language server's or anyone's). */
  async #confirmErrors(document: TextDocument, destination: string): Promise<boolean> {
    const errors = languages.getDiagnostics(document.uri).filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error);
    if (errors.length === 0) return true;
    const first = errors[0]!;
    const answer = await window.showWarningMessage(
      `${workspace.asRelativePath(document.uri)} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}. Push it to ${destination} anyway?`,
      { modal: true, detail: `Line ${first.range.start.line + 1}: ${first.message}` },
      'Push Anyway',
    );
    return answer === 'Push Anyway';
  }

  async #push(document: TextDocument, destination: ImageReference, mediaType: string): Promise<PushResult | undefined> {
    const name = formatReference(destination);
    // The exact text, as UTF-8: its sha256 is the digest the registry will store it under.
    const text = document.getText();
    const bytes = new TextEncoder().encode(text);
    const controller = new AbortController();
    try {
      const result = await window.withProgress({ location: ProgressLocation.Notification, title: `Pushing to ${name}`, cancellable: true }, (_progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        return registryClient(this.log, controller.signal).pushManifest(destination, bytes, mediaType);
      });
      this.diagnostics.delete(document.uri);
      // The tag names other bytes now: a cached copy of it would be stale.
      this.documents.forget(manifestUri(destination));
      this.log.info(`Pushed ${bytes.length} bytes (${mediaType}) to ${name}: ${result.digest}`);
      const pushed = { ...destination, tag: undefined, digest: result.digest };
      const open = (choice: string | undefined) => {
        if (choice === 'Open') void commands.executeCommand(OPEN_FROM_REGISTRY_COMMAND, formatReference(pushed));
      };
      if (result.digestMatches === false) {
        // The registry stored (or says it stored) other bytes than the document's.
        const warning = `pushed to ${name}, but the registry says it stored ${result.registryDigest} while the document's bytes hash to ${result.sentDigest}.`;
        this.log.warn(warning);
        void window.showWarningMessage(`Image Manifest: ${warning}`, 'Open').then(open);
      } else if (result.registryDigest === undefined) {
        void window.showInformationMessage(`Image Manifest: pushed to ${name}; the registry did not confirm a digest (the document's is ${result.sentDigest}).`, 'Open').then(open);
      } else {
        void window.showInformationMessage(`Image Manifest: pushed to ${name}; the registry stored ${result.digest}.`, 'Open').then(open);
      }
      return result;
    } catch (error) {
      if (isCancellation(error, controller.signal)) {
        this.log.info(`Pushing to ${name} was cancelled.`);
        return undefined;
      }
      const message = `Pushing to ${name} failed: ${describeRegistryError(error)}`;
      this.log.error(message);
      if (error instanceof RegistryError && error.errors.length > 0) this.#attach(document, text, error);
      void window.showErrorMessage(`Image Manifest: ${message}`);
      return undefined;
    }
  }

  /** The registry's errors as diagnostics: on the descriptor each names, else the whole document. */
  #attach(document: TextDocument, text: string, error: RegistryError): void {
    const whole = new Range(document.positionAt(0), document.positionAt(text.length));
    const diagnostics = locateRegistryErrors(text, error.errors).map((located) => {
      const range = located.range ? new Range(document.positionAt(located.range.start), document.positionAt(located.range.end)) : whole;
      const diagnostic = new Diagnostic(range, located.message, DiagnosticSeverity.Error);
      diagnostic.source = REGISTRY_DIAGNOSTIC_SOURCE;
      diagnostic.code = located.code;
      return diagnostic;
    });
    this.diagnostics.set(document.uri, diagnostics);
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
  }
}
