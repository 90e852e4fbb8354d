import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { documentDigest, formatDocumentDigest } from 'image-manifest-language-server/out/service/features';
import { FIXTURES } from '../helpers/paths';

describe('the document’s own digest', () => {
  test('equals the content address of every real blob (the file name)', () => {
    for (const layout of ['umoci-12-layers', 'umoci-layout', 'zstd-layout']) {
      const dir = path.join(FIXTURES, 'real', layout, 'blobs', 'sha256');
      for (const name of fs.readdirSync(dir)) {
        const bytes = fs.readFileSync(path.join(dir, name));
        const text = bytes.toString('utf8');
        // Only the JSON blobs are text; layers are gzip.
        if (!text.startsWith('{') || !Buffer.from(text, 'utf8').equals(bytes)) continue;
        const digest = documentDigest(text);
        assert.equal(digest.digest, `sha256:${name}`, `${layout}/${name}`);
        assert.equal(digest.size, fs.statSync(path.join(dir, name)).size);
      }
    }
  });

  test('matches the descriptor that points at the manifest', () => {
    const layout = path.join(FIXTURES, 'real', 'umoci-12-layers');
    const entry = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')).manifests[0];
    const text = fs.readFileSync(path.join(layout, 'blobs', 'sha256', entry.digest.slice(7)), 'utf8');
    assert.deepEqual(documentDigest(text), { algorithm: 'sha256', digest: entry.digest, size: entry.size });
  });

  test('size counts UTF-8 bytes; reformatting changes the digest', () => {
    assert.equal(documentDigest('{"a":"é"}').size, 10);
    assert.equal(documentDigest('{}').digest, 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    assert.notEqual(documentDigest('{}\n').digest, documentDigest('{}').digest);
  });

  test('formatted for a code lens', () => {
    const value = documentDigest('{}');
    assert.equal(formatDocumentDigest(value), 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a · 2 bytes');
    assert.equal(formatDocumentDigest({ algorithm: 'sha256', digest: value.digest, size: 12200 }, true), 'sha256:44136fa355b3…ff8a · 12,200 bytes');
  });
});
