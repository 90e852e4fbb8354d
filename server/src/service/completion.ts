/**
 * Completion: media types by context, digests, property names with their schema docs, descriptor
 * and platform snippets, platform values and annotation keys. Offsets in, offsets out.
 */
import { createScanner, findNodeAtOffset, getLocation, getNodePath, type JSONPath, type Node } from 'jsonc-parser';
import { ANNOTATION_KEYS, type AnnotationKeyInfo } from './annotation-keys';
import {
  descriptorRoleAtPath,
  documentFamily,
  isConfigKind,
  isImageManifestKind,
  isIndexKind,
  mediaTypeForShape,
  nodeAt,
  exactBytes,
  humanSize,
  registeredDigestAlgorithms,
  type DescriptorRole,
} from './document-facts';
import type { BlobFormat, BlobListingEntry, BlobStore } from './blob-store';
import { decodeBase64, sha256Hex } from './document-digest';
import { isObject, member, properties, propertyNode, stringMember } from './json-tree';
import {
  DOCKER_CONFIG,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  OCI_CONFIG,
  EMPTY_DIGEST,
  EMPTY_SIZE,
  MEDIA_TYPES,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  mediaTypeInfo,
  type MediaTypeInfo,
} from './media-types';
import { parseDocument, type ParsedDocument } from './parse';
import { ARCHITECTURE_ALIASES, KNOWN_ARCHITECTURES, KNOWN_OS, VARIANTS_BY_ARCHITECTURE } from './platforms';
import { propertiesAtPath, schemaTypes, type PropertyDoc } from './schema-docs';
import {
  detectTextStyle,
  escapeChoice,
  escapeSnippet,
  lineIndentAt,
  snippetToPlainText,
  startsLine,
  type TextEdit,
  type TextStyle,
} from './text-style';
import { DOCUMENT_TEMPLATES, placeTemplate, renderTemplate, templateRange } from './templates';
import type { OffsetRange } from './types';

export type CompletionItemKind = 'property' | 'value' | 'enumMember' | 'snippet' | 'reference' | 'constant';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionItemKind;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** Items sort by this (the order the service chose). */
  readonly sortText: string;
  /** What the client filters on (the replaced text includes the opening quote). */
  readonly filterText?: string;
  readonly deprecated?: boolean;
  readonly preselect?: boolean;
  readonly textEdit: { readonly range: OffsetRange; readonly newText: string };
  /** `newText` uses snippet syntax (`$1`, `${1:default}`, `${1|a,b|}`). */
  readonly isSnippet: boolean;
  readonly additionalEdits?: readonly TextEdit[];
  /** Open completion again after inserting (e.g. after `"mediaType": "`). */
  readonly triggerSuggest?: boolean;
}

export interface CompletionResult {
  readonly items: CompletionItem[];
  readonly isIncomplete: boolean;
}

export interface CompletionOptions {
  /** The client expands snippets (LSP `completionItem.snippetSupport`); default true. */
  readonly snippetSupport?: boolean;
  /** The blobs of the layout the document sits in: their digests are offered for `digest`. */
  readonly blobs?: BlobStore;
  /**
   * Offer whole-document templates in an empty document. The caller decides from the file name
   * (`manifest.json`, a layout blob, an untitled file): an empty `package.json` wants none.
   */
  readonly templates?: boolean;
}

const EMPTY_RESULT: CompletionResult = { items: [], isIncomplete: false };
const MAX_DOCUMENT_DIGESTS = 50;
/** Blobs of the layout offered for a digest; a layout with more is listed up to here. */
const MAX_LAYOUT_BLOBS = 500;
/** JSON blobs larger than this are not read to name their kind. */
const MAX_JSON_BLOB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Where the cursor is

interface Cursor {
  readonly offset: number;
  /** The text the chosen item replaces: the whole current string, word or nothing. */
  readonly replace: OffsetRange;
  /** The replaced text starts with a double quote (filter text must then start with one too). */
  readonly quoted: boolean;
  readonly isKey: boolean;
  /** For a value: its path. For a key: the path of the object. */
  readonly path: JSONPath;
  /** Completing a key that already has a colon after it: replace only the key. */
  readonly keyHasColon: boolean;
  /** What follows the replaced text starts another member or element: append a comma. */
  readonly needsComma: boolean;
  /** The key node being edited, if it is in the tree. */
  readonly keyOffset?: number;
  /** The value string currently under the cursor, if any (to leave out of suggestions). */
  readonly currentValue?: string;
  /** The cursor is inside a complete string token (so the parse tree around it is right). */
  readonly complete: boolean;
}

