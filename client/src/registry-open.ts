/**
 * Image Manifest: Open from Registry… — fetches a manifest or index by reference (with progress
 * and Cancel), opens the bytes exactly as served, and says whether their digest is the one the
 * registry promised (`Docker-Content-Digest`, or the digest of a by-digest reference).
 */
import { ProgressLocation, Uri, window, workspace, type LogOutputChannel, type TextDocument } from 'vscode';
import { formatReference, parseReference, registryUri, type FetchedManifest, type ImageReference } from './registry-api';
import { shortDigest } from './document-digest';
import { asJson, warnDigestMismatch, type RegistryDocuments } from './registry-documents';
import { askForReference, type RecentReferences } from './registry-reference-input';
import { describeRegistryError, isCancellation, refuseWhenRestricted, registryClient } from './registry-settings';

export const OPEN_FROM_REGISTRY_COMMAND = 'imageManifest.openFromRegistry';

/** The `oci-registry:` URI of a manifest reference. */
export function manifestUri(reference: ImageReference): Uri {
  return Uri.parse(registryUri({ reference, kind: 'manifest' }));
}

export class OpenFromRegistry {
  constructor(
    private readonly documents: RegistryDocuments,
    private readonly recent: RecentReferences,
    private readonly log: LogOutputChannel,
  ) {}

  /**
   * The command. `argument`: a reference to open without asking (tests, keybindings with `args`).
   * Resolves with the opened document, or undefined when nothing was opened.
   */
  async run(argument?: unknown): Promise<TextDocument | undefined> {
    if (refuseWhenRestricted(this.log)) return undefined;
    const text = typeof argument === 'string' && argument.trim() !== '' ? argument.trim() : await askForReference({ title: 'Open from Registry', recent: this.recent.list() });
    if (text === undefined) return undefined;
    let reference: ImageReference;
    try {
      reference = parseReference(text);
    } catch (error) {
      void window.showErrorMessage(`Image Manifest: ${JSON.stringify(text)} is not an image reference: ${describeRegistryError(error)}`);
      return undefined;
    }
    const name = formatReference(reference);
    const fetched = await this.#fetch(reference, name);
    if (!fetched) return undefined;
    await this.recent.add(text);

    const uri = manifestUri(reference);
    this.documents.remember(uri, { resource: { reference, kind: 'manifest' }, bytes: fetched.bytes, fetchedAt: Date.now(), manifest: fetched });
    const document = await asJson(await workspace.openTextDocument(uri));
    await window.showTextDocument(document, { preview: false });
    this.#reportDigest(name, fetched);
    return document;
  }

  async #fetch(reference: ImageReference, name: string): Promise<FetchedManifest | undefined> {
    const controller = new AbortController();
    try {
      return await window.withProgress({ location: ProgressLocation.Notification, title: `Fetching ${name}`, cancellable: true }, (_progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        return registryClient(this.log, controller.signal).fetchManifest(reference);
      });
    } catch (error) {
      if (isCancellation(error, controller.signal)) {
        this.log.info(`Fetching ${name} was cancelled.`);
        return undefined;
      }
      const message = `Fetching ${name} failed: ${describeRegistryError(error)}`;
      this.log.error(message);
      void window.showErrorMessage(`Image Manifest: ${message}`);
      return undefined;
    }
  }

  /** The digest check, as a notification (not awaited: it must not hold the command open). */
  #reportDigest(name: string, fetched: FetchedManifest): void {
    for (const problem of fetched.problems) {
      this.log.warn(`Opened ${name}: ${problem}`);
      void window.showWarningMessage(`Image Manifest: ${name}: ${problem}.`);
    }
    const promised = fetched.registryDigest ?? fetched.reference.digest;
    if (fetched.digestMatches === false) {
      warnDigestMismatch(this.log, name, fetched.digest, promised);
      return;
    }
    // The verdict first: a notification shows its first line or two, and a digest is 71 characters.
    const short = shortDigest(fetched.digest);
    const message =
      fetched.registryDigest !== undefined
        ? `Digest verified: the bytes match the registry's Docker-Content-Digest (${short}).`
        : fetched.reference.digest !== undefined
          ? `Digest verified: the bytes match the reference's digest (${short}); the registry sent no Docker-Content-Digest.`
          : `Digest not verified: the registry sent no Docker-Content-Digest for ${name}. The document's digest is ${short}.`;
    this.log.info(`Opened ${name}: ${message} Full digest: ${fetched.digest}.`);
    void window.showInformationMessage(`Image Manifest: ${message}`);
  }
}

