/**
 * A registry's refusal of a push, in sentences a user can act on, placed on the descriptor it names.
 * The codes are those of the distribution spec (and distribution's own TAG_INVALID, UNKNOWN, …);
 * `detail` comes in several shapes: distribution 2.8 sends MANIFEST_BLOB_UNKNOWN's digest as a plain
 * string and a syntax error's position as `{"Offset": n}`; the spec suggests `{"digest": …}`; other
 * registries send `{"Digest": …}`, `{"blobSum": …}` or arrays of those.
 */
import type { LocatedRegistryError, RegistryErrorEntry } from './api';
import { collectDescriptors, type DescriptorRef } from '../service/descriptors';
import { elements, isObject, member, rangeOf, stringMember } from '../service/json-tree';
import { parseDocument } from '../service/parse';
import { safeText } from './text';

const DIGEST_IN_TEXT = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** What each code means for the person pushing (the spec's and distribution's codes). */
const SENTENCES: Readonly<Record<string, string>> = {
  MANIFEST_BLOB_UNKNOWN: 'The registry does not have a blob this manifest refers to: push the blob (layer, config or child manifest) to the repository before the manifest.',
  BLOB_UNKNOWN: 'The registry does not have this blob in the repository.',
  MANIFEST_INVALID: 'The registry refused the manifest as invalid: it did not parse, or its content does not fit its media type or the registry\'s checks.',
  MANIFEST_UNKNOWN: 'The registry has no such manifest in this repository.',
  MANIFEST_UNVERIFIED: 'The registry could not verify the signature of this schema 1 manifest.',
  NAME_UNKNOWN: 'The registry does not know this repository (some registries need it created first).',
  NAME_INVALID: 'The repository name is not valid on this registry.',
  TAG_INVALID: 'The tag is not valid (up to 128 letters, digits, "_", "." and "-", not starting with "." or "-").',
  DIGEST_INVALID: 'A digest does not match the content: the bytes pushed do not hash to the digest they were pushed under, or a digest is malformed.',
  SIZE_INVALID: 'A size does not match the content: a descriptor\'s size must be the exact byte length of its blob.',
  BLOB_UPLOAD_INVALID: 'The blob upload failed and cannot continue.',
  BLOB_UPLOAD_UNKNOWN: 'The registry knows no such blob upload (it was cancelled or never started).',
  UNAUTHORIZED: 'Authentication is required: log in with an account that may push to this repository.',
  DENIED: 'Access was denied: the account may not push to this repository.',
  UNSUPPORTED: 'The registry does not support this: some registries refuse OCI artifacts, schema 1 manifests or unknown media types.',
  TOOMANYREQUESTS: 'The registry is rate limiting requests: wait and push again.',
  UNAVAILABLE: 'The registry is unavailable at the moment: push again later.',
  UNKNOWN: 'The registry failed with an unspecified error while storing the manifest.',
  PAGINATION_NUMBER_INVALID: 'The registry refused the page size of the request.',
  RANGE_INVALID: 'The registry refused the byte range of the request.',
};

/** The registries' stock messages, which say nothing the sentence does not. */
const STOCK_MESSAGES = new Set([
  'blob unknown to registry',
  'manifest invalid',
  'manifest unknown',
  'manifest failed signature verification',
  'repository name not known to registry',
  'invalid repository name',
  'manifest tag did not match URI',
  'provided digest did not match uploaded content',
  'provided length did not match content length',
  'blob upload invalid',
  'blob upload unknown to registry',
  'authentication required',
  'requested access to the resource is denied',
  'the operation is unsupported',
  'too many requests',
  'service unavailable',
  'unknown error',
  'unauthorized: authentication required',
]);

/** The digests a detail names, in order, whatever its shape. */
export function detailDigests(detail: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (DIGEST_IN_TEXT.test(value) && value.includes(':')) found.push(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (/^(digest|blobsum)$/i.test(key)) visit(item, depth + 1);
        else if (typeof item === 'object') visit(item, depth + 1);
      }
    }
  };
  visit(detail, 0);
  return [...new Set(found)];
}

