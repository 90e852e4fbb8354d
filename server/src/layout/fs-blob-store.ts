import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  sniffFormat,
  type BlobFormat,
  type BlobListing,
  type BlobListingEntry,
  type BlobStore,
  type DigestStatus,
  type LayerSummaryStatus,
} from '../service/blob-store';
import type { DocumentContext } from '../service/types';
import { hashFileSync, isHashable, type LayerLimits } from './blob-analysis';
import type { BlobJobs } from './blob-jobs';

/** `imageManifest.layout.verifyDigests` */
export type VerifyDigests = 'auto' | 'always' | 'never';

/** Blobs up to this size are hashed in `auto` mode (`imageManifest.layout.verifyDigestsMaxSize`). */
export const DEFAULT_VERIFY_MAX_SIZE = 64 * 1024 * 1024;

export interface LayoutOptions {
  /** Whether blobs are hashed to check their digests; absent: never (the store has no `digestStatus`). */
  readonly verifyDigests?: VerifyDigests;
  /** The `auto` limit in bytes (default 64 MiB). */
  readonly verifyMaxSize?: number;
  /**
   * Where hashing and layer reading run: a background job runner (the server: answers `pending`,
   * then tells the runner's listeners) or, when absent, synchronously in this thread (the CLI).
   */
  readonly jobs?: BlobJobs;
  /** Bounds of a layer read for hovers. */
  readonly layerLimits?: LayerLimits;
  /** Where the CLI counts what was verified. */
  readonly stats?: VerificationStats;
}

export interface VerificationStats {
  /** Blob files whose digest was compared (from the cache or freshly hashed). */
  readonly verified: Set<string>;
  /** Bytes hashed on this thread. */
  bytesHashed: number;
  /** Blob files whose digest did not match. */
  readonly mismatched: Set<string>;
  /** Blob files left unhashed because they exceed the automatic verification limit. */
  readonly tooLarge?: Set<string>;
}

const ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
const ENCODED = /^[a-zA-Z0-9=_-]+$/;
/** A blob's name in a `dir:` folder: the hex of its sha256 digest. */
const DIR_BLOB = /^[a-f0-9]{64}$/;

/**
 * `oci`: an OCI image layout, blobs at `blobs/<algorithm>/<encoded>`. `dir`: a folder written by
 * skopeo's `dir:` transport (`version`, `manifest.json`), blobs at `<hex>` for sha256 digests.
 */
export type LayoutFlavor = 'oci' | 'dir';

/**
 * Blobs of an OCI image layout on disk. A digest becomes `blobs/<algorithm>/<encoded>` only when it
 * fits the digest grammar, and a blob is read only when it is a regular file whose real path stays
 * inside the layout: no `..`, no symlinks out, never a FIFO, device or directory.
 */
export class FileSystemBlobStore implements BlobStore {
  private readonly realRoot: string;

  constructor(
    readonly root: string,
    private readonly options: LayoutOptions = {},
    readonly flavor: LayoutFlavor = 'oci',
  ) {
    this.realRoot = fs.realpathSync(root);
    // Only a store that verifies has the method: the rules then know not to expect an answer.
    if (options.verifyDigests === undefined) this.digestStatus = undefined;
  }


  blobPath(digest: string): string | undefined {
    const colon = digest.indexOf(':');
    if (colon <= 0) return undefined;
    const algorithm = digest.slice(0, colon);
    const encoded = digest.slice(colon + 1);
    if (!ALGORITHM.test(algorithm) || !ENCODED.test(encoded)) return undefined;
    if (this.flavor === 'dir') return algorithm === 'sha256' && DIR_BLOB.test(encoded) ? path.join(this.root, encoded) : undefined;
    return path.join(this.root, 'blobs', algorithm, encoded);
  }

