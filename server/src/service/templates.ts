/**
 * Whole-document templates for an empty file: what one would otherwise copy from the specs. The
 * snippets' tab stops walk through what only the author knows (digests, sizes, types); every
 * other value is the exact one the specs require.
 */
import { properties } from './json-tree';
import {
  DOCKER_LAYER_GZIP,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  EMPTY_DIGEST,
  EMPTY_SIZE,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
} from './media-types';
import type { ParsedDocument } from './parse';
import type { OffsetRange } from './types';

export interface DocumentTemplate {
  readonly label: string;
  readonly detail: string;
  readonly documentation: string;
  /** The document as nested values; strings may hold snippet tab stops (`${1:…}`). */
  readonly body: TemplateValue;
}

type TemplateValue = string | number | { readonly [key: string]: TemplateValue } | readonly TemplateValue[] | Raw;

/** Text written as is (a number tab stop such as `${2:0}`, which is no JSON string). */
interface Raw {
  readonly raw: string;
}

const raw = (text: string): Raw => ({ raw: text });

const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';

export const DOCUMENT_TEMPLATES: readonly DocumentTemplate[] = [
  {
    label: 'OCI image manifest',
    detail: 'template · image-spec manifest.md',
    documentation: 'An image: its config and one gzip layer. Tab through the digests and sizes (`crane digest`, `sha256sum`, `stat -c %s`).',
    body: {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: 'sha256:${1}', size: raw('${2:0}') },
      layers: [{ mediaType: OCI_LAYER_GZIP, digest: 'sha256:${3}', size: raw('${4:0}') }],
    },
  },
  {
    label: 'OCI image index',
    detail: 'template · image-spec image-index.md',
    documentation: 'A multi-platform image: one manifest per platform. Tab through the digest, size and platform of each.',
    body: {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: 'sha256:${1}', size: raw('${2:0}'), platform: { architecture: '${3|amd64,arm64,arm,ppc64le,s390x,riscv64,386|}', os: '${4|linux,windows|}' } }],
    },
  },
  {
    label: 'OCI artifact (image-spec 1.1)',
    detail: 'template · artifactType and the empty config',
    documentation: 'An artifact as image-spec 1.1 recommends: `artifactType`, the empty descriptor as config, one layer of your type. Add `subject` to make it a referrer of another manifest.',
    body: {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: '${1:application/vnd.example.thing.v1+json}',
      config: { mediaType: OCI_EMPTY, digest: EMPTY_DIGEST, size: EMPTY_SIZE },
      layers: [{ mediaType: '${2:application/vnd.example.thing.v1+json}', digest: 'sha256:${3}', size: raw('${4:0}') }],
    },
  },
  {
    label: 'Docker image manifest (v2 schema 2)',
    detail: 'template · distribution manifest-v2-2.md',
    documentation: 'A Docker image: its config and one gzip layer, Docker media types throughout.',
    body: {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, digest: 'sha256:${1}', size: raw('${2:0}') },
      layers: [{ mediaType: DOCKER_LAYER_GZIP, digest: 'sha256:${3}', size: raw('${4:0}') }],
    },
  },
  {
    label: 'Docker manifest list',
    detail: 'template · distribution manifest-v2-2.md',
    documentation: 'A Docker multi-platform image: one Docker manifest per platform.',
    body: {
      schemaVersion: 2,
      mediaType: DOCKER_LIST,
      manifests: [{ mediaType: DOCKER_MANIFEST, digest: 'sha256:${1}', size: raw('${2:0}'), platform: { architecture: '${3|amd64,arm64,arm,ppc64le,s390x,riscv64,386|}', os: '${4|linux,windows|}' } }],
    },
  },
];

/**
 * Where a template may replace the whole document: an empty or blank text, or a root object with
 * nothing in it yet. Undefined elsewhere (a template never overwrites content).
 */
export function templateRange(parsed: ParsedDocument): OffsetRange | undefined {
  const { text, root } = parsed;
  if (text.trim() === '') return { start: 0, end: text.length };
  if (root?.type !== 'object' || properties(root).length > 0 || parsed.syntaxErrors.length > 0) return undefined;
  return { start: root.offset, end: root.offset + root.length };
}

/** Where a template goes when it is chosen with the cursor at some offset of its range. */
export interface TemplatePlacement {
  /** The part of the range on the cursor's line: what the completion item itself replaces. */
  readonly main: OffsetRange;
  /** The rest of the range (blank lines, a `{` or `}` on another line): deleted by separate edits. */
  readonly rest: readonly OffsetRange[];
}

/**
 * Splits a template's range at the cursor's line. LSP requires a completion item's own edit to be
 * on one line and to contain the cursor (VS Code drops an item whose edit spans lines), so a range
 * over several lines — a blank file of line breaks, an empty object written `{` ⏎ `}` — is replaced
 * by the item's edit on the cursor's line plus deletions before and after it, which LSP carries as
 * additional text edits; together they leave exactly the template.
 */
export function placeTemplate(text: string, range: OffsetRange, offset: number): TemplatePlacement {
  const isBreak = (ch: string | undefined) => ch === '\n' || ch === '\r';
  let start = Math.max(range.start, Math.min(offset, range.end));
  let end = start;
  while (start > range.start && !isBreak(text[start - 1])) start--;
  while (end < range.end && !isBreak(text[end])) end++;
  const rest: OffsetRange[] = [];
  if (range.start < start) rest.push({ start: range.start, end: start });
  if (end < range.end) rest.push({ start: end, end: range.end });
  return { main: { start, end }, rest };
}

/** The template as text in the document's end-of-line style, two-space indented as registries print. */
export function renderTemplate(template: DocumentTemplate, eol: string, indentUnit = '  '): string {
  const render = (value: TemplateValue, indent: string): string => {
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return JSON.stringify(value);
    if ('raw' in value) return (value as Raw).raw;
    const inner = indent + indentUnit;
    if (Array.isArray(value)) return `[${eol}${value.map((item) => inner + render(item, inner)).join(`,${eol}`)}${eol}${indent}]`;
    const entries = Object.entries(value as Record<string, TemplateValue>);
    return `{${eol}${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${render(item, inner)}`).join(`,${eol}`)}${eol}${indent}}`;
  };
  return render(template.body, '');
}
