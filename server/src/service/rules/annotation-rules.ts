import type { Node } from 'jsonc-parser';
import { digestProblems } from '../digest';
import { isObject, member, memberKeys, propertyNode, rangeOf } from '../json-tree';
import { LazyNode } from '../lazy-tree';
import { editDistance } from '../media-types';
import { isRfc3339 } from '../rfc3339';
import { ANNOTATION_KEYS } from '../annotation-keys';
import type { RuleContext } from './context';

/** image-layout.md's `ref` grammar. */
const REF_NAME = /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;

const IMAGE_PREFIX = 'org.opencontainers.image.';

/** The pre-defined keys of annotations.md, from the one annotation-key table. */
export const PREDEFINED_ANNOTATIONS = ANNOTATION_KEYS.map((info) => info.key).filter((key) => key.startsWith(IMAGE_PREFIX));

/** Reserved keys defined outside annotations.md (conversion.md, the distribution spec). */
const OTHER_DEFINED_KEYS = [
  ...['os', 'architecture', 'variant', 'os.version', 'os.features', 'author', 'stopSignal', 'exposedPorts'].map((suffix) => IMAGE_PREFIX + suffix),
  // image-layout.md: referrers kept in a layout's index.json.
  ...['referrer.subject', 'referrer.convert'].map((suffix) => IMAGE_PREFIX + suffix),
  'org.opencontainers.referrers.filtersApplied',
];

/** ocicrypt (skopeo, containerd imgcrypt) keeps its wrapped keys under this prefix. */
const ENCRYPTION_PREFIX = 'org.opencontainers.image.enc.';

/** Keys of the 1.1 release candidates that the released spec dropped, with what replaced them. */
const PRERELEASE_KEYS: Record<string, string> = {
  'org.opencontainers.artifact.created': 'org.opencontainers.image.created',
  'org.opencontainers.artifact.description': 'org.opencontainers.image.description',
};

export function checkAnnotations(ctx: RuleContext): void {
  const holders: Node[] = [ctx.root];
  for (const ref of ctx.descriptors) holders.push(ref.node);
  for (const holder of holders) {
    // Read the plain values first: most annotation maps need no tree node at all.
    if (holder instanceof LazyNode && isQuietValue((holder.raw as Record<string, unknown>).annotations)) continue;
    const annotations = member(holder, 'annotations');
    if (isObject(annotations)) checkAnnotationMap(ctx, annotations);
  }
}

/** Whether the parsed `annotations` value gives `checkAnnotationMap` nothing to report (or nothing to read). */
function isQuietValue(raw: unknown): boolean {
  return raw === null || typeof raw !== 'object' || Array.isArray(raw) || isQuietMap(raw as Record<string, unknown>);
}

/** Whether `checkAnnotationMap` would report nothing on this parsed map. */
function isQuietMap(raw: Record<string, unknown>): boolean {
  for (const key in raw) {
    if (keyFinding(key)) return false;
    const value = raw[key];
    if (typeof value === 'string' && VALUE_CHECKED_KEYS.has(key) && valueProblem(key, value)) return false;
  }
  return true;
}

function checkAnnotationMap(ctx: RuleContext, map: Node): void {
  for (const key of memberKeys(map)) {
    checkKey(ctx, map, key);
    if (!VALUE_CHECKED_KEYS.has(key)) continue;
    const valueNode = member(map, key);
    if (valueNode?.type !== 'string') continue;
    const problem = valueProblem(key, valueNode.value as string);
    if (problem) ctx.report('invalid-annotation-value', valueNode, problem);
  }
}

const VALUE_CHECKED_KEYS = new Set(['created', 'base.digest', 'ref.name', 'url', 'documentation'].map((suffix) => IMAGE_PREFIX + suffix));

interface KeyFinding {
  readonly code: 'annotation-key-namespace' | 'reserved-annotation-key' | 'annotation-key-typo';
  readonly message: string;
  readonly rename?: string;
}

/** What is wrong with an annotation key, remembered: documents repeat the same few keys. */
const KEY_FINDINGS = new Map<string, KeyFinding | null>();

