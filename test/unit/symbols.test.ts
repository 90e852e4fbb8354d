import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'image-manifest-language-server';
import { getDocumentSymbols, type DocumentSymbol } from 'image-manifest-language-server/out/service/features';
import { FIXTURES } from '../helpers/paths';

const read = (...parts: string[]) => fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8');
const names = (symbols: readonly DocumentSymbol[] | undefined) => (symbols ?? []).map((symbol) => symbol.name);

describe('document symbols', () => {
  test('an image manifest: config, each layer by number, format and size', () => {
    const text = read('real', 'umoci-12-layers', 'blobs', 'sha256', '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11');
    const symbols = getDocumentSymbols(parseDocument(text));
    assert.deepEqual(names(symbols), ['config', 'layers']);
    assert.equal(symbols[0].detail, 'OCI config · 2.1 kB');
    const layers = symbols[1];
    assert.equal(layers.detail, '12 layers · 80.5 kB');
    assert.equal(layers.children?.length, 12);
    assert.equal(layers.children?.[0].name, '#1 tar+gzip 1.2 kB');
    assert.equal(layers.children?.[2].name, '#3 tar+gzip 3.2 kB');
    assert.equal(layers.children?.[2].detail, 'sha256:f609cd6cdced…');
    // Ranges cover the element; the outline can reveal it.
    const third = layers.children![2];
    assert.ok(text.slice(third.range.start, third.range.end).startsWith('{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:f609'));
  });

  test('an index: each manifest by platform; attestations by what they describe', () => {
    const multi = getDocumentSymbols(parseDocument(read('real', 'registry-multi-oci.json')));
    assert.deepEqual(names(multi), ['mediaType', 'manifests']);
    assert.deepEqual(names(multi[1].children), ['linux/amd64', 'linux/arm64/v8']);
    assert.equal(multi[1].children?.[0].detail, 'OCI manifest · 345 B · sha256:625de09b3294…');

    const nested = read('reported', '22-real-buildkit-multiplatform-layout', 'blobs', 'sha256', '5ac2d3ac39878329a6328eba5b2a6e5e7a06279244eea0f2ea893f76cefff26c');
    const manifests = getDocumentSymbols(parseDocument(nested))[1];
    assert.deepEqual(names(manifests.children), ['linux/amd64', 'linux/arm64', 'attestation for sha256:0f90b7af6b2f…', 'attestation for sha256:6b2a0dfca390…']);
    assert.deepEqual(names(manifests.children?.[2].children), ['annotations']);
  });

  test('a layout index names entries by ref.name when they have no platform', () => {
    const symbols = getDocumentSymbols(parseDocument(read('real', 'umoci-12-layers', 'index.json')));
    assert.deepEqual(names(symbols[0].children), ['x']);
  });

  test('subject and annotations', () => {
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
      layers: [{ mediaType: 'application/spdx+json', digest: `sha256:${'b'.repeat(64)}`, size: 1234 }],
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 500 },
      annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
    }, null, 2);
    const symbols = getDocumentSymbols(parseDocument(text));
    assert.deepEqual(names(symbols), ['mediaType', 'artifactType', 'config', 'layers', 'subject', 'annotations']);
    assert.equal(symbols[2].detail, 'empty · 2 B');
    assert.equal(symbols[3].children?.[0].name, '#1 application/spdx+json 1.2 kB');
    assert.equal(symbols[4].detail, `sha256:${'c'.repeat(12)}…`);
    assert.deepEqual(names(symbols[5].children), ['org.opencontainers.image.created']);
  });

  test('a Docker manifest, a config and nothing for other JSON', () => {
    const docker = getDocumentSymbols(parseDocument(read('real', 'dir-v2s2', 'manifest.json')));
    assert.deepEqual(names(docker[2].children), ['#1 tar+gzip 151 B']);
    assert.equal(docker[1].detail, 'Docker config · 479 B');
    const config = getDocumentSymbols(parseDocument(read('reported', '05-valid-config-empty-tar-layer-history.json')));
    assert.ok(names(config).includes('rootfs'));
    assert.ok(names(config).includes('history'));
    assert.deepEqual(getDocumentSymbols(parseDocument('{"name":"x","version":"1.0.0"}')), []);
  });
});
