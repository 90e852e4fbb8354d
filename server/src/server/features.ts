import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedDocument } from '../service';

/** Capabilities of the editor features beyond diagnostics (completion, hover, symbols, …). */
export function languageFeatureCapabilities(): ServerCapabilities {
  return {};
}

/**
 * Registers the editor features on the connection. `parsedFor` returns the one parse of the
 * document's current version (shared with validation).
 */
export function registerLanguageFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedFor: (document: TextDocument) => ParsedDocument,
): void {
  void connection;
  void documents;
  void parsedFor;
}