function keyFinding(key: string): KeyFinding | undefined {
  if (key.length > 256) return computeKeyFinding(key);
  let finding = KEY_FINDINGS.get(key);
  if (finding === undefined) {
    // Bounded: a document of random keys must not grow it without end.
    if (KEY_FINDINGS.size >= 4096) KEY_FINDINGS.clear();
    finding = computeKeyFinding(key) ?? null;
    KEY_FINDINGS.set(key, finding);
  }
  return finding ?? undefined;
}

function checkKey(ctx: RuleContext, map: Node, key: string): void {
  const finding = keyFinding(key);
  if (!finding) return;
  const keyNode = propertyNode(map, key)?.children?.[0] as Node;
  const fixes = finding.rename ? [{ title: `Rename to ${finding.rename}`, range: rangeOf(keyNode), newText: JSON.stringify(finding.rename) }] : undefined;
  ctx.report(finding.code, keyNode, finding.message, fixes);
}

function computeKeyFinding(key: string): KeyFinding | undefined {
  if (!key.includes('.')) {
    return {
      code: 'annotation-key-namespace',
      message: `Annotation keys SHOULD be namespaced in reverse-domain notation (e.g. \`com.example.${key || 'key'}\`), so that they cannot collide with other tools' keys; ${JSON.stringify(key)} is not.`,
    };
  }
  if (!key.startsWith('org.opencontainers.') && !/^[a-z]{2,4}\.[a-z]+/i.test(key)) return undefined;
  if (key.startsWith('org.opencontainers.')) {
    if (PREDEFINED_ANNOTATIONS.includes(key) || OTHER_DEFINED_KEYS.includes(key) || key.startsWith(ENCRYPTION_PREFIX)) return undefined;
    const replacement = PRERELEASE_KEYS[key] ?? closestPredefined(key);
    return {
      code: 'reserved-annotation-key',
      message: `${JSON.stringify(key)} is in the reserved \`org.opencontainers\` namespace, but no released spec defines it${PRERELEASE_KEYS[key] ? ' (it comes from the 1.1 release candidates)' : ''}.${replacement ? ` Use \`${replacement}\`.` : ''}`,
      rename: replacement,
    };
  }
  const dot = key.indexOf('.', key.indexOf('.', key.indexOf('.') + 1) + 1);
  const prefix = dot > 0 ? key.slice(0, dot + 1) : '';
  if (prefix && prefix !== IMAGE_PREFIX && editDistance(prefix.toLowerCase(), IMAGE_PREFIX, 3) <= 3) {
    const fixed = IMAGE_PREFIX + key.slice(dot + 1);
    return {
      code: 'annotation-key-typo',
      message: `${JSON.stringify(key)} looks like a misspelling of the \`${IMAGE_PREFIX}\` prefix; tools look for \`${fixed}\`.`,
      rename: fixed,
    };
  }
  return undefined;
}

function closestPredefined(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of PREDEFINED_ANNOTATIONS) {
    const distance = editDistance(key, candidate, 3);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

/** What is wrong with the value of a key whose value has a defined format. */
function valueProblem(key: string, value: string): string | undefined {
  switch (key) {
    case 'org.opencontainers.image.created':
      return isRfc3339(value) ? undefined : `\`${key}\` should be an RFC 3339 date-time such as \`2024-01-31T12:00:00Z\`, not ${JSON.stringify(value)}.`;
    case 'org.opencontainers.image.base.digest':
      return digestProblems(value).some((problem) => problem.kind !== 'support')
        ? `\`${key}\` should be a digest (\`sha256:\` followed by 64 lowercase hex digits), not ${JSON.stringify(value)}.`
        : undefined;
    case 'org.opencontainers.image.ref.name':
      return REF_NAME.test(value)
        ? undefined
        : `\`${key}\` should be components of letters and digits joined by \`/\`, separated by \`-._:@+\` or \`--\` (image-layout.md), not ${JSON.stringify(value)}.`;
    case 'org.opencontainers.image.url':
    case 'org.opencontainers.image.documentation':
      return URL.canParse(value) ? undefined : `\`${key}\` should be a URL, not ${JSON.stringify(value)}.`;
    default:
      return undefined;
  }
}
