import type { Node } from 'jsonc-parser';
import { collectDescriptors } from '../descriptors';
import { elements, isObject, member, memberKeys, propertyNode, rangeOf } from '../json-tree';
import { loadSchema, schemaFileFor } from '../schemas';
import type { RuleContext } from './context';
import { closeKeyName } from './platform-rules';

function propertyNames(schema: Record<string, unknown> | undefined): string[] {
  const props = schema?.properties;
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

/**
 * Unknown members are allowed (extensibility), but one that is a near miss of a defined member is
 * almost always a mistake that every client silently ignores (Go even matches keys without case).
 */
export function checkNearMissProperties(ctx: RuleContext): void {
  const file = schemaFileFor(ctx.kind, ctx.doc.detection.artifactManifest);
  if (!file) return;
  const schema = loadSchema(file);
  const descriptor = loadSchema('descriptor.schema.json');
  const platform = (descriptor.definitions as Record<string, Record<string, unknown>>).platform;
  const extraTopLevel = ctx.kind === 'oci-manifest' || ctx.kind === 'oci-index' ? ['digest', 'size'] : [];
  checkObject(ctx, ctx.root, [...propertyNames(schema), ...extraTopLevel]);
  for (const ref of collectDescriptors(ctx.root, ctx.kind)) {
    checkObject(ctx, ref.node, propertyNames(descriptor));
    const platformNode = member(ref.node, 'platform');
    if (isObject(platformNode)) checkObject(ctx, platformNode, propertyNames(platform));
  }
  if (ctx.kind === 'oci-config' || ctx.kind === 'docker-config') {
    const props = schema.properties as Record<string, Record<string, unknown>>;
    const config = member(ctx.root, 'config');
    if (isObject(config)) checkObject(ctx, config, propertyNames(props.config));
    for (const entry of elements(member(ctx.root, 'history'))) {
      if (isObject(entry)) checkObject(ctx, entry, propertyNames(props.history.items as Record<string, unknown>));
    }
  }
}

function checkObject(ctx: RuleContext, object: Node, known: readonly string[]): void {
  const keys = memberKeys(object);
  for (const key of keys) {
    if (known.includes(key)) continue;
    const intended = closeKeyName(key, known);
    if (!intended || keys.includes(intended)) continue;
    const keyNode = propertyNode(object, key)?.children?.[0] as Node;
    ctx.report(
      'near-miss-property',
      keyNode,
      `Unknown member ${JSON.stringify(key)}: did you mean \`${intended}\`? Clients ignore members they do not know, so this value is silently dropped.`,
      [{ title: `Rename to ${intended}`, range: rangeOf(keyNode), newText: JSON.stringify(intended) }],
    );
  }
}
