import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDocument, type ParsedDocument } from '../service';

/**
 * One `parseDocument` per (uri, version). Validation and every editor feature ask here, so a
 * keystroke costs one parse however many requests follow it.
 */
export class ParseCache {
  private readonly entries = new Map<string, { version: number; parsed: ParsedDocument }>();

  get(document: TextDocument): ParsedDocument {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached.parsed;
    const parsed = parseDocument(document.getText());
    this.entries.set(document.uri, { version: document.version, parsed });
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
