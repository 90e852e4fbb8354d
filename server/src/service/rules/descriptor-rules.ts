import { createHash } from 'node:crypto';
import type { Node } from 'jsonc-parser';
import type { DescriptorRef, DescriptorRole } from '../descriptors';
import { digestProblems } from '../digest';
import { elements, keyOf, member, propertyNode, rangeOf } from '../json-tree';
import {
  DOCKER_LAYER_GZIP,
  EMPTY_DIGEST,
  EMPTY_SIZE,
  MEDIA_TYPES,
  MEDIA_TYPE_PATTERN,
  closestKnownMediaType,
  mediaTypeInfo,
  type MediaTypeInfo,
  type MediaTypeRole,
} from '../media-types';
import { equivalentInFamily } from '../media-type-families';
import { LazyNode } from '../lazy-tree';
import { replaceValue, show, type RuleContext } from './context';

const ROLES_THAT_FIT: Record<DescriptorRole, readonly MediaTypeRole[]> = {
  config: ['config', 'empty', 'artifact'],
  layer: ['layer', 'artifact', 'empty'],
  manifest: ['manifest', 'index'],
  subject: ['manifest', 'index'],
  blob: ['layer', 'artifact', 'empty', 'config', 'manifest', 'index'],
};

const ROLE_WORDS: Record<MediaTypeRole, string> = {
  manifest: 'a manifest type',
  index: 'an index type',
  config: 'a config type',
  layer: 'a layer type',
  artifact: 'an artifact payload type',
  empty: 'the empty type',
};

const POSITION_WORDS: Record<DescriptorRole, string> = {
  config: 'the config descriptor',
  layer: 'a layer',
  manifest: 'an entry of `manifests`',
  subject: '`subject`',
  blob: 'a blob',
};

export function checkDescriptors(ctx: RuleContext): void {
  checkArtifactType(ctx, ctx.root);
  for (const ref of ctx.descriptors) {
    const raw = ref.node instanceof LazyNode ? (ref.node.raw as Record<string, unknown>) : undefined;
    if (raw) {
      checkQuietly(ctx, ref, raw);
      continue;
    }
    checkMediaType(ctx, ref);
    checkDescriptorDigest(ctx, ref.node);
    checkSize(ctx, member(ref.node, 'size'));
    checkEmptyDescriptor(ctx, ref.node);
    checkData(ctx, ref.node);
    checkUrls(ctx, ref);
    checkArtifactType(ctx, ref.node);
    checkDockerOnlyFields(ctx, ref);
  }
}

/** With a length check of 71: `sha256:` and 64 lowercase hex digits (the unbounded form runs faster). */
const PLAIN_SHA256 = /^sha256:[0-9a-f]+$/;

/**
 * The same checks, reading the plain values first: a descriptor that is certainly fine (the common
 * case, thousands of times in a large index) costs no tree nodes at all.
 */
function checkQuietly(ctx: RuleContext, ref: DescriptorRef, raw: Record<string, unknown>): void {
  const mediaType = raw.mediaType;
  const info = typeof mediaType === 'string' ? mediaTypeInfo(mediaType) : undefined;
  if (info) {
    if (info.status !== 'current' || !ROLES_THAT_FIT[ref.role].includes(info.role) || familyMismatch(ctx, info, ref.role)) checkMediaType(ctx, ref);
  } else if (typeof mediaType === 'string' && (isDockerLayer(ctx, ref.role) || !(isWellFormedMediaType(mediaType) && closestKnownMediaType(mediaType, candidatesFor(ref.role), ref.role === 'manifest') === undefined))) {
    // An unknown type is fine unless it is malformed, a likely misspelling of a known one, or a Docker v2s2 layer.
    checkMediaType(ctx, ref);
  }
  const digest = raw.digest;
  if (!(typeof digest === 'string' && digest.length === 71 && PLAIN_SHA256.test(digest))) checkDescriptorDigest(ctx, ref.node);
  const size = raw.size;
  if (!(ctx.doc.plainNumbers && typeof size === 'number' && Number.isSafeInteger(size))) checkSize(ctx, member(ref.node, 'size'));
  if (info?.role === 'empty') checkEmptyDescriptor(ctx, ref.node);
  if (raw.data !== undefined) checkData(ctx, ref.node);
  if (raw.urls !== undefined || info?.foreign) checkUrls(ctx, ref);
  if (typeof raw.artifactType === 'string' && !isWellFormedMediaType(raw.artifactType)) checkArtifactType(ctx, ref.node);
  checkDockerOnlyFields(ctx, ref);
}

