import * as vscode from 'vscode';

/** `publisher.name` from the root package.json. */
export const EXTENSION_ID = 'image-manifest.image-manifest';
export const SOURCE = 'image-manifest';

/**
 * Long enough for a cold language-server start on a slow CI machine; waits end as soon as their
 * condition holds, so this only matters when something is broken.
 */
export const WAIT_MS = 45_000;

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The suite needs a workspace folder (the launcher opens a copy of test/vscode/workspace).');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** The code as a plain string: VS Code wraps it in `{ value, target }` when the server sends a link. */
export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** Only this extension's diagnostics: VS Code's own JSON support reports on the same files. */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function codesOf(uri: vscode.Uri): string[] {
  return ourDiagnostics(uri)
    .map(codeOf)
    .filter((c): c is string => c !== undefined)
    .sort();
}

function describe(uri: vscode.Uri): string {
  const diagnostics = ourDiagnostics(uri);
  if (diagnostics.length === 0) return 'no image-manifest diagnostics';
  return diagnostics
    .map((d) => `${codeOf(d)}@${d.range.start.line + 1}:${d.range.start.character + 1} (${vscode.DiagnosticSeverity[d.severity]})`)
    .join(', ');
}

/**
 * Resolves once `condition` holds for the document's image-manifest diagnostics. Re-checks on
 * every diagnostics change instead of sleeping, so it is as fast as the server and fails with
 * what was last seen when the deadline passes.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  condition: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = ourDiagnostics(uri);
      if (!condition(diagnostics)) return false;
      finish();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} in ${vscode.workspace.asRelativePath(uri)}; last seen: ${describe(uri)}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

export function hasCode(code: string): (diagnostics: vscode.Diagnostic[]) => boolean {
  return (diagnostics) => diagnostics.some((d) => codeOf(d) === code);
}

let copies = 0;

/**
 * A fresh copy of a workspace file under a new name. Tests that edit a document or change
 * settings work on their own copy, so they cannot see each other's leftovers, and the server
 * sees a document it has never validated (a new didOpen) rather than a cached one.
 */
export async function freshCopy(name: string): Promise<vscode.Uri> {
  const source = workspaceUri(name);
  const copy = workspaceUri(`${name.replace(/\.json$/, '')}.copy-${++copies}.json`);
  await vscode.workspace.fs.copy(source, copy, { overwrite: true });
  return copy;
}

export async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

/**
 * Absence of diagnostics proves nothing until the server has looked. The server handles
 * notifications in order, so once a document opened *after* the one under test has its
 * diagnostics, the earlier one has been validated too.
 */
export async function serverHasCaughtUp(): Promise<void> {
  const probe = await freshCopy('broken-oci-manifest.json');
  await open(probe);
  await waitForDiagnostics(probe, 'the probe document to be validated', hasCode('digest-uppercase'));
}

export async function closeAllEditors(): Promise<void> {
  // Save first: closing a dirty editor opens a modal "save changes?" prompt that nobody answers.
  await vscode.workspace.saveAll(false);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The 0-based line that contains `needle`, so tests name places by content, not by number. */
export function lineOf(document: vscode.TextDocument, needle: string): number {
  for (let line = 0; line < document.lineCount; line++) {
    if (document.lineAt(line).text.includes(needle)) return line;
  }
  throw new Error(`${JSON.stringify(needle)} not found in ${document.uri.toString()}`);
}

/** The range of the first occurrence of `needle`. */
export function rangeOf(document: vscode.TextDocument, needle: string): vscode.Range {
  const offset = document.getText().indexOf(needle);
  if (offset < 0) throw new Error(`${JSON.stringify(needle)} not found in ${document.uri.toString()}`);
  return new vscode.Range(document.positionAt(offset), document.positionAt(offset + needle.length));
}
