/**
 * The editor features over stdio, against the real server process and the real 12-layer umoci
 * manifest: hover, completion, inlay hints, document symbols and a quick fix. Expected numbers come
 * from the fixture's own files (sizes from the file system), not from the service.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, DocumentSymbol, Hover, InlayHint, MarkupContent, Range } from 'vscode-languageserver-protocol';
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