function familyMismatch(ctx: RuleContext, info: MediaTypeInfo, role: DescriptorRole): boolean {
  if (ctx.kind === 'oci-manifest' || ctx.kind === 'oci-index') return info.family === 'docker';
  if (isDockerLayer(ctx, role)) return info.family !== 'docker';
  if (ctx.kind === 'docker-manifest' || ctx.kind === 'docker-manifest-list') return info.family === 'oci';
  return false;
}

function isDockerLayer(ctx: RuleContext, role: DescriptorRole): boolean {
  return ctx.kind === 'docker-manifest' && role === 'layer';
}

/** Digest checks shared by descriptors, diff_ids, blobSums and annotations. */
export function checkDigestValue(ctx: RuleContext, node: Node | undefined): void {
  if (node?.type !== 'string') return;
  for (const problem of digestProblems(node.value as string)) {
    switch (problem.kind) {
      case 'grammar':
        ctx.report('invalid-digest', node, problem.message);
        break;
      case 'uppercase':
        ctx.report('digest-uppercase', node, problem.message, [replaceValue('Lowercase the digest', node, problem.fixed)]);
        break;
      case 'length':
        ctx.report('digest-length', node, problem.message);
        break;
      case 'unregistered':
        ctx.report('unknown-digest-algorithm', node, problem.message);
        break;
      case 'support':
        ctx.report('digest-algorithm-support', node, problem.message);
        break;
    }
  }
}

function checkDescriptorDigest(ctx: RuleContext, descriptor: Node): void {
  checkDigestValue(ctx, member(descriptor, 'digest'));
}

/** Unknown types that match the grammar, remembered: a document repeats its vendor types. */
const WELL_FORMED = new Set<string>();

/** A known media type, or one that matches the RFC 6838 grammar. */
function isWellFormedMediaType(value: string): boolean {
  if (mediaTypeInfo(value) || WELL_FORMED.has(value)) return true;
  if (!MEDIA_TYPE_PATTERN.test(value)) return false;
  // Bounded: a document of random types must not grow it without end.
  if (WELL_FORMED.size >= 4096) WELL_FORMED.clear();
  WELL_FORMED.add(value);
  return true;
}

/** The media type grammar, with a clear word for the common empty-string and parameter cases. */
export function checkMediaTypeGrammar(ctx: RuleContext, node: Node, role?: DescriptorRole): boolean {
  const value = node.value as string;
  if (isWellFormedMediaType(value)) return true;
  const name = keyOf(node)?.value ?? 'mediaType';
  let message: string;
  if (value === '') {
    // A descriptor's mediaType is REQUIRED: removing it only trades this for missing-property.
    message = name === 'mediaType' ? '`mediaType` is an empty string, which is not a media type: set the exact type of the content (a descriptor\'s `mediaType` is REQUIRED).' : `\`${String(name)}\` is an empty string, which is not a media type: set the exact type or remove the member.`;
  }
  else if (value.includes(';')) message = `${show(value)} has parameters; a descriptor's media type is a bare \`type/subtype\`.`;
  else message = `${show(value)} is not a media type: expected \`type/subtype\` as in RFC 6838 (e.g. \`application/vnd.oci.image.layer.v1.tar+gzip\`).`;
  const suggestion = value.trim() && closestKnownMediaType(value.trim(), candidatesFor(role));
  ctx.report('invalid-media-type', node, message, suggestion ? [replaceValue(`Use ${suggestion}`, node, suggestion)] : undefined);
  return false;
}

const CANDIDATES_BY_ROLE = new Map<DescriptorRole, readonly MediaTypeInfo[]>();

