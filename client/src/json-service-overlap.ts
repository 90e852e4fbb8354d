import { languages, workspace, type Diagnostic, type DiagnosticCollection, type Disposable, type Uri } from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

/** The `source` of VS Code's built-in JSON validation (its code is the parser's error number). */
const JSON_SERVICE_SOURCE = 'json';

/**
 * VS Code's own JSON support validates every `json` and `jsonc` document as well, so a missing
 * comma in a manifest was listed twice in Problems: "Expected comma" from VS Code and our
 * `json-syntax` entry at the same spot. Where VS Code's JSON validation already marks an error on
 * the same line at least as severely, ours is left out. Decided by what was actually reported,
 * never by guessing VS Code's settings, so ours stays wherever nobody else says it: comments and
 * trailing commas in a `jsonc` file (VS Code allows them there, or only warns; a manifest must not
 * have them), and documents whose JSON validation is turned off.
 *
 * `duplicate-key` is kept on purpose: VS Code marks every occurrence without saying why it
 * matters; ours marks the one to remove and says which value Go clients keep.
 */
const DEDUPLICATED_CODES = new Set(['json-syntax']);

export class JsonServiceOverlap implements Disposable {
  /** The server's latest diagnostics per document, before filtering: the others may change later. */
  private readonly published = new Map<string, readonly Diagnostic[]>();
  private readonly subscriptions: Disposable[];

  constructor(private readonly collection: () => DiagnosticCollection | undefined) {
    this.subscriptions = [
      // The other validator may answer after us (it usually does: it has no debounce to wait
      // for), so ours is filtered again whenever a document's diagnostics change.
      languages.onDidChangeDiagnostics((event) => this.refilter(event.uris)),
      workspace.onDidCloseTextDocument((document) => this.published.delete(document.uri.toString())),
    ];
  }

  readonly handleDiagnostics: NonNullable<Middleware['handleDiagnostics']> = (uri, diagnostics, next) => {
    const key = uri.toString();
    if (diagnostics.length === 0) this.published.delete(key);
    else this.published.set(key, diagnostics);
    next(uri, this.withoutDuplicates(uri, diagnostics));
  };

  /** Forget everything: after a server restart the old diagnostics must never come back. */
  reset(): void {
    this.published.clear();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.published.clear();
  }

  private refilter(uris: readonly Uri[]): void {
    const collection = this.collection();
    if (!collection) return;
    for (const uri of uris) {
      const published = this.published.get(uri.toString());
      if (!published) continue;
      const kept = this.withoutDuplicates(uri, published);
      // Setting our own collection fires this event again; an unchanged list ends the round.
      if (sameDiagnostics(collection.get(uri) ?? [], kept)) continue;
      collection.set(uri, kept);
    }
  }

  private withoutDuplicates(uri: Uri, ours: readonly Diagnostic[]): Diagnostic[] {
    if (!ours.some((d) => DEDUPLICATED_CODES.has(codeOf(d)))) return [...ours];
    const others = languages.getDiagnostics(uri).filter((d) => d.source === JSON_SERVICE_SOURCE);
    if (others.length === 0) return [...ours];
    return ours.filter((d) => !(DEDUPLICATED_CODES.has(codeOf(d)) && others.some((other) => marksTheSameError(other, d))));
  }
}

/** Same line, and at least as severe (severity 0 is Error): a warning never hides our error. */
function marksTheSameError(other: Diagnostic, ours: Diagnostic): boolean {
  return other.range.start.line === ours.range.start.line && other.severity <= ours.severity;
}

function codeOf(diagnostic: Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code);
}

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  return a.length === b.length && a.every((d, i) => d.message === b[i].message && d.range.isEqual(b[i].range) && codeOf(d) === codeOf(b[i]));
}
