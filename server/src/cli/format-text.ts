import type { RunResult } from './summary';
import { countSeverities } from './summary';
import { MAX_DIAGNOSTICS } from '../service';
import { visibleText } from './terminal-text';

/**
 * Human output, one finding per line in the `path:line:col:` form editors and terminals link.
 * Positions are 1-based here (the JSON and SARIF outputs keep their own conventions). Paths,
 * messages and reasons may hold control characters (file names, quoted annotation keys): each
 * line is made safe as a whole, so no part of it can reach the terminal raw.
 */
export function formatText(run: RunResult, verbose: boolean): string {
  const lines: string[] = [];
  let checked = 0;
  let skipped = 0;
  let truncated = 0;
  for (const file of run.files) {
    if (file.status === 'checked') {
      checked++;
      for (const d of file.diagnostics) {
        lines.push(`${file.path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
      }
      if (file.omitted) {
        truncated++;
        lines.push(`${file.path}: note: only the first ${MAX_DIAGNOSTICS.toLocaleString('en-US')} diagnostics are shown (the most severe first); ${file.omitted.toLocaleString('en-US')} more were found`);
      }
    } else if (file.status === 'skipped') {
      skipped++;
      if (file.explicit) lines.push(`${file.path}: note: not checked: ${file.reason}`);
      else if (verbose) lines.push(`${file.path}: skipped: ${file.reason}`);
    }
  }
  const counts = countSeverities(run);
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), `${counts.information} information`];
  if (counts.hint > 0) parts.push(plural(counts.hint, 'hint'));
  let summary = `${plural(checked, 'file')} checked: ${parts.join(', ')}`;
  if (truncated > 0) summary += ` (first ${MAX_DIAGNOSTICS.toLocaleString('en-US')} diagnostics shown for ${plural(truncated, 'file')})`;
  if (verbose && skipped > 0) summary += ` (${skipped} skipped)`;
  const blobs = run.blobs;
  if (blobs && blobs.verified > 0) {
    const hashed = blobs.bytesHashed > 0 ? `, ${blobs.bytesHashed.toLocaleString('en-US')} bytes hashed` : '';
    lines.push(`${plural(blobs.verified, 'layout blob')} verified by digest: ${blobs.mismatched} mismatched${hashed}`);
  }
  if (blobs?.tooLarge) {
    // Said even without -v: a reader of "0 errors" should know which digests nobody checked.
    const limit = blobs.limit !== undefined ? ` ${blobs.limit.toLocaleString('en-US')} bytes` : ' the limit';
    lines.push(`${plural(blobs.tooLarge, 'layout blob')} not verified: larger than${limit} (--verify-max-size; --verify-digests always hashes every blob)`);
  }
  lines.push(summary);
  return lines.map(visibleText).join('\n') + '\n';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
