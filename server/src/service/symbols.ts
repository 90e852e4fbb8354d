/**
 * Document symbols (the outline): config, each layer (`#3 tar+gzip 27.1 MB`), each manifest of an
 * index by platform (`linux/arm64/v8`), subject and annotations; configs, schema 1 manifests and
 * layout headers get their main parts.
 */
import type { Node } from 'jsonc-parser';
import {
  attestationTarget,
  descriptorSize,
  humanSize,
  isConfigKind,
  isImageManifestKind,
  isIndexKind,
  platformString,
  shortDigest,
  shortLayerFormat,
  shortMediaType,
} from './document-facts';
import { elements, isObject, member, properties, rangeOf, stringMember } from './json-tree';
import type { ParsedDocument } from './parse';
import type { OffsetRange } from './types';

/** LSP symbol kinds by name (`features.ts` maps them to the protocol's numbers). */
export type SymbolKindName =
  | 'file'
  | 'module'
  | 'namespace'
  | 'package'
  | 'class'
  | 'property'
  | 'field'
  | 'interface'
  | 'constant'
  | 'string'
  | 'number'
  | 'boolean'
  | 'array'
  | 'object'
  | 'key'
  | 'struct'
  | 'event';

export interface DocumentSymbol {
  readonly name: string;
  readonly detail?: string;
  readonly kind: SymbolKindName;
  /** The whole member (key and value) or array element. */
  readonly range: OffsetRange;
  /** The key, or the element itself. */
  readonly selectionRange: OffsetRange;
  readonly children?: DocumentSymbol[];
}

/** The outline lists at most this many entries of an array (then one `… N more` entry). */
const MAX_CHILDREN = 1000;
/** Above this many entries the outline leaves out their annotations (cheaper, and readable). */
const NESTED_DETAIL_LIMIT = 1000;

