/**
 * Hover: layer and config descriptors with their numbers (position, sizes, share of the image),
 * index entries with their platforms, the document as a whole on its root members, and the meaning
 * of media types, digests, platform values and annotation keys.
 */
import { findNodeAtOffset, getNodePath, type JSONPath, type Node } from 'jsonc-parser';
import { annotationKeyInfo } from './annotation-keys';
import { layoutSection, type HoverEnvironment } from './blob-hover';
import type { BlobStore } from './blob-store';
import { annotationDocumentation, mediaTypeDetail } from './completion';
import {
  attestationTarget,
  descriptorForPath,
  descriptorSize,
  digestFacts,
  exactBytes,
  groupDigits,
  humanSize,
  imageTotals,
  isConfigKind,
  isImageManifestKind,
  isIndexKind,
  percentage,
  platformString,
  registeredDigestAlgorithms,
  shortDigest,
  shortLayerFormat,
  sizeMarkdown,
  type DescriptorContext,
} from './document-facts';
import { elements, isObject, member, properties, rangeOf, stringMember } from './json-tree';
import { EMPTY_DIGEST, MEDIA_TYPE_PATTERN, OCI_EMPTY, closestKnownMediaType, isImageConfigType, mediaTypeInfo } from './media-types';
import type { ParsedDocument } from './parse';
import { ARCHITECTURE_ALIASES, KNOWN_ARCHITECTURES, KNOWN_OS, OS_ALIASES, VARIANTS_BY_ARCHITECTURE } from './platforms';
import { descriptionAtPath, loadSchema, schemaFileForKind } from './schema-docs';
import type { OffsetRange } from './types';

export interface HoverResult {
  /** Markdown. */
  readonly markdown: string;
  readonly range: OffsetRange;
  /** Part of it (a layer's contents, a digest check) is still being computed: ask again shortly. */
  readonly pending?: boolean;
}

export interface HoverOptions {
  /** The blobs of the layout the document sits in: the hover then tells what they hold. */
  readonly blobs?: BlobStore;
}

const PLATFORM_HREF = 'https://github.com/opencontainers/image-spec/blob/main/image-index.md#platform-variants';

export function getHover(parsed: ParsedDocument, offset: number, options: HoverOptions = {}): HoverResult | undefined {
  const root = parsed.root;
  if (parsed.detection.kind === 'unknown' || !isObject(root)) return undefined;
  const node = findNodeAtOffset(root, offset, false);
  if (!node || node === root) return undefined;

  let target = node;
  let isKey = false;
  if (node.parent?.type === 'property') {
    if (node.parent.children?.[0] === node) isKey = true;
  } else if (node.type === 'property') {
    // between key and value (on the colon): treat as the key
    const key = node.children?.[0];
    if (!key) return undefined;
    target = key;
    isKey = true;
  }
  const path: JSONPath = isKey
    ? [...getNodePath(target.parent!.parent ?? root), String(target.value)]
    : getNodePath(target);
  const env: HoverEnvironment = { blobs: options.blobs, pending: false };
  const markdown = isKey ? keyHover(parsed, path, env) : valueHover(parsed, path, target, env);
  if (!markdown) return undefined;
  return env.pending ? { markdown, range: rangeOf(target), pending: true } : { markdown, range: rangeOf(target) };
}

// ---------------------------------------------------------------------------------------------
// Keys and values

function keyHover(parsed: ParsedDocument, path: JSONPath, env: HoverEnvironment): string | undefined {
  const kind = parsed.detection.kind;
  const key = String(path[path.length - 1]);
  const parentKey = path[path.length - 2];
  if (parentKey === 'annotations' || (isConfigKind(kind) && parentKey === 'Labels')) {
    return annotationKeyHover(key);
  }
  const description = descriptionAtPath(parsed.detection, path);
  const memberLine = `**\`${key}\`**${description ? `: ${description}` : ''}`;
  const descriptor = descriptorForPath(parsed, path);
  // `"config"` and `"subject"` are root members, but what a user hovers them for is the descriptor.
  if (path.length === 1 && !descriptor) return `${memberLine}\n\n---\n\n${documentSummary(parsed)}`;
  if (descriptor) {
    // The descriptor's own key (`"config": {`) or one of its members
    const own = descriptor.path.length === path.length;
    const summary = withLayout(descriptorSummary(parsed, descriptor), parsed, descriptor, env);
    return own ? summary : `${memberLine}\n\n---\n\n${summary}`;
  }
  return description ? memberLine : undefined;
}

