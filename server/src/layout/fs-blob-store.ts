import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BlobStore } from '../service/blob-store';

const ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
const ENCODED = /^[a-zA-Z0-9=_-]+$/;

/**
 * Blobs of an OCI image layout on disk. A digest becomes `blobs/<algorithm>/<encoded>` only when it
 * fits the digest grammar, and a blob is read only when it is a regular file whose real path stays
 * inside the layout: no `..`, no symlinks out, never a FIFO, device or directory.
 */
export class FileSystemBlobStore implements BlobStore {
  private readonly realRoot: string;

  constructor(readonly root: string) {
    this.realRoot = fs.realpathSync(root);
  }

  blobPath(digest: string): string | undefined {
    const colon = digest.indexOf(':');
    if (colon <= 0) return undefined;
    const algorithm = digest.slice(0, colon);
    const encoded = digest.slice(colon + 1);
    if (!ALGORITHM.test(algorithm) || !ENCODED.test(encoded)) return undefined;
    return path.join(this.root, 'blobs', algorithm, encoded);
  }

  readText(digest: string, maxBytes: number): string | undefined {
    const file = this.blobPath(digest);
    if (!file) return undefined;
    try {
      const real = fs.realpathSync(file);
      if (!real.startsWith(this.realRoot + path.sep)) return undefined;
      const stat = fs.statSync(real);
      if (!stat.isFile() || stat.size > maxBytes) return undefined;
      return fs.readFileSync(real, 'utf8');
    } catch {
      return undefined;
    }
  }
}

/** The folder holding `oci-layout` at or above `filePath`'s folder, if any. */
export function findLayoutRoot(filePath: string): string | undefined {
  let current = path.dirname(path.resolve(filePath));
  for (;;) {
    try {
      if (fs.statSync(path.join(current, 'oci-layout')).isFile()) return current;
    } catch {
      // not here; keep walking up
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

const stores = new Map<string, FileSystemBlobStore>();

/** The document context for a file on disk: its layout's blobs, and whether it is `index.json`. */
export function layoutContextFor(filePath: string): { isLayoutIndex: boolean; blobs?: BlobStore } {
  const root = findLayoutRoot(filePath);
  if (!root) return { isLayoutIndex: false };
  let store = stores.get(root);
  if (!store) {
    try {
      store = new FileSystemBlobStore(root);
    } catch {
      return { isLayoutIndex: false };
    }
    stores.set(root, store);
  }
  const isLayoutIndex = path.resolve(filePath) === path.join(root, 'index.json');
  return { isLayoutIndex, blobs: store };
}
