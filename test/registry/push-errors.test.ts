/**
 * Registry errors placed on the pushed document. The expected ranges are recorded while the text
 * is assembled here piece by piece, never computed by the code under test; the error entries have
 * the shapes distribution 2.8 sends (seen from the real registry in real-registry.test.ts) and
 * the `{"digest": …}` shape of the distribution spec.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateRegistryErrors, type RegistryErrorEntry } from 'image-manifest-language-server/out/registry';

const CONFIG = 'sha256:' + '1'.repeat(64);
const LAYERS = ['sha256:' + 'a'.repeat(64), 'sha256:' + 'b'.repeat(64), 'sha256:' + 'c'.repeat(64)];

/** A pretty-printed manifest and the [start, end) of each descriptor object in it. */
function manifest(): { text: string; config: [number, number]; layers: Array<[number, number]> } {
  let text = '{\n  "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.manifest.v1+json",\n  "config": ';
  const descriptor = (mediaType: string, digest: string, size: number): [number, number] => {
    const start = text.length;
    text += `{\n    "mediaType": "${mediaType}",\n    "digest": "${digest}",\n    "size": ${size}\n  }`;
    return [start, text.length];
  };
  const config = descriptor('application/vnd.oci.image.config.v1+json', CONFIG, 100);
  text += ',\n  "layers": [\n    ';
  const layers: Array<[number, number]> = [];
  LAYERS.forEach((digest, i) => {
    if (i > 0) text += ',\n    ';
    layers.push(descriptor('application/vnd.oci.image.layer.v1.tar+gzip', digest, 1000 + i));
  });
  text += '\n  ]\n}\n';
  return { text, config, layers };
}

describe('locateRegistryErrors', () => {
  it('MANIFEST_BLOB_UNKNOWN with the digest as a string (distribution 2.8): the layer descriptor', () => {
    const m = manifest();
    const [located] = locateRegistryErrors(m.text, [{ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: LAYERS[1] }]);
    assert.equal(located.code, 'MANIFEST_BLOB_UNKNOWN');
    assert.deepEqual(located.range, { start: m.layers[1][0], end: m.layers[1][1] });
    assert.match(located.message, /layer 2 of 3/);
    assert.match(located.message, /push the blob/);
    assert.ok(located.message.includes(LAYERS[1]));
    assert.ok(!/blob unknown to registry/.test(located.message), 'the stock message adds nothing');
  });

  it('the spec\'s {"digest": …} and other casings; one entry per error, each on its descriptor', () => {
    const m = manifest();
    const errors: RegistryErrorEntry[] = [
      { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: { digest: CONFIG } },
      { code: 'BLOB_UNKNOWN', message: '', detail: { Digest: LAYERS[2] } },
      { code: 'SIZE_INVALID', message: 'size mismatch', detail: [{ blobSum: LAYERS[0] }] },
    ];
    const located = locateRegistryErrors(m.text, errors);
    assert.deepEqual(located.map((l) => l.range), [
      { start: m.config[0], end: m.config[1] },
      { start: m.layers[2][0], end: m.layers[2][1] },
      { start: m.layers[0][0], end: m.layers[0][1] },
    ]);
    assert.match(located[0].message, /the config/);
    assert.match(located[2].message, /size mismatch/, 'a non-stock message is kept');
  });

  it('MANIFEST_INVALID with {"Offset": n}: at that byte of the body', () => {
    const text = '{"schemaVersion": 2,';
    // Go's json decoder had read 20 bytes (the whole text) when it gave up.
    const [located] = locateRegistryErrors(text, [{ code: 'MANIFEST_INVALID', message: 'manifest invalid', detail: { Offset: 20 } }]);
    assert.deepEqual(located.range, { start: 19, end: 20 });
    assert.match(located.message, /invalid/);
  });

  it('a byte offset after multi-byte characters maps to the character offset', () => {
    const text = '{"a":"é€", x}';
    // bytes: {"a":" = 6, é = 2, € = 3, then '"' ',' ' ' and x at byte 14.
    const [located] = locateRegistryErrors(text, [{ code: 'MANIFEST_INVALID', message: '', detail: { Offset: 15 } }]);
    assert.deepEqual(located.range, { start: text.indexOf('x'), end: text.indexOf('x') + 1 });
  });

  it('a digest in no descriptor but in the text: the string; in neither: no range', () => {
    const other = 'sha256:' + 'd'.repeat(64);
    const text = `{"schemaVersion":2,"annotations":{"x":"${other}"}}`;
    const [inText] = locateRegistryErrors(text, [{ code: 'BLOB_UNKNOWN', message: '', detail: other }]);
    assert.deepEqual(inText.range, { start: text.indexOf(`"${other}"`), end: text.indexOf(`"${other}"`) + other.length + 2 });
    const [nowhere] = locateRegistryErrors(manifest().text, [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }]);
    assert.equal(nowhere.range, undefined);
    assert.match(nowhere.message, /do not hash to the digest/);
  });

  it('every code of the spec has its own sentence; unknown codes are named', () => {
    const codes = ['BLOB_UNKNOWN', 'BLOB_UPLOAD_INVALID', 'BLOB_UPLOAD_UNKNOWN', 'DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN', 'MANIFEST_INVALID', 'MANIFEST_UNKNOWN', 'NAME_INVALID', 'NAME_UNKNOWN', 'SIZE_INVALID', 'UNAUTHORIZED', 'DENIED', 'UNSUPPORTED', 'TOOMANYREQUESTS', 'TAG_INVALID', 'MANIFEST_UNVERIFIED', 'UNKNOWN'];
    const located = locateRegistryErrors('{}', codes.map((code) => ({ code, message: '' })));
    const messages = located.map((l) => l.message);
    assert.equal(new Set(messages).size, codes.length, 'distinct sentences');
    for (const message of messages) assert.ok(!/refused the push with/.test(message), message);
    const [unknown] = locateRegistryErrors('{}', [{ code: 'QUOTA_EXCEEDED', message: 'storage quota exceeded' }]);
    assert.match(unknown.message, /QUOTA_EXCEEDED/);
    assert.match(unknown.message, /storage quota exceeded/);
  });

  it('a schema 1 fsLayers entry is located by its blobSum', () => {
    const prefix = '{"schemaVersion":1,"name":"a/b","tag":"t","architecture":"amd64","fsLayers":[';
    const entry = `{"blobSum":"${LAYERS[0]}"}`;
    const text = `${prefix}${entry}],"history":[{"v1Compatibility":"{}"}]}`;
    const [located] = locateRegistryErrors(text, [{ code: 'MANIFEST_BLOB_UNKNOWN', message: '', detail: LAYERS[0] }]);
    assert.deepEqual(located.range, { start: prefix.length, end: prefix.length + entry.length });
  });
});
