import { createHash } from 'node:crypto';

/**
 * How the pure service reads the blobs of the OCI image layout a document sits in. The file system
 * implementation lives outside the service; tests use an in-memory one.
 */
export interface BlobStore {
  /**
   * The text of the blob named by a well-formed `digest`, when it exists, is a regular file inside
   * the layout and is at most `maxBytes` long; undefined otherwise (missing blobs are allowed).
   */
  readText(digest: string, maxBytes: number): string | undefined;
  /** Where the blob of `digest` lives, relative to the layout root, for messages (default `blobs/<algorithm>/<encoded>`). */
  blobName?(digest: string): string;
  /** `missing` when the layout has no such blob; undefined when it cannot tell (not a regular file, outside the layout). */
  stat(digest: string): { size: number } | 'missing' | undefined;
  /** When `stat` cannot tell: why the blob is not read (a symlink out of the layout, a FIFO, …). */
  unreadableReason?(digest: string): string | undefined;
  /** The first `bytes` bytes of the blob (fewer when it is shorter), for sniffing its format. */
  head(digest: string, bytes: number): Uint8Array | undefined;
  /**
   * Whether the blob's content hashes to `digest`. Never blocks on a large blob: a store that hashes
   * in the background answers `pending` and tells its owner when the answer is there (the server
   * then validates again). Absent when the store does not verify digests at all.
   */
  digestStatus?(digest: string): DigestStatus;
  /**
   * What a layer blob holds (sizes, entries, diff_id), read once from the stream and cached;
   * `pending` while that runs in the background. Absent when the store cannot read layers.
   */
  layerSummary?(digest: string): LayerSummaryStatus;
  /** The blobs of the layout (at most `limit`), for completion. Absent when the store cannot list. */
  list?(limit: number): BlobListing;
}

export type DigestState = 'match' | 'mismatch' | 'pending' | 'unknown';

export interface DigestStatus {
  readonly state: DigestState;
  /** For `mismatch`: what the content hashes to (`algorithm:hex`). */
  readonly actual?: string;
  /** For `unknown`: why it was not verified (too large for `auto`, unsupported algorithm, …). */
  readonly reason?: string;
}

export interface LayerSummary {
  /** The blob's size (compressed, as stored). */
  readonly compressedSize: number;
  readonly compression: 'gzip' | 'zstd' | 'none';
  /** Bytes of the uncompressed tar stream (what diff_id hashes); read so far when incomplete. */
  readonly uncompressedSize: number;
  /** Entries as `tar -t` lists them, and by type. */
  readonly entries: number;
  readonly files: number;
  readonly directories: number;
  readonly symlinks: number;
  readonly hardlinks: number;
  readonly others: number;
  /** Entries whose name starts with `.wh.` (deletions of lower layers, and opaque-directory markers). */
  readonly whiteouts: number;
  /** Sum of the regular files' sizes. */
  readonly contentBytes: number;
  /** The first path components, sorted, directories with a trailing `/` (capped; see `topLevelTruncated`). */
  readonly topLevel: readonly string[];
  readonly topLevelTruncated: boolean;
  /** `sha256:` of the uncompressed stream: the layer's diff_id; only when the whole stream was read. */
  readonly diffId?: string;
  /** The whole layer was read. Otherwise `stoppedBy` says why not. */
  readonly complete: boolean;
  readonly stoppedBy?: 'time' | 'bytes' | 'error';
  /** What went wrong (corrupt data, not a tar archive, …) or which limit stopped the reading. */
  readonly problem?: string;
  /** Milliseconds the reading took. */
  readonly elapsedMs: number;
}

export type LayerSummaryStatus =
  | { readonly state: 'done'; readonly summary: LayerSummary }
  | { readonly state: 'pending' }
  | { readonly state: 'unavailable'; readonly reason: string };

export interface BlobListingEntry {
  readonly digest: string;
  readonly size: number;
  /** From the first bytes (gzip, zstd, tar, JSON). */
  readonly format: BlobFormat;
}

export interface BlobListing {
  readonly entries: readonly BlobListingEntry[];
  /** More blobs than `limit`. */
  readonly truncated: boolean;
}

/** A store over a map of digest → content, for tests and for documents already in memory. */
export class InMemoryBlobStore implements BlobStore {
  constructor(private readonly blobs: ReadonlyMap<string, string | Uint8Array>) {}

  private bytes(digest: string): Buffer | undefined {
    const blob = this.blobs.get(digest);
    return blob === undefined ? undefined : Buffer.from(blob as string);
  }

  readText(digest: string, maxBytes: number): string | undefined {
    const bytes = this.bytes(digest);
    return bytes !== undefined && bytes.length <= maxBytes ? bytes.toString('utf8') : undefined;
  }

  stat(digest: string): { size: number } | 'missing' {
    const bytes = this.bytes(digest);
    return bytes === undefined ? 'missing' : { size: bytes.length };
  }

  head(digest: string, count: number): Uint8Array | undefined {
    return this.bytes(digest)?.subarray(0, count);
  }

  /** Hashes at once: the content is in memory. */
  digestStatus(digest: string): DigestStatus {
    const bytes = this.bytes(digest);
    if (bytes === undefined) return { state: 'unknown', reason: 'no such blob' };
    return compareDigest(digest, bytes);
  }

  list(limit: number): BlobListing {
    const entries: BlobListingEntry[] = [];
    for (const digest of [...this.blobs.keys()].sort()) {
      if (entries.length >= limit) return { entries, truncated: true };
      const bytes = this.bytes(digest)!;
      entries.push({ digest, size: bytes.length, format: sniffFormat(bytes.subarray(0, 512)) });
    }
    return { entries, truncated: false };
  }
}

/** Node's names of the registered digest algorithms it can compute (blake3 it cannot). */
export const HASH_ALGORITHMS: Readonly<Record<string, string>> = { sha256: 'sha256', sha512: 'sha512' };

/** Whether `bytes` hash to `digest` (`unknown` for algorithms Node cannot compute). */
export function compareDigest(digest: string, bytes: Uint8Array): DigestStatus {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hash = HASH_ALGORITHMS[algorithm];
  if (colon <= 0 || !hash) return { state: 'unknown', reason: `\`${algorithm}\` digests cannot be computed here` };
  const actual = `${algorithm}:${createHash(hash).update(bytes).digest('hex')}`;
  return actual === digest ? { state: 'match' } : { state: 'mismatch', actual };
}

export type BlobFormat = 'gzip' | 'zstd' | 'tar' | 'json' | 'unknown';

/** What the first bytes of a blob say it is (magic numbers; a tar's `ustar` at offset 257). */
export function sniffFormat(head: Uint8Array): BlobFormat {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= 262 && String.fromCharCode(...head.subarray(257, 262)) === 'ustar') return 'tar';
  // An empty tar archive is 1024 zero bytes: no magic, but still a tar.
  if (head.length >= 512 && head.subarray(0, 512).every((byte) => byte === 0)) return 'tar';
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (i < head.length && (head[i] === 0x7b || head[i] === 0x5b)) return 'json';
  return 'unknown';
}
