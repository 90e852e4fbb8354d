import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspTestClient } from '../helpers/lsp-client';
import {
  BROKEN_MANIFEST,
  codesOf,
  describeDiagnostics,
  DIGEST_CODES,
  errorsOf,
  FIXTURES,
  PACKAGE_JSON,
  readFixture,
  textAt,
  TSCONFIG_WITH_COMMENTS,
  VSCODE_SETTINGS,
} from '../helpers/protocol-fixtures';

describe('diagnostics over the protocol', () => {
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start();
  });

  after(() => {
    client?.dispose();
  });

  it('announces incremental sync', () => {
    const sync = client.initializeResult?.capabilities.textDocumentSync;
    assert.ok(typeof sync === 'object' && sync !== null, 'textDocumentSync should be an options object');
    assert.equal(sync.change, 2, 'incremental');
    assert.equal(sync.openClose, true);
    assert.equal(client.initializeResult?.serverInfo?.name, 'image-manifest-language-server');
  });

  for (const fixture of ['registry-amd64.json', 'registry-amd64-v2s2.json', 'registry-multi-oci.json']) {
    it(`publishes no errors for the real manifest ${fixture}`, async () => {
      const uri = fileUri(FIXTURES, 'real', fixture);
      const published = await client.openAndWait(uri, readFixture('real', fixture));
      assert.equal(published.version, 1);
      assert.deepEqual(errorsOf(published), [], describeDiagnostics(published));
    });
  }

  it('publishes no errors for the index.json of a real OCI layout', async () => {
    const uri = fileUri(FIXTURES, 'real', 'umoci-layout', 'index.json');
    const published = await client.openAndWait(uri, readFixture('real', 'umoci-layout', 'index.json'));
    assert.deepEqual(errorsOf(published), [], describeDiagnostics(published));
  });

  it('reports a string size and a malformed digest with codes, links and exact ranges', async () => {
    // Multi-line, with a surrogate pair before the errors on their line, so a wrong offset →
    // position conversion (lines, or UTF-16 counting) would move the ranges off their nodes.
    const text = [
      '{',
      '  "schemaVersion": 2,',
      '  "mediaType": "application/vnd.oci.image.manifest.v1+json",',
      '  "config": { "annotations": { "org.opencontainers.image.title": "📦" }, "mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:ABC", "size": "12" },',
      '  "layers": []',
      '}',
    ].join('\n');
    const uri = 'untitled:Untitled-broken';
    const published = await client.openAndWait(uri, text);
    const codes = codesOf(published);
    assert.ok(codes.includes('wrong-type'), `expected wrong-type for "size": "12"; got ${describeDiagnostics(published)}`);
    assert.ok(
      codes.some((code) => DIGEST_CODES.includes(code)),
      `expected one of ${DIGEST_CODES.join(', ')} for "sha256:ABC"; got ${describeDiagnostics(published)}`,
    );
    for (const diagnostic of published.diagnostics) {
      assert.equal(diagnostic.source, 'image-manifest');
      assert.match(String(diagnostic.codeDescription?.href), /^https:\/\//);
      assert.ok(diagnostic.severity !== undefined && diagnostic.severity >= 1 && diagnostic.severity <= 4);
    }
    const wrongType = published.diagnostics.find((d) => d.code === 'wrong-type');
    assert.ok(textAt(text, wrongType!.range).includes('"12"'), `wrong-type range covers ${JSON.stringify(textAt(text, wrongType!.range))}`);
    const digest = published.diagnostics.find((d) => DIGEST_CODES.includes(String(d.code)));
    assert.ok(textAt(text, digest!.range).includes('ABC'), `digest range covers ${JSON.stringify(textAt(text, digest!.range))}`);
  });

  it('updates diagnostics on incremental changes and publishes only the latest version', async () => {
    const fixture = readFixture('real', 'registry-amd64.json');
    const uri = fileUri(FIXTURES, 'real', 'edited-copy.json');
    const opened = await client.openAndWait(uri, fixture);
    assert.deepEqual(errorsOf(opened), [], describeDiagnostics(opened));

    // Break the config size ("size":479 → "size":"479"), as typing would, in several quick edits.
    const sizeAt = fixture.indexOf('"size":479') + '"size":'.length;
    assert.ok(sizeAt > 10);
    const at = (character: number) => ({ line: 0, character });
    const since = client.publishedFor(uri).length;
    await client.change(uri, 2, [{ range: { start: at(sizeAt), end: at(sizeAt) }, text: '"' }]);
    await client.change(uri, 3, [{ range: { start: at(sizeAt + 4), end: at(sizeAt + 4) }, text: '"' }]);
    await client.change(uri, 4, [{ range: { start: at(sizeAt + 1), end: at(sizeAt + 4) }, text: '12' }]);
    const latest = await client.waitForDiagnostics(uri, { since, version: 4 });
    const stale = client.publishedFor(uri).slice(since).filter((p) => p.version !== 4);
    assert.deepEqual(stale.map((p) => p.version), [], 'edits within the debounce window are not validated one by one');
    assert.ok(codesOf(latest).includes('wrong-type'), `expected wrong-type after the edit; got ${describeDiagnostics(latest)}`);

    // And back: a full-text change restores the valid manifest.
    const sinceFix = client.publishedFor(uri).length;
    await client.change(uri, 5, [{ text: fixture }]);
    const fixed = await client.waitForDiagnostics(uri, { since: sinceFix, version: 5 });
    assert.deepEqual(errorsOf(fixed), [], describeDiagnostics(fixed));
  });

  for (const [name, text, languageId] of [
    ['package.json', PACKAGE_JSON, 'json'],
    ['tsconfig.json', TSCONFIG_WITH_COMMENTS, 'jsonc'],
    [path.join('.vscode', 'settings.json'), VSCODE_SETTINGS, 'jsonc'],
  ] as const) {
    it(`publishes an empty list for ${name}, which is not a manifest`, async () => {
      const uri = fileUri(FIXTURES, 'not-manifests', name);
      const since = client.publishedFor(uri).length;
      await client.open(uri, text, 1, languageId);
      const published = await client.waitForDiagnostics(uri, { since, version: 1 });
      assert.deepEqual(published.diagnostics, []);
    });
  }

  it('clears diagnostics when a document closes', async () => {
    const uri = fileUri(FIXTURES, 'closing.json');
    await client.openAndWait(uri, BROKEN_MANIFEST);
    const since = client.publishedFor(uri).length;
    await client.close(uri);
    const cleared = await client.waitForDiagnostics(uri, { since });
    assert.deepEqual(cleared.diagnostics, []);
  });
});
