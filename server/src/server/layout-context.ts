import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { layoutContextFor, forgetLayoutCaches } from '../layout/fs-blob-store';
import type { DocumentContext } from '../service';

function filePathOf(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a document sits: inside an OCI image layout (an `oci-layout` file at or above its folder),
 * its layout's blobs are readable for cross-checks, and `index.json` at the root is the layout index.
 */
export class LayoutContextProvider {
  /** Whether the document could sit in a layout at all, without touching the disk. */
  static isCandidate(uri: string): boolean {
    return filePathOf(uri) !== undefined;
  }

  async contextFor(uri: string): Promise<DocumentContext | undefined> {
    const file = filePathOf(uri);
    if (file === undefined) return undefined;
    const context = layoutContextFor(file);
    return context.blobs ? context : undefined;
  }

  /** Drops what is known about layouts around `uri` (an `oci-layout` or blob changed). */
  forgetDirectoryOf(uri: string): void {
    const file = filePathOf(uri);
    if (file !== undefined) forgetLayoutCaches(path.dirname(file));
  }
}
