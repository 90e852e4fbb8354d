/**
 * Where a document names content by digest: the values that document links, go-to-definition and
 * find-references start from. Found in the text (a large index stays fast), then confirmed to be a
 * JSON string value; the server maps each digest to a blob file of the layout.
 */
import { findNodeAtOffset, type Node } from 'jsonc-parser';
import { isValidDigest } from './digest';
import type { ParsedDocument } from './parse';
import type { OffsetRange } from './types';

export interface DigestValue {
  readonly digest: string;
  /** The digest's characters, inside the quotes. */
  readonly range: OffsetRange;
}

/** Members whose string value names content that a layout may hold. */
const DIGEST_KEYS = /"(digest|org\.opencontainers\.image\.base\.digest|vnd\.docker\.reference\.digest)"\s*:\s*"([a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)"/g;

/**
 * The digest values of descriptors (`"digest": "…"`) and of the annotations that name a manifest,
 * in document order, at most `limit`. Keys inside other strings never match: the text before a
 * match is checked to be a key position by the parse.
 */
export function findDigestValues(parsed: ParsedDocument, limit = 5000): { values: DigestValue[]; truncated: boolean } {
  const values: DigestValue[] = [];
  if (parsed.detection.kind === 'unknown' || !parsed.root) return { values, truncated: false };
  for (const match of parsed.text.matchAll(DIGEST_KEYS)) {
    const digest = match[2];
    if (!isValidDigest(digest)) continue;
    const start = match.index! + match[0].length - digest.length - 1;
    if (values.length >= limit) return { values, truncated: true };
    values.push({ digest, range: { start, end: start + digest.length } });
  }
  return { values, truncated: false };
}

/** The digest string value under `offset` (any member: a diff_id, an annotation, a descriptor). */
export function digestAtOffset(parsed: ParsedDocument, offset: number): DigestValue | undefined {
  if (!parsed.root || !Number.isFinite(offset)) return undefined;
  const node: Node | undefined = findNodeAtOffset(parsed.root, offset, true);
  if (node?.type !== 'string' || typeof node.value !== 'string') return undefined;
  // A key is no reference.
  if (node.parent?.type === 'property' && node.parent.children?.[0] === node) return undefined;
  const digest = node.value;
  if (!isValidDigest(digest)) return undefined;
  // Escapes would shift the characters; then the whole token is the range.
  const raw = parsed.text.slice(node.offset, node.offset + node.length);
  const range = raw === JSON.stringify(digest) ? { start: node.offset + 1, end: node.offset + 1 + digest.length } : { start: node.offset, end: node.offset + node.length };
  return { digest, range };
}