const STRUCTURAL = /[\s{}[\],:"]/;

interface Located {
  readonly cursor: Cursor;
  /** The document's parse, or a parse of it with a placeholder where a key or value is half typed. */
  readonly parsed: ParsedDocument;
  /** Maps an offset of `parsed` back to the document's. */
  readonly toOriginal: (offset: number) => number;
}

/**
 * Where the cursor is: the token under it (scanned from the start of its line only: JSON strings
 * never span lines), whether a key or a value is being typed, and the JSON path there. While a
 * value or key is half typed the tree around it is wrong (an unterminated string eats the rest of
 * the line, a missing value takes the next key), so the text is parsed once more with a placeholder
 * in its place; offsets after the placeholder are mapped back for additional edits.
 */
function locateCursor(document: ParsedDocument, offset: number): Located | undefined {
  const text = document.text;
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  const scanner = createScanner(text, true);
  scanner.setPosition(lineStart);
  let covering: { kind: number; start: number; end: number; unterminated: boolean } | undefined;
  for (let token = scanner.scan(); token !== 17 /* EOF */; token = scanner.scan()) {
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    if (start >= offset) break;
    if (end < offset) continue;
    const unterminated = scanner.getTokenError() === 2 /* UnexpectedEndOfString */;
    if (token === 10 /* StringLiteral */) {
      // Right after a closing quote there is nothing sensible to insert.
      if (offset === end && !unterminated) return undefined;
      covering = { kind: token, start, end, unterminated };
    } else if (token === 16 /* Unknown */ || token === 11 /* Numeric */ || token === 7 || token === 8 || token === 9) {
      covering = { kind: token, start, end, unterminated: false };
    }
  }

  let replace: OffsetRange;
  let currentValue: string | undefined;
  const quoted = covering?.kind === 10;
  const complete = covering?.kind === 10 && !covering.unterminated;
  if (covering?.kind === 10) {
    if (covering.unterminated) {
      let end = offset;
      while (end < covering.end && !STRUCTURAL.test(text[end])) end++;
      replace = { start: covering.start, end };
    } else {
      replace = { start: covering.start, end: covering.end };
      try {
        currentValue = JSON.parse(text.slice(covering.start, covering.end)) as string;
      } catch {
        currentValue = undefined;
      }
    }
  } else {
    let start = offset;
    while (start > 0 && !STRUCTURAL.test(text[start - 1])) start--;
    let end = offset;
    while (end < text.length && !STRUCTURAL.test(text[end])) end++;
    replace = { start, end };
  }

  scanner.setPosition(replace.end);
  const next = scanner.scan();
  const nextIsColon = next === 6; /* Colon */
  const needsComma = [1 /* { */, 3 /* [ */, 7, 8, 9, 10, 11, 16].includes(next);

  const base = { offset, replace, quoted, needsComma, complete };
  if (complete) {
    // The tree is right: the string node under the cursor says whether it is a key.
    const node = document.root ? findNodeAtOffset(document.root, replace.start + 1) : undefined;
    if (node?.type !== 'string' || node.offset !== replace.start) return undefined;
    const parent = node.parent;
    if (parent?.type === 'property' && parent.children?.[0] === node) {
      const object = parent.parent;
      if (!object) return undefined;
      const cursor: Cursor = { ...base, isKey: true, path: getNodePath(object), keyHasColon: nextIsColon, keyOffset: replace.start };
      return { cursor, parsed: document, toOriginal: (o) => o };
    }
    const cursor: Cursor = { ...base, isKey: false, path: getNodePath(node), keyHasColon: false, currentValue };
    return { cursor, parsed: document, toOriginal: (o) => o };
  }

  // Key or value? Decided by what precedes the replaced text.
  let before = replace.start - 1;
  while (before >= 0 && /\s/.test(text[before])) before--;
  const previous = text[before];
  let isKey: boolean;
  if (previous === '{') isKey = true;
  else if (previous === ':' || previous === '[') isKey = false;
  else if (previous === ',') {
    const container = document.root ? findNodeAtOffset(document.root, replace.start) : undefined;
    if (container?.type === 'object') isKey = true;
    else if (container?.type === 'array') isKey = false;
    else {
      const location = getLocation(text, offset);
      isKey = typeof location.path[location.path.length - 1] === 'string' && location.isAtPropertyKey;
    }
  } else {
    return undefined; // after a value: a comma or colon is missing, nothing sensible to insert
  }

  const keyHasColon = isKey && nextIsColon;
  const placeholder = isKey ? (keyHasColon ? '""' : '"":null') : 'null';
  const patch = placeholder + (needsComma && !keyHasColon ? ',' : '');
  const delta = patch.length - (replace.end - replace.start);
  const parsed = parseDocument(text.slice(0, replace.start) + patch + text.slice(replace.end));
  const toOriginal = (patchedOffset: number): number => (patchedOffset >= replace.start + patch.length ? patchedOffset - delta : patchedOffset);
  const node = parsed.root ? findNodeAtOffset(parsed.root, replace.start + 1) : undefined;
  if (!node || node.offset !== replace.start) return undefined;
  if (isKey) {
    const object = node.parent?.type === 'property' && node.parent.children?.[0] === node ? node.parent.parent : undefined;
    if (!object) return undefined;
    return { cursor: { ...base, isKey, path: getNodePath(object), keyHasColon, keyOffset: replace.start }, parsed, toOriginal };
  }
  return { cursor: { ...base, isKey, path: getNodePath(node), keyHasColon: false }, parsed, toOriginal };
}

// ---------------------------------------------------------------------------------------------
// Candidates before they become items

interface Candidate {
  readonly label: string;
  readonly kind: CompletionItemKind;
  /** Snippet text of the value (or of `"key": value`). */
  readonly snippet: string;
  readonly detail?: string;
  readonly documentation?: string;
  readonly deprecated?: boolean;
  readonly filterText?: string;
  readonly additionalEdits?: readonly TextEdit[];
  readonly triggerSuggest?: boolean;
  readonly preselect?: boolean;
}

interface Context {
  readonly parsed: ParsedDocument;
  readonly root: Node;
  readonly cursor: Cursor;
  readonly style: TextStyle;
  /** Indentation of the line the insertion starts on. */
  readonly indent: string;
  /** A manifest or index being typed from scratch (see `isManifestBeingStarted`). */
  readonly starter: boolean;
  /** Maps an offset of `parsed` (which may have a placeholder at the cursor) to the document's. */
  readonly toOriginal: (offset: number) => number;
  readonly blobs?: BlobStore;
}

/**
 * A document that kind detection cannot place yet but that is clearly a manifest or index being
 * typed from scratch: its only members are `schemaVersion: 2` and/or a `mediaType` that is empty or
 * the beginning of a manifest or index type. Anything else unknown (package.json, …) gets nothing.
 */
function isManifestBeingStarted(root: Node, cursor: Cursor): boolean {
  let seen = 0;
  for (const [key, value] of properties(root)) {
    if (key.offset === cursor.keyOffset || value === undefined) continue;
    const atCursor = value.offset <= cursor.replace.start && cursor.replace.start < value.offset + value.length;
    if (key.value === 'mediaType' && atCursor) {
      seen++;
      continue;
    }
    if (key.value === 'schemaVersion') {
      if (value.type !== 'number' || value.value !== 2) return false;
    } else if (key.value === 'mediaType') {
      if (value.type !== 'string') return false;
      const typed = value.value as string;
      const known = MEDIA_TYPES.some((info) => (info.role === 'manifest' || info.role === 'index') && info.mediaType.startsWith(typed));
      if (!known) return false;
    } else {
      return false;
    }
    seen++;
  }
  return seen > 0;
}

export function getCompletions(document: ParsedDocument, offset: number, options: CompletionOptions = {}): CompletionResult {
  if (options.templates) {
    const templates = templateCompletions(document, offset, options.snippetSupport !== false);
    if (templates) return templates;
  }
  if (!isObject(document.root) || !Number.isFinite(offset)) return EMPTY_RESULT;
  offset = Math.max(0, Math.min(Math.floor(offset), document.text.length));
  // Other JSON (package.json, data files): nothing, and without parsing it again.
  if (document.detection.kind === 'unknown' && properties(document.root).length > 3) return EMPTY_RESULT;
  const located = locateCursor(document, offset);
  if (!located) return EMPTY_RESULT;
  const { cursor, toOriginal } = located;
  let parsed = located.parsed;
  const root = parsed.root;
  if (!isObject(root)) return EMPTY_RESULT;
  let starter = false;
  if (parsed.detection.kind === 'unknown') {
    if (!isManifestBeingStarted(root, cursor)) return EMPTY_RESULT;
    parsed = { ...parsed, detection: { kind: 'oci-manifest', guessed: true } };
    starter = true;
  }
  const style = detectTextStyle(document.text);
  const context: Context = {
    parsed,
    root,
    cursor,
    style,
    indent: lineIndentAt(document.text, cursor.replace.start),
    starter,
    toOriginal,
    blobs: options.blobs,
  };

  const candidates = cursor.isKey ? propertyCandidates(context) : valueCandidates(context);
  const items = candidates.map((candidate, index) => toItem(context, candidate, index, options.snippetSupport !== false));
  return { items, isIncomplete: false };
}

/** The document templates, replacing an empty document or an empty root object whole. */
function templateCompletions(document: ParsedDocument, offset: number, snippets: boolean): CompletionResult | undefined {
  const range = templateRange(document);
  if (!range || !(offset >= range.start && offset <= range.end)) return undefined;
  const eol = detectTextStyle(document.text).eol;
  const { main, rest } = placeTemplate(document.text, range, offset);
  const additionalEdits = rest.map((removed): TextEdit => ({ range: removed, newText: '' }));
  // Clients filter on the text from the edit's start to the cursor (`{` inside `{}`). Blanks and
  // line breaks there are layout, not typing: a filter text starting with them would not match
  // what the user types next.
  const typed = document.text.slice(main.start, offset).replace(/\s+/g, '');
  const items = DOCUMENT_TEMPLATES.map((template, index): CompletionItem => {
    const text = renderTemplate(template, eol);
    return {
      label: template.label,
      kind: 'snippet',
      detail: template.detail,
      documentation: `${template.documentation}\n\n\`\`\`json\n${snippetToPlainText(text)}\n\`\`\``,
      sortText: String(index).padStart(4, '0'),
      filterText: `${typed}${template.label}`,
      textEdit: { range: main, newText: snippets ? text : snippetToPlainText(text) },
      isSnippet: snippets,
      additionalEdits: additionalEdits.length ? additionalEdits : undefined,
    };
  });
  return { items, isIncomplete: false };
}

function toItem(context: Context, candidate: Candidate, index: number, snippets: boolean): CompletionItem {
  const { cursor } = context;
  let newText = candidate.snippet;
  if (cursor.needsComma && !(cursor.isKey && cursor.keyHasColon)) newText += ',';
  let isSnippet = /(^|[^\\])\$/.test(newText);
  if (!snippets && isSnippet) {
    newText = snippetToPlainText(newText);
    isSnippet = false;
  } else if (!isSnippet) {
    newText = snippetToPlainText(newText); // only unescapes
  }
  const filterBase = candidate.filterText ?? candidate.label;
  return {
    label: candidate.label,
    kind: candidate.kind,
    detail: candidate.detail,
    documentation: candidate.documentation,
    sortText: String(index).padStart(4, '0'),
    filterText: cursor.quoted ? (filterBase.startsWith('"') ? filterBase : JSON.stringify(filterBase)) : filterBase,
    deprecated: candidate.deprecated || undefined,
    preselect: candidate.preselect || undefined,
    textEdit: { range: cursor.replace, newText },
    isSnippet,
    additionalEdits: candidate.additionalEdits,
    triggerSuggest: candidate.triggerSuggest || undefined,
  };
}

/** A JSON string as snippet text. */
function stringSnippet(value: string): string {
  return escapeSnippet(JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------------
// Values

function valueCandidates(context: Context): Candidate[] {
  const { parsed, cursor } = context;
  const kind = parsed.detection.kind;
  const path = cursor.path;
  const key = path[path.length - 1];
  const parentPath = path.slice(0, -1);

  // Elements of descriptor arrays, and descriptor-valued members
  if (typeof key === 'number' || key === 'config' || key === 'subject') {
    const role = descriptorRoleAtPath(parsed, path);
    if (role) return [descriptorSnippetCandidate(context, role)];
  }
  if (path.length === 1 && typeof key === 'string') {
    const role = descriptorRoleAtPath(parsed, [key, 0]);
    if (role === 'layer' || role === 'manifest' || role === 'blob') return [descriptorArraySnippetCandidate(context, role, key)];
  }
  if (key === 'platform' && descriptorRoleAtPath(parsed, parentPath) === 'manifest') {
    return [platformSnippetCandidate(context)];
  }

  if (path.length === 1 && key === 'schemaVersion') {
    const version = kind === 'docker-schema1' ? 1 : 2;
    return [{ label: String(version), kind: 'constant', snippet: String(version), detail: 'schemaVersion', documentation: version === 2 ? 'Image manifests and indexes use schema version `2` (for compatibility with Docker).' : 'Docker schema 1 (deprecated).' }];
  }
  if (kind === 'oci-layout' && path.length === 1 && key === 'imageLayoutVersion') {
    return [{ label: '1.0.0', kind: 'constant', snippet: stringSnippet('1.0.0'), detail: 'the only layout version' }];
  }

  const parentRole = descriptorRoleAtPath(parsed, parentPath);
  if (key === 'mediaType') {
    if (path.length === 1 && (isImageManifestKind(kind) || isIndexKind(kind) || kind === 'docker-schema1')) {
      return mediaTypeCandidates(topLevelMediaTypes(parsed), context);
    }
    if (parentRole) return mediaTypeCandidates(descriptorMediaTypes(parsed, parentRole), context);
  }
  if (key === 'artifactType' && (path.length === 1 || parentRole)) {
    return mediaTypeCandidates(artifactTypes(), context);
  }
  if (key === 'digest' && parentRole) return digestCandidates(context, nodeAt(context.root, parentPath));
  if (key === 'size' && parentRole) return sizeCandidates(nodeAt(context.root, parentPath));

  // rootfs.diff_ids[], fsLayers[].blobSum, digest-valued annotations
  if (isConfigKind(kind) && path.length === 3 && path[0] === 'rootfs' && path[1] === 'diff_ids') {
    return digestCandidates(context, undefined);
  }
  if (isConfigKind(kind) && path.length === 2 && path[0] === 'rootfs' && key === 'type') {
    return [{ label: 'layers', kind: 'constant', snippet: stringSnippet('layers'), detail: 'the only rootfs type' }];
  }
  if (kind === 'docker-schema1' && path.length === 3 && path[0] === 'fsLayers' && key === 'blobSum') {
    return digestCandidates(context, undefined);
  }
  if (path[path.length - 2] === 'annotations' && typeof key === 'string') {
    if (key === 'org.opencontainers.image.base.digest' || key === 'vnd.docker.reference.digest') {
      return digestCandidates(context, undefined);
    }
    if (key === 'vnd.docker.reference.type') {
      return [{ label: 'attestation-manifest', kind: 'constant', snippet: stringSnippet('attestation-manifest'), detail: 'BuildKit attestation manifest' }];
    }
  }

  // Platform values: in index children, and at the top of image configs (and schema 1)
  const inPlatform =
    (path.length === 4 && path[2] === 'platform' && descriptorRoleAtPath(parsed, path.slice(0, 2)) === 'manifest') ||
    ((isConfigKind(kind) || kind === 'docker-schema1') && path.length === 1);
  if (inPlatform && typeof key === 'string') {
    const platformObject = nodeAt(context.root, parentPath);
    const inIndex = isIndexKind(kind);
    if (key === 'os') return platformValueCandidates(orderedOs(), 'os', inIndex);
    if (key === 'architecture') return platformValueCandidates(orderedArchitectures(), 'architecture', inIndex);
    if (key === 'variant' && kind !== 'docker-schema1') {
      const architecture = stringMember(platformObject, 'architecture');
      const canonical = architecture ? ARCHITECTURE_ALIASES[architecture]?.architecture ?? architecture : undefined;
      return platformValueCandidates(orderedVariants(canonical), 'variant', false, canonical);
    }
  }
  return [];
}

// ---- media types

function topLevelMediaTypes(parsed: ParsedDocument): MediaTypeInfo[] {
  const preferred = mediaTypeForShape(parsed);
  const kind = parsed.detection.kind;
  if (kind === 'docker-schema1') {
    return MEDIA_TYPES.filter((info) => info.role === 'manifest' && info.family === 'docker' && info.status === 'deprecated');
  }
  const family = mediaTypeInfo(preferred ?? '')?.family ?? 'oci';
  const wantIndex = isIndexKind(kind) || preferred === OCI_INDEX || preferred === DOCKER_LIST;
  return rank(
    MEDIA_TYPES.filter((info) => info.role === 'manifest' || info.role === 'index'),
    (info) => [
      info.mediaType === preferred ? 0 : 1,
      (info.role === 'index') === wantIndex ? 0 : 1,
      info.family === family ? 0 : 1,
    ],
  );
}

function descriptorMediaTypes(parsed: ParsedDocument, role: DescriptorRole): MediaTypeInfo[] {
  const family = documentFamily(parsed);
  const other = family === 'oci' ? 'docker' : 'oci';
  switch (role) {
    case 'config':
      return rank(
        MEDIA_TYPES.filter(
          (info) =>
            (info.role === 'config' && info.family !== other) || (info.role === 'empty' && family === 'oci'),
        ),
        (info) => [info.family === family ? (info.role === 'config' ? 0 : 1) : 2],
      );
    case 'layer':
    case 'blob':
      return rank(
        MEDIA_TYPES.filter(
          (info) =>
            (info.role === 'layer' && info.family === family) ||
            (family === 'oci' && (info.role === 'artifact' || info.role === 'empty')),
        ),
        (info) => [
          info.role === 'layer' ? 0 : 1,
          info.encrypted || info.foreign ? 1 : 0,
          info.compression === 'gzip' ? 0 : info.compression === 'zstd' ? 1 : 2,
        ],
      );
    case 'manifest':
      return rank(
        MEDIA_TYPES.filter((info) => info.role === 'manifest' || info.role === 'index'),
        (info) => [info.family === family ? 0 : 1, info.role === 'manifest' ? 0 : 1],
      );
    case 'subject':
      return rank(
        MEDIA_TYPES.filter((info) => info.role === 'manifest' || info.role === 'index'),
        (info) => [info.role === 'manifest' ? 0 : 1, info.family === family ? 0 : 1],
      );
  }
}

function artifactTypes(): MediaTypeInfo[] {
  return rank(
    MEDIA_TYPES.filter((info) => info.role === 'artifact' || (info.role === 'config' && info.family === 'other')),
    (info) => [info.role === 'artifact' ? 0 : 1],
  );
}

/** Stable sort by the given keys; anything not current goes last. */
function rank(infos: readonly MediaTypeInfo[], keys: (info: MediaTypeInfo) => number[]): MediaTypeInfo[] {
  const keyed = infos.map((info, index) => ({ info, index, keys: [info.status === 'current' ? 0 : 1, ...keys(info)] }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.max(a.keys.length, b.keys.length); i++) {
      const difference = (a.keys[i] ?? 0) - (b.keys[i] ?? 0);
      if (difference !== 0) return difference;
    }
    return a.index - b.index;
  });
  return keyed.map((entry) => entry.info);
}

const FAMILY_NAMES = { oci: 'OCI', docker: 'Docker', other: '' } as const;

export function mediaTypeDetail(info: MediaTypeInfo): string {
  const parts: string[] = [info.role === 'empty' ? 'empty descriptor' : info.role];
  if (FAMILY_NAMES[info.family]) parts.push(FAMILY_NAMES[info.family]);
  if (info.format === 'tar') parts.push(info.compression && info.compression !== 'none' ? `tar+${info.compression}` : 'uncompressed tar');
  if (info.encrypted) parts.push('encrypted');
  if (info.foreign) parts.push('non-distributable');
  if (info.status !== 'current') parts.push(info.status);
  return parts.join(' · ');
}

export function mediaTypeDocumentation(info: MediaTypeInfo): string {
  let markdown = info.description;
  if (info.status !== 'current') {
    const status = info.status === 'prerelease' ? 'A pre-release name' : info.status === 'withdrawn' ? 'Withdrawn' : 'Deprecated';
    markdown += `\n\n**${status}**${info.replacement ? `: use \`${info.replacement}\` instead` : ''}.`;
  }
  markdown += `\n\n[Specification](${info.href})`;
  return markdown;
}

function mediaTypeCandidates(infos: readonly MediaTypeInfo[], context: Context): Candidate[] {
  return infos.map((info, index) => ({
      label: info.mediaType,
      kind: 'enumMember',
      snippet: stringSnippet(info.mediaType),
      detail: mediaTypeDetail(info),
      documentation: mediaTypeDocumentation(info),
      deprecated: info.status !== 'current',
      preselect: index === 0,
    }));
}

// ---- digests and sizes

const DIGEST_PLACEHOLDER_CHAR = 'x';

function digestPrefixCandidates(): Candidate[] {
  return registeredDigestAlgorithms().map(({ algorithm, ...info }) => ({
    label: `${algorithm}:`,
    kind: 'snippet',
    snippet: `"${algorithm}:\${1:${DIGEST_PLACEHOLDER_CHAR.repeat(info.length)}}"`,
    detail: `${info.name} · ${info.length} lowercase hex digits`,
    documentation: `A \`${algorithm}\` digest: \`${algorithm}:\` followed by ${info.length} lowercase hexadecimal digits of the content's ${info.name} hash. ${info.note}\n\n[Registered algorithms](https://github.com/opencontainers/image-spec/blob/main/descriptor.md#registered-algorithms)`,
    filterText: `${algorithm}:`,
  }));
}

