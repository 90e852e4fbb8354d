import type { Node } from 'jsonc-parser';
import { LazyNode, memberKeys } from './lazy-tree';

export { memberKeys };
import type { OffsetRange } from './types';

/** The property node (key + value) for `key`; with duplicate keys the last one wins, as in Go. */
export function propertyNode(object: Node | undefined, key: string): Node | undefined {
  if (object instanceof LazyNode) return object.type === 'object' && object.hasMember(key) ? object.propertyFor(key) : undefined;
  if (!object || object.type !== 'object' || !object.children) return undefined;
  let found: Node | undefined;
  for (const property of object.children) {
    const keyNode = property.children?.[0];
    if (keyNode && keyNode.value === key) found = property;
  }
  return found;
}

export function member(object: Node | undefined, key: string): Node | undefined {
  if (object instanceof LazyNode) return object.type === 'object' && object.hasMember(key) ? object.valueFor(key) : undefined;
  return propertyNode(object, key)?.children?.[1];
}

export function hasMember(object: Node | undefined, key: string): boolean {
  if (object instanceof LazyNode) return object.type === 'object' && object.hasMember(key);
  return propertyNode(object, key) !== undefined;
}

export function stringMember(object: Node | undefined, key: string): string | undefined {
  if (object instanceof LazyNode) {
    if (object.type !== 'object') return undefined;
    const raw = (object.raw as Record<string, unknown>)[key];
    return typeof raw === 'string' && object.hasMember(key) ? raw : undefined;
  }
  const value = member(object, key);
  return value?.type === 'string' ? (value.value as string) : undefined;
}

export function isObject(node: Node | undefined): node is Node {
  return node?.type === 'object';
}

export function isArray(node: Node | undefined): node is Node {
  return node?.type === 'array';
}

export function elements(node: Node | undefined): Node[] {
  return node?.type === 'array' ? node.children ?? [] : [];
}

/** [keyNode, valueNode] pairs of an object in document order (duplicates included). */
export function properties(node: Node | undefined): Array<[Node, Node | undefined]> {
  if (node?.type !== 'object' || !node.children) return [];
  const result: Array<[Node, Node | undefined]> = [];
  for (const property of node.children) {
    const keyNode = property.children?.[0];
    if (keyNode) result.push([keyNode, property.children?.[1]]);
  }
  return result;
}

export function rangeOf(node: Node): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}

/**
 * Where to point when something inside `node` is missing: its property key when it is a member of
 * an object, otherwise its opening brace or bracket.
 */
export function anchorRange(node: Node): OffsetRange {
  const parent = node.parent;
  if (parent?.type === 'property' && parent.children?.[0]) return rangeOf(parent.children[0]);
  return { start: node.offset, end: node.offset + 1 };
}

/** The key node of the property whose value is `node`, if any. */
export function keyOf(node: Node): Node | undefined {
  const parent = node.parent;
  return parent?.type === 'property' ? parent.children?.[0] : undefined;
}

/** Plain JavaScript value of a subtree (what JSON.parse would give, last duplicate key winning). */
export function valueOf(node: Node | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [key, value] of properties(node)) {
        Object.defineProperty(result, key.value as string, {
          value: valueOf(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
    case 'array':
      return elements(node).map(valueOf);
    default:
      return node.value;
  }
}

/** JSON path for messages and tests, e.g. `$.layers[1].mediaType`. */
export function pathOf(node: Node): string {
  const parts: string[] = [];
  let current: Node | undefined = node;
  while (current?.parent) {
    const parent: Node = current.parent;
    if (parent.type === 'property') {
      const key = String(parent.children?.[0]?.value ?? '');
      parts.unshift(/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
      current = parent.parent;
    } else if (parent.type === 'array') {
      parts.unshift(`[${parent.children?.indexOf(current) ?? 0}]`);
      current = parent;
    } else {
      current = parent;
    }
  }
  return '$' + parts.join('');
}

/** The value node at a JSON-pointer-like list of keys and indices. */
export function nodeAtPath(root: Node | undefined, path: ReadonlyArray<string | number>): Node | undefined {
  let current = root;
  for (const segment of path) {
    if (!current) return undefined;
    current = typeof segment === 'number' ? elements(current)[segment] : member(current, segment);
  }
  return current;
}
