/**
 * The editor features over stdio, against the real server process and the real 12-layer umoci
 * manifest: hover, completion, inlay hints, document symbols and a quick fix. Expected numbers come
 * from the fixture's own files (sizes from the file system), not from the service.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, DocumentSymbol, Hover, InlayHint, MarkupContent, Position, Range, SymbolInformation, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspTestClient } from '../helpers/lsp-client';
import { FIXTURES } from '../helpers/paths';

const LAYOUT = path.join(FIXTURES, 'real', 'umoci-12-layers');
const MANIFEST_HEX = '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11';
const MANIFEST_FILE = path.join(LAYOUT, 'blobs', 'sha256', MANIFEST_HEX);

/** Zero-based position of `offset` in `text` (UTF-16, as LSP counts by default). */
function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function hoverText(hover: Hover | null): string {
  if (!hover) return '';
  const contents = hover.contents;
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents)) return contents.map((part) => (typeof part === 'string' ? part : part.value)).join('\n');
  return (contents as MarkupContent).value;
}

/** LSP 3.17 `InsertTextFormat`: 1 is plain text, 2 a snippet. */
const PLAIN_TEXT = 1;
const SNIPPET = 2;

async function completionItems(client: LspTestClient, uri: string, position: Position): Promise<CompletionItem[]> {
  const result = (await client.request('textDocument/completion', { textDocument: { uri }, position })) as CompletionList | CompletionItem[] | null;
  return Array.isArray(result) ? result : (result?.items ?? []);
}

/** The item's main edit as a TextEdit (this server never answers with an InsertReplaceEdit). */
function mainEdit(item: CompletionItem): TextEdit {
  assert.ok(item.textEdit && 'range' in item.textEdit, `${item.label}: a textEdit with one range`);
  return item.textEdit;
}

/** The text after accepting `item`: its edit and its additional edits, applied as LSP defines. */
function accept(text: string, item: CompletionItem): string {
  // TextDocument.applyEdits throws on overlapping edits, which LSP forbids here too.
  return TextDocument.applyEdits(TextDocument.create('untitled:x', 'json', 1, text), [mainEdit(item), ...(item.additionalTextEdits ?? [])]);
}