function digestCandidates(context: Context, descriptor: Node | undefined): Candidate[] {
  const { cursor } = context;
  const result: Candidate[] = [];
  const seen = new Set<string>(cursor.currentValue ? [cursor.currentValue] : []);

  const data = stringMember(descriptor, 'data');
  const decoded = data !== undefined ? decodeBase64(data) : undefined;
  if (decoded) {
    const digest = `sha256:${sha256Hex(decoded)}`;
    seen.add(digest);
    result.push({
      label: digest,
      kind: 'value',
      snippet: stringSnippet(digest),
      detail: 'sha256 of `data`',
      documentation: `The sha256 of the ${decoded.length} bytes embedded in \`data\`.`,
      preselect: true,
    });
  }
  if (stringMember(descriptor, 'mediaType') === OCI_EMPTY && !seen.has(EMPTY_DIGEST)) {
    seen.add(EMPTY_DIGEST);
    result.push({
      label: EMPTY_DIGEST,
      kind: 'value',
      snippet: stringSnippet(EMPTY_DIGEST),
      detail: 'the empty descriptor (size 2)',
      documentation: 'The digest of the two bytes `{}`: every descriptor of type `application/vnd.oci.empty.v1+json` has exactly this digest and size `2`.\n\n[Guidance for an empty descriptor](https://github.com/opencontainers/image-spec/blob/main/manifest.md#guidance-for-an-empty-descriptor)',
      additionalEdits: emptySizeEdits(context, descriptor!),
      preselect: true,
    });
  }
  if (context.blobs?.list && descriptor) result.push(...layoutBlobCandidates(context, descriptor, seen));
  result.push(...digestPrefixCandidates());

  let added = 0;
  for (const { digest, where } of documentDigests(context)) {
    if (seen.has(digest) || added >= MAX_DOCUMENT_DIGESTS) continue;
    seen.add(digest);
    added++;
    result.push({
      label: digest,
      kind: 'reference',
      snippet: stringSnippet(digest),
      detail: `as in ${where}`,
      documentation: `A digest this document already mentions, at \`${where}\`.`,
    });
  }
  return result;
}

