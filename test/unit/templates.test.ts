/**
 * Whole-document templates in an empty file. Each one, with its tab stops filled in with the
 * digests and sizes of real blobs (sha256sum and the file system, not our code), is a document
 * the validator finds nothing wrong with; unfilled, it is still JSON.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { getCompletions, parseDocument } from 'image-manifest-language-server';
import { offersTemplates } from 'image-manifest-language-server/out/server/features';
import { check, formatDiagnostics } from '../helpers/diagnostics';
import { FIXTURES } from '../helpers/paths';

const UMOCI = path.join(FIXTURES, 'real', 'umoci-12-layers', 'blobs', 'sha256');
const MANIFEST_HEX = '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11';

/** A real blob of the umoci layout: its digest by sha256sum, its size from the file system. */
function blob(hex: string): { digest: string; size: number } {
  const file = path.join(UMOCI, hex);
  const sum = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
  return { digest: `sha256:${sum}`, size: fs.statSync(file).size };
}

const manifest = JSON.parse(fs.readFileSync(path.join(UMOCI, MANIFEST_HEX), 'utf8')) as { config: { digest: string }; layers: Array<{ digest: string }> };
const config = blob(manifest.config.digest.slice('sha256:'.length));
const layer = blob(manifest.layers[0].digest.slice('sha256:'.length));
const child = blob(MANIFEST_HEX);

/** Tab stop n → the text typed there (a digest's hex after `sha256:`, a size, a choice). */
function fill(snippet: string, values: Record<number, string>): string {
  return snippet.replace(/\$\{(\d+)(?::([^}]*)|\|([^|]*)\|)?\}/g, (_all, n: string, placeholder?: string, choices?: string) => values[Number(n)] ?? placeholder ?? choices?.split(',')[0] ?? '');
}

/**
 * Applies offset edits to `text` as LSP clients do: all ranges refer to the original text and must
 * not overlap (touching is allowed).
 */
function applyEdits(text: string, edits: ReadonlyArray<{ range: { start: number; end: number }; newText: string }>): string {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  let result = '';
  let at = 0;
  for (const edit of sorted) {
    assert.ok(edit.range.start >= at, `overlapping edits: ${JSON.stringify(edits.map((e) => e.range))}`);
    result += text.slice(at, edit.range.start) + edit.newText;
    at = edit.range.end;
  }
  return result + text.slice(at);
}

function templates(text: string, offset = text.indexOf('}') >= 0 ? text.indexOf('}') : text.length) {
  return getCompletions(parseDocument(text), offset, { templates: true }).items;
}

const hex = (digest: string) => digest.slice('sha256:'.length);
const FILLED: Record<string, Record<number, string>> = {
  'OCI image manifest': { 1: hex(config.digest), 2: String(config.size), 3: hex(layer.digest), 4: String(layer.size) },
  'OCI image index': { 1: hex(child.digest), 2: String(child.size), 3: 'amd64', 4: 'linux' },
  'OCI artifact (image-spec 1.1)': { 1: 'application/vnd.example.sbom.v1+json', 2: 'application/vnd.example.sbom.v1+json', 3: hex(layer.digest), 4: String(layer.size) },
  'Docker image manifest (v2 schema 2)': { 1: hex(config.digest), 2: String(config.size), 3: hex(layer.digest), 4: String(layer.size) },
  'Docker manifest list': { 1: hex(child.digest), 2: String(child.size), 3: 'arm64', 4: 'linux' },
};

