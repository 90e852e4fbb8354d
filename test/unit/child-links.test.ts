import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'image-manifest-language-server';
import { childLinks } from 'image-manifest-language-server/out/service/features';
import { FIXTURES } from '../helpers/paths';

const read = (...parts: string[]) => fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8');
/** What each link points at, with the text its range covers (checked against the digest). */
const summary = (text: string) =>
  childLinks(parseDocument(text)).map((link) => {
    assert.equal(text.slice(link.range.start, link.range.end), link.digest);
    return `${link.role} ${link.endpoint} ${link.digest.slice(0, 19)}`;
  });

describe('links to the children of a registry document', () => {
  test('an index: every entry is a manifest, whatever its media type says', () => {
    const text = read('real', 'registry-multi-oci.json');
    const links = childLinks(parseDocument(text));
    const entries = (JSON.parse(text) as { manifests: Array<{ digest: string }> }).manifests;
    assert.deepEqual(
      links.map((link) => [link.role, link.endpoint, link.digest]),
      entries.map((entry) => ['manifest', 'manifest', entry.digest]),
    );
  });

  test('an image manifest: the config is a blob, the layers get no link', () => {
    const text = read('real', 'umoci-12-layers', 'blobs', 'sha256', '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11');
    const manifest = JSON.parse(text) as { config: { digest: string } };
    assert.deepEqual(summary(text), [`config blob ${manifest.config.digest.slice(0, 19)}`]);
  });

  test('attestations: in-toto JSON layers are blobs; a subject is a manifest; tar layers are not linked', () => {
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: `sha256:${'4'.repeat(64)}`, size: 2 },
      layers: [
        { mediaType: 'application/vnd.in-toto+json', digest: `sha256:${'a'.repeat(64)}`, size: 10 },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'b'.repeat(64)}`, size: 10 },
        { mediaType: 'application/vnd.example.report+json', digest: `sha256:${'c'.repeat(64)}`, size: 10 },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'d'.repeat(64)}`, size: 10 },
      ],
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'e'.repeat(64)}`, size: 10 },
    });
    assert.deepEqual(summary(text), [
      'config blob sha256:444444444444',
      'layer blob sha256:aaaaaaaaaaaa',
      'layer blob sha256:cccccccccccc',
      'layer manifest sha256:dddddddddddd',
      'subject manifest sha256:eeeeeeeeeeee',
    ]);
  });

  test('invalid digests, configs and non-manifests give no link', () => {
    assert.deepEqual(summary('{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:nothex","size":1}]}'), []);
    assert.deepEqual(summary(read('reported', '05-valid-config-empty-tar-layer-history.json')), []);
    assert.deepEqual(summary('{"name":"x","version":"1.0.0"}'), []);
  });
});
