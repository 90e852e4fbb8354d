import type { RunResult } from './summary';

/**
 * The machine-readable output: only checked files, zero-based LSP positions, fixed key order.
 * `"truncated": true` follows `diagnostics` only on a file that had more than the service's cap
 * (MAX_DIAGNOSTICS per document; the most severe are kept).
 */
export function formatJson(run: RunResult): string {
  const files = [];
  for (const file of run.files) {
    if (file.status !== 'checked') continue;
    const diagnostics = file.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      range: {
        start: { line: d.range.start.line, character: d.range.start.character },
        end: { line: d.range.end.line, character: d.range.end.character },
      },
    }));
    files.push(file.omitted ? { path: file.path, kind: file.kind, diagnostics, truncated: true } : { path: file.path, kind: file.kind, diagnostics });
  }
  return JSON.stringify({ files }) + '\n';
}