/** What a blob of the layout is, for its completion item: a name, and the media type it fits. */
interface BlobKind {
  readonly name: string;
  readonly role: DescriptorRole | 'other';
  readonly mediaType?: string;
}

/** Layer media types by compression, in the document's family. */
function layerMediaType(format: BlobFormat, family: 'oci' | 'docker'): string | undefined {
  if (format === 'gzip') return family === 'docker' ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip';
  if (format === 'zstd') return 'application/vnd.oci.image.layer.v1.tar+zstd';
  if (format === 'tar') return 'application/vnd.oci.image.layer.v1.tar';
  return undefined;
}

function blobKind(context: Context, blobs: BlobStore, entry: BlobListingEntry): BlobKind {
  const family = documentFamily(context.parsed);
  const layerType = layerMediaType(entry.format, family);
  if (layerType) return { name: entry.format === 'tar' ? 'layer (tar)' : `layer (tar+${entry.format})`, role: 'layer', mediaType: layerType };
  if (entry.format !== 'json' || entry.size > MAX_JSON_BLOB) return { name: entry.format === 'json' ? 'JSON' : 'blob', role: 'other' };
  let value: unknown;
  try {
    value = JSON.parse(blobs.readText(entry.digest, MAX_JSON_BLOB) ?? '');
  } catch {
    return { name: 'JSON', role: 'other' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { name: 'JSON', role: 'other' };
  const json = value as Record<string, unknown>;
  const declared = typeof json['mediaType'] === 'string' ? json['mediaType'] : undefined;
  const info = declared ? mediaTypeInfo(declared) : undefined;
  if (info?.role === 'manifest') return { name: info.family === 'docker' ? 'Docker manifest' : 'OCI manifest', role: 'manifest', mediaType: declared };
  if (info?.role === 'index') return { name: info.family === 'docker' ? 'Docker manifest list' : 'OCI index', role: 'manifest', mediaType: declared };
  if (Array.isArray(json['manifests'])) return { name: 'OCI index', role: 'manifest', mediaType: OCI_INDEX };
  if (Array.isArray(json['layers']) || (json['config'] !== undefined && typeof json['schemaVersion'] === 'number')) {
    const configType = typeof (json['config'] as Record<string, unknown> | undefined)?.['mediaType'] === 'string' ? ((json['config'] as Record<string, unknown>)['mediaType'] as string) : undefined;
    const docker = configType === DOCKER_CONFIG;
    return { name: docker ? 'Docker manifest' : 'OCI manifest', role: 'manifest', mediaType: docker ? DOCKER_MANIFEST : OCI_MANIFEST };
  }
  if (json['rootfs'] !== undefined || (typeof json['architecture'] === 'string' && typeof json['os'] === 'string')) {
    const platform = [json['os'], json['architecture'], json['variant']].filter((part) => typeof part === 'string').join('/');
    return { name: `image config${platform ? ` (${platform})` : ''}`, role: 'config', mediaType: family === 'docker' ? DOCKER_CONFIG : OCI_CONFIG };
  }
  if (Object.keys(json).length === 0) return { name: 'empty `{}`', role: 'other', mediaType: OCI_EMPTY };
  return { name: 'JSON', role: 'other' };
}

/** Which descriptor roles a blob fits, by the descriptor's place. */
function fits(descriptorRole: DescriptorRole | undefined, blobRole: BlobKind['role']): boolean {
  if (descriptorRole === 'layer' || descriptorRole === 'blob') return blobRole === 'layer';
  if (descriptorRole === 'config') return blobRole === 'config';
  if (descriptorRole === 'manifest' || descriptorRole === 'subject') return blobRole === 'manifest';
  return false;
}

/**
 * The digests of the layout's blobs, those that fit the descriptor's place first, each with its
 * kind and size; choosing one also fills the descriptor's `mediaType` and `size` when they are empty.
 */
function layoutBlobCandidates(context: Context, descriptor: Node, seen: Set<string>): Candidate[] {
  const blobs = context.blobs!;
  const listing = blobs.list!(MAX_LAYOUT_BLOBS);
  const role = descriptorRoleAtPath(context.parsed, getNodePath(descriptor));
  const candidates: Array<{ candidate: Candidate; fit: boolean }> = [];
  for (const entry of listing.entries) {
    if (seen.has(entry.digest)) continue;
    seen.add(entry.digest);
    const kind = blobKind(context, blobs, entry);
    const size = `${humanSize(entry.size)} (${exactBytes(entry.size)})`;
    candidates.push({
      fit: fits(role, kind.role),
      candidate: {
        label: entry.digest,
        kind: 'reference',
        snippet: stringSnippet(entry.digest),
        detail: `${kind.name} · ${humanSize(entry.size)}`,
        documentation: `A blob of this layout: ${kind.name}, ${size}.${kind.mediaType ? `\n\nMedia type: \`${kind.mediaType}\`` : ''}\n\nChoosing it also sets \`mediaType\` and \`size\` when they are empty.`,
        additionalEdits: descriptorFillEdits(context, descriptor, kind.mediaType, entry.size),
      },
    });
  }
  // Stable: fitting blobs first, each group in the listing's (digest) order.
  return [...candidates.filter((c) => c.fit), ...candidates.filter((c) => !c.fit)].map((c) => c.candidate);
}

/**
 * Edits that set `mediaType` and `size` of the descriptor when they are missing or empty strings:
 * an empty value is replaced; missing members are inserted before `digest`, in the document's style.
 */
function descriptorFillEdits(context: Context, descriptor: Node, mediaType: string | undefined, size: number): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  const inserts: string[] = [];
  const { parsed, style } = context;
  const mediaTypeNode = member(descriptor, 'mediaType');
  if (mediaType) {
    const valueless = valuelessMemberEdit(context, descriptor, 'mediaType', JSON.stringify(mediaType));
    if (valueless) edits.push(valueless);
    else if (!mediaTypeNode) inserts.push(`"mediaType":${style.colonSpace}${JSON.stringify(mediaType)},`);
    else if (mediaTypeNode.type === 'string' && mediaTypeNode.value === '') edits.push(replaceNode(context, mediaTypeNode, JSON.stringify(mediaType)));
  }
  const sizeNode = member(descriptor, 'size');
  const valuelessSize = valuelessMemberEdit(context, descriptor, 'size', String(size));
  if (valuelessSize) edits.push(valuelessSize);
  else if (!sizeNode) inserts.push(`"size":${style.colonSpace}${size},`);
  else if (sizeNode.type === 'string' && sizeNode.value === '') edits.push(replaceNode(context, sizeNode, String(size)));
  if (inserts.length) {
    const digestProperty = properties(descriptor).find(([key]) => key.value === 'digest')?.[0].parent;
    if (digestProperty) {
      const separator = style.multiline && startsLine(parsed.text, digestProperty.offset)
        ? `${style.eol}${lineIndentAt(parsed.text, digestProperty.offset)}`
        : style.colonSpace;
      const at = context.toOriginal(digestProperty.offset);
      edits.push({ range: { start: at, end: at }, newText: inserts.join(separator) + separator });
    }
  }
  return edits.length ? edits : undefined;
}

