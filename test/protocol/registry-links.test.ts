/**
 * Links in documents fetched from a registry (`oci-registry:` URIs), against the real server
 * process: child manifests link to `/manifests/<digest>`, configs and JSON blobs to
 * `/blobs/<digest>`, under the document's own registry and repository; layers get none. Expected
 * URIs are written out by hand from the scheme's definition, not built with the code under test:
 * as VS Code prints them, with the digest's colon percent-encoded.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DocumentLink, LocationLink, Range } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../helpers/lsp-client';
import { FIXTURES } from '../helpers/paths';

const INDEX_TEXT = fs.readFileSync(path.join(FIXTURES, 'real', 'registry-multi-oci.json'), 'utf8');
const MANIFEST_HEX = '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11';
const MANIFEST_FILE = path.join(FIXTURES, 'real', 'umoci-12-layers', 'blobs', 'sha256', MANIFEST_HEX);
const MANIFEST_TEXT = fs.readFileSync(MANIFEST_FILE, 'utf8');

function offsetAt(text: string, position: { line: number; character: number }): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let line = 0; line < position.line; line++) offset += lines[line].length + 1;
  return offset + position.character;
}

function textAt(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('document links in registry documents', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client?.dispose());

  const linksOf = async (uri: string, text: string): Promise<Array<[string, string | undefined]>> => {
    await client.openAndWait(uri, text);
    const links = (await client.request('textDocument/documentLink', { textDocument: { uri } })) as DocumentLink[];
    return links.map((link) => [textAt(text, link.range), link.target]);
  };

  it('an index opened by tag: each entry links to the child manifest by digest in the same repository', async () => {
    const uri = 'oci-registry://127.0.0.1:5000/test/multi/manifests/multi';
    const entries = (JSON.parse(INDEX_TEXT) as { manifests: Array<{ digest: string }> }).manifests;
    assert.ok(entries.length >= 2);
    assert.deepEqual(
      await linksOf(uri, INDEX_TEXT),
      entries.map((entry) => [entry.digest, `oci-registry://127.0.0.1:5000/test/multi/manifests/${entry.digest.replace(':', '%3A')}`]),
    );
  });

  it('a manifest opened by digest, as VS Code encodes it: the config links to /blobs/, layers do not link', async () => {
    // VS Code percent-encodes the `:` of the digest in the path.
    const uri = `oci-registry://docker.io/library/alpine/manifests/sha256%3A${MANIFEST_HEX}`;
    const manifest = JSON.parse(MANIFEST_TEXT) as { config: { digest: string }; layers: unknown[] };
    assert.equal(manifest.layers.length, 12);
    assert.deepEqual(await linksOf(uri, MANIFEST_TEXT), [[manifest.config.digest, `oci-registry://docker.io/library/alpine/blobs/${manifest.config.digest.replace(':', '%3A')}`]]);
  });

  it('go to definition on a config digest opens the same target; on a layer nothing', async () => {
    const uri = `oci-registry://ghcr.io/owner/app/manifests/sha256:${MANIFEST_HEX}`;
    await client.openAndWait(uri, MANIFEST_TEXT);
    const manifest = JSON.parse(MANIFEST_TEXT) as { config: { digest: string }; layers: Array<{ digest: string }> };
    const at = (digest: string) => positionOf(MANIFEST_TEXT, MANIFEST_TEXT.indexOf(digest) + 10);
    const definition = (await client.request('textDocument/definition', { textDocument: { uri }, position: at(manifest.config.digest) })) as LocationLink[];
    assert.equal(definition.length, 1);
    assert.equal(definition[0].targetUri, `oci-registry://ghcr.io/owner/app/blobs/${manifest.config.digest.replace(':', '%3A')}`);
    assert.equal(textAt(MANIFEST_TEXT, definition[0].originSelectionRange!), manifest.config.digest);
    assert.equal(await client.request('textDocument/definition', { textDocument: { uri }, position: at(manifest.layers[0].digest) }), null);
  });

  it('a config opened as a blob has no children to link; a file is not linked into a registry', async () => {
    const config = fs.readFileSync(path.join(FIXTURES, 'real', 'umoci-12-layers', 'blobs', 'sha256', (JSON.parse(MANIFEST_TEXT) as { config: { digest: string } }).config.digest.slice(7)), 'utf8');
    assert.deepEqual(await linksOf('oci-registry://127.0.0.1:5000/test/multi/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000', config), []);
    const file = path.join(FIXTURES, 'real', 'registry-multi-oci.json');
    const fileLinks = await linksOf(fileUri(file), INDEX_TEXT);
    assert.ok(fileLinks.every(([, target]) => !target?.startsWith('oci-registry:')), JSON.stringify(fileLinks));
  });
});
