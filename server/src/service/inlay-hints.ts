/**
 * Inlay hints: the human-readable size after every descriptor `size` (`27.1 MB`), with the exact
 * byte count (and the share of the image for layers) in the tooltip.
 */
import { collectDescriptors } from './descriptors';
import { exactBytes, humanSize, imageTotals, isImageManifestKind, percentage, sizeValue } from './document-facts';
import { member } from './json-tree';
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
  const descriptors = collectDescriptors(parsed.root, kind);
  if (!descriptors.length) return [];
  const totals = isImageManifestKind(kind) ? imageTotals(parsed) : undefined;
  const hints: InlayHint[] = [];
  for (const descriptor of descriptors) {
    const node = member(descriptor.node, 'size');
    const size = sizeValue(parsed, node);
    if (!node || !size) continue;
    const end = node.offset + node.length;
    if (range && (end < range.start || node.offset > range.end)) continue;
    let tooltip = exactBytes(size.digits);
    if (totals && totals.total > 0n && (descriptor.role === 'layer' || descriptor.role === 'config' || descriptor.role === 'blob')) {
      tooltip += ` · ${percentage(size.exact, totals.total)} of the image (${humanSize(totals.total)})`;
    }
    hints.push({ offset: end, label: humanSize(size.exact), tooltip, paddingLeft: true });
  }
  return hints.sort((a, b) => a.offset - b.offset);
}
