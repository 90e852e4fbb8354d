/**
 * Facts about a parsed document that completion, hover, inlay hints, symbols and code actions share:
 * which descriptor a node belongs to, sizes (exact, from the raw token), the document's format
 * family, platforms, and human-readable numbers.
 */
import type { JSONPath, Node } from 'jsonc-parser';
import { getNodePath } from 'jsonc-parser';
import { elements, isObject, member, stringMember } from './json-tree';
import {
  DOCKER_CONFIG,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_MANIFEST,
  mediaTypeInfo,
  type MediaTypeFamily,
} from './media-types';
import type { ParsedDocument } from './parse';
import type { DescriptorRole } from './descriptors';
import { DIGEST_ALGORITHMS as REGISTERED_ALGORITHMS } from './digest';
import type { DocumentKind } from './types';

export type { DescriptorRole };

export interface DescriptorContext {
  readonly role: DescriptorRole;
  /** Zero-based position in its array (0 for `config` and `subject`). */
  readonly index: number;
  /** Number of descriptors in the same array (1 for `config` and `subject`). */
  readonly count: number;
  /** The descriptor object node (may be a non-object while the user is typing). */
  readonly node: Node;
  /** JSON path of the descriptor object. */
  readonly path: JSONPath;
}

export function isImageManifestKind(kind: DocumentKind): boolean {
  return kind === 'oci-manifest' || kind === 'docker-manifest';
}

export function isIndexKind(kind: DocumentKind): boolean {
  return kind === 'oci-index' || kind === 'docker-manifest-list';
}

export function isConfigKind(kind: DocumentKind): boolean {
  return kind === 'oci-config' || kind === 'docker-config';
}

/** Kinds whose bytes are content addressed (a digest in some descriptor names them). */
export function isContentAddressedKind(kind: DocumentKind): boolean {
  return kind !== 'unknown' && kind !== 'oci-layout';
}

/**
 * The descriptor role of the object at `objectPath` for the document's kind, e.g. `['layers', 2]`
 * in a manifest is layer 3.
 */
export function descriptorRoleAtPath(parsed: ParsedDocument, objectPath: JSONPath): DescriptorRole | undefined {
  const kind = parsed.detection.kind;
  if (objectPath.length === 1 && objectPath[0] === 'subject' && (isImageManifestKind(kind) || isIndexKind(kind))) {
    return 'subject';
  }
  if (isImageManifestKind(kind)) {
    if (objectPath.length === 1 && objectPath[0] === 'config') return 'config';
    if (objectPath.length === 2 && objectPath[0] === 'layers' && typeof objectPath[1] === 'number') return 'layer';
    if (objectPath.length === 2 && objectPath[0] === 'blobs' && typeof objectPath[1] === 'number') return 'blob';
  }
  if (isIndexKind(kind) && objectPath.length === 2 && objectPath[0] === 'manifests' && typeof objectPath[1] === 'number') {
    return 'manifest';
  }
  return undefined;
}

/** The descriptor that contains the node at `path` (the path of any node inside it, or of it). */
export function descriptorForPath(parsed: ParsedDocument, path: JSONPath): DescriptorContext | undefined {
  for (const length of [1, 2]) {
    if (path.length < length) continue;
    const objectPath = path.slice(0, length);
    const role = descriptorRoleAtPath(parsed, objectPath);
    if (!role) continue;
    const node = nodeAt(parsed.root, objectPath);
    if (!node) return undefined;
    if (role === 'config' || role === 'subject') return { role, index: 0, count: 1, node, path: objectPath };
    const array = node.parent;
    const siblings = elements(array);
    return { role, index: objectPath[1] as number, count: siblings.length, node, path: objectPath };
  }
  return undefined;
}

export function descriptorForNode(parsed: ParsedDocument, node: Node): DescriptorContext | undefined {
  return descriptorForPath(parsed, getNodePath(node));
}

/** The value node at a path of keys and indices (last duplicate key wins). */
export function nodeAt(root: Node | undefined, path: JSONPath): Node | undefined {
  let current = root;
  for (const segment of path) {
    if (!current) return undefined;
    current = typeof segment === 'number' ? elements(current)[segment] : member(current, segment);
  }
  return current;
}

/** A `size` (or any integer) value: the JavaScript number and the exact digits of the token. */
export interface SizeValue {
  readonly value: number;
  /** The integer as written (exact even above 2^53). */
  readonly digits: string;
  /** BigInt of the digits, for exact sums. */
  readonly exact: bigint;
}

export function sizeValue(parsed: ParsedDocument, node: Node | undefined): SizeValue | undefined {
  if (!node || node.type !== 'number') return undefined;
  const raw = parsed.text.slice(node.offset, node.offset + node.length);
  if (!/^(0|[1-9][0-9]*)$/.test(raw)) return undefined;
  return { value: Number(raw), digits: raw, exact: BigInt(raw) };
}

export function descriptorSize(parsed: ParsedDocument, descriptor: Node | undefined): SizeValue | undefined {
  return sizeValue(parsed, member(descriptor, 'size'));
}

