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
  /** `missing` when the layout has no such blob; undefined when it cannot tell (not a regular file, outside the layout). */
  stat(digest: string): { size: number } | 'missing' | undefined;
  /** The first `bytes` bytes of the blob (fewer when it is shorter), for sniffing its format. */
  head(digest: string, bytes: number): Uint8Array | undefined;
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
