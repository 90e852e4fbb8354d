/**
 * Code actions. Quick fixes come from the `fixes` the validator attaches to its diagnostics (one
 * action per distinct fix title; several `fixes` entries with the same title form one action with
 * several edits). Source actions are computed here: convert a whole manifest or index between Docker
 * and OCI media types, and add a missing top-level `mediaType` or `schemaVersion`.
 */
import { documentFamily, isImageManifestKind, isIndexKind, mediaTypeForShape } from './document-facts';
import { isObject, member, valueOf } from './json-tree';
import { equivalentInFamily } from './media-type-families';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, mediaTypeInfo } from './media-types';
import type { ParsedDocument } from './parse';
import { detectTextStyle, insertPropertyEdit, type TextEdit } from './text-style';
import type { DocumentKind, ManifestDiagnostic, OffsetRange } from './types';

export type { TextEdit };

export interface CodeAction {
  readonly title: string;
  /** LSP code action kind: `quickfix`, or one of the `source.imageManifest.*` kinds below. */
  readonly kind: string;
  /** The diagnostics this action fixes (quick fixes). */
  readonly diagnostics?: readonly ManifestDiagnostic[];
  readonly edits: readonly TextEdit[];
  readonly isPreferred?: boolean;
}

export const CODE_ACTION_KINDS = {
  quickFix: 'quickfix',
  convertToOci: 'source.imageManifest.convertToOci',
  convertToDocker: 'source.imageManifest.convertToDocker',
  addMediaType: 'source.imageManifest.addMediaType',
  addSchemaVersion: 'source.imageManifest.addSchemaVersion',
} as const;

/** Diagnostics whose problem a whole-document conversion solves. */
const MIXING_CODES = new Set(['mixed-family', 'docker-manifest-oci-type']);

/**
 * The actions for `range`: quick fixes for the given diagnostics (those the client says are in the
 * range), then the source actions that apply to the document. `only` filters by kind prefix as LSP's
 * `CodeActionContext.only` does.
 */
export function getCodeActions(
  parsed: ParsedDocument,
  range: OffsetRange,
  diagnostics: readonly ManifestDiagnostic[],
  only?: readonly string[],
  options: { includeSource?: boolean } = {},
): CodeAction[] {
  void range;
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) actions.push(...quickFixesFor(diagnostic));

  const kind = parsed.detection.kind;
  const wanted = (actionKind: string): boolean => !only?.length || only.some((prefix) => kindMatches(actionKind, prefix));
  const sourceWanted =
    options.includeSource !== false &&
    (!only?.length || only.some((prefix) => kindMatches('source.imageManifest', prefix) || kindMatches(prefix, 'source.imageManifest')));
  const mixing = diagnostics.filter((diagnostic) => MIXING_CODES.has(diagnostic.code));
  const computeAny = sourceWanted || (wanted('quickfix') && diagnostics.some((d) => MIXING_CODES.has(d.code) || d.code === 'missing-media-type' || d.code === 'missing-property'));
  if (computeAny && isObject(parsed.root) && (isImageManifestKind(kind) || isIndexKind(kind)) && !parsed.detection.ambiguous) {
    const toOci = sourceWanted || mixing.length ? conversionEdits(parsed, 'oci') : undefined;
    const toDocker = sourceWanted || mixing.length ? conversionEdits(parsed, 'docker') : undefined;
    // Besides the validator's fix for the one descriptor: fix the whole document at once.
    if (mixing.length) {
      const target = mixing.some((d) => d.code === 'docker-manifest-oci-type') ? 'docker' : documentFamily(parsed);
      const edits = target === 'oci' ? toOci : toDocker;
      if (edits?.length) {
        actions.push({
          title: `Convert all media types to ${target === 'oci' ? 'OCI' : 'Docker'}`,
          kind: CODE_ACTION_KINDS.quickFix,
          diagnostics: mixing,
          edits,
        });
      }
    }
    if (toOci?.length) actions.push({ title: 'Convert to OCI media types (manifest and all descriptors)', kind: CODE_ACTION_KINDS.convertToOci, edits: toOci });
    if (toDocker?.length) actions.push({ title: 'Convert to Docker media types (manifest and all descriptors)', kind: CODE_ACTION_KINDS.convertToDocker, edits: toDocker });

    const addMediaType = addMediaTypeEdit(parsed);
    if (addMediaType) {
      const missing = diagnostics.filter((diagnostic) => diagnostic.code === 'missing-media-type' && !diagnostic.fixes?.length);
      const title = `Add "mediaType": "${addMediaType.mediaType}"`;
      if (missing.length) actions.push({ title, kind: CODE_ACTION_KINDS.quickFix, diagnostics: missing, edits: [addMediaType.edit], isPreferred: true });
      actions.push({ title, kind: CODE_ACTION_KINDS.addMediaType, edits: [addMediaType.edit] });
    }
    const addSchemaVersion = addSchemaVersionEdit(parsed);
    if (addSchemaVersion) {
      const title = 'Add "schemaVersion": 2';
      const missing = diagnostics.filter(
        (diagnostic) => diagnostic.code === 'missing-property' && !diagnostic.fixes?.length && /schemaVersion/.test(diagnostic.message),
      );
      if (missing.length) actions.push({ title, kind: CODE_ACTION_KINDS.quickFix, diagnostics: missing, edits: [addSchemaVersion], isPreferred: true });
      actions.push({ title, kind: CODE_ACTION_KINDS.addSchemaVersion, edits: [addSchemaVersion] });
    }
  }
  return only?.length ? actions.filter((action) => only.some((prefix) => kindMatches(action.kind, prefix))) : withoutEchoes(actions);
}

