import type { Node } from 'jsonc-parser';
import type { ErrorObject } from 'ajv';
import { anchorRange, keyOf, nodeAtPath, propertyNode, valueOf } from '../json-tree';
import { schemaFileFor, structuralErrors } from '../schemas';
import { detectTextStyle, insertPropertyEdit } from '../text-style';
import { show, replaceValue, type RuleContext } from './context';

/** Structure and types, from the JSON Schema of the document's kind in schemas/. */
export function checkStructure(ctx: RuleContext): void {
  const file = schemaFileFor(ctx.kind, ctx.doc.detection.artifactManifest);
  if (!file) return;
  const value = ctx.doc.value !== undefined ? ctx.doc.value : valueOf(ctx.root);
  // Every missing member of one object is said in one diagnostic: they share its anchor, and the
  // user should learn all of them at once rather than one per fix.
  const missingByNode = new Map<Node, string[]>();
  for (const error of structuralErrors(file, value)) {
    // The top-level mediaType has its own rule with a better message and a fix.
    if (error.instancePath === '/mediaType') continue;
    const node = nodeAtPath(ctx.root, pointerSegments(error.instancePath));
    if (!node) continue;
    if (error.keyword === 'required') {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      // Text cut off (after `"config":`, or before `"layers"` came) has the key without a value, or
      // an object that runs to the end of the text unclosed: the syntax error says it all.
      if (ctx.doc.syntaxErrors.length > 0 && (propertyNode(node, missing) || isCutOff(ctx.doc, node))) continue;
      const list = missingByNode.get(node) ?? [];
      if (!list.includes(missing)) list.push(missing);
      missingByNode.set(node, list);
      continue;
    }
    reportError(ctx, error, node);
  }
  for (const [node, missing] of missingByNode) reportMissing(ctx, node, missing);
}

function reportMissing(ctx: RuleContext, node: Node, missing: readonly string[]): void {
  const fixes = [];
  for (const name of missing) {
    const known = node === ctx.root ? KNOWN_VALUES[`${ctx.kind}:${name}`] : undefined;
    if (known) fixes.push({ title: `Add "${name}": ${known.value}`, ...insertPropertyEdit(ctx.doc.text, node, name, known.value, detectTextStyle(ctx.doc.text), known.after) });
  }
  const names = missing.map((name) => `\`${name}\``);
  const message =
    names.length === 1
      ? `Required property ${names[0]} is missing from ${nameOf(node)}.`
      : `Required properties ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are missing from ${nameOf(node)}.`;
  ctx.report('missing-property', anchorRange(node), message, fixes.length > 0 ? fixes : undefined);
}

function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

/** How to name a node in a message: its key, `owner[i]` for an array entry, else the document. */
function nameOf(node: Node): string {
  const key = keyOf(node);
  if (key) return `\`${String(key.value)}\``;
  const parent = node.parent;
  if (parent?.type === 'array') {
    const owner = keyOf(parent);
    const index = parent.children?.indexOf(node) ?? 0;
    return owner ? `\`${String(owner.value)}[${index}]\`` : `entry ${index}`;
  }
  return 'the document';
}

/** Required top-level members whose value is fixed by the kind, so a quick fix can add them. */
const KNOWN_VALUES: Record<string, { value: string; after?: string }> = {
  'oci-manifest:schemaVersion': { value: '2' },
  'oci-index:schemaVersion': { value: '2' },
  'docker-manifest:schemaVersion': { value: '2' },
  'docker-manifest-list:schemaVersion': { value: '2' },
  'docker-manifest:mediaType': { value: '"application/vnd.docker.distribution.manifest.v2+json"', after: 'schemaVersion' },
  'docker-manifest-list:mediaType': { value: '"application/vnd.docker.distribution.manifest.list.v2+json"', after: 'schemaVersion' },
  'oci-index:manifests': { value: '[]', after: 'mediaType' },
  'oci-layout:imageLayoutVersion': { value: '"1.0.0"' },
};

/** Members that some kind requires: advice to omit them when `null` would be wrong. */
const REQUIRED_MEMBERS = new Set(['schemaVersion', 'config', 'layers', 'manifests', 'digest', 'size', 'rootfs', 'diff_ids', 'architecture', 'os', 'type', 'fsLayers', 'history', 'imageLayoutVersion', 'blobSum']);

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'a boolean',
  null: 'null',
};

function jsonTypeOf(node: Node): string {
  if (node.type === 'null') return 'null';
  if (node.type === 'number') return Number.isInteger(node.value) ? 'an integer' : 'a number with a fraction';
  return TYPE_NAMES[node.type] ?? node.type;
}

function reportError(ctx: RuleContext, error: ErrorObject, node: Node): void {
  switch (error.keyword) {
    case 'type': {
      const expected = String((error.params as { type: string | string[] }).type)
        .split(',')
        .map((type) => TYPE_NAMES[type] ?? type)
        .join(' or ');
      const got = jsonTypeOf(node);
      let message = `${nameOf(node)} must be ${expected}, not ${got}`;
      const fixes = [];
      if (node.type === 'null') {
        message += REQUIRED_MEMBERS.has(String(keyOf(node)?.value)) ? '.' : ': omit the member instead of setting it to `null`.';
      } else if (node.type === 'string' && /integer/.test(expected) && /^(0|[1-9]\d*)$/.test(node.value as string)) {
        message += ` (${show(node.value)} is quoted).`;
        fixes.push({ title: `Use the number ${node.value as string}`, range: { start: node.offset, end: node.offset + node.length }, newText: node.value as string });
      } else {
        message += '.';
      }
      ctx.report('wrong-type', node, message, fixes);
      return;
    }
    case 'const':
    case 'enum': {
      const allowed = error.keyword === 'const'
        ? [(error.params as { allowedValue: unknown }).allowedValue]
        : (error.params as { allowedValues: unknown[] }).allowedValues;
      ctx.report(
        'invalid-value',
        node,
        `${nameOf(node)} must be ${allowed.map((value) => show(value)).join(' or ')}, not ${show(valueOf(node))}.`,
        allowed.length === 1 ? [replaceValue(`Set ${show(allowed[0])}`, node, allowed[0])] : undefined,
      );
      return;
    }
    case 'minimum':
      ctx.report('invalid-size', node, `${nameOf(node)} must not be negative (got ${show(valueOf(node))}).`);
      return;
    default:
      return;
  }
}

/** An object that runs to the end of a document whose text ended before the JSON did. */
function isCutOff(doc: RuleContext['doc'], node: Node): boolean {
  const textEnd = doc.text.trimEnd().length;
  return node.offset + node.length >= textEnd && doc.syntaxErrors.some((error) => error.offset >= textEnd);
}