/**
 * A member written without its value yet (`"size":` while typing): the value goes after its colon,
 * where inserting the whole member again would make a duplicate key.
 */
function valuelessMemberEdit(context: Context, object: Node, key: string, valueText: string): TextEdit | undefined {
  const property = propertyNode(object, key);
  if (!property || property.children?.[1] || property.colonOffset === undefined) return undefined;
  const at = context.toOriginal(property.colonOffset + 1);
  return { range: { start: at, end: at }, newText: `${context.style.colonSpace}${valueText}` };
}

function replaceNode(context: Context, node: Node, newText: string): TextEdit {
  return { range: { start: context.toOriginal(node.offset), end: context.toOriginal(node.offset + node.length) }, newText };
}

/** Makes `size` 2 when a descriptor of the empty type gets the empty digest. */
function emptySizeEdits(context: Context, descriptor: Node): TextEdit[] {
  const valueless = valuelessMemberEdit(context, descriptor, 'size', String(EMPTY_SIZE));
  if (valueless) return [valueless];
  const size = member(descriptor, 'size');
  if (size) {
    if (size.type === 'number' && size.value === EMPTY_SIZE) return [];
    return [{ range: { start: context.toOriginal(size.offset), end: context.toOriginal(size.offset + size.length) }, newText: String(EMPTY_SIZE) }];
  }
  // Insert `"size": 2` before the `digest` member (an edit apart from the completion's own range).
  const digestProperty = properties(descriptor).find(([key]) => key.value === 'digest')?.[0].parent;
  if (!digestProperty) return [];
  const { parsed, style } = context;
  const sizeText = `"size":${style.colonSpace}${EMPTY_SIZE},`;
  const separator = style.multiline && startsLine(parsed.text, digestProperty.offset)
    ? `${style.eol}${lineIndentAt(parsed.text, digestProperty.offset)}`
    : style.colonSpace;
  const at = context.toOriginal(digestProperty.offset);
  return [{ range: { start: at, end: at }, newText: sizeText + separator }];
}