/**
 * Asked for every kind (the light bulb), a source action that makes exactly the edits of a quick fix
 * in the same list would show the user the same change twice under two titles; the quick fix,
 * attached to its diagnostics, stays. Asked for source actions only, they are all there.
 */
function withoutEchoes(actions: CodeAction[]): CodeAction[] {
  const quickFixEdits = new Set(actions.filter((a) => a.kind === CODE_ACTION_KINDS.quickFix).map((a) => JSON.stringify(a.edits)));
  if (quickFixEdits.size === 0) return actions;
  return actions.filter((a) => !kindMatches(a.kind, 'source') || !quickFixEdits.has(JSON.stringify(a.edits)));
}

/** `source.imageManifest.convertToOci` matches `source`, `source.imageManifest` and itself. */
export function kindMatches(kind: string, prefix: string): boolean {
  return kind === prefix || kind.startsWith(`${prefix}.`);
}

/** One quick fix per distinct fix title of the diagnostic, in the order the validator gave. */
export function quickFixesFor(diagnostic: ManifestDiagnostic): CodeAction[] {
  const groups = new Map<string, TextEdit[]>();
  for (const fix of diagnostic.fixes ?? []) {
    const edits = groups.get(fix.title) ?? [];
    edits.push({ range: fix.range, newText: fix.newText }, ...(fix.additionalEdits ?? []));
    groups.set(fix.title, edits);
  }
  return [...groups].map(([title, edits]) => ({
    title,
    kind: CODE_ACTION_KINDS.quickFix,
    diagnostics: [diagnostic],
    edits,
    isPreferred: groups.size === 1 || undefined,
  }));
}

// ---------------------------------------------------------------------------------------------
// Docker ⇄ OCI

const MEDIA_TYPE_MEMBER = /"mediaType"\s*:\s*("(?:[^"\\\r\n]|\\.)*")/g;

/** Where the media types of descriptors sit, by document kind. */
function descriptorPaths(kind: DocumentKind): Array<{ key: string; array: boolean; anyType: boolean }> {
  if (isIndexKind(kind)) return [{ key: 'manifests', array: true, anyType: true }, { key: 'subject', array: false, anyType: true }];
  return [
    { key: 'config', array: false, anyType: false },
    { key: 'layers', array: true, anyType: false },
    { key: 'subject', array: false, anyType: true },
  ];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Edits that turn every media type of the document (top level, config, layers, index entries) into
 * the other family's equivalent; undefined when something has no equivalent (an artifact, an OCI
 * 1.1 field Docker lacks) or nothing would change. Decided on the plain value; the offsets come
 * from one scan of the text, so large indexes stay fast.
 */
