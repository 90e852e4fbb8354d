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
  const add = (node: Node | undefined, role: DescriptorRole) => {
    if (isObject(node)) result.push({ node, role });
  };
  const addAll = (array: Node | undefined, role: DescriptorRole) => {
    const items = elements(array);
    items.forEach((node, index) => {
      if (isObject(node)) result.push({ node, role, index, count: items.length });
    });
  };
  switch (kind) {
    case 'oci-manifest':
    case 'docker-manifest':
      add(member(root, 'config'), 'config');
      addAll(member(root, 'layers'), 'layer');
      addAll(member(root, 'blobs'), 'blob');
      add(member(root, 'subject'), 'subject');
      break;
    case 'oci-index':
    case 'docker-manifest-list':
      addAll(member(root, 'manifests'), 'manifest');
      add(member(root, 'subject'), 'subject');
      break;
    default:
      break;
  }
  return result;
}
