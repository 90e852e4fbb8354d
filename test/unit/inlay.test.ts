import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'image-manifest-language-server';
import { getInlayHints } from 'image-manifest-language-server/out/service/features';
import { FIXTURES } from '../helpers/paths';

const MANIFEST = path.join(FIXTURES, 'real', 'umoci-12-layers', 'blobs', 'sha256', '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11');

describe('inlay hints', () => {
  const text = fs.readFileSync(MANIFEST, 'utf8');
  const manifest = JSON.parse(text) as { config: { size: number }; layers: Array<{ size: number }> };

  test('a human size right after every size value', () => {
    const hints = getInlayHints(parseDocument(text));
    assert.equal(hints.length, 13);
    const sizes = [manifest.config.size, ...manifest.layers.map((layer) => layer.size)];
    hints.forEach((hint, index) => {
      assert.equal(text.slice(hint.offset - String(sizes[index]).length, hint.offset), String(sizes[index]), 'placed after the number');
      assert.ok(hint.paddingLeft);
      assert.ok(hint.tooltip?.startsWith(`${sizes[index].toLocaleString('en-US')} bytes`), hint.tooltip);
    });
    assert.deepEqual(hints.map((hint) => hint.label).slice(0, 4), ['2.1 kB', '1.2 kB', '2.2 kB', '3.2 kB']);
    assert.equal(hints.at(-1)?.label, '12.2 kB');
  });

  test('units from bytes to gigabytes', () => {
    const doc = (size: string) => `{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:${'a'.repeat(64)}","size":${size}},"layers":[]}`;
    const label = (size: string) => getInlayHints(parseDocument(doc(size)))[0]?.label;
    assert.equal(label('151'), undefined, 'no hint where it would repeat the number');
    assert.equal(label('999'), undefined);
    assert.equal(label('1000'), '1.0 kB');
    assert.equal(label('27100000'), '27.1 MB');
    assert.equal(label('999999'), '1.0 MB');
    assert.equal(label('3221225472'), '3.2 GB');
    assert.equal(label('"12"'), undefined, 'no hint for a size that is not a number');
    assert.equal(label('1.5'), undefined, 'nor for a fraction');
  });

  test('only in the requested range, and never outside manifests', () => {
    const firstLayer = text.indexOf('"layers"');
    const hints = getInlayHints(parseDocument(text), { start: 0, end: firstLayer });
    assert.equal(hints.length, 1, 'only the config size precedes the layers');
    assert.deepEqual(getInlayHints(parseDocument('{"name":"x","size":12345}')), []);
  });

  test('index entries', () => {
    const index = fs.readFileSync(path.join(FIXTURES, 'real', 'registry-multi-oci.json'), 'utf8');
    const children = (JSON.parse(index) as { manifests: Array<{ size: number }> }).manifests;
    assert.deepEqual(children.map((child) => child.size), [345, 345], 'two small children');
    assert.deepEqual(getInlayHints(parseDocument(index)), [], 'sizes under 1,000 bytes need no hint');
    const large = index.replace(/"size":345/g, '"size":12345');
    assert.deepEqual(getInlayHints(parseDocument(large)).map((hint) => hint.label), ['12.3 kB', '12.3 kB']);
  });
});
