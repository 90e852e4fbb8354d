/**
 * The editor features of the language service beyond validation: completion, hover, inlay hints,
 * document symbols, code actions and the document's own digest. All are pure functions of one
 * `ParsedDocument` (offsets in, offsets out); LSP positions live in `server/features.ts`.
 */
export { getCompletions, type CompletionItem, type CompletionItemKind, type CompletionOptions, type CompletionResult } from '../completion';
export { documentDigest, formatDocumentDigest, type DocumentDigest } from '../document-digest';
export { getHover, type HoverOptions, type HoverResult } from '../hover';
export { digestAtOffset, findDigestValues, type DigestValue } from '../digest-links';
export { childLinks, type ChildEndpoint, type ChildLink } from '../child-links';
export { getInlayHints, type InlayHint } from '../inlay-hints';
export { getDocumentSymbols, type DocumentSymbol, type SymbolKindName } from '../symbols';
export { CODE_ACTION_KINDS, conversionEdits, getCodeActions, kindMatches, quickFixesFor, type CodeAction } from '../code-actions';
export type { TextEdit } from '../text-style';
