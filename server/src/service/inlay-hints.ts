/**
 * Inlay hints: the human-readable size after every descriptor `size` of 1,000 bytes or more
 * (`27.1 MB`), with the exact byte count (and the share of the image for layers) in the tooltip.
 */
import type { Node } from 'jsonc-parser';
import { exactBytes, humanSize, imageTotals, isImageManifestKind, isIndexKind, percentage, sizeValue } from './document-facts';
import { elements, isObject, member } from './json-tree';
import type { ParsedDocument } from './parse';
import type { OffsetRange } from './types';

export interface InlayHint {
  /** Where the hint shows: right after the `size` number. */
  readonly offset: number;
  readonly label: string;
  /** Markdown. */
  readonly tooltip?: string;
  readonly paddingLeft: boolean;
}

/** Hints for the `size` values that lie in `range` (the whole document when absent). */
export function getInlayHints(parsed: ParsedDocument, range?: OffsetRange): InlayHint[] {
  const kind = parsed.detection.kind;
  const root = parsed.root;
  if (!isImageManifestKind(kind) && !isIndexKind(kind)) return [];
  const totals = isImageManifestKind(kind) ? imageTotals(parsed) : undefined;
  const hints: InlayHint[] = [];
  const visit = (descriptor: Node | undefined, share: boolean): void => {
    const node = member(descriptor, 'size');
    const size = sizeValue(parsed, node);
    if (!node || !size) return;
    // Under 1,000 bytes the hint would only repeat the number (`479 479 B`).
    if (size.exact < 1000n) return;
    const end = node.offset + node.length;
    if (range && (end < range.start || node.offset > range.end)) return;
    let tooltip = exactBytes(size.digits);
    if (share && totals && totals.total > 0n) tooltip += ` · ${percentage(size.exact, totals.total)} of the image (${humanSize(totals.total)})`;
    hints.push({ offset: end, label: humanSize(size.exact), tooltip, paddingLeft: true });
  };
  const visitArray = (array: Node | undefined, share: boolean): void => {
    const items = elements(array);
    // Elements are in document order: start at the first one that ends inside the range.
    let low = 0;
    if (range) {
      let high = items.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (items[mid].offset + items[mid].length < range.start) low = mid + 1;
        else high = mid;
      }
    }
    for (let i = low; i < items.length; i++) {
      if (range && items[i].offset > range.end) break;
      if (isObject(items[i])) visit(items[i], share);
    }
  };
  if (isImageManifestKind(kind)) {
    visit(member(root, 'config'), true);
    visitArray(member(root, 'layers'), true);
    visitArray(member(root, 'blobs'), true);
  } else {
    visitArray(member(root, 'manifests'), false);
  }
  visit(member(root, 'subject'), false);
  return hints.sort((a, b) => a.offset - b.offset);
}
