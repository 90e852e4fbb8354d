import type { Node } from 'jsonc-parser';
import { elements, isObject, member } from './json-tree';
import type { DocumentKind } from './types';

/** Where a descriptor sits, which decides the media types that fit it. */
export type DescriptorRole = 'config' | 'layer' | 'manifest' | 'subject' | 'blob';

export interface DescriptorRef {
  readonly node: Node;
  readonly role: DescriptorRole;
  /** Position among its siblings (layers, manifests, blobs). */
  readonly index?: number;
  readonly count?: number;
}

/** Every descriptor of a manifest or index document, in document order. */
export function collectDescriptors(root: Node | undefined, kind: DocumentKind): DescriptorRef[] {
  if (!isObject(root)) return [];
  const result: DescriptorRef[] = [];
  switch (kind) {
    case 'oci-manifest':
    case 'docker-manifest':
      addOne(result, member(root, 'config'), 'config');
      addAll(result, member(root, 'layers'), 'layer');
      addAll(result, member(root, 'blobs'), 'blob');
      addOne(result, member(root, 'subject'), 'subject');
      break;
    case 'oci-index':
    case 'docker-manifest-list':
      addAll(result, member(root, 'manifests'), 'manifest');
      addOne(result, member(root, 'subject'), 'subject');
      break;
    default:
      break;
  }
  return result;
}

function addOne(result: DescriptorRef[], node: Node | undefined, role: DescriptorRole): void {
  if (isObject(node)) result.push({ node, role });
}

function addAll(result: DescriptorRef[], array: Node | undefined, role: DescriptorRole): void {
  const items = elements(array);
  const count = items.length;
  for (let index = 0; index < count; index++) {
    const node = items[index];
    if (isObject(node)) result.push({ node, role, index, count });
  }
}
