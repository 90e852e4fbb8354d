import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { LineIndex, type ManifestDiagnostic, type Severity } from '../service';

export const DIAGNOSTIC_SOURCE = 'image-manifest';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * At most this many diagnostics are published per document: a text that is broken everywhere
 * (one syntax error every few characters) would otherwise send millions, which no editor can show
 * and which costs the client and the server their memory.
 */
export const MAX_PUBLISHED_DIAGNOSTICS = 1000;

const RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** The `limit` most severe diagnostics (earlier ones first among equals), in their original order. */
function mostSevere(diagnostics: readonly ManifestDiagnostic[], limit: number): ManifestDiagnostic[] {
  const kept = diagnostics
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort((a, b) => (RANK[a.diagnostic.severity] ?? 0) - (RANK[b.diagnostic.severity] ?? 0) || a.index - b.index)
    .slice(0, limit);
  return kept.sort((a, b) => a.index - b.index).map((entry) => entry.diagnostic);
}

/** Offsets stay inside the service; this is the one place they become LSP positions. */
export function toLspDiagnostics(text: string, all: readonly ManifestDiagnostic[], limit = MAX_PUBLISHED_DIAGNOSTICS): Diagnostic[] {
  if (all.length === 0) return [];
  const diagnostics = all.length > limit ? mostSevere(all, limit) : all;
  const lines = new LineIndex(text);
  const published = diagnostics.map((diagnostic) => {
    const result: Diagnostic = {
      range: lines.rangeAt(diagnostic.range),
      severity: SEVERITIES[diagnostic.severity] ?? DiagnosticSeverity.Error,
      code: diagnostic.code,
      source: DIAGNOSTIC_SOURCE,
      message: diagnostic.message,
    };
    if (diagnostic.href) result.codeDescription = { href: diagnostic.href };
    return result;
  });
  if (all.length > limit) {
    const start = lines.positionAt(0);
    published.push({
      range: { start, end: start },
      severity: DiagnosticSeverity.Information,
      source: DIAGNOSTIC_SOURCE,
      message: `${(all.length - limit).toLocaleString('en-US')} more problems are not shown: only the ${limit.toLocaleString('en-US')} most severe of ${all.length.toLocaleString('en-US')} are published.`,
    });
  }
  return published;
}
