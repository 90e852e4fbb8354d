/**
 * The document's own digest: a manifest is content addressed, so the sha256 of its bytes (UTF-8, as
 * saved) is what a registry, an index or a tag points at. Re-indenting the document changes it.
 */
import { createHash } from 'node:crypto';

export interface DocumentDigest {
  readonly algorithm: 'sha256';
  /** `sha256:` followed by 64 lowercase hex digits. */
  readonly digest: string;
  /** Size of the UTF-8 bytes. */
  readonly size: number;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The digest and size of `text` encoded as UTF-8 without a byte-order mark (what an editor writes
 * and what `crane digest`/`skopeo` compute from the file).
 */
export function documentDigest(text: string): DocumentDigest {
  const bytes = Buffer.from(text, 'utf8');
  return { algorithm: 'sha256', digest: `sha256:${sha256Hex(bytes)}`, size: bytes.length };
}

/** `sha256:<64 hex> · 2,055 bytes` (or `sha256:1d8566…e79c · 2,055 bytes` when `short`). */
export function formatDocumentDigest(value: DocumentDigest, short = false): string {
  const hex = value.digest.slice('sha256:'.length);
  const bytes = `${String(value.size).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ${value.size === 1 ? 'byte' : 'bytes'}`;
  return `sha256:${short ? `${hex.slice(0, 12)}…${hex.slice(-4)}` : hex} · ${bytes}`;
}

/** Strict RFC 4648 §4 base64 (padding required, no whitespace), decoded; undefined when invalid. */
export function decodeBase64(data: string): Buffer | undefined {
  if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return undefined;
  return Buffer.from(data, 'base64');
}
