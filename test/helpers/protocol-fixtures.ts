import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { REPO_ROOT } from './lsp-client';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

export function readFixture(...segments: string[]): string {
  return readFileSync(path.join(FIXTURES, ...segments), 'utf8');
}

/** An OCI manifest with a string `size` and a malformed digest in its config descriptor. */
export const BROKEN_MANIFEST =
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:ABC","size":"12"},"layers":[]}';

/** Codes for the broken digest: which one fires depends on how the rule splits the grammar. */
export const DIGEST_CODES = ['invalid-digest', 'digest-length', 'digest-uppercase'];

export const PACKAGE_JSON = JSON.stringify(
  {
    name: 'not-a-manifest',
    version: '1.0.0',
    scripts: { build: 'tsc -b' },
    dependencies: { 'jsonc-parser': '^3.3.1' },
  },
  null,
  2,
);

export const TSCONFIG_WITH_COMMENTS = `{
  // tsconfig files are JSONC: comments and trailing commas are fine here.
  "compilerOptions": { "strict": true, "target": "ES2022", },
}`;

export const VSCODE_SETTINGS = `{
  "editor.formatOnSave": true,
  "imageManifest.rules": { "wrong-type": "off" },
}`;

export function codesOf(params: PublishDiagnosticsParams): string[] {
  return params.diagnostics.map((diagnostic) => String(diagnostic.code));
}

export function errorsOf(params: PublishDiagnosticsParams): Diagnostic[] {
  return params.diagnostics.filter((diagnostic) => diagnostic.severity === 1);
}

/** For assertion messages: what the server actually said. */
export function describeDiagnostics(params: PublishDiagnosticsParams): string {
  return JSON.stringify(
    params.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, range: d.range })),
    null,
    1,
  );
}

/** The text a diagnostic's range covers, with LSP positions counted in UTF-16 code units. */
export function textAt(text: string, range: Diagnostic['range']): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') lineStarts.push(i + 1);
  }
  const offset = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
  return text.slice(offset(range.start), offset(range.end));
}