export interface ImageTotals {
  readonly config?: SizeValue;
  readonly layers: ReadonlyArray<SizeValue | undefined>;
  /** Sum of the layer sizes that are valid integers. */
  readonly layersTotal: bigint;
  /** Config plus layers: what a client downloads besides the manifest. */
  readonly total: bigint;
}

export function imageTotals(parsed: ParsedDocument): ImageTotals {
  const root = parsed.root;
  const config = descriptorSize(parsed, member(root, 'config'));
  const layerNodes = elements(member(root, 'layers') ?? member(root, 'blobs'));
  const layers = layerNodes.map((layer) => descriptorSize(parsed, layer));
  let layersTotal = 0n;
  for (const size of layers) if (size) layersTotal += size.exact;
  return { config, layers, layersTotal, total: layersTotal + (config?.exact ?? 0n) };
}

/**
 * The format family of the document: from its top-level media type when that names one, else from
 * the media types it refers to (config, layers, children).
 */
export function documentFamily(parsed: ParsedDocument): 'oci' | 'docker' {
  const kind = parsed.detection.kind;
  if (kind === 'docker-manifest' || kind === 'docker-manifest-list' || kind === 'docker-schema1' || kind === 'docker-config') {
    return 'docker';
  }
  if (kind === 'oci-config' || kind === 'oci-layout') return 'oci';
  const top = stringMember(parsed.root, 'mediaType');
  const topFamily = top ? mediaTypeInfo(top)?.family : undefined;
  if (topFamily === 'oci' || topFamily === 'docker') return topFamily;
  return familyFromContent(parsed.root) ?? 'oci';
}

/** The family the referenced media types agree on (majority), if any refer to a known family. */
export function familyFromContent(root: Node | undefined): 'oci' | 'docker' | undefined {
  let oci = 0;
  let docker = 0;
  const count = (mediaType: string | undefined): void => {
    const family: MediaTypeFamily | undefined = mediaType ? mediaTypeInfo(mediaType)?.family : undefined;
    if (family === 'oci') oci++;
    else if (family === 'docker') docker++;
  };
  count(stringMember(member(root, 'config'), 'mediaType'));
  for (const layer of elements(member(root, 'layers'))) count(stringMember(layer, 'mediaType'));
  for (const child of elements(member(root, 'manifests'))) count(stringMember(child, 'mediaType'));
  if (oci === 0 && docker === 0) return undefined;
  return docker > oci ? 'docker' : 'oci';
}

/**
 * The top-level media type that fits the document's shape and family, ignoring the `mediaType` it
 * has now (used to offer it first and to add it when missing).
 */
export function mediaTypeForShape(parsed: ParsedDocument): string | undefined {
  const root = parsed.root;
  if (!isObject(root)) return undefined;
  const kind = parsed.detection.kind;
  if (kind === 'docker-schema1' || isConfigKind(kind) || kind === 'oci-layout') return undefined;
  const family = familyFromContent(root) ?? (kind.startsWith('docker') ? 'docker' : 'oci');
  const hasManifests = member(root, 'manifests') !== undefined;
  const hasImageParts = member(root, 'config') !== undefined || member(root, 'layers') !== undefined;
  if (hasManifests && !hasImageParts) return family === 'docker' ? DOCKER_LIST : OCI_INDEX;
  if (hasImageParts && !hasManifests) {
    const configType = stringMember(member(root, 'config'), 'mediaType');
    if (configType === DOCKER_CONFIG) return DOCKER_MANIFEST;
    if (configType === OCI_CONFIG) return OCI_MANIFEST;
    return family === 'docker' ? DOCKER_MANIFEST : OCI_MANIFEST;
  }
  if (isIndexKind(kind)) return kind === 'docker-manifest-list' ? DOCKER_LIST : OCI_INDEX;
  return kind === 'docker-manifest' ? DOCKER_MANIFEST : OCI_MANIFEST;
}

/** `linux/arm64/v8` from a platform object (missing parts shown as `?`). */
export function platformString(platform: Node | undefined): string | undefined {
  if (!isObject(platform)) return undefined;
  const os = stringMember(platform, 'os');
  const architecture = stringMember(platform, 'architecture');
  const variant = stringMember(platform, 'variant');
  if (os === undefined && architecture === undefined) return undefined;
  let result = `${os ?? '?'}/${architecture ?? '?'}`;
  if (variant) result += `/${variant}`;
  const osVersion = stringMember(platform, 'os.version');
  if (osVersion) result += ` (${osVersion})`;
  return result;
}

/** BuildKit attestation manifests: platform unknown/unknown plus the reference annotations. */
export function attestationTarget(child: Node | undefined): string | undefined {
  const annotations = member(child, 'annotations');
  if (stringMember(annotations, 'vnd.docker.reference.type') !== 'attestation-manifest') return undefined;
  return stringMember(annotations, 'vnd.docker.reference.digest') ?? '';
}

