import type { Node } from 'jsonc-parser';
import { collectDescriptors } from '../descriptors';
import { digestProblems } from '../digest';
import { isObject, member, memberKeys, propertyNode, rangeOf } from '../json-tree';
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
  const maps: Node[] = [];
  const top = member(ctx.root, 'annotations');
  if (isObject(top)) maps.push(top);
  for (const ref of collectDescriptors(ctx.root, ctx.kind)) {
    const annotations = member(ref.node, 'annotations');
    if (isObject(annotations)) maps.push(annotations);
  }
  for (const map of maps) checkAnnotationMap(ctx, map);
}

function checkAnnotationMap(ctx: RuleContext, map: Node): void {
  for (const key of memberKeys(map)) {
    checkKey(ctx, map, key);
    if (!VALUE_CHECKED_KEYS.has(key)) continue;
    const valueNode = member(map, key);
    if (valueNode?.type === 'string') checkValue(ctx, key, valueNode);
  }
}

const VALUE_CHECKED_KEYS = new Set(['created', 'base.digest', 'ref.name', 'url', 'documentation'].map((suffix) => IMAGE_PREFIX + suffix));

function checkKey(ctx: RuleContext, map: Node, key: string): void {
  const keyNode = () => propertyNode(map, key)?.children?.[0] as Node;
  if (!key.includes('.')) {
    ctx.report('annotation-key-namespace', keyNode(), `Annotation keys SHOULD be namespaced in reverse-domain notation (e.g. \`com.example.${key || 'key'}\`), so that they cannot collide with other tools' keys; ${JSON.stringify(key)} is not.`);
    return;
  }
  if (!key.startsWith('org.opencontainers.') && !/^[a-z]{2,4}\.[a-z]+/i.test(key)) return;
  const rename = (to: string) => [{ title: `Rename to ${to}`, range: rangeOf(keyNode()), newText: JSON.stringify(to) }];
  if (key.startsWith('org.opencontainers.')) {
    if (PREDEFINED_ANNOTATIONS.includes(key) || OTHER_DEFINED_KEYS.includes(key) || key.startsWith(ENCRYPTION_PREFIX)) return;
    const replacement = PRERELEASE_KEYS[key] ?? closestPredefined(key);
    ctx.report(
      'reserved-annotation-key',
      keyNode(),
      `${JSON.stringify(key)} is in the reserved \`org.opencontainers\` namespace, but no released spec defines it${PRERELEASE_KEYS[key] ? ' (it comes from the 1.1 release candidates)' : ''}.${replacement ? ` Use \`${replacement}\`.` : ''}`,
      replacement ? rename(replacement) : undefined,
    );
    return;
  }
  const dot = key.indexOf('.', key.indexOf('.', key.indexOf('.') + 1) + 1);
  const prefix = dot > 0 ? key.slice(0, dot + 1) : '';
  if (prefix && prefix !== IMAGE_PREFIX && editDistance(prefix.toLowerCase(), IMAGE_PREFIX, 3) <= 3) {
    const fixed = IMAGE_PREFIX + key.slice(dot + 1);
    ctx.report('annotation-key-typo', keyNode(), `${JSON.stringify(key)} looks like a misspelling of the \`${IMAGE_PREFIX}\` prefix; tools look for \`${fixed}\`.`, rename(fixed));
  }
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

function checkValue(ctx: RuleContext, key: string, valueNode: Node): void {
  const value = valueNode.value as string;
  switch (key) {
    case 'org.opencontainers.image.created':
      if (!isRfc3339(value)) {
        ctx.report('invalid-annotation-value', valueNode, `\`${key}\` must be an RFC 3339 date-time such as \`2024-01-31T12:00:00Z\`, not ${JSON.stringify(value)}.`);
      }
      break;
    case 'org.opencontainers.image.base.digest':
      if (digestProblems(value).some((problem) => problem.kind !== 'support')) {
        ctx.report('invalid-annotation-value', valueNode, `\`${key}\` must be a digest (\`sha256:\` followed by 64 lowercase hex digits), not ${JSON.stringify(value)}.`);
      }
      break;
    case 'org.opencontainers.image.ref.name':
      if (!REF_NAME.test(value)) {
        ctx.report('invalid-annotation-value', valueNode, `\`${key}\` should be components of letters and digits joined by \`/\`, separated by \`-._:@+\` or \`--\` (image-layout.md), not ${JSON.stringify(value)}.`);
      }
      break;
    case 'org.opencontainers.image.url':
    case 'org.opencontainers.image.documentation':
      if (!URL.canParse(value)) {
        ctx.report('invalid-annotation-value', valueNode, `\`${key}\` must be a URL, not ${JSON.stringify(value)}.`);
      }
      break;
    default:
      break;
  }
}
