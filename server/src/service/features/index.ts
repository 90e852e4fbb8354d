/**
 * The editor features of the language service beyond validation: completion, hover, inlay hints,
 * document symbols, code actions and the document's own digest. All are pure functions of one
 * `ParsedDocument` (offsets in, offsets out); LSP positions live in `server/features.ts`.
 */
export { getCompletions, type CompletionItem, type CompletionItemKind, type CompletionOptions, type CompletionResult } from '../completion';
export { documentDigest, formatDocumentDigest, type DocumentDigest } from '../document-digest';
