import type { RunResult } from './summary';

/** The machine-readable output: only checked files, zero-based LSP positions, fixed key order. */
export function formatJson(run: RunResult): string {
  const files = [];
  for (const file of run.files) {
    if (file.status !== 'checked') continue;
    files.push({
      path: file.path,
      kind: file.kind,
      diagnostics: file.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        range: {
          start: { line: d.range.start.line, character: d.range.start.character },
          end: { line: d.range.end.line, character: d.range.end.character },
        },
      })),
    });
  }
  return JSON.stringify({ files }) + '\n';
}