function valueHover(parsed: ParsedDocument, path: JSONPath, node: Node, env: HoverEnvironment): string | undefined {
  const kind = parsed.detection.kind;
  const key = path[path.length - 1];
  const parentKey = path[path.length - 2];
  const descriptor = descriptorForPath(parsed, path);
  const heading = descriptor ? `*${descriptorTitle(descriptor)}*\n\n` : '';

  if (node.type === 'string') {
    const value = node.value as string;
    if (key === 'mediaType' || key === 'artifactType') return heading + mediaTypeHover(value, key);
    if (key === 'digest' && (descriptor || path.length === 1)) {
      const hover = heading + digestHover(parsed, value, node);
      return descriptor ? withLayout(hover, parsed, descriptor, env) : hover;
    }
    if (isConfigKind(kind) && path.length === 3 && path[0] === 'rootfs' && path[1] === 'diff_ids') {
      const count = elements(member(member(parsed.root, 'rootfs'), 'diff_ids')).length;
      return `*diff_id of layer ${(key as number) + 1} of ${count}*: the digest of the **uncompressed** layer tar (the manifest's layer digest is of the compressed blob).\n\n${digestHover(parsed, value, node)}`;
    }
    if (kind === 'docker-schema1' && path.length === 3 && path[0] === 'fsLayers' && key === 'blobSum') {
      const count = elements(member(parsed.root, 'fsLayers')).length;
      return `*Layer ${(path[1] as number) + 1} of ${count}* (schema 1 lists the most recent layer first)\n\n${digestHover(parsed, value, node)}`;
    }
    if (parentKey === 'annotations' && typeof key === 'string') {
      const info = annotationKeyHover(key);
      if (key === 'org.opencontainers.image.base.digest' || key === 'vnd.docker.reference.digest') {
        return `${info}\n\n---\n\n${digestHover(parsed, value, node)}`;
      }
      return info;
    }
    const platformField = platformFieldAt(parsed, path);
    if (platformField) return heading + platformValueHover(parsed, platformField, value, path);
  }
  if (path.length === 1 && !descriptor) {
    const description = descriptionAtPath(parsed.detection, path);
    return `${description ? `**\`${key}\`**: ${description}\n\n---\n\n` : ''}${documentSummary(parsed)}`;
  }
  if (descriptor) return withLayout(descriptorSummary(parsed, descriptor), parsed, descriptor, env);
  const description = descriptionAtPath(parsed.detection, path);
  return description && typeof key === 'string' ? `**\`${key}\`**: ${description}` : undefined;
}