/** The known types that fit a position (one array per role, so lookups on it can be cached). */
function candidatesFor(role: DescriptorRole | undefined): readonly MediaTypeInfo[] {
  if (!role) return MEDIA_TYPES;
  let candidates = CANDIDATES_BY_ROLE.get(role);
  if (!candidates) {
    const fits = ROLES_THAT_FIT[role];
    candidates = MEDIA_TYPES.filter((info) => fits.includes(info.role));
    CANDIDATES_BY_ROLE.set(role, candidates);
  }
  return candidates;
}

function checkMediaType(ctx: RuleContext, ref: DescriptorRef): void {
  const node = member(ref.node, 'mediaType');
  if (node?.type !== 'string') return;
  if (!checkMediaTypeGrammar(ctx, node, ref.role)) return;
  const mediaType = node.value as string;
  const info = mediaTypeInfo(mediaType);
  if (!info) {
    // Unknown types must not be errors (artifacts); only a likely misspelling is worth a word.
    const suggestion = closestKnownMediaType(mediaType, candidatesFor(ref.role), ref.role === 'manifest');
    if (suggestion) {
      ctx.report(
        'media-type-typo',
        node,
        `Unknown media type ${show(mediaType)} in ${POSITION_WORDS[ref.role]}; did you mean \`${suggestion}\`?`,
        [replaceValue(`Use ${suggestion}`, node, suggestion)],
      );
    } else checkDockerLayerType(ctx, node, ref.role, undefined);
    return;
  }
  checkDockerLayerType(ctx, node, ref.role, info);
  checkStatus(ctx, node, info);
  if (!ROLES_THAT_FIT[ref.role].includes(info.role)) {
    ctx.report('media-type-role', node, `\`${mediaType}\` is ${ROLE_WORDS[info.role]}, but it is used for ${POSITION_WORDS[ref.role]}.`);
    return;
  }
  checkFamily(ctx, node, info, ref.role);
}

/**
 * Docker v2 schema 2 layers are Docker layer types ("should generally be" the gzip one); any other
 * type than Docker's or OCI's (those have their own code) makes containers/image (podman, skopeo,
 * CRI-O) refuse the whole manifest. Configs may be anything: artifacts are not errors.
 */
function checkDockerLayerType(ctx: RuleContext, node: Node, role: DescriptorRole, info: MediaTypeInfo | undefined): void {
  if (!isDockerLayer(ctx, role)) return;
  if (info && (info.family === 'docker' || info.family === 'oci')) return;
  ctx.report(
    'docker-manifest-layer-type',
    node,
    `\`${node.value as string}\` is not a Docker layer type, but a Docker v2 schema 2 manifest's layers should be (\`${DOCKER_LAYER_GZIP}\`, generally); containers/image (podman, skopeo, CRI-O) refuses the manifest ("unsupported docker v2s2 media type"). For an artifact, use an OCI image manifest.`,
  );
}

function checkStatus(ctx: RuleContext, node: Node, info: MediaTypeInfo): void {
  const fix = info.replacement ? [replaceValue(`Use ${info.replacement}`, node, info.replacement)] : undefined;
  switch (info.status) {
    case 'deprecated':
      ctx.report('deprecated-media-type', node, `\`${info.mediaType}\` is deprecated. ${info.description}`, fix);
      break;
    case 'prerelease':
      ctx.report('prerelease-media-type', node, `\`${info.mediaType}\` is a release-candidate name; the released spec uses \`${info.replacement}\`.`, fix);
      break;
    case 'withdrawn':
      ctx.report('artifact-manifest-withdrawn', node, `\`${info.mediaType}\` was withdrawn before image-spec 1.1.0; refer to an image manifest with \`artifactType\` instead.`);
      break;
    default:
      break;
  }
}

