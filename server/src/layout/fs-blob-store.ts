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

  /** A regular file inside the layout for `digest`, or why not. */
  private resolve(digest: string): { file: string; size: number; mtimeMs: number } | 'missing' | undefined {
    const file = this.blobPath(digest);
    if (!file) return undefined;
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : undefined;
    }
    if (!real.startsWith(this.realRoot + path.sep)) return undefined;
    try {
      const stat = fs.statSync(real);
      return stat.isFile() ? { file: real, size: stat.size, mtimeMs: stat.mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  }

  stat(digest: string): { size: number } | 'missing' | undefined {
    const found = this.resolve(digest);
    return found === 'missing' || found === undefined ? found : { size: found.size };
  }

  head(digest: string, bytes: number): Uint8Array | undefined {
    const found = this.resolve(digest);
    if (found === 'missing' || found === undefined) return undefined;
    let fd: number | undefined;
    try {
      fd = openRegularFile(found.file);
      if (fd === undefined) return undefined;
      const buffer = Buffer.alloc(Math.min(bytes, found.size));
      return buffer.subarray(0, readAtMost(fd, buffer));
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  private readonly texts = new Map<string, { mtimeMs: number; size: number; text: string }>();

  readText(digest: string, maxBytes: number): string | undefined {
    const found = this.resolve(digest);
    if (found === 'missing' || found === undefined || found.size > maxBytes) return undefined;
    const real = found.file;
    const cached = this.texts.get(real);
    if (cached && cached.mtimeMs === found.mtimeMs && cached.size === found.size) return cached.text;
    let fd: number | undefined;
    try {
      fd = openRegularFile(real);
      if (fd === undefined) return undefined;
      // A file that grew since it was judged is not read past the limit.
      const buffer = Buffer.alloc(Math.min(maxBytes, found.size) + 1);
      const length = readAtMost(fd, buffer);
      if (length > maxBytes) return undefined;
      const text = buffer.toString('utf8', 0, length);
      if (this.texts.size >= MAX_CACHED_BLOBS) this.texts.delete(this.texts.keys().next().value as string);
      this.texts.set(real, { mtimeMs: found.mtimeMs, size: length, text });
      return text;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}

/**
 * Opens a file judged regular by its path, then judges the open descriptor: between the two it
 * may have been swapped for a FIFO, a device or a symlink. Non-blocking, so a FIFO cannot hang
 * the open; a final symlink is not followed. Undefined (closed) when it is no regular file now.
 */
function openRegularFile(file: string): number | undefined {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0));
  try {
    if (fs.fstatSync(fd).isFile()) return fd;
  } catch {
    // fall through: closed below
  }
  fs.closeSync(fd);
  return undefined;
}

/** Fills `buffer` from the start of the file until it is full or the file ends; the bytes read. */
function readAtMost(fd: number, buffer: Buffer): number {
  let length = 0;
  while (length < buffer.length) {
    const n = fs.readSync(fd, buffer, length, buffer.length - length, length);
    if (n === 0) break;
    length += n;
  }
  return length;
}

/** Small JSON blobs (manifests, configs) read for cross-checks; a bound on memory. */
const MAX_CACHED_BLOBS = 2048;

const markerByDirectory = new Map<string, boolean>();

function hasLayoutMarker(directory: string): boolean {
  let present = markerByDirectory.get(directory);
  if (present === undefined) {
    try {
      present = fs.statSync(path.join(directory, 'oci-layout')).isFile();
    } catch {
      present = false;
    }
    markerByDirectory.set(directory, present);
  }
  return present;
}

/** The folder holding `oci-layout` at or above `filePath`'s folder, if any (answers are cached). */
export function findLayoutRoot(filePath: string): string | undefined {
  let current = path.dirname(path.resolve(filePath));
  for (;;) {
    if (hasLayoutMarker(current)) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Forgets cached answers for `directory` and the layouts at or below it (files changed). */
export function forgetLayoutCaches(directory: string): void {
  const resolved = path.resolve(directory);
  for (const key of [...markerByDirectory.keys()]) {
    if (key === resolved || key.startsWith(resolved + path.sep) || resolved.startsWith(key + path.sep)) markerByDirectory.delete(key);
  }
  for (const key of [...stores.keys()]) {
    if (key === resolved || resolved.startsWith(key + path.sep)) stores.delete(key);
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