function sizeCandidates(descriptor: Node | undefined): Candidate[] {
  const result: Candidate[] = [];
  const data = stringMember(descriptor, 'data');
  const decoded = data !== undefined ? decodeBase64(data) : undefined;
  if (decoded) {
    result.push({ label: String(decoded.length), kind: 'value', snippet: String(decoded.length), detail: 'length of `data`', documentation: `The number of bytes embedded in \`data\` (${decoded.length}).`, preselect: true });
  }
  if (stringMember(descriptor, 'mediaType') === OCI_EMPTY && decoded?.length !== EMPTY_SIZE) {
    result.push({ label: String(EMPTY_SIZE), kind: 'value', snippet: String(EMPTY_SIZE), detail: 'the empty descriptor', documentation: 'The empty descriptor is the two bytes `{}`.', preselect: true });
  }
  return result;
}

const DIGEST_IN_TEXT = /"((?:sha256|blake3):[a-f0-9]{64}|sha512:[a-f0-9]{128})"/g;

/**
 * Digests the document mentions, in document order, with where they occur (found in the text, so
 * large documents stay fast; only the first few are placed in the tree).
 */
function documentDigests(context: Context): Array<{ digest: string; where: string }> {
  const { parsed } = context;
  const result: Array<{ digest: string; where: string }> = [];
  const seen = new Set<string>();
  for (const match of parsed.text.matchAll(DIGEST_IN_TEXT)) {
    const digest = match[1];
    if (seen.has(digest)) continue;
    seen.add(digest);
    const node = parsed.root ? findNodeAtOffset(parsed.root, match.index! + 1) : undefined;
    if (node?.type !== 'string' || node.offset !== match.index || node.parent?.children?.[0] === node) continue;
    result.push({ digest, where: pathText(getNodePath(node)) });
    if (result.length > MAX_DOCUMENT_DIGESTS) break;
  }
  return result;
}

function pathText(path: JSONPath): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : /^[A-Za-z_$][\w$]*$/.test(segment) ? `${index ? '.' : ''}${segment}` : `[${JSON.stringify(segment)}]`,
    )
    .join('') || '$';
}

// ---- platforms

const COMMON_OS = ['linux', 'windows'];
const COMMON_ARCHITECTURES = ['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64'];

function orderedOs(): string[] {
  return [...COMMON_OS, ...KNOWN_OS.filter((os) => !COMMON_OS.includes(os))];
}

function orderedArchitectures(): string[] {
  return [...COMMON_ARCHITECTURES, ...KNOWN_ARCHITECTURES.filter((arch) => !COMMON_ARCHITECTURES.includes(arch))];
}

