import type { Node } from 'jsonc-parser';
import { collectDescriptors } from '../descriptors';
import { isValidDigest } from '../digest';
import { isObject, member, stringMember } from '../json-tree';
import { mediaTypeInfo } from '../media-types';
import { parseDocument, type ParsedDocument } from '../parse';
import { replaceValue, type RuleContext } from './context';

/** Manifests, indexes and configs are small; anything bigger is not read for cross-checks. */
const MAX_JSON_BLOB = 4 * 1024 * 1024;

/** Reading blobs is I/O on the validation path: a huge index is cross-checked for its first entries. */
const MAX_CROSS_CHECKED = 500;

const MEDIA_TYPE_OF_KIND: Record<string, string | undefined> = {
  'oci-manifest': 'application/vnd.oci.image.manifest.v1+json',
  'oci-index': 'application/vnd.oci.image.index.v1+json',
  'docker-manifest': 'application/vnd.docker.distribution.manifest.v2+json',
  'docker-manifest-list': 'application/vnd.docker.distribution.manifest.list.v2+json',
};

/** Checks that need the blobs a document points to: only when it sits in a layout. */
export function checkLayoutReferences(ctx: RuleContext): void {
  const blobs = ctx.context.blobs;
  if (!blobs) return;
  const cache = new Map<string, ParsedDocument | undefined>();
  const load = (digest: string | undefined): ParsedDocument | undefined => {
    if (!digest || !isValidDigest(digest)) return undefined;
    if (!cache.has(digest)) {
      const text = blobs.readText(digest, MAX_JSON_BLOB);
      cache.set(digest, text === undefined ? undefined : parseDocument(text));
    }
    return cache.get(digest);
  };

  let budget = MAX_CROSS_CHECKED;
  for (const ref of collectDescriptors(ctx.root, ctx.kind)) {
    if (ref.role !== 'manifest' && ref.role !== 'subject') continue;
    if (budget-- <= 0) break;
    const mediaTypeNode = member(ref.node, 'mediaType');
    const declared = mediaTypeNode?.type === 'string' ? (mediaTypeNode.value as string) : undefined;
    const role = declared ? mediaTypeInfo(declared)?.role : undefined;
    if (!mediaTypeNode || !declared || (role !== 'manifest' && role !== 'index')) continue;
    const child = load(stringMember(ref.node, 'digest'));
    if (!child || child.detection.kind === 'unknown' || child.syntaxErrors.length > 0) continue;
    const actual = stringMember(child.root, 'mediaType') ?? MEDIA_TYPE_OF_KIND[child.detection.kind];
    if (actual && actual !== declared && mediaTypeInfo(actual)) {
      ctx.report(
        'layout-media-type-mismatch',
        mediaTypeNode,
        `The descriptor says \`${declared}\`, but the blob it points to is \`${actual}\`; a descriptor's media type must be that of the referenced content (containerd and distribution refuse the pair).`,
        [replaceValue(`Use ${actual}`, mediaTypeNode, actual)],
      );
      continue;
    }
    const platform = member(ref.node, 'platform');
    if (ref.role === 'manifest' && isObject(platform)) checkPlatformAgainstConfig(ctx, platform, child, load);
  }
}

function checkPlatformAgainstConfig(
  ctx: RuleContext,
  platform: Node,
  manifest: ParsedDocument,
  load: (digest: string | undefined) => ParsedDocument | undefined,
): void {
  if (manifest.detection.kind !== 'oci-manifest' && manifest.detection.kind !== 'docker-manifest') return;
  const config = load(stringMember(member(manifest.root, 'config'), 'digest'));
  if (!config || (config.detection.kind !== 'oci-config' && config.detection.kind !== 'docker-config')) return;
  for (const field of ['os', 'architecture', 'variant'] as const) {
    const node = member(platform, field);
    const expected = stringMember(config.root, field);
    if (node?.type !== 'string' || expected === undefined || node.value === expected) continue;
    ctx.report(
      'layout-platform-mismatch',
      node,
      `The platform says ${field} \`${node.value as string}\`, but the referenced image's config says \`${expected}\`; clients pick this entry for the wrong machines.`,
      [replaceValue(`Use ${expected}`, node, expected)],
    );
  }
}
