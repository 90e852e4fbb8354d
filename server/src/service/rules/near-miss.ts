import type { Node } from 'jsonc-parser';
import { elements, isObject, member, memberKeys, propertyNode, rangeOf } from '../json-tree';
import { LazyNode } from '../lazy-tree';
import { loadSchema, schemaFileFor } from '../schemas';
import type { RuleContext } from './context';
import { closeKeyName } from './platform-rules';

/** The members a schema defines, and the near misses of other names (asked once per name). */
class KnownNames {
  private readonly names: Set<string>;
  private readonly closest = new Map<string, string | null>();

  constructor(readonly list: readonly string[]) {
    this.names = new Set(list);
  }

  /** The defined member `key` is a near miss of, or undefined (also for a defined member). */
  intended(key: string): string | undefined {
    if (this.names.has(key)) return undefined;
    let answer = this.closest.get(key);
    if (answer === undefined) {
      // Bounded: a document of random keys must not grow it without end.
      if (this.closest.size >= 4096) this.closest.clear();
      answer = closeKeyName(key, this.list) ?? null;
      this.closest.set(key, answer);
    }
    return answer ?? undefined;
  }
}

function propertyNames(schema: Record<string, unknown> | undefined): string[] {
  const props = schema?.properties;
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

const KNOWN_BY_SCHEMA = new Map<string, KnownNames>();

/** The names of `part` of schema `file` (plus `extra`), computed once. */
function knownNames(cacheKey: string, names: () => string[]): KnownNames {
  let known = KNOWN_BY_SCHEMA.get(cacheKey);
  if (!known) {
    known = new KnownNames(names());
    KNOWN_BY_SCHEMA.set(cacheKey, known);
  }
  return known;
}

const TOP_LEVEL = new Map<string, KnownNames>();
const TOP_LEVEL_WITH_TOOL_FIELDS = new Map<string, KnownNames>();

/** The top-level members of `file`; OCI documents also know the tool-output `digest` and `size`. */
function topLevelNames(file: string, toolFields: boolean): KnownNames {
  const cache = toolFields ? TOP_LEVEL_WITH_TOOL_FIELDS : TOP_LEVEL;
  let known = cache.get(file);
  if (!known) {
    known = new KnownNames([...propertyNames(loadSchema(file)), ...(toolFields ? ['digest', 'size'] : [])]);
    cache.set(file, known);
  }
  return known;
}

let descriptorKnown: KnownNames | undefined;
let platformKnown: KnownNames | undefined;

function descriptorNames(): KnownNames {
  descriptorKnown ??= new KnownNames(propertyNames(loadSchema('descriptor.schema.json')));
  return descriptorKnown;
}

function platformNames(): KnownNames {
  platformKnown ??= new KnownNames(propertyNames((loadSchema('descriptor.schema.json').definitions as Record<string, Record<string, unknown>>).platform));
  return platformKnown;
}

/**
 * Unknown members are allowed (extensibility), but one that is a near miss of a defined member is
 * almost always a mistake that every client silently ignores (Go even matches keys without case).
 */
export function checkNearMissProperties(ctx: RuleContext): void {
  const file = schemaFileFor(ctx.kind, ctx.doc.detection.artifactManifest);
  if (!file) return;
  checkObject(ctx, ctx.root, topLevelNames(file, ctx.kind === 'oci-manifest' || ctx.kind === 'oci-index'));
  const descriptor = descriptorNames();
  const platform = platformNames();
  for (const ref of ctx.descriptors) {
    if (ref.node instanceof LazyNode) {
      // Read the plain values first: most descriptors need no tree node at all.
      const raw = ref.node.raw as Record<string, unknown>;
      if (hasNearMiss(raw, descriptor)) checkObject(ctx, ref.node, descriptor);
      const rawPlatform = raw.platform;
      if (isPlainObject(rawPlatform) && hasNearMiss(rawPlatform, platform)) checkObject(ctx, member(ref.node, 'platform') as Node, platform);
      continue;
    }
    checkObject(ctx, ref.node, descriptor);
    const platformNode = member(ref.node, 'platform');
    if (isObject(platformNode)) checkObject(ctx, platformNode, platform);
  }
  if (ctx.kind === 'oci-config' || ctx.kind === 'docker-config') {
    const props = loadSchema(file).properties as Record<string, Record<string, unknown>>;
    const config = member(ctx.root, 'config');
    if (isObject(config)) checkObject(ctx, config, knownNames(`${file}|config`, () => propertyNames(props.config)));
    const history = knownNames(`${file}|history`, () => propertyNames(props.history.items as Record<string, unknown>));
    for (const entry of elements(member(ctx.root, 'history'))) {
      if (isObject(entry)) checkObject(ctx, entry, history);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether `checkObject` would report anything on this parsed object. */
function hasNearMiss(raw: Record<string, unknown>, known: KnownNames): boolean {
  for (const key in raw) {
    const intended = known.intended(key);
    if (intended && (!Object.prototype.hasOwnProperty.call(raw, intended) || sameButForCase(key, intended))) return true;
  }
  return false;
}

/**
 * Go's encoding/json (distribution, containerd, skopeo, crane) fills a field from any member whose
 * name matches without regard to case, and the last one wins; JavaScript, Rust and Python parsers
 * match exactly. (Go folds a few more letters, such as the Kelvin sign; plain case covers what
 * people write.)
 */
function sameButForCase(a: string, b: string): boolean {
  return a !== b && a.toLowerCase() === b.toLowerCase();
}

function checkObject(ctx: RuleContext, object: Node, known: KnownNames): void {
  const keys = memberKeys(object);
  for (const key of keys) {
    const intended = known.intended(key);
    if (!intended) continue;
    const keyNode = propertyNode(object, key)?.children?.[0] as Node;
    if (keys.includes(intended)) {
      if (sameButForCase(key, intended)) reportCaseTwin(ctx, object, keyNode, key, intended, lastCaseTwin(keys, intended));
      continue;
    }
    const why = sameButForCase(key, intended)
      ? 'Go clients read it anyway (they match member names without case), but JavaScript, Rust and Python clients do not, so to them the member is missing.'
      : 'Clients ignore members they do not know, so this value is silently dropped.';
    ctx.report(
      'near-miss-property',
      keyNode,
      `Unknown member ${JSON.stringify(key)}: did you mean \`${intended}\`? ${why}`,
      [{ title: `Rename to ${intended}`, range: rangeOf(keyNode), newText: JSON.stringify(intended) }],
    );
  }
}

/** The member Go fills the field from: the last one whose name matches `intended` without case. */
function lastCaseTwin(keys: readonly string[], intended: string): string {
  const folded = intended.toLowerCase();
  let last = intended;
  for (const key of keys) if (key.toLowerCase() === folded) last = key;
  return last;
}

/** `Digest` beside `digest`: one member to Go, two to everything else, so readers disagree. */
function reportCaseTwin(ctx: RuleContext, object: Node, keyNode: Node, key: string, intended: string, goReads: string): void {
  const consequence =
    goReads !== intended
      ? `so distribution, containerd and skopeo read the value of ${JSON.stringify(goReads)} while other clients and this checker read \`${intended}\``
      : `so Go reads \`${intended}\`, as other clients do, only as long as it comes last`;
  ctx.report(
    'duplicate-key',
    keyNode,
    `${JSON.stringify(key)} and \`${intended}\` are the same member to Go clients (encoding/json matches names without case and keeps the last one), ${consequence}. Remove ${JSON.stringify(key)}.`,
  );
}
