import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { DocumentContext } from '../service';

const LAYOUT_INDEX = 'index.json';
const LAYOUT_MARKER = 'oci-layout';

function layoutIndexDirectory(uri: string): string | undefined {
  let parsed: URI;
  try {
    parsed = URI.parse(uri);
  } catch {
    return undefined;
  }
  if (parsed.scheme !== 'file') return undefined;
  const fsPath = parsed.fsPath;
  return path.basename(fsPath) === LAYOUT_INDEX ? path.dirname(fsPath) : undefined;
}

/**
 * Tells whether a document is the `index.json` of an OCI image layout: an `oci-layout` file sits
 * beside it. The file-system answer is cached per directory, since it is asked on every keystroke.
 */
export class LayoutContextProvider {
  private readonly markerPresent = new Map<string, Promise<boolean>>();

  /** Whether the document could be a layout index at all, without touching the disk. */
  static isCandidate(uri: string): boolean {
    return layoutIndexDirectory(uri) !== undefined;
  }

  async contextFor(uri: string): Promise<DocumentContext | undefined> {
    const directory = layoutIndexDirectory(uri);
    if (directory === undefined) return undefined;
    let present = this.markerPresent.get(directory);
    if (!present) {
      present = stat(path.join(directory, LAYOUT_MARKER)).then(
        (stats) => stats.isFile(),
        () => false,
      );
      this.markerPresent.set(directory, present);
    }
    return (await present) ? { isLayoutIndex: true } : undefined;
  }

  /** Drops what is known about the directory of `uri` (the index itself or its `oci-layout`). */
  forgetDirectoryOf(uri: string): void {
    try {
      const parsed = URI.parse(uri);
      if (parsed.scheme === 'file') this.markerPresent.delete(path.dirname(parsed.fsPath));
    } catch {
      // Not a URI we could have cached.
    }
  }
}
