import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
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

/**
 * Calls `probe` until `condition` holds for its answer, and fails at the deadline with the last
 * answer. For questions that have no change event (providers, settings reaching the server): each
 * attempt waits a tick of `intervalMs` at most, and the loop ends as soon as the answer is right.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T> | T,
  condition: (value: T) => boolean,
  { timeoutMs = WAIT_MS, intervalMs = 50, describe = (value: T) => JSON.stringify(value) }: { timeoutMs?: number; intervalMs?: number; describe?: (value: T) => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (condition(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${describe(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

let written = 0;

/**
 * Writes `marked` to a new workspace file with the `|` cursor marker removed, opens it, and
 * returns the cursor's position: the in-editor twin of the unit tests' cursor fixtures.
 */
export async function openMarked(name: string, marked: string): Promise<{ uri: vscode.Uri; document: vscode.TextDocument; position: vscode.Position }> {
  const offset = marked.indexOf('|');
  if (offset < 0 || marked.indexOf('|', offset + 1) >= 0) throw new Error(`${name}: expected exactly one | cursor marker`);
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const uri = await writeWorkspaceFile(name, text);
  const document = await open(uri);
  return { uri, document, position: document.positionAt(offset) };
}

/** A new workspace file (a unique name per call, `.json` unless the name ends in `.jsonc`) with `text`. */
export async function writeWorkspaceFile(name: string, text: string): Promise<vscode.Uri> {
  const extension = name.endsWith('.jsonc') ? '.jsonc' : '.json';
  const uri = workspaceUri(`${name.replace(/\.jsonc?$/, '')}.written-${++written}${extension}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** The whole document's range. */
export function wholeRange(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
}

/** The markdown of every hover, one string per hover. */
export function hoverTexts(hovers: readonly vscode.Hover[]): string[] {
  return hovers.map((hover) =>
    hover.contents.map((content) => (typeof content === 'string' ? content : content.value)).join('\n'),
  );
}

/**
 * `1.2 kB` / `151 B` / `27.1 MB`: SI units with one decimal, written here independently of the
 * server's formatter so that a hover or outline is checked against sizes the test computed.
 */
export function siSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `12,200`: digit groups of three, as the server writes byte counts. */
export function grouped(value: number): string {
  return value.toLocaleString('en-US');
}

/** The edit a quick fix or source action carries, applied through the workspace like a click. */
export async function applyAction(action: vscode.CodeAction): Promise<void> {
  if (!action.edit) throw new Error(`the action "${action.title}" has no edit`);
  const applied = await vscode.workspace.applyEdit(action.edit);
  if (!applied) throw new Error(`VS Code refused the edit of "${action.title}"`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Code actions (not bare commands) for `range`, of `kind` and its sub-kinds. */
export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind: string): Promise<vscode.CodeAction[]> {
  const result = (await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
  return result.filter((action): action is vscode.CodeAction => 'title' in action && !('command' in action && typeof action.command === 'string'));
}

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly args: readonly string[];
}

/** The processes whose parent is `parent`, with their command lines (Linux /proc, else `ps`). */
function childProcesses(parent: number): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  if (fs.existsSync('/proc/self/stat')) {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        // `pid (comm) state ppid …`; comm may contain spaces and parentheses.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== parent) continue;
        const args = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
        entries.push({ pid: Number(name), ppid, args });
      } catch {
        // The process ended while being looked at.
      }
    }
    return entries;
  }
  const listing = childProcess.execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' });
  for (const line of listing.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (match && Number(match[2]) === parent) entries.push({ pid: Number(match[1]), ppid: parent, args: match[3]!.split(' ') });
  }
  return entries;
}

/**
 * The pids of this extension's language server: children of the extension host (this process,
 * the client forks the server) whose module lies in the extension under test. VS Code's own JSON
 * language server is a child too, which is why the path matters.
 */
export function languageServerPids(): number[] {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  const root = path.resolve(extension.extensionPath) + path.sep;
  return childProcesses(process.pid)
    .filter((entry) => entry.args.some((arg) => arg.startsWith(root) && /(?:dist[\\/]server\.js|server[\\/]out[\\/]server[\\/]main\.js)$/.test(arg)))
    .map((entry) => entry.pid);
}

/** The one running language server; fails when there is none or more than one. */
export async function waitForOneLanguageServer(what: string, accept: (pid: number) => boolean = () => true): Promise<number> {
  const pids = await pollUntil(what, () => languageServerPids(), (found) => found.length === 1 && accept(found[0]!), { intervalMs: 100 });
  return pids[0]!;
}