export function conversionEdits(parsed: ParsedDocument, target: 'oci' | 'docker'): TextEdit[] | undefined {
  const root = parsed.root;
  const kind = parsed.detection.kind;
  if (!isObject(root) || parsed.detection.artifactManifest) return undefined;
  const value = parsed.value !== undefined ? parsed.value : valueOf(root);
  if (!isRecord(value)) return undefined;
  if (target === 'docker' && (value.subject !== undefined || value.artifactType !== undefined)) return undefined;

  // What each descriptor's media type becomes (undefined: stays).
  const replacements = new Map<string, string>();
  let feasible = true;
  // An index's entries name other manifests by digest: their type is what those manifests are, so
  // relabelling them would lie. An index converts only when its entries already are of the target
  // family (e.g. a Docker list of OCI manifests), and then only its own mediaType changes.
  const index = isIndexKind(kind);
  const plan = (mediaType: unknown, anyType: boolean): void => {
    if (typeof mediaType !== 'string') {
      if (!anyType) feasible = false;
      return;
    }
    const info = mediaTypeInfo(mediaType);
    if (info?.family === target) return;
    if (index) {
      if (info?.family === 'docker' || info?.family === 'oci') feasible = false;
      return;
    }
    const equivalent = equivalentInFamily(mediaType, target);
    if (equivalent) replacements.set(mediaType, equivalent);
    else if (!(anyType && info === undefined)) feasible = false;
  };
  for (const { key, array, anyType } of descriptorPaths(kind)) {
    const member = value[key];
    if (member === undefined) continue;
    const descriptors = array ? (Array.isArray(member) ? member : []) : [member];
    for (const descriptor of descriptors) {
      // Index entries may point at anything (unknown types stay); image parts must all convert.
      if (isRecord(descriptor)) plan(descriptor.mediaType, anyType);
      else if (!anyType) feasible = false;
      if (!feasible) return undefined;
    }
  }
  const topTarget = isIndexKind(kind)
    ? target === 'oci' ? OCI_INDEX : DOCKER_LIST
    : target === 'oci' ? OCI_MANIFEST : DOCKER_MANIFEST;
  // Only a replacement converts anything; inserting the missing mediaType alone is `addMediaType`.
  const topChanges = value.mediaType !== undefined && value.mediaType !== topTarget;
  if (!replacements.size && !topChanges) return undefined;

  // Every `"mediaType": "<type with an equivalent>"` member: the top level, config, layers, index
  // entries (and descriptors in extension fields, which deserve the same). A text scan keeps
  // large indexes fast; string escapes such as `\/` are decoded before comparing.
  const edits: TextEdit[] = [];
  if (index) {
    const top = member(root, 'mediaType');
    if (top) edits.push({ range: { start: top.offset, end: top.offset + top.length }, newText: JSON.stringify(topTarget) });
    else edits.push(insertPropertyEdit(parsed.text, root, 'mediaType', JSON.stringify(topTarget), detectTextStyle(parsed.text), 'schemaVersion'));
    return edits;
  }
  for (const match of parsed.text.matchAll(MEDIA_TYPE_MEMBER)) {
    let literal: unknown;
    try {
      literal = JSON.parse(match[1]);
    } catch {
      continue;
    }
    if (typeof literal !== 'string') continue;
    const replacement = equivalentInFamily(literal, target);
    if (!replacement) continue;
    const start = match.index! + match[0].length - match[1].length;
    edits.push({ range: { start, end: start + match[1].length }, newText: JSON.stringify(replacement) });
  }
  const topValue = value.mediaType;
  if (topValue === undefined) {
    edits.push(insertPropertyEdit(parsed.text, root, 'mediaType', JSON.stringify(topTarget), detectTextStyle(parsed.text), 'schemaVersion'));
  } else if (typeof topValue !== 'string' || (topValue !== topTarget && equivalentInFamily(topValue, target) !== topTarget)) {
    // Not a type of the other family (empty, withdrawn, …): set it outright.
    const top = member(root, 'mediaType')!;
    const range = { start: top.offset, end: top.offset + top.length };
    const index = edits.findIndex((edit) => edit.range.start === range.start);
    if (index >= 0) edits.splice(index, 1);
    edits.push({ range, newText: JSON.stringify(topTarget) });
  }
  return edits.sort((a, b) => a.range.start - b.range.start);
}

// ---------------------------------------------------------------------------------------------
// Missing members

function addMediaTypeEdit(parsed: ParsedDocument): { mediaType: string; edit: TextEdit } | undefined {
  const root = parsed.root;
  if (!isObject(root) || member(root, 'mediaType') !== undefined) return undefined;
  const mediaType = mediaTypeForShape(parsed);
  if (!mediaType) return undefined;
  return { mediaType, edit: insertPropertyEdit(parsed.text, root, 'mediaType', JSON.stringify(mediaType), detectTextStyle(parsed.text), 'schemaVersion') };
}

function addSchemaVersionEdit(parsed: ParsedDocument): TextEdit | undefined {
  const root = parsed.root;
  if (!isObject(root) || member(root, 'schemaVersion') !== undefined) return undefined;
  return insertPropertyEdit(parsed.text, root, 'schemaVersion', '2', detectTextStyle(parsed.text));
}
