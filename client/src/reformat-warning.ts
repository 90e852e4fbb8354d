import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { window, workspace, type Disposable, type TextDocument } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DOCUMENT_DIGEST_REQUEST } from './document-digest';

/** Kinds whose bytes are referenced by digest elsewhere (indexes, tags, signatures). */
const CONTENT_ADDRESSED = new Set(['oci-manifest', 'oci-index', 'docker-manifest', 'docker-manifest-list', 'docker-schema1', 'oci-config', 'docker-config']);

function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/**
 * A manifest is content addressed: re-indenting it (by hand or a format-on-save) changes its digest
 * and breaks every reference to it, although nothing in it changed. Say so when such a save happens.
 */
export function warnWhenReformattingChangesDigest(client: LanguageClient, isCandidate: (document: TextDocument) => boolean): Disposable {
  return workspace.onWillSaveTextDocument((event) => {
    const document = event.document;
    if (document.uri.scheme !== 'file' || !isCandidate(document)) return;
    const text = document.getText();
    void (async () => {
      let onDisk: Buffer;
      try {
        onDisk = await readFile(document.uri.fsPath);
      } catch {
        return; // a new file: nothing refers to it yet
      }
      const before = sha256(onDisk);
      const after = sha256(text);
      if (before === after || !sameJson(onDisk.toString('utf8'), text)) return;
      const answer = (await client.sendRequest(DOCUMENT_DIGEST_REQUEST, { uri: document.uri.toString() }).catch(() => null)) as { kind?: string } | null;
      if (!answer?.kind || !CONTENT_ADDRESSED.has(answer.kind)) return;
      const name = workspace.asRelativePath(document.uri);
      void window.showWarningMessage(
        `Saving ${name} changes only its formatting, but its digest changes from ${before.slice(0, 19)}… to ${after.slice(0, 19)}…: index entries, tags and signatures that refer to the old digest no longer match these bytes.`,
      );
    })();
  });
}
