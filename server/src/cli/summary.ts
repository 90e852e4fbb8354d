import type { Severity } from '../service';
import type { FileResult } from './check';

export interface RunResult {
  /** Per file, in output order. */
  files: FileResult[];
  /** Problems met while walking directories (an unreadable subdirectory, …). */
  walkErrors: string[];
  /** Layout blobs whose digests were verified (`--verify-digests`). */
  blobs?: { verified: number; mismatched: number; bytesHashed: number; tooLarge?: number; limit?: number };
}

export type SeverityCounts = Record<Severity, number>;

export function countSeverities(run: RunResult): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const file of run.files) {
    if (file.status === 'checked') for (const d of file.diagnostics) counts[d.severity]++;
  }
  return counts;
}

/** 2 when the run could not look at everything, else 1 when any error was found, else 0. */
export function exitCodeOf(run: RunResult): number {
  if (run.walkErrors.length > 0 || run.files.some((f) => f.status === 'failed')) return 2;
  return countSeverities(run).error > 0 ? 1 : 0;
}