/** A short name for a layer media type: `tar+gzip`, `tar`, `tar+zstd+encrypted`, or the type. */
export function shortLayerFormat(mediaType: string | undefined): string {
  if (mediaType === undefined) return 'no mediaType';
  const info = mediaTypeInfo(mediaType);
  if (info && info.format === 'tar') {
    let name = 'tar';
    if (info.compression && info.compression !== 'none') name += `+${info.compression}`;
    if (info.encrypted) name += '+encrypted';
    if (info.foreign) name = `foreign ${name}`;
    return name;
  }
  if (info?.role === 'empty') return 'empty';
  return mediaType;
}

/** A short name for any media type: the last part of the subtype, e.g. `manifest.v1+json`. */
export function shortMediaType(mediaType: string): string {
  const info = mediaTypeInfo(mediaType);
  if (info) {
    switch (info.role) {
      case 'manifest':
        return `${info.family === 'docker' ? 'Docker' : 'OCI'} manifest`;
      case 'index':
        return info.family === 'docker' ? 'Docker manifest list' : 'OCI index';
      case 'config':
        return info.family === 'docker' ? 'Docker config' : info.family === 'oci' ? 'OCI config' : mediaType;
      case 'layer':
        return shortLayerFormat(mediaType);
      case 'empty':
        return 'empty';
      default:
        return mediaType;
    }
  }
  return mediaType;
}

const SI_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Decimal (SI) units as Docker and registries show them: `151 B`, `3.2 kB`, `27.1 MB`. */
export function humanSize(bytes: number | bigint): string {
  let value = typeof bytes === 'bigint' ? Number(bytes) : bytes;
  if (!Number.isFinite(value) || value < 0) return String(bytes);
  let unit = 0;
  while (value >= 1000 && unit < SI_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  // 999.95 kB would print as 1000.0 kB
  if (Number(value.toFixed(1)) >= 1000 && unit < SI_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${SI_UNITS[unit]}`;
}

/**
 * A size for a hover: `**3.2 kB** (3,200 bytes)`, or just `**196 bytes**` where the unit would
 * only repeat the number. `digits` is the exact token when it is beyond a double's precision.
 */
export function sizeMarkdown(size: number | bigint, digits: string | number | bigint = size): string {
  const human = humanSize(size);
  return human.endsWith(' B') ? `**${exactBytes(digits)}**` : `**${human}** (${exactBytes(digits)})`;
}

/** `12,200` (digit groups of three, independent of the locale). */
export function groupDigits(digits: string | number | bigint): string {
  const text = String(digits);
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `12,200 bytes` / `1 byte`. */
export function exactBytes(digits: string | number | bigint): string {
  return `${groupDigits(digits)} ${String(digits) === '1' ? 'byte' : 'bytes'}`;
}

/** `4.0%` of a whole; `<0.1%` for tiny shares. */
export function percentage(part: bigint, whole: bigint): string {
  if (whole <= 0n) return '—';
  const tenths = Number((part * 1000n + whole / 2n) / whole);
  if (tenths === 0 && part > 0n) return '<0.1%';
  return `${(tenths / 10).toFixed(1)}%`;
}

export interface DigestFacts {
  readonly algorithm: string;
  readonly encoded: string;
  /** Expected length of the encoded part for registered algorithms. */
  readonly expectedLength?: number;
  readonly registered: boolean;
  readonly wellFormed: boolean;
}

const ALGORITHM_NAMES: Readonly<Record<string, string>> = { sha256: 'SHA-256', sha512: 'SHA-512', blake3: 'BLAKE3' };

export interface DigestAlgorithmInfo {
  readonly algorithm: string;
  /** Length of the encoded part (lowercase hex digits). */
  readonly length: number;
  readonly name: string;
  readonly note: string;
}

/** The registered algorithms (from the validator's table) with display names, sha256 first. */
export function registeredDigestAlgorithms(): DigestAlgorithmInfo[] {
  return Object.entries(REGISTERED_ALGORITHMS).map(([algorithm, info]) => ({
    algorithm,
    length: info.hexLength,
    name: ALGORITHM_NAMES[algorithm] ?? algorithm,
    note: info.note ?? 'Every registry and client must support it.',
  }));
}

const DIGEST_GRAMMAR = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

export function digestFacts(digest: string): DigestFacts | undefined {
  const match = DIGEST_GRAMMAR.exec(digest);
  if (!match) return undefined;
  const [, algorithm, encoded] = match;
  const known = REGISTERED_ALGORITHMS[algorithm];
  if (!known) return { algorithm, encoded, registered: false, wellFormed: true };
  const wellFormed = encoded.length === known.hexLength && /^[a-f0-9]+$/.test(encoded);
  return { algorithm, encoded, expectedLength: known.hexLength, registered: true, wellFormed };
}

/** Looks like a digest (used to collect the digests a document already mentions). */
export function looksLikeDigest(value: string): boolean {
  const facts = digestFacts(value);
  return facts !== undefined && facts.registered && facts.wellFormed;
}

/** `sha256:1d856648…` (algorithm and the first 12 characters). */
export function shortDigest(digest: string, length = 12): string {
  const colon = digest.indexOf(':');
  if (colon < 0 || digest.length <= colon + 1 + length) return digest;
  return `${digest.slice(0, colon + 1 + length)}…`;
}