function orderedVariants(architecture: string | undefined): string[] {
  const variants = architecture ? VARIANTS_BY_ARCHITECTURE[architecture] ?? [] : [];
  const preferred: Record<string, string> = { arm: 'v7', arm64: 'v8' };
  const first = architecture ? preferred[architecture] : undefined;
  return first ? [first, ...variants.filter((variant) => variant !== first)] : [...variants];
}

const PLATFORM_HREF = 'https://github.com/opencontainers/image-spec/blob/main/image-index.md#platform-variants';

function platformValueCandidates(
  values: readonly string[],
  field: 'os' | 'architecture' | 'variant',
  attestation: boolean,
  architecture?: string,
): Candidate[] {
  const candidates: Candidate[] = values.map((value, index) => ({
    label: value,
    kind: 'enumMember',
    snippet: stringSnippet(value),
    detail:
      field === 'variant' ? `${architecture} variant` : field === 'os' ? 'GOOS' : 'GOARCH',
    documentation:
      field === 'variant'
        ? `CPU variant \`${value}\` of \`${architecture}\`.\n\n[Platform variants](${PLATFORM_HREF})`
        : `\`${value}\`: a value of Go's \`${field === 'os' ? 'GOOS' : 'GOARCH'}\`, as the spec requires.\n\n[Platform](${PLATFORM_HREF})`,
    preselect: index === 0,
  }));
  if (attestation && field !== 'variant') {
    candidates.push({
      label: 'unknown',
      kind: 'enumMember',
      snippet: stringSnippet('unknown'),
      detail: 'BuildKit attestation',
      documentation: 'BuildKit gives attestation manifests the platform `unknown/unknown`, with the annotations `vnd.docker.reference.type: attestation-manifest` and `vnd.docker.reference.digest`.',
    });
  }
  return candidates;
}

// ---- snippets for whole descriptors and platforms

function choices(values: readonly string[]): string {
  return values.map(escapeChoice).join(',');
}

interface SnippetMember {
  readonly key: string;
  /** Snippet text of the value, or nested members for an object. */
  readonly value: string | readonly SnippetMember[];
}

/** Lays out `{ members }` for the document's style; the first line starts at the cursor. */
function objectSnippet(members: readonly SnippetMember[], context: Context, baseIndent: string): string {
  const { style } = context;
  const colon = `:${style.colonSpace}`;
  if (!style.multiline) {
    const inline = (list: readonly SnippetMember[]): string =>
      `{${list.map((m) => `${JSON.stringify(m.key)}${colon}${typeof m.value === 'string' ? m.value : inline(m.value)}`).join(style.colonSpace ? ', ' : ',')}}`;
    return inline(members);
  }
  const block = (list: readonly SnippetMember[], indent: string): string => {
    const inner = indent + style.indentUnit;
    const lines = list.map(
      (m) => `${inner}${JSON.stringify(m.key)}${colon}${typeof m.value === 'string' ? m.value : block(m.value, inner)}`,
    );
    return `{${style.eol}${lines.join(`,${style.eol}`)}${style.eol}${indent}}`;
  };
  return block(members, baseIndent);
}

function elementIndent(context: Context): string {
  const { parsed, cursor, style } = context;
  // On a line of its own the element starts at that line's indentation; after `[` on the same
  // line one level deeper than that line.
  return startsLine(parsed.text, cursor.replace.start) ? context.indent : context.indent + (style.multiline ? style.indentUnit : '');
}

function descriptorMembers(context: Context, role: DescriptorRole, firstTabStop = 1): SnippetMember[] {
  const types = descriptorMediaTypes(context.parsed, role).filter((info) => info.status === 'current').map((info) => info.mediaType);
  let stop = firstTabStop;
  const members: SnippetMember[] = [
    { key: 'mediaType', value: `"\${${stop++}|${choices(types)}|}"` },
    { key: 'digest', value: `"sha256:\${${stop++}:${DIGEST_PLACEHOLDER_CHAR.repeat(64)}}"` },
    { key: 'size', value: `\${${stop++}:0}` },
  ];
  if (role === 'manifest') members.push({ key: 'platform', value: platformMembers(stop) });
  return members;
}

function platformMembers(firstTabStop: number): SnippetMember[] {
  return [
    { key: 'architecture', value: `"\${${firstTabStop}|${choices(orderedArchitectures())}|}"` },
    { key: 'os', value: `"\${${firstTabStop + 1}|${choices(orderedOs())}|}"` },
  ];
}

const ROLE_LABELS: Record<DescriptorRole, string> = {
  config: 'config descriptor',
  layer: 'layer descriptor',
  manifest: 'manifest descriptor',
  subject: 'subject descriptor',
  blob: 'blob descriptor',
};

function descriptorSnippetCandidate(context: Context, role: DescriptorRole): Candidate {
  const members = descriptorMembers(context, role);
  return {
    label: `{ } ${ROLE_LABELS[role]}`,
    kind: 'snippet',
    snippet: objectSnippet(members, context, elementIndent(context)),
    detail: role === 'manifest' ? 'mediaType, digest, size, platform' : 'mediaType, digest, size',
    documentation: `A new ${ROLE_LABELS[role]}: the content's media type, its digest and its size in bytes.\n\n[Descriptor](https://github.com/opencontainers/image-spec/blob/main/descriptor.md)`,
    filterText: '{',
    preselect: true,
  };
}

/** `[ { descriptor } ]` for an empty `layers`, `manifests` or `blobs` value. */
function descriptorArraySnippetCandidate(context: Context, role: DescriptorRole, key: string): Candidate {
  const { style } = context;
  const members = descriptorMembers(context, role);
  const snippet = style.multiline
    ? `[${style.eol}${context.indent}${style.indentUnit}${objectSnippet(members, context, context.indent + style.indentUnit)}${style.eol}${context.indent}]`
    : `[${objectSnippet(members, context, '')}]`;
  return {
    label: `[ ] ${key} with one ${ROLE_LABELS[role]}`,
    kind: 'snippet',
    snippet,
    detail: role === 'manifest' ? 'mediaType, digest, size, platform' : 'mediaType, digest, size',
    documentation: `\`${key}\` with a first ${ROLE_LABELS[role]}.\n\n[Descriptor](https://github.com/opencontainers/image-spec/blob/main/descriptor.md)`,
    filterText: '[',
    preselect: true,
  };
}

