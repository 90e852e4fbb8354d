import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { LineIndex, type ManifestDiagnostic, type Severity } from '../service';

export const DIAGNOSTIC_SOURCE = 'image-manifest';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Offsets stay inside the service; this is the one place they become LSP positions. */
export function toLspDiagnostics(text: string, diagnostics: readonly ManifestDiagnostic[]): Diagnostic[] {
  if (diagnostics.length === 0) return [];
  const lines = new LineIndex(text);
  return diagnostics.map((diagnostic) => {
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
}