describe('editor features over the protocol', () => {
  let client: LspTestClient;
  const text = fs.readFileSync(MANIFEST_FILE, 'utf8');
  const manifest = JSON.parse(text) as { layers: Array<{ digest: string; size: number }> };
  const uri = fileUri(MANIFEST_FILE);

  before(async () => {
    client = await LspTestClient.start();
    await client.openAndWait(uri, text);
  });
  after(() => client?.dispose());

  it('hovers on a layer with its position among the layers and its size from the blob on disk', async () => {
    const third = manifest.layers[2];
    const blobSize = fs.statSync(path.join(LAYOUT, 'blobs', 'sha256', third.digest.slice('sha256:'.length))).size;
    const offset = text.indexOf(third.digest) + 10;
    const hover = (await client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, offset) })) as Hover | null;
    const shown = hoverText(hover);
    assert.match(shown, /Layer 3 of 12/);
    assert.match(shown, new RegExp(`\\b${blobSize.toLocaleString('en-US').replace(/,/g, '[,\\s\\u202f]?')}\\b|\\b${blobSize}\\b`), shown);
  });

  it('completes a layer mediaType with the OCI layer types first', async () => {
    const edited = text.replace('"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip"', '"mediaType":""');
    const editedUri = fileUri(LAYOUT, 'edited-manifest.json');
    await client.open(editedUri, edited);
    const offset = edited.indexOf('"mediaType":""') + '"mediaType":"'.length;
    const result = (await client.request('textDocument/completion', { textDocument: { uri: editedUri }, position: positionOf(edited, offset) })) as
      | CompletionList
      | CompletionItem[]
      | null;
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
    assert.ok(sorted.length > 0, 'no completion items');
    assert.match(sorted[0].label, /^application\/vnd\.oci\.image\.layer\.v1\.tar/);
    assert.ok(!sorted.slice(0, 3).some((item) => item.label.includes('docker')), sorted.slice(0, 3).map((item) => item.label).join(', '));
    await client.close(editedUri);
  });

  it('shows one inlay hint per size, in human units', async () => {
    const sizes = [...text.matchAll(/"size":(\d+)/g)];
    const end = positionOf(text, text.length);
    const hints = (await client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end } })) as InlayHint[] | null;
    assert.equal(hints?.length, sizes.length);
    for (const hint of hints ?? []) {
      const label = typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');
      assert.match(label, /\d(\.\d+)?\s?(B|kB|KB|KiB|MB|MiB|GB|GiB)/);
    }
  });

  it('lists the config and the twelve layers in the outline', async () => {
    const symbols = (await client.request('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[] | null;
    const names: string[] = [];
    const walk = (list: DocumentSymbol[]) => {
      for (const symbol of list) {
        names.push(symbol.name);
        walk(symbol.children ?? []);
      }
    };
    walk(symbols ?? []);
    assert.ok(names.some((name) => /config/i.test(name)), names.join(' | '));
    assert.equal(names.filter((name) => /^#\d+\b/.test(name)).length, 12, names.join(' | '));
  });

  it('offers a quick fix that lowercases an uppercase digest, and the fixed text has no error', async () => {
    const digest = manifest.layers[0].digest;
    const broken = text.replace(digest, `sha256:${digest.slice(7).toUpperCase()}`);
    const brokenUri = fileUri(LAYOUT, 'uppercase-digest.json');
    const published = await client.openAndWait(brokenUri, broken);
    const diagnostic = published.diagnostics.find((d) => d.code === 'digest-uppercase');
    assert.ok(diagnostic, JSON.stringify(published.diagnostics));
    const actions = (await client.request('textDocument/codeAction', {
      textDocument: { uri: brokenUri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    })) as CodeAction[] | null;
    const fix = actions?.find((action) => action.diagnostics?.some((d) => d.code === 'digest-uppercase'));
    assert.ok(fix?.edit?.changes?.[brokenUri], JSON.stringify(actions));
    const edits = fix.edit.changes[brokenUri];
    assert.equal(edits.length, 1);
    const range: Range = edits[0].range;
    assert.deepEqual(range, diagnostic.range);
    assert.equal(edits[0].newText, JSON.stringify(digest));
    await client.close(brokenUri);
  });
});

describe('whole-document templates over the protocol', () => {
  let client: LspTestClient;
  let documents = 0;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client?.dispose());

  async function templatesIn(text: string, position: Position): Promise<CompletionItem[]> {
    const uri = `untitled:Untitled-${++documents}`;
    await client.open(uri, text);
    const items = await completionItems(client, uri, position);
    await client.close(uri);
    return items.filter((item) => item.kind === 15); // LSP CompletionItemKind.Snippet
  }

  it('in a blank document of several lines: a one-line edit at the cursor, the rest removed, exactly the template after accepting', async () => {
    // The single-line case: an empty document, where the template is simply inserted.
    const single = await templatesIn('', { line: 0, character: 0 });
    assert.equal(single.length, 5);
    const expected = new Map(single.map((item) => [item.label, accept('', item)]));
    for (const [text, position, crlf] of [
      ['\n', { line: 1, character: 0 }, false],
      ['\n\n\n', { line: 1, character: 0 }, false],
      ['\r\n  \r\n', { line: 1, character: 1 }, true],
    ] as const) {
      const items = await templatesIn(text, position);
      assert.deepEqual(items.map((item) => item.label), [...expected.keys()], JSON.stringify(text));
      for (const item of items) {
        const { range } = mainEdit(item);
        const where = `${JSON.stringify(text)}, ${item.label}`;
        assert.equal(range.start.line, position.line, `${where}: the range starts on the cursor's line`);
        assert.equal(range.end.line, position.line, `${where}: the range ends on the cursor's line`);
        assert.ok(range.start.character <= position.character && position.character <= range.end.character, `${where}: the range contains the cursor`);
        assert.doesNotMatch(item.filterText ?? item.label, /[\r\n\t]|^\s/, where);
        assert.equal(item.insertTextFormat, SNIPPET, where);
        const want = expected.get(item.label)!;
        assert.equal(accept(text, item), crlf ? want.replace(/\n/g, '\r\n') : want, where);
      }
    }
  });
});

describe('a client that declares no snippet support', () => {
  let client: LspTestClient;
  before(async () => {
    // LSP: an undeclared client capability is an unsupported one.
    client = await LspTestClient.start({ featureCapabilities: {} });
  });
  after(() => client?.dispose());

  const assertPlain = (items: CompletionItem[]) => {
    assert.ok(items.length > 0, 'no completion items');
    for (const item of items) {
      assert.equal(item.insertTextFormat ?? PLAIN_TEXT, PLAIN_TEXT, item.label);
      // Tab stops and placeholders (`$1`, `${1:0}`) would be inserted literally.
      assert.doesNotMatch(item.insertText ?? '', /\$[{\d]/, item.label);
      assert.doesNotMatch(mainEdit(item).newText, /\$[{\d]/, item.label);
    }
  };

  it('gets plain-text layer media types', async () => {
    const text = fs.readFileSync(MANIFEST_FILE, 'utf8').replace('"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip"', '"mediaType":""');
    const uri = fileUri(LAYOUT, 'plain-client-manifest.json');
    await client.open(uri, text);
    const items = await completionItems(client, uri, positionOf(text, text.indexOf('"mediaType":""') + '"mediaType":"'.length));
    assertPlain(items);
    assert.ok(items.some((item) => item.label === 'application/vnd.oci.image.layer.v1.tar+gzip'), items.map((item) => item.label).join(', '));
    await client.close(uri);
  });

  it('gets plain-text property names where a snippet client gets tab stops', async () => {
    const text = fs.readFileSync(MANIFEST_FILE, 'utf8').replace(/\{"mediaType":"application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip"[^}]*\}/, '{}');
    const uri = fileUri(LAYOUT, 'plain-client-layer.json');
    await client.open(uri, text);
    const items = await completionItems(client, uri, positionOf(text, text.indexOf('{}') + 1));
    assertPlain(items);
    const mediaType = items.find((item) => item.label === 'mediaType');
    assert.ok(mediaType, items.map((item) => item.label).join(', '));
    assert.deepEqual(JSON.parse(`{${mainEdit(mediaType).newText.replace(/,$/, '')}}`), { mediaType: '' });
    await client.close(uri);
  });

  it('gets templates as plain JSON', async () => {
    await client.open('untitled:plain-1', '');
    const items = await completionItems(client, 'untitled:plain-1', { line: 0, character: 0 });
    assertPlain(items);
    assert.equal(items.length, 5);
    for (const item of items) assert.doesNotThrow(() => JSON.parse(mainEdit(item).newText), item.label);
    await client.close('untitled:plain-1');
  });

  it('gets a flat symbol list, as without hierarchicalDocumentSymbolSupport', async () => {
    const uri = fileUri(MANIFEST_FILE);
    await client.openAndWait(uri, fs.readFileSync(MANIFEST_FILE, 'utf8'));
    const symbols = (await client.request('textDocument/documentSymbol', { textDocument: { uri } })) as SymbolInformation[] | null;
    assert.ok(symbols && symbols.length > 0);
    for (const symbol of symbols) {
      assert.equal(symbol.location?.uri, uri, symbol.name);
      assert.equal('children' in symbol || 'selectionRange' in symbol, false, symbol.name);
    }
    // The flat list still names every layer (the outline's `#1`…`#12`).
    assert.equal(symbols.filter((symbol) => /^#\d+\b/.test(symbol.name)).length, 12);
    await client.close(uri);
  });
});
