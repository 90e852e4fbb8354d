/**
 * The contract between the registry client (this folder) and its users: the CLI's `fetch` and
 * `push`, and the VS Code extension's Open from Registry / Push to Registry commands. Node only
 * (it talks HTTP and may run credential helpers), never imported by the pure language service.
 * Nothing here touches the network until one of RegistryClient's methods is called.
 */

/** A parsed image reference, normalised the way docker does (`alpine` → docker.io/library/alpine). */
export interface ImageReference {
  /** `host[:port]` as the user means it; Docker Hub is `docker.io`. */
  readonly registry: string;
  /** The repository path, e.g. `library/alpine`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export type RegistryErrorKind =
  | 'unauthorized' // 401 after every credential we could find was tried
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'rate-limited' // 429
  | 'timeout'
  | 'network' // connection refused, DNS, TLS
  | 'insecure' // plain http to a host the user has not allowed
  | 'too-large' // the body is larger than the caller allowed
  | 'rejected' // the registry refused a push (MANIFEST_INVALID, MANIFEST_BLOB_UNKNOWN, …)
  | 'digest-mismatch' // the bytes to push do not hash to the digest the reference pins (nothing sent)
  | 'protocol'; // the registry answered something we cannot use

/** One entry of the distribution spec's error body `{"errors":[{code,message,detail}]}`. */
export interface RegistryErrorEntry {
  readonly code: string;
  readonly message: string;
  readonly detail?: unknown;
}

export interface RegistryOptions {
  /** Hosts (`host` or `host:port`) that may be spoken to over plain http; loopback always may. */
  readonly insecureHosts?: readonly string[];
  /** Per request, in milliseconds; default 30 000; clamped to 1 … 2^31-1 (what a timer can hold). */
  readonly timeoutMs?: number;
  /** Where config.json is read from; default `$DOCKER_CONFIG`, else `~/.docker`. */
  readonly dockerConfigDir?: string;
  /** Progress and decisions for an output channel or `-v`. Never receives a credential. */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface FetchedManifest {
  readonly reference: ImageReference;
  /** The body exactly as served. */
  readonly bytes: Uint8Array;
  /** The response's Content-Type, without parameters. */
  readonly mediaType: string | undefined;
  /** The `Docker-Content-Digest` header, when the registry sent one. */
  readonly registryDigest: string | undefined;
  /** The digest of `bytes`, with the algorithm of registryDigest or of the reference (else sha256). */
  readonly digest: string;
  /**
   * Whether `digest` equals what the registry or the by-digest reference promised; undefined when
   * neither promised anything.
   */
  readonly digestMatches: boolean | undefined;
  /**
   * What is odd about the answer, as sentences for a warning (e.g. a Content-Type that is no
   * manifest media type). Empty when nothing is. A body that is not JSON under a Content-Type that
   * is no manifest type is not returned at all: it is a `protocol` error.
   */
  readonly problems: readonly string[];
}

export interface FetchedBlob {
  readonly bytes: Uint8Array;
  readonly mediaType: string | undefined;
  readonly digest: string;
  readonly digestMatches: boolean;
}

export interface BlobHead {
  readonly exists: boolean;
  readonly status: number;
  readonly size: number | undefined;
  readonly mediaType: string | undefined;
}

export interface PushResult {
  /**
   * The reference pushed to. With a tag the PUT goes to the tag; a digest beside it (`repo:tag@digest`)
   * only pins the content: the bytes must hash to it, or nothing is sent. Without a tag the PUT goes
   * to the digest.
   */
  readonly reference: ImageReference;
  /** The registry's `Docker-Content-Digest` answer, else the digest of what was sent. */
  readonly digest: string;
  readonly location: string | undefined;
  /** The digest of the bytes sent (the algorithm of the registry's digest or of the reference, else sha256). */
  readonly sentDigest: string;
  /** The `Docker-Content-Digest` header of the answer, when the registry sent one. */
  readonly registryDigest: string | undefined;
  /**
   * Whether the registry's digest is the digest of the bytes sent; undefined when it sent none (it
   * did not confirm what it stored). False means it stored, or says it stored, other content.
   */
  readonly digestMatches: boolean | undefined;
  /** The 2xx status of the answer (distribution sends 201 Created). */
  readonly status: number;
}

/** A registry error located in the pushed document, for a diagnostic. */
export interface LocatedRegistryError {
  readonly code: string;
  /** A sentence a user can act on (the registry's own message is appended when it says more). */
  readonly message: string;
  /** Offsets into the document's text of the descriptor (or digest) the error names, if any. */
  readonly range: { readonly start: number; readonly end: number } | undefined;
}

/** The `oci-registry:` URIs the editor opens documents under (see ./uri.ts). */
export type RegistryResourceKind = 'manifest' | 'blob';
export interface RegistryResource {
  readonly reference: ImageReference;
  readonly kind: RegistryResourceKind;
}
export const REGISTRY_SCHEME = 'oci-registry';