  blobName(digest: string): string {
    return this.flavor === 'dir' ? digest.slice(digest.indexOf(':') + 1) : `blobs/${digest.replace(':', '/')}`;
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

  /**
   * The blob's path under the layout root as given (not resolved, so it matches what an editor
   * opens), when it is a regular file inside the layout: for links and definitions.
   */
  fileFor(digest: string): string | undefined {
    const found = this.resolve(digest);
    return found === 'missing' || found === undefined ? undefined : this.blobPath(digest);
  }

  digestStatus?(digest: string): DigestStatus {
    const mode = this.options.verifyDigests ?? 'never';
    if (mode === 'never') return { state: 'unknown', reason: 'digest verification is off (`imageManifest.layout.verifyDigests`)' };
    const found = this.resolve(digest);
    if (found === 'missing' || found === undefined) return { state: 'unknown', reason: 'the blob cannot be read' };
    const algorithm = digest.slice(0, digest.indexOf(':'));
    if (!isHashable(algorithm)) return { state: 'unknown', reason: `\`${algorithm}\` digests cannot be computed here` };
    const limit = this.options.verifyMaxSize ?? DEFAULT_VERIFY_MAX_SIZE;
    if (mode === 'auto' && found.size > limit) {
      this.options.stats?.tooLarge?.add(found.file);
      return { state: 'unknown', reason: `larger than ${limit.toLocaleString('en-US')} bytes, the limit of automatic verification (\`imageManifest.layout.verifyDigestsMaxSize\`; \`verifyDigests: "always"\` hashes every blob)` };
    }
    const identity = { size: found.size, mtimeMs: found.mtimeMs };
    let hex: string | undefined;
    const jobs = this.options.jobs;
    if (jobs) {
      const outcome = jobs.hash(found.file, identity, algorithm, digest);
      if (outcome === 'pending') return { state: 'pending' };
      if (outcome.state === 'failed') return { state: 'unknown', reason: `hashing failed: ${outcome.reason}` };
      hex = outcome.value;
    } else {
      const key = `${algorithm}\0${found.file}\0${found.size}\0${found.mtimeMs}`;
      hex = syncHashes.get(key);
      if (hex === undefined) {
        try {
          hex = hashFileSync(found.file, algorithm, identity);
        } catch (error) {
          return { state: 'unknown', reason: `hashing failed: ${error instanceof Error ? error.message : String(error)}` };
        }
        if (this.options.stats) this.options.stats.bytesHashed += found.size;
        if (syncHashes.size >= MAX_CACHED_HASHES) syncHashes.delete(syncHashes.keys().next().value as string);
        syncHashes.set(key, hex);
      }
    }
    const actual = `${algorithm}:${hex}`;
    this.options.stats?.verified.add(found.file);
    if (actual !== digest) this.options.stats?.mismatched.add(found.file);
    return actual === digest ? { state: 'match' } : { state: 'mismatch', actual };
  }

  layerSummary(digest: string): LayerSummaryStatus {
    const jobs = this.options.jobs;
    if (!jobs) return { state: 'unavailable', reason: 'layers are read by the language server only' };
    const found = this.resolve(digest);
    if (found === 'missing') return { state: 'unavailable', reason: 'the layout has no such blob' };
    if (found === undefined) return { state: 'unavailable', reason: 'the blob cannot be read (not a regular file inside the layout)' };
    const format = this.formatOf(digest, found);
    const compression = format === 'gzip' ? 'gzip' : format === 'zstd' ? 'zstd' : format === 'tar' ? 'none' : undefined;
    if (!compression) return { state: 'unavailable', reason: `the blob is ${format === 'json' ? 'JSON' : 'not a tar archive, gzip or zstd data'}` };
    const outcome = jobs.layer(found.file, { size: found.size, mtimeMs: found.mtimeMs }, compression, digest, this.options.layerLimits);
    if (outcome === 'pending') return { state: 'pending' };
    if (outcome.state === 'failed') return { state: 'unavailable', reason: `reading failed: ${outcome.reason}` };
    return { state: 'done', summary: outcome.value };
  }

  /**
   * The layout's blobs, sorted by algorithm and name: regular files inside the layout under
   * `blobs/<algorithm>/<encoded>` whose names fit the digest grammar, with size and sniffed format.
   */
  list(limit: number): BlobListing {
    const entries: BlobListingEntry[] = [];
    if (this.flavor === 'dir') {
      for (const name of readNames(this.root)) {
        if (!DIR_BLOB.test(name)) continue;
        const digest = `sha256:${name}`;
        const found = this.resolve(digest);
        if (found === 'missing' || found === undefined) continue;
        if (entries.length >= limit) return { entries, truncated: true };
        entries.push({ digest, size: found.size, format: this.formatOf(digest, found) });
      }
      return { entries, truncated: false };
    }
    const blobsDir = path.join(this.root, 'blobs');
    for (const algorithm of readNames(blobsDir)) {
      if (!ALGORITHM.test(algorithm)) continue;
      for (const encoded of readNames(path.join(blobsDir, algorithm))) {
        if (!ENCODED.test(encoded)) continue;
        const digest = `${algorithm}:${encoded}`;
        const found = this.resolve(digest);
        if (found === 'missing' || found === undefined) continue;
        if (entries.length >= limit) return { entries, truncated: true };
        entries.push({ digest, size: found.size, format: this.formatOf(digest, found) });
      }
    }
    return { entries, truncated: false };
  }

  private readonly formats = new Map<string, { size: number; mtimeMs: number; format: BlobFormat }>();

  private formatOf(digest: string, found: { file: string; size: number; mtimeMs: number }): BlobFormat {
    const cached = this.formats.get(found.file);
    if (cached && cached.size === found.size && cached.mtimeMs === found.mtimeMs) return cached.format;
    const head = this.head(digest, 512);
    const format = head ? sniffFormat(head) : 'unknown';
    if (this.formats.size >= MAX_CACHED_BLOBS) this.formats.delete(this.formats.keys().next().value as string);
    this.formats.set(found.file, { size: found.size, mtimeMs: found.mtimeMs, format });
    return format;
  }

  stat(digest: string): { size: number } | 'missing' | undefined {
    const found = this.resolve(digest);
    return found === 'missing' || found === undefined ? found : { size: found.size };
  }

  /** Why a blob path exists but is not read; lstat and stat only, so a FIFO is never opened. */
  unreadableReason(digest: string): string | undefined {
    const file = this.blobPath(digest);
    if (!file || this.resolve(digest) !== undefined) return undefined;
    try {
      if (fs.lstatSync(file).isSymbolicLink()) {
        let real: string;
        try {
          real = fs.realpathSync(file);
        } catch {
          return 'a symbolic link that cannot be resolved';
        }
        if (!real.startsWith(this.realRoot + path.sep)) return 'a symbolic link to outside the layout';
      }
      const stat = fs.statSync(file);
      if (stat.isFIFO()) return 'a FIFO (named pipe)';
      if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
      if (stat.isDirectory()) return 'a directory';
      if (stat.isSocket()) return 'a socket';
      return 'not a regular file';
    } catch {
      return undefined;
    }
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

/** Hashes computed on this thread (the CLI), by algorithm, path, size and mtime. */
const syncHashes = new Map<string, string>();
const MAX_CACHED_HASHES = 8192;

/** Names in a directory, sorted; none when it cannot be read. */
const listings = new Map<string, { mtimeMs: number; names: string[] }>();

function readNames(directory: string): string[] {
  try {
    const stat = fs.statSync(directory);
    if (!stat.isDirectory()) return [];
    const cached = listings.get(directory);
    if (cached && cached.mtimeMs === stat.mtimeMs) return cached.names;
    const names = fs.readdirSync(directory).sort();
    if (listings.size >= 256) listings.delete(listings.keys().next().value as string);
    listings.set(directory, { mtimeMs: stat.mtimeMs, names });
    return names;
  } catch {
    return [];
  }
}

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

const dirTransportByDirectory = new Map<string, boolean>();

/**
 * Whether `directory` was written by skopeo's `dir:` transport: a regular file `version` that
 * starts with "Directory Transport Version", beside a `manifest.json`.
 */
export function isDirTransportFolder(directory: string): boolean {
  let present = dirTransportByDirectory.get(directory);
  if (present === undefined) {
    present = false;
    try {
      if (fs.statSync(path.join(directory, 'manifest.json')).isFile()) {
        const version = path.join(directory, 'version');
        const fd = openRegularFile(version);
        if (fd !== undefined) {
          try {
            const head = Buffer.alloc(64);
            present = head.toString('utf8', 0, readAtMost(fd, head)).startsWith('Directory Transport Version');
          } finally {
            fs.closeSync(fd);
          }
        }
      }
    } catch {
      present = false;
    }
    if (dirTransportByDirectory.size >= 1024) dirTransportByDirectory.delete(dirTransportByDirectory.keys().next().value as string);
    dirTransportByDirectory.set(directory, present);
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

/**
 * The layout a file belongs to: the nearest OCI image layout above it, else the `dir:` folder it
 * sits in directly (those folders are flat).
 */
export function findLayout(filePath: string): { root: string; flavor: LayoutFlavor } | undefined {
  const oci = findLayoutRoot(filePath);
  if (oci) return { root: oci, flavor: 'oci' };
  const folder = path.dirname(path.resolve(filePath));
  return isDirTransportFolder(folder) ? { root: folder, flavor: 'dir' } : undefined;
}

/** Forgets cached answers for `directory` and the layouts at or below it (files changed). */
export function forgetLayoutCaches(directory: string): void {
  const resolved = path.resolve(directory);
  for (const key of [...markerByDirectory.keys()]) {
    if (key === resolved || key.startsWith(resolved + path.sep) || resolved.startsWith(key + path.sep)) markerByDirectory.delete(key);
  }
  for (const key of [...dirTransportByDirectory.keys()]) {
    if (key === resolved || key.startsWith(resolved + path.sep) || resolved.startsWith(key + path.sep)) dirTransportByDirectory.delete(key);
  }
  for (const key of [...stores.keys()]) {
    const root = key.slice(0, key.indexOf('\0'));
    if (root === resolved || resolved.startsWith(root + path.sep) || root.startsWith(resolved + path.sep)) stores.delete(key);
  }
  for (const key of [...listings.keys()]) {
    if (key === resolved || key.startsWith(resolved + path.sep)) listings.delete(key);
  }
}

const stores = new Map<string, FileSystemBlobStore>();

export interface LayoutContext extends DocumentContext {
  isLayoutIndex: boolean;
  blobs?: FileSystemBlobStore;
  /** The layout's root folder. */
  root?: string;
}

const objectIds = new WeakMap<object, number>();
let lastObjectId = 0;

function idOf(object: object | undefined): number {
  if (!object) return 0;
  let id = objectIds.get(object);
  if (id === undefined) {
    id = ++lastObjectId;
    objectIds.set(object, id);
  }
  return id;
}

function optionsKey(options: LayoutOptions): string {
  const limits = options.layerLimits ? `${options.layerLimits.timeMs}/${options.layerLimits.maxBytes}/${options.layerLimits.maxTopLevel}` : '';
  return `${options.verifyDigests ?? ''}\0${options.verifyMaxSize ?? ''}\0${idOf(options.jobs)}\0${idOf(options.stats)}\0${limits}`;
}

/**
 * The document context for a file on disk: its layout's blobs, whether it is `index.json`, and for
 * a blob of the layout (`blobs/<algorithm>/<encoded>`) the digest its name claims.
 */
export function layoutContextFor(filePath: string, options: LayoutOptions = {}): LayoutContext {
  const layout = findLayout(filePath);
  if (!layout) return { isLayoutIndex: false };
  const { root, flavor } = layout;
  const key = `${root}\0${flavor}\0${optionsKey(options)}`;
  let store = stores.get(key);
  if (!store) {
    try {
      store = new FileSystemBlobStore(root, options, flavor);
    } catch {
      return { isLayoutIndex: false };
    }
    stores.set(key, store);
  }
  const absolute = path.resolve(filePath);
  if (flavor === 'dir') {
    const context: LayoutContext = { isLayoutIndex: false, blobs: store, root };
    const name = path.basename(absolute);
    if (DIR_BLOB.test(name)) context.ownDigest = `sha256:${name}`;
    return context;
  }
  const isLayoutIndex = absolute === path.join(root, 'index.json');
  const context: LayoutContext = { isLayoutIndex, blobs: store, root };
  const relative = path.relative(path.join(root, 'blobs'), absolute).split(path.sep);
  if (relative.length === 2 && ALGORITHM.test(relative[0]) && ENCODED.test(relative[1])) context.ownDigest = `${relative[0]}:${relative[1]}`;
  return context;
}