function platformFieldAt(parsed: ParsedDocument, path: JSONPath): 'os' | 'architecture' | 'variant' | undefined {
  const key = path[path.length - 1];
  if (key !== 'os' && key !== 'architecture' && key !== 'variant') return undefined;
  const kind = parsed.detection.kind;
  if (isIndexKind(kind) && path.length === 4 && path[0] === 'manifests' && path[2] === 'platform') return key;
  if ((isConfigKind(kind) || kind === 'docker-schema1') && path.length === 1) return key;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Descriptors

/** Appends what the layout knows about the descriptor's blob (nothing outside a layout). */
function withLayout(markdown: string, parsed: ParsedDocument, descriptor: DescriptorContext, env: HoverEnvironment): string {
  const section = layoutSection(parsed, descriptor, env);
  return section ? `${markdown}\n\n---\n\n${section}` : markdown;
}

function descriptorTitle(descriptor: DescriptorContext): string {
  const { node } = descriptor;
  switch (descriptor.role) {
    case 'layer':
      return `Layer ${descriptor.index + 1} of ${descriptor.count}`;
    case 'blob':
      return `Blob ${descriptor.index + 1} of ${descriptor.count}`;
    case 'config':
      return 'Config';
    case 'subject':
      return 'Subject';
    case 'manifest': {
      const title = `Manifest ${descriptor.index + 1} of ${descriptor.count}`;
      const target = attestationTarget(node);
      if (target !== undefined) return `${title} · BuildKit attestation`;
      const platform = platformString(member(node, 'platform'));
      return platform ? `${title} · ${platform}` : title;
    }
  }
}

export function descriptorSummary(parsed: ParsedDocument, descriptor: DescriptorContext): string {
  const { node, role } = descriptor;
  const mediaType = stringMember(node, 'mediaType');
  const info = mediaType ? mediaTypeInfo(mediaType) : undefined;
  let title = `**${descriptorTitle(descriptor)}**`;
  if (role === 'layer' || role === 'blob') title += ` · \`${shortLayerFormat(mediaType)}\``;
  const lines: string[] = [title];

  if (mediaType !== undefined) {
    lines.push(`\`${mediaType}\``);
    if (info) {
      lines.push(`${info.description}${info.status !== 'current' ? ` **${capitalise(info.status)}**${info.replacement ? `: use \`${info.replacement}\`` : ''}.` : ''}`);
    } else {
      lines.push('A media type this tool does not know (allowed: artifacts may use their own types).');
    }
  } else {
    lines.push('No `mediaType` (required in a descriptor).');
  }
  if (role === 'config' && mediaType && !isImageConfigType(mediaType)) {
    lines.push(mediaType === OCI_EMPTY ? 'The empty config of an artifact: look at `artifactType` for what this is.' : 'Not an image config: this manifest is an artifact that container runtimes cannot run.');
  }
  if (role === 'subject') {
    lines.push('The manifest this document refers to: registries list this document among its referrers (`GET /v2/<name>/referrers/<digest>`).');
  }

  const facts: string[] = [];
  if (role === 'manifest') {
    const target = attestationTarget(node);
    if (target !== undefined) {
      const described = elements(node.parent).findIndex((child) => stringMember(child, 'digest') === target);
      const which = described >= 0 ? `entry ${described + 1}${platformString(member(elements(node.parent)[described], 'platform')) ? ` (${platformString(member(elements(node.parent)[described], 'platform'))})` : ''}` : 'an image not in this index';
      facts.push(`Attestation: BuildKit provenance/SBOM for \`${shortDigest(target || '?')}\`, ${which}. The platform \`unknown/unknown\` keeps clients from pulling it as an image; this is valid.`);
    } else {
      const platform = platformString(member(node, 'platform'));
      facts.push(platform ? `Platform: \`${platform}\`` : 'Platform: not set (the entry is not platform specific)');
    }
  }
  const size = descriptorSize(parsed, node);
  if (size) {
    let line = `Size: ${sizeMarkdown(size.exact, size.digits)}`;
    if ((role === 'layer' || role === 'config' || role === 'blob') && isImageManifestKind(parsed.detection.kind)) {
      const totals = imageTotals(parsed);
      if (totals.total > 0n) line += `, ${percentage(size.exact, totals.total)} of the image's ${humanSize(totals.total)}`;
    }
    if (role === 'manifest' || role === 'subject') line += ' (the manifest JSON itself)';
    facts.push(line);
  } else {
    facts.push('Size: missing or not a plain integer');
  }
  const digest = stringMember(node, 'digest');
  if (digest !== undefined) facts.push(`Digest: \`${digest}\`${digestNote(digest)}`);
  const artifactType = stringMember(node, 'artifactType');
  if (artifactType) facts.push(`Artifact type: \`${artifactType}\``);
  const urls = elements(member(node, 'urls')).map((url) => url.value).filter((url): url is string => typeof url === 'string');
  if (urls.length) facts.push(`URLs: ${urls.map((url) => `<${url}>`).join(', ')}`);
  const annotations = properties(member(node, 'annotations'));
  if (annotations.length) {
    facts.push(`Annotations: ${annotations.map(([key, value]) => `\`${String(key.value)}\`${value?.type === 'string' ? ` = \`${truncate(String(value.value), 80)}\`` : ''}`).join(', ')}`);
  }
  if (stringMember(node, 'data') !== undefined) facts.push('Embedded `data`: the content itself, base64-encoded');
  return `${lines.join('\n\n')}\n\n${facts.map((fact) => `- ${fact}`).join('\n')}`;
}

