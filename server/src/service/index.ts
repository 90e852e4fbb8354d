/**
 * The pure language service: no `vscode`, no LSP connection. Parse once per document version with
 * `parseDocument`, then pass the result to every feature.
 */
export * from './types';
export { parseDocument, type ParsedDocument } from './parse';
export { validateDocument, validateDocumentReport, syntaxDiagnostics, DEFAULT_MAX_VALIDATION_SIZE, MAX_DIAGNOSTICS, type ValidationReport } from './validate';
export { LineIndex } from './line-index';
export { DIAGNOSTIC_CODES, type DiagnosticCode, type CodeInfo } from './codes';
export { MEDIA_TYPES, mediaTypeInfo, type MediaTypeInfo } from './media-types';
export { pathOf } from './json-tree';
export { decodeDocument, type DecodedDocument, type InvalidUtf8 } from './utf8';
export { warmUpSchemas } from './schemas';
export { InMemoryBlobStore, type BlobStore } from './blob-store';
export { collectDescriptors, type DescriptorRef, type DescriptorRole } from './descriptors';
export * from './features';