function checkFamily(ctx: RuleContext, node: Node, info: MediaTypeInfo, role: DescriptorRole): void {
  const mediaType = info.mediaType;
  // A subject names the manifest a signature or SBOM is about, by its real type: a Docker image's
  // signature must say Docker. No spec restricts it, and relabelling would point elsewhere.
  if (role === 'subject') return;
  const ociDocument = ctx.kind === 'oci-manifest' || ctx.kind === 'oci-index';
  if (ociDocument && info.family === 'docker' && info.status === 'current') {
    const equivalent = equivalentInFamily(mediaType, 'oci');
    const why =
      role === 'config'
        ? ' Manifests concerned with portability SHOULD use the OCI config type (manifest.md), and containers/image refuses it ("invalid mixed OCI image with Docker v2s2 config").'
        : ctx.kind === 'oci-index'
          ? ' Indexes concerned with portability SHOULD use the OCI manifest types (image-index.md); Quay refuses Docker manifests inside an OCI index.'
          : ' Manifests concerned with portability SHOULD use the OCI layer types (manifest.md); some registries refuse the mix.';
    // An index entry's type is what the manifest it names is: relabelling it would lie (convert the
    // manifest itself, which changes its digest). Layers and configs keep their bytes, so they may.
    const relabel = equivalent && role !== 'manifest';
    ctx.report(
      'mixed-family',
      node,
      `Docker media type \`${mediaType}\` in an OCI ${ctx.kind === 'oci-index' ? 'index' : 'manifest'}.${why}${
        equivalent ? (relabel ? ` The OCI type is \`${equivalent}\`.` : ' Converting means pushing that manifest in OCI form and naming its new digest here.') : ''
      }`,
      relabel ? [replaceValue(`Use ${equivalent}`, node, equivalent as string)] : undefined,
    );
  } else if (ctx.kind === 'docker-manifest' && info.family === 'oci') {
    const equivalent = equivalentInFamily(mediaType, 'docker');
    ctx.report(
      'docker-manifest-oci-type',
      node,
      `OCI media type \`${mediaType}\` in a Docker v2 schema 2 manifest, which only allows Docker types; containers/image refuses it ("unsupported docker v2s2 media type").${equivalent ? ` Use \`${equivalent}\`.` : ''}`,
      equivalent ? [replaceValue(`Use ${equivalent}`, node, equivalent)] : undefined,
    );
  } else if (ctx.kind === 'docker-manifest-list' && info.family === 'oci') {
    // No relabelling fix: the entry's type is what the manifest it names is.
    ctx.report('mixed-family', node, `OCI media type \`${mediaType}\` inside a Docker manifest list, which generally holds Docker manifests; use an OCI index for OCI manifests.`);
  }
}

const MAX_SIZE = (1n << 63n) - 1n;

/** `size` as written: JSON.parse cannot tell `1e3` from `1000` or keep integers above 2^53. */
export function checkSize(ctx: RuleContext, node: Node | undefined): void {
  if (node?.type !== 'number') return;
  const value = node.value as number;
  if (!Number.isInteger(value) || value < 0) return; // the schema reports these
  if (ctx.doc.plainNumbers && Number.isSafeInteger(value)) return; // the value is its text
  const raw = ctx.doc.text.slice(node.offset, node.offset + node.length);
  const name = `\`${String(keyOf(node)?.value ?? 'size')}\``;
  if (!/^-?(0|[1-9]\d*)$/.test(raw)) {
    const canonical = /^\d+\.0*$/.test(raw) ? raw.replace(/\.0*$/, '') : BigInt(Math.trunc(value)).toString();
    ctx.report('invalid-size', node, `${name} must be written as a plain integer; \`${raw}\` has a fraction or exponent, which Go's int64 decoding rejects.`, [
      { title: `Write ${canonical}`, range: rangeOf(node), newText: canonical },
    ]);
    return;
  }
  if (raw.startsWith('-')) return;
  if (BigInt(raw) > MAX_SIZE) {
    ctx.report('invalid-size', node, `${name} ${raw} is larger than the largest allowed size, 2^63−1 (9223372036854775807).`);
  }
}