export function getDocumentSymbols(parsed: ParsedDocument): DocumentSymbol[] {
  const root = parsed.root;
  const kind = parsed.detection.kind;
  if (kind === 'unknown' || !isObject(root)) return [];
  const symbols: DocumentSymbol[] = [];
  const push = (symbol: DocumentSymbol | undefined): void => {
    if (symbol) symbols.push(symbol);
  };

  if (isImageManifestKind(kind)) {
    push(valueSymbol(root, 'mediaType'));
    push(valueSymbol(root, 'artifactType'));
    push(descriptorMemberSymbol(root, 'config', 'struct', (node) => configDetail(parsed, node)));
    for (const key of ['layers', 'blobs']) {
      const array = member(root, key);
      if (!array) continue;
      const items = elements(array);
      const children = withMore(items, array, (layer, index) => layerSymbol(parsed, layer, index, items.length <= NESTED_DETAIL_LIMIT));
      const total = items.reduce((sum, layer) => sum + (descriptorSize(parsed, layer)?.exact ?? 0n), 0n);
      push(memberSymbol(root, key, 'array', `${items.length} ${key === 'blobs' ? 'blob' : 'layer'}${items.length === 1 ? '' : 's'} · ${humanSize(total)}`, children));
    }
    push(descriptorMemberSymbol(root, 'subject', 'interface', (node) => subjectDetail(node)));
    push(annotationsSymbol(root));
  } else if (isIndexKind(kind)) {
    push(valueSymbol(root, 'mediaType'));
    push(valueSymbol(root, 'artifactType'));
    const array = member(root, 'manifests');
    if (array) {
      const items = elements(array);
      const children = withMore(items, array, (child, index) => indexChildSymbol(parsed, child, index, items.length <= NESTED_DETAIL_LIMIT));
      push(memberSymbol(root, 'manifests', 'array', `${items.length} manifest${items.length === 1 ? '' : 's'}`, children));
    }
    push(descriptorMemberSymbol(root, 'subject', 'interface', (node) => subjectDetail(node)));
    push(annotationsSymbol(root));
  } else if (isConfigKind(kind)) {
    const platform = [stringMember(root, 'os'), stringMember(root, 'architecture'), stringMember(root, 'variant')].filter(Boolean).join('/');
    push(valueSymbol(root, 'architecture', platform || undefined));
    push(valueSymbol(root, 'os'));
    push(valueSymbol(root, 'created'));
    const config = member(root, 'config');
    if (isObject(config)) {
      push(memberSymbol(root, 'config', 'object', undefined, properties(config).map(([key, value]) => plainMemberSymbol(key, value))));
    }
    const rootfs = member(root, 'rootfs');
    const diffIds = elements(member(rootfs, 'diff_ids'));
    if (rootfs) {
      const children = withMore(diffIds, member(rootfs, 'diff_ids'), (node, index) => ({
        name: `#${index + 1} ${typeof node.value === 'string' ? shortDigest(node.value) : '?'}`,
        kind: 'string' as const,
        range: rangeOf(node),
        selectionRange: rangeOf(node),
      }));
      push(memberSymbol(root, 'rootfs', 'object', `${diffIds.length} diff_id${diffIds.length === 1 ? '' : 's'}`, children));
    }
    const history = elements(member(root, 'history'));
    if (history.length) {
      const children = withMore(history, member(root, 'history'), (entry, index) => {
        const createdBy = stringMember(entry, 'created_by') ?? stringMember(entry, 'comment') ?? '';
        const empty = member(entry, 'empty_layer')?.value === true;
        return {
          name: `#${index + 1} ${truncate(createdBy.replace(/^\/bin\/sh -c (#\(nop\) )?/, '').trim() || '(no command)', 60)}`,
          detail: empty ? 'no layer' : undefined,
          kind: empty ? ('event' as const) : ('field' as const),
          range: rangeOf(entry),
          selectionRange: rangeOf(entry),
        };
      });
      push(memberSymbol(root, 'history', 'array', `${history.length} entr${history.length === 1 ? 'y' : 'ies'}`, children));
    }
  } else if (kind === 'docker-schema1') {
    push(valueSymbol(root, 'name'));
    push(valueSymbol(root, 'tag'));
    push(valueSymbol(root, 'architecture'));
    const fsLayers = elements(member(root, 'fsLayers'));
    const children = withMore(fsLayers, member(root, 'fsLayers'), (layer, index) => {
      const blobSum = stringMember(layer, 'blobSum');
      return {
        name: `#${index + 1} ${blobSum ? shortDigest(blobSum) : '?'}`,
        kind: 'package' as const,
        range: rangeOf(layer),
        selectionRange: rangeOf(layer),
      };
    });
    push(memberSymbol(root, 'fsLayers', 'array', `${fsLayers.length} layer${fsLayers.length === 1 ? '' : 's'}, most recent first`, children));
    const signatures = elements(member(root, 'signatures'));
    if (signatures.length) push(memberSymbol(root, 'signatures', 'array', `${signatures.length}`));
  } else if (kind === 'oci-layout') {
    push(valueSymbol(root, 'imageLayoutVersion'));
  }
  return symbols;
}

/** Symbols for the first MAX_CHILDREN items, then one entry that stands for the rest. */
function withMore(items: Node[], array: Node | undefined, symbol: (item: Node, index: number) => DocumentSymbol): DocumentSymbol[] {
  const result = items.slice(0, MAX_CHILDREN).map(symbol);
  if (items.length > MAX_CHILDREN && array) {
    const rest = items.length - MAX_CHILDREN;
    const start = items[MAX_CHILDREN].offset;
    result.push({
      name: `… ${rest.toLocaleString('en-US')} more`,
      kind: 'array',
      range: { start, end: array.offset + array.length },
      selectionRange: { start, end: start + 1 },
    });
  }
  return result;
}

function propertyOf(object: Node, key: string): Node | undefined {
  let found: Node | undefined;
  for (const property of object.children ?? []) if (property.children?.[0]?.value === key) found = property;
  return found;
}

function memberSymbol(object: Node, key: string, kind: SymbolKindName, detail?: string, children?: DocumentSymbol[]): DocumentSymbol | undefined {
  const property = propertyOf(object, key);
  const keyNode = property?.children?.[0];
  if (!property || !keyNode) return undefined;
  return { name: key, detail, kind, range: rangeOf(property), selectionRange: rangeOf(keyNode), children };
}

