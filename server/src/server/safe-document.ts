import type { TextDocumentsConfiguration } from 'vscode-languageserver/node';
import { TextDocument, type Position } from 'vscode-languageserver-textdocument';

/**
 * A whole non-negative number from whatever a client sent: fractions are cut, NaN, strings and
 * null read as 0, and anything too large as the largest safe integer (the document clamps it).
 */
function wholeNumber(value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) return 0;
  return Number.isFinite(value) ? Math.min(Math.floor(value), Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}

function sanePosition(position: unknown): Position {
  const p = typeof position === 'object' && position !== null ? (position as Partial<Record<'line' | 'character', unknown>>) : {};
  // A negative line is before the text: offset 0, as the library reads it.
  if (typeof p.line === 'number' && p.line < 0) return { line: 0, character: 0 };
  return { line: wholeNumber(p.line), character: wholeNumber(p.character) };
}

const guarded = new WeakSet<TextDocument>();

/**
 * Makes `offsetAt` and `positionAt` total: the library computes NaN or a fraction from positions
 * like `{ line: 0.5 }`, `{ character: "ten" }` or `null`, and the language service must only ever
 * see whole offsets inside the text (a NaN offset made completion loop forever). Incremental
 * changes go through `offsetAt` too, so their ranges are covered as well.
 */
function guard(document: TextDocument): TextDocument {
  if (guarded.has(document)) return document;
  guarded.add(document);
  const offsetAt = document.offsetAt.bind(document);
  const positionAt = document.positionAt.bind(document);
  Object.defineProperty(document, 'offsetAt', { value: (position: Position) => offsetAt(sanePosition(position)), configurable: true, writable: true });
  Object.defineProperty(document, 'positionAt', {
    value: (offset: number) => positionAt(typeof offset === 'number' && !Number.isNaN(offset) ? offset : 0),
    configurable: true,
    writable: true,
  });
  return document;
}

/** `TextDocument`, with positions from the client made safe (see `guard`). */
export const SafeTextDocument: TextDocumentsConfiguration<TextDocument> = {
  create: (uri, languageId, version, content) => guard(TextDocument.create(uri, languageId, version, content)),
  update: (document, changes, version) => guard(TextDocument.update(document, changes, version)),
};