function platformSnippetCandidate(context: Context): Candidate {
  return {
    label: '{ } platform',
    kind: 'snippet',
    snippet: objectSnippet(platformMembers(1), context, elementIndent(context)),
    detail: 'architecture, os',
    documentation: `The platform the manifest runs on: \`architecture\` and \`os\` as Go spells them, optionally \`variant\`.\n\n[Platform](${PLATFORM_HREF})`,
    filterText: '{',
    preselect: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Property names

function propertyCandidates(context: Context): Candidate[] {
  const { parsed, cursor } = context;
  const kind = parsed.detection.kind;
  const objectPath = cursor.path;
  const object = nodeAt(context.root, objectPath);
  const present = new Set<string>();
  for (const [keyNode] of properties(object)) {
    if (keyNode.offset !== cursor.keyOffset) present.add(String(keyNode.value));
  }

  const last = objectPath[objectPath.length - 1];
  const isAnnotations =
    (last === 'annotations' && (isImageManifestKind(kind) || isIndexKind(kind))) ||
    (isConfigKind(kind) && objectPath.length === 2 && objectPath[0] === 'config' && last === 'Labels');
  if (isAnnotations) {
    const inIndexChild = descriptorRoleAtPath(parsed, objectPath.slice(0, -1)) === 'manifest';
    return annotationKeyCandidates(context, present, inIndexChild);
  }

  const role = descriptorRoleAtPath(parsed, objectPath);
  let docs = propertiesAtPath(parsed.detection, objectPath);
  if (context.starter && objectPath.length === 0) docs = starterProperties();
  docs = docs.filter((doc) => !present.has(doc.name));
  if (role && role !== 'manifest') docs = docs.filter((doc) => doc.name !== 'platform');
  const recommended = (doc: PropertyDoc): number =>
    doc.required ? 0 : objectPath.length === 0 && doc.name === 'mediaType' ? 1 : 2;
  docs = docs.map((doc, index) => ({ doc, index })).sort((a, b) => recommended(a.doc) - recommended(b.doc) || a.index - b.index).map((entry) => entry.doc);

  return docs.map((doc) => {
    const value = propertyValueSnippet(context, doc, objectPath, role);
    const keyText = JSON.stringify(doc.name);
    return {
      label: doc.name,
      kind: 'property',
      snippet: cursor.keyHasColon ? escapeSnippet(keyText) : `${escapeSnippet(keyText)}:${context.style.colonSpace}${value.text}`,
      detail: context.starter && objectPath.length === 0 && STARTER_DETAILS[doc.name]
        ? STARTER_DETAILS[doc.name]
        : doc.required ? 'required' : recommended(doc) === 1 ? 'recommended' : undefined,
      documentation: doc.description,
      filterText: doc.name,
      triggerSuggest: !cursor.keyHasColon && value.triggerSuggest,
    };
  });
}

const STARTER_DETAILS: Readonly<Record<string, string>> = {
  config: 'image manifest',
  layers: 'image manifest',
  manifests: 'image index',
};

/** Top-level members of a document being started: an image manifest's and an index's. */
function starterProperties(): PropertyDoc[] {
  const manifest = propertiesAtPath({ kind: 'oci-manifest' }, []);
  const index = propertiesAtPath({ kind: 'oci-index' }, []);
  const byName = new Map<string, PropertyDoc>();
  for (const doc of [...manifest, ...index]) {
    if (!byName.has(doc.name)) byName.set(doc.name, { ...doc, required: doc.name === 'schemaVersion' });
  }
  const order = ['schemaVersion', 'mediaType', 'config', 'layers', 'manifests'];
  const rankOf = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...byName.values()].sort((a, b) => rankOf(a.name) - rankOf(b.name));
}

function propertyValueSnippet(
  context: Context,
  doc: PropertyDoc,
  objectPath: JSONPath,
  role: DescriptorRole | undefined,
): { text: string; triggerSuggest?: boolean } {
  const { parsed } = context;
  const kind = parsed.detection.kind;
  if (doc.schema.const !== undefined) return { text: escapeSnippet(JSON.stringify(doc.schema.const)) };
  const memberPath = [...objectPath, doc.name];
  const memberRole = descriptorRoleAtPath(parsed, memberPath);
  const indent = context.indent;
  if (memberRole === 'config' || memberRole === 'subject') {
    return { text: objectSnippet(descriptorMembers(context, memberRole), context, indent) };
  }
  if (doc.name === 'platform' && role === 'manifest') {
    return { text: objectSnippet(platformMembers(1), context, indent) };
  }
  if (objectPath.length === 0 && doc.name === 'mediaType' && (isImageManifestKind(kind) || isIndexKind(kind))) {
    const preferred = mediaTypeForShape(parsed) ?? OCI_MANIFEST;
    return { text: `"\${1:${escapeSnippet(preferred)}}"` };
  }
  const types = schemaTypes(doc.schema);
  switch (types[0]) {
    case 'string':
      return { text: '"$1"', triggerSuggest: hasValueCompletions(context, memberPath) };
    case 'integer':
    case 'number':
      return { text: '${1:0}' };
    case 'boolean':
      return { text: '${1|true,false|}' };
    case 'object':
      return { text: '{$1}' };
    case 'array':
      return { text: '[$1]' };
    default:
      return { text: '$1' };
  }
}

/** Whether the value at `path` has completions of its own (so suggest again after the key). */
function hasValueCompletions(context: Context, path: JSONPath): boolean {
  const key = path[path.length - 1];
  const parentRole = descriptorRoleAtPath(context.parsed, path.slice(0, -1));
  if (parentRole) return key === 'mediaType' || key === 'digest' || key === 'artifactType';
  if (path.length === 1) return key === 'artifactType' || key === 'architecture' || key === 'os' || key === 'variant';
  return path[path.length - 2] === 'platform';
}

function annotationKeyCandidates(context: Context, present: Set<string>, inIndexChild: boolean): Candidate[] {
  const { parsed } = context;
  const isIndex = isIndexKind(parsed.detection.kind);
  const applicable = (info: AnnotationKeyInfo): boolean =>
    info.key.startsWith('org.opencontainers.image.') || inIndexChild;
  const order = (info: AnnotationKeyInfo): number =>
    info.key === 'org.opencontainers.image.ref.name' ? (inIndexChild && isIndex ? 0 : 2) : info.key.startsWith('org.') ? 1 : 3;
  return ANNOTATION_KEYS.filter((info) => applicable(info) && !present.has(info.key))
    .map((info, index) => ({ info, index }))
    .sort((a, b) => order(a.info) - order(b.info) || a.index - b.index)
    .map(({ info }) => ({
      label: info.key,
      kind: 'property' as const,
      snippet: context.cursor.keyHasColon
        ? escapeSnippet(JSON.stringify(info.key))
        : `${escapeSnippet(JSON.stringify(info.key))}:${context.style.colonSpace}"$1"`,
      detail: info.format.replace(/`/g, ''),
      documentation: annotationDocumentation(info),
      filterText: info.key,
    }));
}

export function annotationDocumentation(info: AnnotationKeyInfo): string {
  let markdown = `${info.description}\n\nValue: ${info.format}.`;
  if (info.scope) markdown += `\n\nMeaningful in ${info.scope}.`;
  return `${markdown}\n\n[Reference](${info.href})`;
}
