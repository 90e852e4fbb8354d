import type { Node } from 'jsonc-parser';
import { sniffFormat, type BlobFormat, type BlobStore } from '../blob-store';
import type { DescriptorRef } from '../descriptors';
import { isValidDigest } from '../digest';
import { elements, isObject, member, propertyNode, stringMember } from '../json-tree';
import { EMPTY_DIGEST, isImageConfigType, mediaTypeInfo, type MediaTypeInfo } from '../media-types';
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
  checkOwnDigest(ctx, blobs);
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
  const imageConfig = isImageConfigType(stringMember(member(ctx.root, 'config'), 'mediaType') ?? '');
  for (const ref of ctx.descriptors) {
    if (budget-- <= 0) break;
    if (!checkBlobPresence(ctx, ref, blobs, imageConfig)) continue;
    if (ref.role === 'config') checkConfigAgainstLayers(ctx, ref.node, load);
    if (ref.role !== 'manifest' && ref.role !== 'subject') continue;
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

/** Whether the blob is there with the declared size (and, for layers of images, format). */
function checkBlobPresence(ctx: RuleContext, ref: DescriptorRef, blobs: BlobStore, imageConfig: boolean): boolean {
  const digestNode = member(ref.node, 'digest');
  const digest = digestNode?.type === 'string' ? (digestNode.value as string) : undefined;
  if (!digestNode || !digest || !isValidDigest(digest)) return false;
  const stat = blobs.stat(digest);
  if (stat === undefined) {
    const why = blobs.unreadableReason?.(digest);
    if (why) {
      ctx.report('blob-unreadable', digestNode, `The layout's \`${blobNameOf(blobs, digest)}\` is ${why}, not a regular file inside the layout, so it is never read: nothing can be verified about this content, and tools that follow it may read outside the layout or hang.`);
    }
    return false;
  }
  if (stat === 'missing') {
    // The empty descriptor's content is known (`{}`): nothing is lost when a layout leaves it out.
    if (digest === EMPTY_DIGEST) return false;
    ctx.report('blob-missing', digestNode, `The layout has no blob \`${blobNameOf(blobs, digest)}\`; the spec allows layouts to leave blobs out, but this content cannot be read from here.`);
    return false;
  }
  checkDigest(ctx, digestNode, digest, blobs);
  const sizeNode = member(ref.node, 'size');
  if (sizeNode?.type === 'number' && Number.isInteger(sizeNode.value) && sizeNode.value !== stat.size) {
    ctx.report('blob-size-mismatch', sizeNode, `The descriptor says ${String(sizeNode.value)} bytes, but the blob in the layout has ${stat.size}; clients refuse content whose size does not match (containerd: "failed size validation").`, [
      replaceValue(`Set size ${stat.size}`, sizeNode, stat.size),
    ]);
    return false;
  }
  const mediaTypeNode = member(ref.node, 'mediaType');
  const info = mediaTypeNode?.type === 'string' ? mediaTypeInfo(mediaTypeNode.value as string) : undefined;
  if (!mediaTypeNode || !info || info.encrypted) return true;
  const expected = expectedFormats(info, ref.role === 'layer' && imageConfig);
  if (!expected) return true;
  const head = blobs.head(digest, 512);
  if (!head || head.length === 0) return true;
  const actual = sniffFormat(head);
  if (actual === 'unknown' || expected.includes(actual)) return true;
  ctx.report(
    'blob-content-mismatch',
    mediaTypeNode,
    `\`${info.mediaType}\` says ${describeFormats(expected)}, but the blob is ${FORMAT_WORDS[actual]}; clients that trust the media type fail to read it.`,
  );
  return false;
}

function blobNameOf(blobs: BlobStore, digest: string): string {
  return blobs.blobName?.(digest) ?? `blobs/${digest.replace(':', '/')}`;
}

/**
 * The blob hashes to its digest. A store that hashes in the background answers `pending` for a
 * blob it has not read yet: nothing is said now, and the server validates again when it is done.
 */
function checkDigest(ctx: RuleContext, digestNode: Node, digest: string, blobs: BlobStore): void {
  const status = blobs.digestStatus?.(digest);
  if (status?.state !== 'mismatch') return;
  ctx.report(
    'blob-digest-mismatch',
    digestNode,
    `The blob \`${blobNameOf(blobs, digest)}\` hashes to \`${status.actual ?? 'another digest'}\`, not to this digest: its content was changed, truncated or corrupted, and clients refuse it ("digest mismatch"). Restore the blob, or point the descriptor at the right content.`,
  );
}

/**
 * A document that is itself a blob of the layout must hash to its own file name. The bytes hashed
 * are the file's on disk; the check applies only while the text equals the file (an editor buffer
 * with unsaved changes is not judged: its digest changes with every edit).
 */
function checkOwnDigest(ctx: RuleContext, blobs: BlobStore): void {
  const own = ctx.context.ownDigest;
  if (!own || !blobs.digestStatus || !isValidDigest(own)) return;
  const status = blobs.digestStatus(own);
  if (status.state !== 'mismatch') return;
  const onDisk = blobs.readText(own, MAX_JSON_BLOB);
  if (onDisk === undefined || onDisk.replace(/^\uFEFF/, '') !== ctx.doc.text.replace(/^\uFEFF/, '')) return;
  const start = ctx.doc.root?.offset ?? 0;
  ctx.report(
    'blob-digest-mismatch',
    { start, end: Math.min(start + 1, ctx.doc.text.length) },
    `This file is the blob \`${own}\` of its layout, but its bytes hash to \`${status.actual ?? 'another digest'}\`: a blob's name is the digest of its content, so it was edited or damaged after it was written. Descriptors that point at it now fail verification; restore it, or store it under its new digest and update them.`,
  );
}

const FORMAT_WORDS: Record<BlobFormat, string> = {
  gzip: 'gzip-compressed data',
  zstd: 'zstd-compressed data',
  tar: 'an uncompressed tar archive',
  json: 'JSON',
  unknown: 'something else',
};

function describeFormats(formats: readonly BlobFormat[]): string {
  return formats.map((format) => FORMAT_WORDS[format]).join(' or ');
}

/** The formats a blob of this media type may have; undefined when the type does not pin one. */
function expectedFormats(info: MediaTypeInfo, filesystemLayer: boolean): readonly BlobFormat[] | undefined {
  if (info.role === 'manifest' || info.role === 'index' || info.role === 'config' || info.role === 'empty') {
    return info.format === 'json' ? ['json'] : undefined;
  }
  if (info.role !== 'layer' || !filesystemLayer) return undefined;
  if (info.compression === 'gzip') return ['gzip'];
  if (info.compression === 'zstd') return ['zstd'];
  // An uncompressed layer must at least not be compressed.
  return ['tar', 'json'];
}

/** diff_ids of the config and layers of the manifest pair one to one. */
function checkConfigAgainstLayers(ctx: RuleContext, configDescriptor: Node, load: (digest: string | undefined) => ParsedDocument | undefined): void {
  if (ctx.kind !== 'oci-manifest' && ctx.kind !== 'docker-manifest') return;
  if (!isImageConfigType(stringMember(configDescriptor, 'mediaType') ?? '')) return;
  const config = load(stringMember(configDescriptor, 'digest'));
  if (!config || (config.detection.kind !== 'oci-config' && config.detection.kind !== 'docker-config')) return;
  const diffIds = member(member(config.root, 'rootfs'), 'diff_ids');
  const layers = member(ctx.root, 'layers');
  if (diffIds?.type !== 'array' || layers?.type !== 'array') return;
  const diffCount = elements(diffIds).length;
  const layerCount = elements(layers).length;
  if (diffCount === layerCount) return;
  const key = propertyNode(ctx.root, 'layers')?.children?.[0] ?? layers;
  ctx.report('layout-layer-count', key, `The manifest has ${layerCount} ${layerCount === 1 ? 'layer' : 'layers'}, but its config's \`rootfs.diff_ids\` lists ${diffCount}; each layer needs its diff_id, and runtimes refuse to unpack the image otherwise.`);
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
