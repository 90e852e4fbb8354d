/**
 * Which descriptors of a manifest or index name a JSON document worth opening, and whether a
 * registry serves it from `/manifests/` or `/blobs/`. The server turns these into links for
 * documents fetched from a registry (`oci-registry:` URIs); pure, no URI or network code here.
 */
import { collectDescriptors, type DescriptorRole } from './descriptors';
import { isValidDigest } from './digest';
import { member, stringMember } from './json-tree';
import { mediaTypeInfo } from './media-types';
import type { ParsedDocument } from './parse';
import type { OffsetRange } from './types';

export type ChildEndpoint = 'manifest' | 'blob';

export interface ChildLink {
  readonly digest: string;
  /** The digest's characters, inside the quotes. */
  readonly range: OffsetRange;
  readonly role: DescriptorRole;
  readonly endpoint: ChildEndpoint;
}

/**
 * Manifests and indexes live under `/manifests/` (also when a layer or blob descriptor names one,
 * as artifact manifests do); configs and other JSON content under `/blobs/`. Layer tarballs and
 * other binary blobs get no link: opening megabytes of gzip as text helps nobody.
 */
function endpointFor(role: DescriptorRole, mediaType: string | undefined): ChildEndpoint | undefined {
  const info = mediaType === undefined ? undefined : mediaTypeInfo(mediaType);
  if (info?.role === 'manifest' || info?.role === 'index') return 'manifest';
  // An index entry and a subject are manifests whatever their (perhaps missing) media type says.
  if (role === 'manifest' || role === 'subject') return 'manifest';
  if (role === 'config') return 'blob';
  if (info) return info.format === 'json' ? 'blob' : undefined;
  // Unknown types: structured-syntax suffix +json (RFC 6839) or plain application/json.
  return mediaType !== undefined && /(^application\/json$|\+json$)/.test(mediaType) ? 'blob' : undefined;
}

/** Every descriptor whose digest should link to a registry document, in document order, at most `limit`. */
export function childLinks(parsed: ParsedDocument, limit = 5000): ChildLink[] {
  const links: ChildLink[] = [];
  if (!parsed.root) return links;
  for (const descriptor of collectDescriptors(parsed.root, parsed.detection.kind)) {
    if (links.length >= limit) break;
    const endpoint = endpointFor(descriptor.role, stringMember(descriptor.node, 'mediaType'));
    if (!endpoint) continue;
    const node = member(descriptor.node, 'digest');
    if (node?.type !== 'string' || typeof node.value !== 'string' || !isValidDigest(node.value)) continue;
    const digest = node.value;
    // Escapes would shift the characters; then the whole token, quotes included, is the range.
    const raw = parsed.text.slice(node.offset, node.offset + node.length);
    const range = raw === JSON.stringify(digest) ? { start: node.offset + 1, end: node.offset + 1 + digest.length } : { start: node.offset, end: node.offset + node.length };
    links.push({ digest, range, role: descriptor.role, endpoint });
  }
  return links;
}