function digestNote(digest: string): string {
  const facts = digestFacts(digest);
  if (!facts) return ' — not a valid digest';
  if (!facts.registered) return ` — unregistered algorithm \`${facts.algorithm}\``;
  if (!facts.wellFormed) return ` — expected ${facts.expectedLength} lowercase hex digits`;
  const name = registeredDigestAlgorithms().find((info) => info.algorithm === facts.algorithm)?.name ?? facts.algorithm;
  if (digest === EMPTY_DIGEST) return ` (${name}; the empty descriptor \`{}\`)`;
  return ` (${name})`;
}

// ---------------------------------------------------------------------------------------------
// The document as a whole

function kindTitle(parsed: ParsedDocument): string {
  const file = schemaFileForKind(parsed.detection);
  const title = file ? loadSchema(file)?.title : undefined;
  if (parsed.detection.kind === 'docker-config') return 'Docker image config';
  if (parsed.detection.kind === 'oci-config') return 'OCI image config';
  return title ?? parsed.detection.kind;
}

export function documentSummary(parsed: ParsedDocument): string {
  const root = parsed.root;
  const kind = parsed.detection.kind;
  let title = `**${kindTitle(parsed)}**`;
  const mediaType = stringMember(root, 'mediaType');
  if (mediaType) title += ` · \`${mediaType}\``;
  const lines = [title];
  if (parsed.detection.guessed) lines.push('Kind recognised from the members (no `mediaType` names it).');
  if (parsed.detection.ambiguous) lines.push('**Ambiguous**: both `manifests` and `config`/`layers`; registries refuse such documents.');

  const facts: string[] = [];
  if (isImageManifestKind(kind)) {
    const totals = imageTotals(parsed);
    const layerWord = parsed.detection.artifactManifest ? 'blob' : 'layer';
    const count = totals.layers.length;
    facts.push(`${count} ${layerWord}${count === 1 ? '' : 's'}`);
    const configPart = totals.config ? `config ${groupDigits(totals.config.digits)}` : 'no config size';
    facts.push(
      `Total: **${humanSize(totals.total)}** (${exactBytes(totals.total)}: ${configPart} + ${count} ${layerWord}${count === 1 ? '' : 's'} ${groupDigits(totals.layersTotal)})`,
    );
    const configType = stringMember(member(root, 'config'), 'mediaType');
    const artifactType = stringMember(root, 'artifactType');
    if (artifactType) facts.push(`Artifact type: \`${artifactType}\``);
    else if (configType && !isImageConfigType(configType)) facts.push(`Artifact with config type \`${configType}\``);
    const subject = stringMember(member(root, 'subject'), 'digest');
    if (subject) facts.push(`Refers to \`${shortDigest(subject)}\` (subject)`);
  } else if (isIndexKind(kind)) {
    const children = elements(member(root, 'manifests'));
    const platforms: string[] = [];
    let attestations = 0;
    let withoutPlatform = 0;
    for (const child of children) {
      if (attestationTarget(child) !== undefined) attestations++;
      else {
        const platform = platformString(member(child, 'platform'));
        if (platform) platforms.push(platform);
        else withoutPlatform++;
      }
    }
    facts.push(`${children.length} manifest${children.length === 1 ? '' : 's'}`);
    if (platforms.length) facts.push(`Platforms: ${platforms.map((p) => `\`${p}\``).join(', ')}`);
    if (withoutPlatform) facts.push(`${withoutPlatform} without a platform`);
    if (attestations) facts.push(`${attestations} BuildKit attestation manifest${attestations === 1 ? '' : 's'}`);
  } else if (kind === 'docker-schema1') {
    const count = elements(member(root, 'fsLayers')).length;
    facts.push(`${count} layer${count === 1 ? '' : 's'} (\`fsLayers\`, most recent first); schema 1 has no sizes`);
    facts.push('Deprecated: Docker 27+, containerd 2 and distribution 3 refuse schema 1');
  } else if (isConfigKind(kind)) {
    const platform = [stringMember(root, 'os'), stringMember(root, 'architecture'), stringMember(root, 'variant')].filter(Boolean).join('/');
    if (platform) facts.push(`Platform: \`${platform}\``);
    const diffIds = elements(member(member(root, 'rootfs'), 'diff_ids')).length;
    facts.push(`${diffIds} layer${diffIds === 1 ? '' : 's'} (\`rootfs.diff_ids\`)`);
    const history = elements(member(root, 'history'));
    if (history.length) {
      const empty = history.filter((entry) => member(entry, 'empty_layer')?.value === true).length;
      facts.push(`${history.length} history entr${history.length === 1 ? 'y' : 'ies'} (${empty} without a layer)`);
    }
  }
  return `${lines.join('\n\n')}${facts.length ? `\n\n${facts.map((fact) => `- ${fact}`).join('\n')}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Values with a meaning of their own