describe('document templates', () => {
  test('an empty root object offers five templates that replace it whole', () => {
    const items = templates('{}');
    assert.deepEqual(items.map((item) => item.label), Object.keys(FILLED));
    for (const item of items) {
      assert.deepEqual(item.textEdit.range, { start: 0, end: 2 });
      assert.equal(item.isSnippet, true);
      assert.ok(item.filterText?.startsWith('{'), 'the client filters with the `{` already typed');
    }
  });

  test('filled with real digests and sizes, each template validates without a single diagnostic', () => {
    for (const item of templates('{}')) {
      const text = fill(item.textEdit.newText, FILLED[item.label]);
      const diagnostics = check(text);
      assert.deepEqual(diagnostics, [], `${item.label}:\n${text}\n${formatDiagnostics(diagnostics)}`);
    }
  });

  test('kinds and media types as the specs name them', () => {
    const kinds = templates('{}').map((item) => parseDocument(fill(item.textEdit.newText, FILLED[item.label])).detection.kind);
    assert.deepEqual(kinds, ['oci-manifest', 'oci-index', 'oci-manifest', 'docker-manifest', 'docker-manifest-list']);
    const artifact = JSON.parse(fill(templates('{}')[2].textEdit.newText, FILLED['OCI artifact (image-spec 1.1)'])) as { config: { digest: string; size: number } };
    // The empty descriptor: the two bytes `{}`.
    assert.equal(artifact.config.digest, `sha256:${execFileSync('sha256sum', { input: '{}', encoding: 'utf8' }).split(' ')[0]}`);
    assert.equal(artifact.config.size, 2);
  });

  test('without snippet support the text is plain JSON; unfilled snippets are JSON too', () => {
    const plain = getCompletions(parseDocument('{}'), 1, { templates: true, snippetSupport: false }).items;
    for (const item of plain) {
      assert.equal(item.isSnippet, false);
      assert.doesNotThrow(() => JSON.parse(item.textEdit.newText), item.label);
    }
  });

  test('an empty or blank file gets them too, in its own line endings', () => {
    assert.equal(templates('').length, 5);
    const crlf = templates('  \r\n', 0);
    // The item's own edit covers the cursor's line; the line break goes by an additional edit.
    assert.deepEqual(crlf[0].textEdit.range, { start: 0, end: 2 });
    assert.deepEqual(crlf[0].additionalEdits, [{ range: { start: 2, end: 4 }, newText: '' }]);
    assert.ok(crlf[0].textEdit.newText.includes('\r\n'));
    assert.ok(!templates('\n', 0)[0].textEdit.newText.includes('\r'));
    const inCrlfObject = getCompletions(parseDocument('{\r\n}'), 1, { templates: true }).items;
    assert.ok(inCrlfObject[0].textEdit.newText.includes('\r\n'));
  });

  // LSP 3.17, CompletionItem.textEdit: the range "must be a single line range and it must contain
  // the position at which completion has been requested"; additionalTextEdits "must not overlap
  // with the main edit". VS Code drops an item that breaks the first rule.
  test('over several lines: the item edits the cursor\'s line, additional edits remove the rest, the result is the template', () => {
    // Each result is compared with the template inserted into the empty document, whose range is
    // trivially one line; in CRLF documents with that text's line breaks as CRLF.
    const expected = templates('', 0).map((item) => item.textEdit.newText);
    const cases: Array<[string, string]> = [
      ['\n', 'LF'],
      ['\n\n\n', 'LF'],
      ['  \n\t\n \n', 'LF'],
      ['\r\n  \r\n', 'CRLF'],
      ['\r\n\r\n\r\n', 'CRLF'],
    ];
    for (const [text, eol] of cases) {
      for (let offset = 0; offset <= text.length; offset++) {
        // No cursor sits between the CR and the LF of one line break.
        if (text[offset - 1] === '\r' && text[offset] === '\n') continue;
        const where = `${JSON.stringify(text)} at ${offset}`;
        const items = templates(text, offset);
        assert.equal(items.length, 5, where);
        items.forEach((item, index) => {
          const { range } = item.textEdit;
          assert.doesNotMatch(text.slice(range.start, range.end), /[\r\n]/, `${where}: the item's range is on one line`);
          assert.ok(range.start <= offset && offset <= range.end, `${where}: the item's range contains the cursor`);
          assert.doesNotMatch(item.filterText ?? '', /^\s|[\r\n\t]/, `${where}: filter text ${JSON.stringify(item.filterText)}`);
          const want = eol === 'CRLF' ? expected[index].replace(/\n/g, '\r\n') : expected[index];
          assert.equal(applyEdits(text, [item.textEdit, ...(item.additionalEdits ?? [])]), want, `${where}: ${item.label}`);
        });
      }
    }
  });

  test('an empty root object over several lines is replaced the same way, with `{` kept in the filter', () => {
    const expected = templates('{}', 1).map((item) => item.textEdit.newText);
    for (const [text, offset] of [['{\n}', 1], ['{\n\n}', 2], ['{\n  \n}', 4], ['{\n}', 2]] as const) {
      const items = templates(text, offset);
      items.forEach((item, index) => {
        const { range } = item.textEdit;
        assert.doesNotMatch(text.slice(range.start, range.end), /[\r\n]/, `${JSON.stringify(text)} at ${offset}`);
        assert.ok(range.start <= offset && offset <= range.end);
        assert.equal(applyEdits(text, [item.textEdit, ...(item.additionalEdits ?? [])]), expected[index]);
      });
      // Only where `{` is on the cursor's line before the cursor has the user typed it.
      assert.equal(items[0].filterText, offset === 1 ? `{${items[0].label}` : items[0].label, `${JSON.stringify(text)} at ${offset}`);
    }
  });

  test('never over content, and never unless the caller asks', () => {
    assert.deepEqual(templates('{"name":"x"}'), []);
    assert.deepEqual(templates('{"schemaVersion": 2, }').map((item) => item.label).filter((label) => label.includes('template')), []);
    assert.deepEqual(getCompletions(parseDocument('{}'), 1).items, []);
  });

  test('the server offers them for untitled files, manifest-like names and layout blobs only', () => {
    for (const uri of ['untitled:Untitled-1', 'file:///w/manifest.json', 'file:///w/image-index.json', 'file:///w/my.artifact.json', 'file:///w/layout/blobs/sha256/' + 'a'.repeat(64)]) {
      assert.equal(offersTemplates(uri), true, uri);
    }
    for (const uri of ['file:///w/package.json', 'file:///w/tsconfig.json', 'file:///w/manifest.yaml', 'oci-registry://127.0.0.1:5000/a/manifests/v1', 'not a uri']) {
      assert.equal(offersTemplates(uri), false, uri);
    }
  });
});