/** distribution's `{"Offset": n}`: bytes of the pushed body read when JSON decoding failed. */
function detailOffset(detail: unknown): number | undefined {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return undefined;
  for (const [key, value] of Object.entries(detail as Record<string, unknown>)) {
    if (/^offset$/i.test(key) && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  }
  return undefined;
}

/** A detail that is prose (not a digest, not an object) adds to the message. */
function detailText(detail: unknown): string | undefined {
  if (typeof detail === 'string' && detail.trim() !== '' && !DIGEST_IN_TEXT.test(detail)) return safeText(detail.trim(), 1000);
  if (typeof detail === 'object' && detail !== null && !Array.isArray(detail)) {
    const record = detail as Record<string, unknown>;
    for (const key of ['message', 'reason', 'Reason', 'error']) {
      if (typeof record[key] === 'string' && (record[key] as string).trim() !== '') return safeText((record[key] as string).trim(), 1000);
    }
  }
  return undefined;
}

interface Located {
  readonly start: number;
  readonly end: number;
  readonly what: string;
}

function describeDescriptor(ref: DescriptorRef): string {
  switch (ref.role) {
    case 'config':
      return 'the config';
    case 'layer':
      return ref.index !== undefined ? `layer ${ref.index + 1} of ${ref.count}` : 'a layer';
    case 'manifest':
      return ref.index !== undefined ? `manifest ${ref.index + 1} of ${ref.count}` : 'a manifest';
    case 'subject':
      return 'the subject';
    case 'blob':
      return ref.index !== undefined ? `blob ${ref.index + 1} of ${ref.count}` : 'a blob';
  }
}

/** The descriptors (and schema 1 fsLayers) of a document, by digest, in document order. */
function descriptorsByDigest(text: string): Map<string, Located> {
  const map = new Map<string, Located>();
  let parsed;
  try {
    parsed = parseDocument(text);
  } catch {
    return map;
  }
  const root = parsed.root;
  for (const ref of collectDescriptors(root, parsed.detection.kind)) {
    const digest = stringMember(ref.node, 'digest');
    if (digest !== undefined && !map.has(digest)) {
      const range = rangeOf(ref.node);
      map.set(digest, { start: range.start, end: range.end, what: describeDescriptor(ref) });
    }
  }
  if (parsed.detection.kind === 'docker-schema1' && isObject(root)) {
    const layers = elements(member(root, 'fsLayers'));
    layers.forEach((node, index) => {
      const digest = stringMember(node, 'blobSum');
      if (digest !== undefined && !map.has(digest)) {
        const range = rangeOf(node);
        map.set(digest, { start: range.start, end: range.end, what: `fsLayers entry ${index + 1} of ${layers.length}` });
      }
    });
  }
  return map;
}

/** The character offset of a byte offset into the UTF-8 encoding of `text`. */
function charOffsetOfByte(text: string, byteOffset: number): number {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.from(bytes.subarray(0, Math.min(byteOffset, bytes.length))).toString('utf8').length;
}

/** One readable, located error per entry of the registry's answer to a push of `text`. */
export function locateRegistryErrors(text: string, errors: readonly RegistryErrorEntry[]): LocatedRegistryError[] {
  let descriptors: Map<string, Located> | undefined;
  return errors.map((entry) => {
    const code = safeText(entry.code, 100);
    let message = SENTENCES[code] ?? `The registry refused the push with ${code}.`;
    let range: LocatedRegistryError['range'];
    const digests = detailDigests(entry.detail);
    if (digests.length > 0) {
      descriptors ??= descriptorsByDigest(text);
      for (const digest of digests) {
        const found = descriptors.get(digest);
        if (found) {
          range = { start: found.start, end: found.end };
          message = `${message} It names ${found.what}: ${digest}.`;
          break;
        }
      }
      if (!range) {
        const at = text.indexOf(`"${digests[0]}"`);
        if (at !== -1) range = { start: at, end: at + digests[0].length + 2 };
        message = `${message} It names ${digests[0]}.`;
      }
    }
    const offset = detailOffset(entry.detail);
    if (!range && offset !== undefined) {
      const at = charOffsetOfByte(text, offset);
      const start = Math.max(0, Math.min(at - 1, text.length));
      range = { start, end: Math.min(text.length, start + 1) };
      message = `${message} Its JSON decoder stopped at byte ${offset}.`;
    }
    const extra = [typeof entry.message === 'string' ? safeText(entry.message, 1000) : entry.message, detailText(entry.detail)].filter((m): m is string => typeof m === 'string' && m.trim() !== '' && !STOCK_MESSAGES.has(m.trim().toLowerCase()) && !STOCK_MESSAGES.has(m.trim()));
    if (extra.length > 0) message = `${message} The registry says: ${[...new Set(extra)].join('; ')}.`.replace(/\.\.$/, '.');
    return { code, message, range };
  });
}
