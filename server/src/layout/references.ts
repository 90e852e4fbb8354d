/**
 * Find references across an OCI image layout or a skopeo `dir:` folder: which documents (the
 * layout's `index.json` or the folder's `manifest.json`, and the JSON blobs) name a digest. Bounded in files, bytes and time; open documents are searched in
 * their editor text instead of the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OffsetRange } from '../service/types';
import { openRegularFileSync } from './blob-analysis';
import type { FileSystemBlobStore } from './fs-blob-store';

export interface ReferenceLimits {
  /** JSON blobs looked at. */
  readonly maxFiles: number;
  /** Blobs larger than this are not JSON documents anyone edits; skipped. */
  readonly maxFileBytes: number;
  /** Characters searched in all. */
  readonly maxTotalChars: number;
  /** Give up (with what was found) after this long. */
  readonly timeMs: number;
}

export const DEFAULT_REFERENCE_LIMITS: ReferenceLimits = { maxFiles: 10_000, maxFileBytes: 4 * 1024 * 1024, maxTotalChars: 256 * 1024 * 1024, timeMs: 3000 };

export interface FileReferences {
  /** Absolute path. */
  readonly file: string;
  readonly text: string;
  /** The digest's characters inside their quotes, for each occurrence. */
  readonly ranges: OffsetRange[];
}

export interface ReferenceSearch {
  readonly found: FileReferences[];
  /** A limit stopped the search: there may be more. */
  readonly truncated: boolean;
}

/**
 * The documents of the layout at `root` that contain `digest` as a JSON string. `openText(file)`
 * returns an open document's current text (or undefined); `cancelled()` is checked between files.
 */
export async function findReferences(
  root: string,
  store: FileSystemBlobStore,
  digest: string,
  openText: (file: string) => string | undefined,
  cancelled: () => boolean = () => false,
  limits: ReferenceLimits = DEFAULT_REFERENCE_LIMITS,
): Promise<ReferenceSearch> {
  const deadline = Date.now() + limits.timeMs;
  const needle = JSON.stringify(digest);
  const found: FileReferences[] = [];
  let truncated = false;
  let chars = 0;
  const search = (file: string, text: string | undefined): void => {
    if (text === undefined) return;
    chars += text.length;
    const ranges: OffsetRange[] = [];
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
      ranges.push({ start: at + 1, end: at + 1 + digest.length });
    }
    if (ranges.length) found.push({ file, text, ranges });
  };

  for (const name of topLevelDocuments(root, store.flavor)) {
    const file = path.join(root, name);
    search(file, openText(file) ?? readTopLevelFile(root, name, limits.maxFileBytes));
  }

  const listing = store.list(limits.maxFiles);
  if (listing.truncated) truncated = true;
  let sinceYield = 0;
  for (const entry of listing.entries) {
    if (entry.format !== 'json' || entry.size > limits.maxFileBytes) continue;
    if (chars > limits.maxTotalChars || Date.now() > deadline) {
      truncated = true;
      break;
    }
    const file = store.blobPath(entry.digest);
    if (!file) continue;
    search(file, openText(file) ?? store.readText(entry.digest, limits.maxFileBytes));
    // Let other requests in between batches; stop when the client gave up.
    if (++sinceYield >= 64) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
      if (cancelled()) break;
    }
  }
  return { found, truncated };
}

/**
 * The documents beside the blobs: an OCI layout's `index.json`; in a skopeo `dir:` folder the
 * `manifest.json` (and, for a copy with `--all`, each instance's `<hex>.manifest.json`).
 */
function topLevelDocuments(root: string, flavor: FileSystemBlobStore['flavor']): string[] {
  if (flavor === 'oci') return ['index.json'];
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names.filter((name) => name === 'manifest.json' || /^[a-f0-9]{64}\.manifest\.json$/.test(name)).sort();
}

/** A file directly in the layout's folder, when it is a regular file inside it. */
function readTopLevelFile(root: string, name: string, maxBytes: number): string | undefined {
  const file = path.join(root, name);
  try {
    const real = fs.realpathSync(file);
    if (path.dirname(real) !== fs.realpathSync(root)) return undefined;
    const fd = openRegularFileSync(real);
    if (fd === undefined) return undefined;
    try {
      const size = fs.fstatSync(fd).size;
      if (size > maxBytes) return undefined;
      const buffer = Buffer.alloc(size);
      let read = 0;
      while (read < size) {
        const n = fs.readSync(fd, buffer, read, size - read, read);
        if (n === 0) break;
        read += n;
      }
      return buffer.toString('utf8', 0, read);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