function checkEmptyDescriptor(ctx: RuleContext, descriptor: Node): void {
  const mediaTypeNode = member(descriptor, 'mediaType');
  const info = mediaTypeNode?.type === 'string' ? mediaTypeInfo(mediaTypeNode.value as string) : undefined;
  if (info?.role !== 'empty') return;
  const digest = member(descriptor, 'digest');
  const size = member(descriptor, 'size');
  if (digest?.type === 'string' && digest.value !== EMPTY_DIGEST) {
    ctx.report('empty-descriptor', digest, `A descriptor of type \`${info.mediaType}\` points at the two bytes \`{}\`; its digest must be \`${EMPTY_DIGEST}\`.`, [
      replaceValue('Set the empty digest', digest, EMPTY_DIGEST),
    ]);
  }
  if (size?.type === 'number' && size.value !== EMPTY_SIZE) {
    ctx.report('empty-descriptor', size, `A descriptor of type \`${info.mediaType}\` has size 2 (the bytes \`{}\`), not ${String(size.value)}.`, [
      replaceValue('Set size 2', size, EMPTY_SIZE),
    ]);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function checkData(ctx: RuleContext, descriptor: Node): void {
  const data = member(descriptor, 'data');
  if (data?.type !== 'string') return;
  const encoded = data.value as string;
  if (!BASE64.test(encoded)) {
    ctx.report('invalid-data', data, '`data` must be standard base64 with padding (RFC 4648 §4): only `A–Z a–z 0–9 + /`, length a multiple of 4.');
    return;
  }
  const bytes = Buffer.from(encoded, 'base64');
  const size = member(descriptor, 'size');
  if (size?.type === 'number' && Number.isInteger(size.value) && size.value !== bytes.length) {
    const written = ctx.doc.text.slice(size.offset, size.offset + size.length);
    ctx.report('invalid-data', data, `\`data\` decodes to ${bytes.length} bytes, but \`size\` says ${written}.`, [
      replaceValue(`Set size ${bytes.length}`, size, bytes.length),
    ]);
  }
  const digest = member(descriptor, 'digest');
  if (digest?.type !== 'string') return;
  const [algorithm, encodedDigest] = (digest.value as string).split(':', 2);
  if ((algorithm === 'sha256' || algorithm === 'sha512') && encodedDigest && /^[0-9a-f]+$/.test(encodedDigest)) {
    const actual = createHash(algorithm).update(bytes).digest('hex');
    if (actual !== encodedDigest) {
      ctx.report('invalid-data', data, `\`data\` hashes to \`${algorithm}:${actual}\`, not to the descriptor's digest.`);
    }
  }
}

function checkUrls(ctx: RuleContext, ref: DescriptorRef): void {
  const urls = member(ref.node, 'urls');
  for (const entry of elements(urls)) {
    if (entry.type !== 'string') continue;
    let url: URL;
    try {
      url = new URL(entry.value as string);
    } catch {
      ctx.report('invalid-url', entry, `${show(entry.value)} is not an absolute URL (RFC 3986).`);
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.report('url-scheme', entry, `URLs in \`urls\` should use http or https, not \`${url.protocol.slice(0, -1)}\`.`);
    }
  }
  const mediaType = member(ref.node, 'mediaType');
  const info = mediaType?.type === 'string' ? mediaTypeInfo(mediaType.value as string) : undefined;
  // Only Docker's foreign layers are refused without urls; OCI non-distributable ones MAY have them.
  if (info?.foreign && info.family === 'docker' && ref.role === 'layer' && elements(urls).length === 0) {
    ctx.report(
      'foreign-layer-urls',
      mediaType as Node,
      `\`${info.mediaType}\` is never pushed to the registry, so without \`urls\` nobody can fetch it; distribution refuses it ("missing URL on layer").`,
    );
  }
}

function checkArtifactType(ctx: RuleContext, descriptor: Node): void {
  const artifactType = member(descriptor, 'artifactType');
  if (artifactType?.type === 'string') checkMediaTypeGrammar(ctx, artifactType);
}

/** Members the Docker formats do not define; strict Docker parsers (e.g. Jib ≤ 3.5.3) fail on them. */
const DOCKER_UNDEFINED_FIELDS = ['artifactType', 'annotations', 'data'];

function checkDockerOnlyFields(ctx: RuleContext, ref: DescriptorRef): void {
  if (ctx.kind !== 'docker-manifest' && ctx.kind !== 'docker-manifest-list') return;
  for (const field of DOCKER_UNDEFINED_FIELDS) {
    const property = propertyNode(ref.node, field);
    const value = property?.children?.[1];
    if (!property || !value || value.type === 'null') continue;
    ctx.report(
      'docker-unsupported-field',
      property.children?.[0] as Node,
      `\`${field}\` is an OCI descriptor field that the Docker ${ctx.kind === 'docker-manifest' ? 'manifest' : 'manifest list'} format does not define; Docker clients ignore it and strict parsers (Jib ≤ 3.5.3) fail on it.`,
    );
  }
}