function valueSymbol(object: Node, key: string, detail?: string): DocumentSymbol | undefined {
  const value = member(object, key);
  if (!value) return undefined;
  const text = value.type === 'string' ? String(value.value) : value.type === 'number' || value.type === 'boolean' ? String(value.value) : undefined;
  return memberSymbol(object, key, value.type === 'string' ? 'string' : 'constant', detail ?? text);
}

function plainMemberSymbol(key: Node, value: Node | undefined): DocumentSymbol {
  const property = key.parent!;
  const kind: SymbolKindName = value?.type === 'array' ? 'array' : value?.type === 'object' ? 'object' : value?.type === 'number' ? 'number' : value?.type === 'boolean' ? 'boolean' : 'string';
  const detail = value?.type === 'string' ? truncate(String(value.value), 60) : value?.type === 'array' ? `${elements(value).length}` : undefined;
  return { name: String(key.value), detail, kind, range: rangeOf(property), selectionRange: rangeOf(key) };
}

function descriptorMemberSymbol(
  object: Node,
  key: string,
  kind: SymbolKindName,
  detail: (node: Node) => string,
): DocumentSymbol | undefined {
  const value = member(object, key);
  if (!value) return undefined;
  return memberSymbol(object, key, kind, isObject(value) ? detail(value) : undefined, isObject(value) ? descriptorAnnotations(value) : undefined);
}

function configDetail(parsed: ParsedDocument, node: Node): string {
  const mediaType = stringMember(node, 'mediaType');
  const size = descriptorSize(parsed, node);
  return [mediaType ? shortMediaType(mediaType) : undefined, size ? humanSize(size.exact) : undefined].filter(Boolean).join(' · ');
}

function subjectDetail(node: Node): string {
  const digest = stringMember(node, 'digest');
  return digest ? shortDigest(digest) : '';
}

function layerSymbol(parsed: ParsedDocument, layer: Node, index: number, nested: boolean): DocumentSymbol {
  const mediaType = stringMember(layer, 'mediaType');
  const size = descriptorSize(parsed, layer);
  const digest = stringMember(layer, 'digest');
  const name = [`#${index + 1}`, shortLayerFormat(mediaType), size ? humanSize(size.exact) : undefined].filter(Boolean).join(' ');
  return {
    name,
    detail: digest ? shortDigest(digest) : undefined,
    kind: 'package',
    range: rangeOf(layer),
    selectionRange: rangeOf(layer),
    children: nested ? descriptorAnnotations(layer) : undefined,
  };
}

function indexChildSymbol(parsed: ParsedDocument, child: Node, index: number, nested: boolean): DocumentSymbol {
  const mediaType = stringMember(child, 'mediaType');
  const digest = stringMember(child, 'digest');
  const target = attestationTarget(child);
  const refName = stringMember(member(child, 'annotations'), 'org.opencontainers.image.ref.name');
  let name: string;
  if (target !== undefined) name = `attestation for ${target ? shortDigest(target) : '?'}`;
  else name = platformString(member(child, 'platform')) ?? refName ?? (digest ? shortDigest(digest) : `#${index + 1}`);
  if (refName && name !== refName) name += ` (${refName})`;
  const size = descriptorSize(parsed, child);
  const detail = [mediaType ? shortMediaType(mediaType) : undefined, size ? humanSize(size.exact) : undefined, digest ? shortDigest(digest) : undefined]
    .filter(Boolean)
    .join(' · ');
  return {
    name,
    detail,
    kind: 'module',
    range: rangeOf(child),
    selectionRange: rangeOf(child),
    children: nested ? descriptorAnnotations(child) : undefined,
  };
}

function descriptorAnnotations(descriptor: Node): DocumentSymbol[] | undefined {
  const symbol = annotationsSymbol(descriptor);
  return symbol ? [symbol] : undefined;
}

function annotationsSymbol(object: Node): DocumentSymbol | undefined {
  const annotations = member(object, 'annotations');
  if (!annotations) return undefined;
  const entries = properties(annotations);
  return memberSymbol(
    object,
    'annotations',
    'object',
    `${entries.length}`,
    entries.map(([key, value]) => ({
      name: String(key.value),
      detail: value?.type === 'string' ? truncate(String(value.value), 60) : undefined,
      kind: 'key' as const,
      range: rangeOf(key.parent!),
      selectionRange: rangeOf(key),
    })),
  );
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