function specName(href: string): string {
  if (href.includes('opencontainers/image-spec')) return 'OCI Image Format Specification';
  if (href.includes('distribution/distribution') || href.includes('distribution.github.io')) return 'Docker Image Manifest V2 (distribution)';
  try {
    return new URL(href).host;
  } catch {
    return href;
  }
}

export function mediaTypeHover(mediaType: string, field: 'mediaType' | 'artifactType' = 'mediaType'): string {
  const info = mediaTypeInfo(mediaType);
  const lines = [`**\`${mediaType}\`**`];
  if (info) {
    lines.push(info.description);
    lines.push(`*${mediaTypeDetail(info)}*`);
    if (info.status !== 'current') {
      const status = info.status === 'prerelease' ? 'A pre-release name' : capitalise(info.status);
      lines.push(`**${status}**${info.replacement ? `: use \`${info.replacement}\` instead` : ''}.`);
    }
    lines.push(`Defined by: [${specName(info.href)}](${info.href})`);
    return lines.join('\n\n');
  }
  if (mediaType === '') {
    lines[0] = '**Empty media type**';
    lines.push('An empty string is not a media type.');
  } else if (!MEDIA_TYPE_PATTERN.test(mediaType)) {
    lines.push('Not a valid media type: RFC 6838 `type/subtype`, without parameters.');
  } else {
    lines.push(`A media type this tool does not know. ${field === 'artifactType' ? 'Artifact types are free to choose.' : 'Unknown types are allowed (artifacts), but clients may not understand them.'}`);
  }
  const closest = mediaType ? closestKnownMediaType(mediaType, undefined, true) : undefined;
  if (closest) lines.push(`Did you mean \`${closest}\`?`);
  return lines.join('\n\n');
}

function digestHover(parsed: ParsedDocument, digest: string, node: Node): string {
  const facts = digestFacts(digest);
  const lines = [`**Digest** \`${digest}\``];
  if (!facts) {
    lines.push('Not a valid digest: expected `algorithm:encoded`, e.g. `sha256:` followed by 64 lowercase hex digits.');
    return lines.join('\n\n');
  }
  const known = registeredDigestAlgorithms().find((info) => info.algorithm === facts.algorithm);
  if (!known) {
    lines.push(`Algorithm \`${facts.algorithm}\` is not registered (sha256, sha512, blake3); go-digest, distribution and go-containerregistry refuse it.`);
  } else {
    const uppercase = /[A-F]/.test(facts.encoded);
    const status = facts.wellFormed
      ? '✓'
      : uppercase && facts.encoded.length === known.length
        ? '— uppercase hex is not allowed'
        : `— found ${facts.encoded.length}${/^[a-fA-F0-9]*$/.test(facts.encoded) ? '' : ', not all hex'}`;
    lines.push(`Algorithm: ${known.name} (\`${facts.algorithm}\`) · ${known.length} lowercase hex digits ${status}`);
    if (facts.algorithm !== 'sha256') lines.push(known.note);
  }
  if (digest === EMPTY_DIGEST) lines.push('The digest of the empty descriptor: the two bytes `{}`.');
  const elsewhere = occurrences(parsed, digest, node);
  if (elsewhere.paths.length) {
    lines.push(`Also at: ${elsewhere.paths.map((path) => `\`${pathText(path)}\``).join(', ')}${elsewhere.more ? ', …' : ''}`);
  }
  return lines.join('\n\n');
}

/** Where else the same string value occurs (found in the text, so large documents stay fast). */
function occurrences(parsed: ParsedDocument, value: string, self: Node): { paths: JSONPath[]; more: boolean } {
  const needle = JSON.stringify(value);
  const paths: JSONPath[] = [];
  let more = false;
  for (let at = parsed.text.indexOf(needle); at >= 0; at = parsed.text.indexOf(needle, at + needle.length)) {
    if (at === self.offset) continue;
    if (paths.length === 5) {
      more = true;
      break;
    }
    const other = parsed.root ? findNodeAtOffset(parsed.root, at + 1) : undefined;
    if (other?.type === 'string' && other.offset === at && other.parent?.children?.[0] !== other) paths.push(getNodePath(other));
  }
  return { paths, more };
}

function pathText(path: JSONPath): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : /^[A-Za-z_$][\w$]*$/.test(segment) ? `${index ? '.' : ''}${segment}` : `[${JSON.stringify(segment)}]`,
    )
    .join('');
}

function platformValueHover(parsed: ParsedDocument, field: 'os' | 'architecture' | 'variant', value: string, path: JSONPath): string {
  const lines: string[] = [];
  if (field === 'os') {
    if (KNOWN_OS.includes(value)) lines.push(`**\`${value}\`**: a Go \`GOOS\` value.`);
    else if (value === 'unknown') lines.push('**`unknown`**: BuildKit attestation manifests use the platform `unknown/unknown` so that clients never pull them as images.');
    else {
      lines.push(`**\`${value}\`** is not a Go \`GOOS\` value; clients match the platform by the Go names.`);
      const alias = OS_ALIASES[value];
      if (alias) lines.push(`Did you mean \`${alias}\`?`);
    }
  } else if (field === 'architecture') {
    if (KNOWN_ARCHITECTURES.includes(value)) {
      lines.push(`**\`${value}\`**: a Go \`GOARCH\` value.`);
      const variants = VARIANTS_BY_ARCHITECTURE[value];
      if (variants) lines.push(`Variants: ${variants.map((v) => `\`${v}\``).join(', ')}`);
    } else if (value === 'unknown') {
      lines.push('**`unknown`**: BuildKit attestation manifests use the platform `unknown/unknown` so that clients never pull them as images.');
    } else {
      lines.push(`**\`${value}\`** is not a Go \`GOARCH\` value; clients match the platform by the Go names.`);
      const alias = ARCHITECTURE_ALIASES[value];
      if (alias?.architecture) lines.push(`Did you mean \`${alias.architecture}\`${alias.variant ? ` with variant \`${alias.variant}\`` : ''}?`);
    }
  } else {
    const platformObject = path.slice(0, -1);
    let object: Node | undefined = parsed.root;
    for (const segment of platformObject) object = typeof segment === 'number' ? elements(object)[segment] : member(object, segment);
    const architecture = stringMember(object, 'architecture');
    const known = architecture ? VARIANTS_BY_ARCHITECTURE[architecture] : undefined;
    if (known?.includes(value)) lines.push(`**\`${value}\`**: a CPU variant of \`${architecture}\`.`);
    else if (known) lines.push(`**\`${value}\`** is not a listed variant of \`${architecture}\` (${known.map((v) => `\`${v}\``).join(', ')}).`);
    else lines.push(`**\`${value}\`**: CPU variant${architecture ? ` (no variants are listed for \`${architecture}\`)` : ''}.`);
  }
  lines.push(`[Platform values](${PLATFORM_HREF})`);
  return lines.join('\n\n');
}

function annotationKeyHover(key: string): string {
  const info = annotationKeyInfo(key);
  if (info) return `**\`${key}\`**\n\n${annotationDocumentation(info)}`;
  if (key.startsWith('org.opencontainers.')) {
    return `**\`${key}\`**\n\nA key in the reserved \`org.opencontainers\` namespace that the spec does not define.\n\n[Annotation rules](https://github.com/opencontainers/image-spec/blob/main/annotations.md#rules)`;
  }
  return `**\`${key}\`**\n\nA custom annotation (keys use reverse-domain notation; values are strings).`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
