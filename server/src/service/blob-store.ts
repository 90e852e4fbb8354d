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
}

/** A store over a map of digest → content, for tests and for documents already in memory. */
export class InMemoryBlobStore implements BlobStore {
  constructor(private readonly blobs: ReadonlyMap<string, string>) {}

  readText(digest: string, maxBytes: number): string | undefined {
    const text = this.blobs.get(digest);
    return text !== undefined && Buffer.byteLength(text) <= maxBytes ? text : undefined;
  }
}
