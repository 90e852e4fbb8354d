/**
 * LSP wiring of the editor features beyond diagnostics: completion, hover, inlay hints, document
 * symbols, code actions, the document-digest code lens and the `imageManifest/documentDigest`
 * request. All behaviour lives in the pure service (`service/features`); this file only converts
 * offsets to positions and guards every handler.
 */
import {
  CodeActionKind,
  CodeActionTriggerKind,
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  InsertTextMode,
  SymbolKind,
  type ClientCapabilities,
  type CodeAction as LspCodeAction,
  type CodeLens,
  type CompletionItem as LspCompletionItem,
  type CompletionList,
  type Connection,
  type Diagnostic,
  type DocumentLink,
  type DocumentSymbol as LspDocumentSymbol,
  type Hover,
  type Location,
  type LocationLink,
  type InlayHint as LspInlayHint,
  type ServerCapabilities,
  type SymbolInformation,
  type TextDocuments,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { LayoutContext } from '../layout/fs-blob-store';
import { findReferences } from '../layout/references';
import { LineIndex } from '../service/line-index';
import { validateDocument, type DocumentKind, type ManifestDiagnostic, type OffsetRange, type ParsedDocument } from '../service';
import {
  CODE_ACTION_KINDS,
  digestAtOffset,
  documentDigest,
  findDigestValues,
  formatDocumentDigest,
  getCodeActions,
  getCompletions,
  getDocumentSymbols,
  getHover,
  getInlayHints,
  type CompletionItem,
  type DocumentSymbol,
  type SymbolKindName,
  type TextEdit,
} from '../service/features';
import { isContentAddressedKind } from '../service/document-facts';
import { DIAGNOSTIC_SOURCE } from './lsp-diagnostics';
import { filePathOf } from './layout-context';
import { registryLinks, registryResourceOf } from './registry-links';
import { runSafe } from './run-safe';

/** The custom request that answers the sha256 and size of an open document's text. */
export const DOCUMENT_DIGEST_REQUEST = 'imageManifest/documentDigest';

export interface DocumentDigestParams {
  readonly uri: string;
}

export interface DocumentDigestResult {
  readonly algorithm: 'sha256';
  readonly digest: string;
  readonly size: number;
  /** What the document is (`unknown` for JSON that is no manifest, index, config or layout file). */
  readonly kind: DocumentKind;
}

/** Per-document feature settings (from `imageManifest.*`); everything defaults to on. */
export interface FeatureSettings {
  /** `imageManifest.inlayHints.sizes`: human sizes after `size` values. */
  readonly inlayHintSizes?: boolean;
  /** `imageManifest.documentDigest.codeLens`: the document's own digest above its first line. */
  readonly digestCodeLens?: boolean;
}

/** What the server knows from `initialize` and its settings; all optional. */
export interface LanguageFeatureOptions {
  readonly clientCapabilities?: () => ClientCapabilities | undefined;
  /** `clientInfo.name` from `initialize`: VS Code gets the "suggest again" command on items. */
  readonly clientName?: () => string | undefined;
  readonly settingsFor?: (uri: string) => FeatureSettings | Promise<FeatureSettings>;
  /** The OCI image layout the document sits in (blobs for hover, completion and navigation). */
  readonly layoutFor?: (uri: string) => Promise<LayoutContext | undefined>;
  /** Waits until the next piece of background blob work ends, at most `timeoutMs`; true when one did. */
  readonly waitForBlobs?: (timeoutMs: number) => Promise<boolean>;
  /**
   * What the last validation of this version of the document found (rule settings applied, as in
   * the published diagnostics), if it has run: code actions match the client's diagnostics against
   * it instead of validating the document again on every light-bulb request.
   */
  readonly findingsFor?: (uri: string, version: number) => readonly ManifestDiagnostic[] | undefined;
}

/** A hover whose layer contents are still being read waits this long for them before answering. */
const HOVER_WAIT_MS = 1500;
/** Links in one document: a huge index gets links for its first entries. */
const MAX_LINKS = 5000;

/** Capabilities of the editor features beyond diagnostics (completion, hover, symbols, …). */
export function languageFeatureCapabilities(): ServerCapabilities {
  return {
    completionProvider: { triggerCharacters: ['"', ':'], resolveProvider: false },
    hoverProvider: true,
    inlayHintProvider: { resolveProvider: false },
    documentSymbolProvider: { label: 'Image manifest' },
    codeActionProvider: {
      codeActionKinds: [CodeActionKind.QuickFix, ...Object.values(CODE_ACTION_KINDS).filter((kind) => kind !== 'quickfix')],
      resolveProvider: false,
    },
    codeLensProvider: { resolveProvider: false },
    documentLinkProvider: { resolveProvider: false },
    definitionProvider: true,
    referencesProvider: true,
  };
}

const COMPLETION_KINDS: Record<CompletionItem['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  enumMember: CompletionItemKind.EnumMember,
  snippet: CompletionItemKind.Snippet,
  reference: CompletionItemKind.Reference,
  constant: CompletionItemKind.Constant,
};

const SYMBOL_KINDS: Record<SymbolKindName, SymbolKind> = {
  file: SymbolKind.File,
  module: SymbolKind.Module,
  namespace: SymbolKind.Namespace,
  package: SymbolKind.Package,
  class: SymbolKind.Class,
  property: SymbolKind.Property,
  field: SymbolKind.Field,
  interface: SymbolKind.Interface,
  constant: SymbolKind.Constant,
  string: SymbolKind.String,
  number: SymbolKind.Number,
  boolean: SymbolKind.Boolean,
  array: SymbolKind.Array,
  object: SymbolKind.Object,
  key: SymbolKind.Key,
  struct: SymbolKind.Struct,
  event: SymbolKind.Event,
};

/**
 * Whether an empty document is offered whole-manifest templates: a new untitled file, a file whose
 * name says manifest, index or image, or a blob of a layout. An empty package.json is left alone.
 */
export function offersTemplates(uri: string): boolean {
  let parsed: URI;
  try {
    parsed = URI.parse(uri);
  } catch {
    return false;
  }
  if (parsed.scheme === 'untitled') return true;
  if (parsed.scheme !== 'file') return false;
  const file = parsed.path;
  const name = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  return /(manifest|index|image|artifact)[^/]*\.json$/.test(name) || /\/blobs\/(sha256|sha512)\/[0-9a-f]+$/.test(file);
}

function isVsCode(name: string | undefined): boolean {
  return name !== undefined && /visual studio code|vscode|vscodium|code - oss|cursor|windsurf/i.test(name);
}

/**
 * Registers the editor features on the connection. `parsedFor` returns the one parse of the
 * document's current version (shared with validation).
 */
export function registerLanguageFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedFor: (document: TextDocument) => ParsedDocument,
  options: LanguageFeatureOptions = {},
): void {
  const log = connection.console;
  const capabilities = (): ClientCapabilities => {
    try {
      return options.clientCapabilities?.() ?? {};
    } catch {
      return {};
    }
  };
  const settingsFor = async (uri: string): Promise<FeatureSettings> => {
    try {
      return (await options.settingsFor?.(uri)) ?? {};
    } catch {
      return {};
    }
  };
  const range = (document: TextDocument, offsets: OffsetRange) => ({
    start: document.positionAt(offsets.start),
    end: document.positionAt(offsets.end),
  });
  const toLspEdits = (document: TextDocument, edits: readonly TextEdit[]): LspTextEdit[] =>
    edits.map((edit) => ({ range: range(document, edit.range), newText: edit.newText }));
  const layoutFor = async (uri: string): Promise<LayoutContext | undefined> => {
    try {
      return (await options.layoutFor?.(uri)) ?? undefined;
    } catch {
      return undefined;
    }
  };
  /** Open documents by file path, so layout searches read the editor's text, not the file. */
  const openText = (file: string): string | undefined => {
    for (const document of documents.all()) if (filePathOf(document.uri) === file) return document.getText();
    return undefined;
  };
  /** The open document and its parse (the service answers nothing for non-manifests). */
  const manifestFor = (uri: string): { document: TextDocument; parsed: ParsedDocument } | undefined => {
    const document = documents.get(uri);
    if (!document) return undefined;
    return { document, parsed: parsedFor(document) };
  };

  connection.onCompletion((params, token) =>
    runSafe<CompletionList | null>(log, 'Completion failed', null, token, async () => {
      const layout = await layoutFor(params.textDocument.uri);
      const found = manifestFor(params.textDocument.uri);
      if (!found) return null;
      const { document, parsed } = found;
      const completion = capabilities().textDocument?.completion;
      // LSP: a capability the client does not declare is one it lacks. A client without snippets
      // would insert `${1}` literally.
      const snippetSupport = completion?.completionItem?.snippetSupport === true;
      const triggerSuggest = isVsCode(options.clientName?.());
      const result = getCompletions(parsed, document.offsetAt(params.position), { snippetSupport, blobs: layout?.blobs, templates: offersTemplates(params.textDocument.uri) });
      const items = result.items.map((item): LspCompletionItem => {
        const lsp: LspCompletionItem = {
          label: item.label,
          kind: COMPLETION_KINDS[item.kind],
          detail: item.detail,
          sortText: item.sortText,
          filterText: item.filterText,
          textEdit: { range: range(document, item.textEdit.range), newText: item.textEdit.newText },
          insertTextFormat: item.isSnippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
        };
        if (item.documentation) lsp.documentation = { kind: 'markdown', value: item.documentation };
        if (item.deprecated) {
          lsp.tags = [CompletionItemTag.Deprecated];
          lsp.deprecated = true;
        }
        if (item.preselect) lsp.preselect = true;
        // Multi-line snippets carry their own indentation.
        if (item.textEdit.newText.includes('\n')) lsp.insertTextMode = InsertTextMode.asIs;
        if (item.additionalEdits?.length) lsp.additionalTextEdits = toLspEdits(document, item.additionalEdits);
        if (item.triggerSuggest && triggerSuggest) lsp.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
        return lsp;
      });
      return { isIncomplete: result.isIncomplete, items };
    }),
  );

  connection.onHover((params, token) =>
    runSafe<Hover | null>(log, 'Hover failed', null, token, async () => {
      const uri = params.textDocument.uri;
      const layout = await layoutFor(uri);
      const compute = () => {
        const found = manifestFor(uri);
        if (!found) return undefined;
        const hover = getHover(found.parsed, found.document.offsetAt(params.position), { blobs: layout?.blobs });
        return hover ? { hover, document: found.document } : undefined;
      };
      let answer = compute();
      // A layer read or a hash in the background: wait a moment for it rather than show "reading…".
      const deadline = Date.now() + HOVER_WAIT_MS;
      while (answer?.hover.pending && options.waitForBlobs && !token.isCancellationRequested && Date.now() < deadline) {
        if (!(await options.waitForBlobs(deadline - Date.now()))) break;
        answer = compute();
      }
      if (!answer) return null;
      return { contents: { kind: 'markdown', value: answer.hover.markdown }, range: range(answer.document, answer.hover.range) };
    }),
  );

  connection.onDocumentLinks((params, token) =>
    runSafe<DocumentLink[] | null>(log, 'Document links failed', null, token, async () => {
      if (registryResourceOf(params.textDocument.uri)) {
        const fetched = manifestFor(params.textDocument.uri);
        if (!fetched) return [];
        return registryLinks(params.textDocument.uri, fetched.parsed, MAX_LINKS).map((link) => ({
          range: range(fetched.document, link.range),
          target: link.target,
          tooltip: link.tooltip,
        }));
      }
      const layout = await layoutFor(params.textDocument.uri);
      const found = manifestFor(params.textDocument.uri);
      if (!found || !layout?.blobs) return [];
      const store = layout.blobs;
      const links: DocumentLink[] = [];
      const targets = new Map<string, string | undefined>();
      for (const value of findDigestValues(found.parsed, MAX_LINKS).values) {
        if (token.isCancellationRequested) break;
        if (!targets.has(value.digest)) {
          const file = store.fileFor(value.digest);
          targets.set(value.digest, file === undefined ? undefined : URI.file(file).toString());
        }
        const target = targets.get(value.digest);
        if (target) links.push({ range: range(found.document, value.range), target, tooltip: `Open blobs/${value.digest.replace(':', '/')}` });
      }
      return links;
    }),
  );

  connection.onDefinition((params, token) =>
    runSafe<LocationLink[] | null>(log, 'Go to definition failed', null, token, async () => {
      const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      if (registryResourceOf(params.textDocument.uri)) {
        const fetched = manifestFor(params.textDocument.uri);
        if (!fetched) return null;
        const offset = fetched.document.offsetAt(params.position);
        const link = registryLinks(params.textDocument.uri, fetched.parsed, MAX_LINKS).find((l) => l.range.start <= offset && offset <= l.range.end);
        if (!link) return null;
        return [{ originSelectionRange: range(fetched.document, link.range), targetUri: link.target, targetRange: top, targetSelectionRange: top }];
      }
      const layout = await layoutFor(params.textDocument.uri);
      const found = manifestFor(params.textDocument.uri);
      if (!found || !layout?.blobs) return null;
      const value = digestAtOffset(found.parsed, found.document.offsetAt(params.position));
      const file = value ? layout.blobs.fileFor(value.digest) : undefined;
      if (!value || !file) return null;
      return [{ originSelectionRange: range(found.document, value.range), targetUri: URI.file(file).toString(), targetRange: top, targetSelectionRange: top }];
    }),
  );

  connection.onReferences((params, token) =>
    runSafe<Location[] | null>(log, 'Find references failed', null, token, async () => {
      const layout = await layoutFor(params.textDocument.uri);
      const found = manifestFor(params.textDocument.uri);
      if (!layout?.blobs || !layout.root) return null;
      // The digest under the cursor, or else the blob this document is.
      const value = found ? digestAtOffset(found.parsed, found.document.offsetAt(params.position)) : undefined;
      const digest = value?.digest ?? layout.ownDigest;
      if (!digest) return null;
      const search = await findReferences(layout.root, layout.blobs, digest, openText, () => token.isCancellationRequested);
      const locations: Location[] = [];
      if (params.context?.includeDeclaration) {
        const file = layout.blobs.fileFor(digest);
        const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        if (file) locations.push({ uri: URI.file(file).toString(), range: top });
      }
      for (const match of search.found) {
        const lines = new LineIndex(match.text);
        const uri = URI.file(match.file).toString();
        for (const offsets of match.ranges) locations.push({ uri, range: lines.rangeAt(offsets) });
      }
      return locations;
    }),
  );

  connection.languages.inlayHint.on((params, token) =>
    runSafe<LspInlayHint[] | null>(log, 'Inlay hints failed', null, token, async () => {
      if ((await settingsFor(params.textDocument.uri)).inlayHintSizes === false) return [];
      const found = manifestFor(params.textDocument.uri);
      if (!found) return null;
      const { document, parsed } = found;
      const offsets = { start: document.offsetAt(params.range.start), end: document.offsetAt(params.range.end) };
      return getInlayHints(parsed, offsets).map((hint) => ({
        position: document.positionAt(hint.offset),
        label: hint.label,
        tooltip: hint.tooltip ? { kind: 'markdown', value: hint.tooltip } : undefined,
        paddingLeft: hint.paddingLeft,
      }));
    }),
  );

  connection.onDocumentSymbol((params, token) =>
    runSafe<LspDocumentSymbol[] | SymbolInformation[] | null>(log, 'Document symbols failed', null, token, () => {
      const found = manifestFor(params.textDocument.uri);
      if (!found) return null;
      const { document, parsed } = found;
      const symbols = getDocumentSymbols(parsed);
      const convert = (symbol: DocumentSymbol): LspDocumentSymbol => ({
        name: symbol.name || ' ',
        detail: symbol.detail,
        kind: SYMBOL_KINDS[symbol.kind],
        range: range(document, symbol.range),
        selectionRange: range(document, symbol.selectionRange),
        children: symbol.children?.map(convert),
      });
      // Undeclared means unsupported: such a client expects the flat SymbolInformation[].
      const hierarchical = capabilities().textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true;
      if (hierarchical) return symbols.map(convert);
      const flat: SymbolInformation[] = [];
      const flatten = (symbol: DocumentSymbol, container?: string): void => {
        flat.push({
          name: symbol.name || ' ',
          kind: SYMBOL_KINDS[symbol.kind],
          location: { uri: document.uri, range: range(document, symbol.range) },
          containerName: container,
        });
        symbol.children?.forEach((child) => flatten(child, symbol.name));
      };
      symbols.forEach((symbol) => flatten(symbol));
      return flat;
    }),
  );

  connection.onCodeAction((params, token) =>
    runSafe<LspCodeAction[] | null>(log, 'Code actions failed', null, token, async () => {
      const found = manifestFor(params.textDocument.uri);
      if (!found) return null;
      const { document, parsed } = found;
      if (parsed.detection.kind === 'unknown') return [];
      // Match the client's diagnostics to the validator's (which carry the fixes) by code and range.
      const ours = params.context.diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE || diagnostic.source === undefined);
      const matched = new Map<ManifestDiagnostic, Diagnostic>();
      if (ours.length) {
        // Layout checks carry fixes too (a size to set): validate with the same context as the diagnostics.
        let findings = options.findingsFor?.(params.textDocument.uri, document.version);
        if (!findings) {
          const version = document.version;
          const layout = await layoutFor(params.textDocument.uri);
          // The document may have changed while the layout was looked up: these ranges would be stale.
          if (document.version !== version) return null;
          findings = validateDocument(parsed, layout ? { context: layout } : {});
        }
        for (const diagnostic of findings) {
          const lspRange = range(document, diagnostic.range);
          const client = ours.find(
            (candidate) =>
              String(candidate.code) === diagnostic.code &&
              candidate.range.start.line === lspRange.start.line &&
              candidate.range.start.character === lspRange.start.character &&
              candidate.range.end.line === lspRange.end.line &&
              candidate.range.end.character === lspRange.end.character,
          );
          if (client) matched.set(diagnostic, client);
        }
      }
      const offsets = { start: document.offsetAt(params.range.start), end: document.offsetAt(params.range.end) };
      // Whole-document source actions are for explicit requests (the Source Action menu, a key
      // press), not for the automatic light-bulb request on every cursor move.
      const includeSource = Boolean(params.context.only?.length) || params.context.triggerKind !== CodeActionTriggerKind.Automatic;
      const actions = getCodeActions(parsed, offsets, [...matched.keys()], params.context.only, { includeSource });
      return actions.map((action): LspCodeAction => {
        const lsp: LspCodeAction = {
          title: action.title,
          kind: action.kind,
          edit: { changes: { [document.uri]: toLspEdits(document, action.edits) } },
        };
        if (action.diagnostics?.length) {
          lsp.diagnostics = action.diagnostics.map((diagnostic) => matched.get(diagnostic)).filter((d): d is Diagnostic => d !== undefined);
        }
        if (action.isPreferred) lsp.isPreferred = true;
        return lsp;
      });
    }),
  );

  connection.onCodeLens((params, token) =>
    runSafe<CodeLens[] | null>(log, 'Code lenses failed', null, token, async () => {
      if ((await settingsFor(params.textDocument.uri)).digestCodeLens === false) return [];
      const found = manifestFor(params.textDocument.uri);
      if (!found || !isContentAddressedKind(found.parsed.detection.kind)) return [];
      const digest = documentDigest(found.document.getText());
      const top = { line: 0, character: 0 };
      return [
        {
          range: { start: top, end: top },
          command: {
            title: formatDocumentDigest(digest),
            tooltip: 'The sha256 and size of this text as UTF-8: what a registry or index refers to. Re-indenting or reformatting changes them.',
            command: '',
          },
        },
      ];
    }),
  );

  connection.onRequest(DOCUMENT_DIGEST_REQUEST, (params: DocumentDigestParams, token) =>
    runSafe<DocumentDigestResult | null>(log, 'Computing the document digest failed', null, token, () => {
      const document = params && typeof params.uri === 'string' ? documents.get(params.uri) : undefined;
      if (!document) return null;
      const { algorithm, digest, size } = documentDigest(document.getText());
      // The kind lets a client show the digest only for content-addressed documents.
      return { algorithm, digest, size, kind: parsedFor(document).detection.kind };
    }),
  );

}
