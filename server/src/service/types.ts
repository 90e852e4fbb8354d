/** Document kinds the service recognises, named as in the CLI's JSON output. */
export type DocumentKind =
  | 'oci-manifest'
  | 'oci-index'
  | 'docker-manifest'
  | 'docker-manifest-list'
  | 'docker-schema1'
  | 'oci-config'
  | 'docker-config'
  | 'oci-layout'
  | 'unknown';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type RuleSetting = Severity | 'off';

/** Offsets into the document text (UTF-16 code units, as JavaScript strings count). */
export interface OffsetRange {
  start: number;
  end: number;
}

export interface OffsetEdit {
  range: OffsetRange;
  newText: string;
}

/**
 * A fix the diagnostic itself knows: replace `range` with `newText` (plus `additionalEdits`, e.g.
 * a platform alias that sets both `architecture` and `variant`). Quick fixes build on these.
 */
export interface SuggestedEdit extends OffsetEdit {
  title: string;
  additionalEdits?: OffsetEdit[];
}

export interface ManifestDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: OffsetRange;
  /** Link to the spec section the rule comes from. */
  href: string;
  fixes?: SuggestedEdit[];
}

export interface ValidationOptions {
  /** Per-code override: a severity, or 'off' to drop the code. */
  rules?: Record<string, RuleSetting>;
  /** Where the document sits, when known: lets layout-only rules apply. */
  context?: DocumentContext;
  /** Above this many characters only syntax and structure are checked (default 20,000,000). */
  maxValidationSize?: number;
}

export interface DocumentContext {
  /** The document is the `index.json` at the root of an OCI image layout. */
  isLayoutIndex?: boolean;
  /** The blobs of the layout the document sits in, for checks across documents. */
  blobs?: import('./blob-store').BlobStore;
  /**
   * The document is a blob of that layout (`blobs/<algorithm>/<encoded>`): the digest its file name
   * claims, which its bytes must hash to.
   */
  ownDigest?: string;
  /** The text was decoded from bytes that are not valid UTF-8 (known only where the bytes are). */
  invalidUtf8?: import('./utf8').InvalidUtf8;
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}
