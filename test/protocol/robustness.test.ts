import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspTestClient } from '../helpers/lsp-client';
import { BROKEN_MANIFEST, FIXTURES, readFixture } from '../helpers/protocol-fixtures';

/** Deterministic noise: printable ASCII, JSON punctuation and quotes included. */
function randomText(length: number, seed: number): string {
  let state = seed >>> 0;
  const chars: string[] = [];
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    chars.push(String.fromCharCode(32 + (state % 95)));
  }
  return chars.join('');
}

const DEPTH = 10_000;

describe('the server survives hostile input', () => {
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start();
  });

  after(() => {
    client?.dispose();
  });

  let probes = 0;

  /** After each attack the server must still read requests and validate documents. */
  async function assertStillServing(): Promise<void> {
    await client.ping();
    const uri = fileUri(FIXTURES, `alive-${++probes}.json`);
    const published = await client.openAndWait(uri, readFixture('real', 'registry-amd64.json'));
    assert.equal(published.version, 1);
    await client.close(uri);
    assert.equal(client.hasExited, false);
  }

  it('a 1 MB random string', async () => {
    const uri = fileUri(FIXTURES, 'random.json');
    const published = await client.openAndWait(uri, randomText(1 << 20, 42), 'json');
    assert.ok(Array.isArray(published.diagnostics));
    await assertStillServing();
  });

  it(`arrays nested ${DEPTH} deep`, async () => {
    const uri = fileUri(FIXTURES, 'deep-arrays.json');
    await client.openAndWait(uri, '['.repeat(DEPTH) + ']'.repeat(DEPTH));
    await assertStillServing();
  });

  it(`a manifest whose layers nest ${DEPTH} deep`, async () => {
    const uri = fileUri(FIXTURES, 'deep-manifest.json');
    const text = BROKEN_MANIFEST.replace('"layers":[]', `"layers":[${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}]`);
    await client.openAndWait(uri, text);
    const objects = fileUri(FIXTURES, 'deep-annotations.json');
    const nested = BROKEN_MANIFEST.replace('"layers":[]', `"layers":[],"annotations":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`);
    await client.openAndWait(objects, nested);
    await assertStillServing();
  });

  it('lone UTF-16 surrogates, in and out of strings, and edits that split a pair', async () => {
    const uri = fileUri(FIXTURES, 'surrogates.json');
    const text = BROKEN_MANIFEST.replace('"sha256:ABC"', '"sha256:\uD800\uDC00\uDFFF"').replace('"layers":[]', '"layers":[]\uD800, \uDBFF');
    await client.openAndWait(uri, text);
    const since = client.publishedFor(uri).length;
    // Position 1 of "😀" is between its two code units.
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: '😀\uDC00' }]);
    await client.change(uri, 3, [{ range: { start: { line: 0, character: 2 }, end: { line: 0, character: 3 } }, text: '' }]);
    await client.waitForDiagnostics(uri, { since, version: 3 });
    await assertStillServing();
  });

  it('edits outside the document and changes to documents that were never opened', async () => {
    const uri = fileUri(FIXTURES, 'out-of-range.json');
    await client.openAndWait(uri, BROKEN_MANIFEST);
    const since = client.publishedFor(uri).length;
    await client.change(uri, 2, [{ range: { start: { line: 500, character: 9 }, end: { line: 400, character: 0 } }, text: '}}}' }]);
    await client.waitForDiagnostics(uri, { since, version: 2 });
    await client.change(fileUri(FIXTURES, 'never-opened.json'), 7, [{ text: '{}' }]);
    await client.close(fileUri(FIXTURES, 'never-opened-either.json'));
    await assertStillServing();
  });
});
