/**
 * oci-registry: URIs. VS Code compares them with `Uri.toString()`, which is vscode-uri's
 * `URI.parse(x).toString()`: our strings must be fixed points of that round trip.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { parseReference, parseRegistryUri, registryUri, type RegistryResource } from 'image-manifest-language-server/out/registry';

const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4);

describe('registryUri / parseRegistryUri', () => {
  const resources: Array<[RegistryResource, string]> = [
    [{ kind: 'manifest', reference: { registry: '127.0.0.1:5000', repository: 'test/multi', tag: 'multi' } }, 'oci-registry://127.0.0.1:5000/test/multi/manifests/multi'],
    [{ kind: 'manifest', reference: { registry: 'docker.io', repository: 'library/alpine', digest: DIGEST } }, `oci-registry://docker.io/library/alpine/manifests/sha256%3A${DIGEST.slice(7)}`],
    [{ kind: 'blob', reference: { registry: 'ghcr.io', repository: 'org/app', digest: DIGEST } }, `oci-registry://ghcr.io/org/app/blobs/sha256%3A${DIGEST.slice(7)}`],
    [{ kind: 'manifest', reference: { registry: '[::1]:5000', repository: 'a/manifests/b', tag: 'v1.0_x-y' } }, 'oci-registry://[::1]:5000/a/manifests/b/manifests/v1.0_x-y'],
    [{ kind: 'manifest', reference: { registry: 'localhost:5000', repository: 'a/blobs', tag: 'latest' } }, 'oci-registry://localhost:5000/a/blobs/manifests/latest'],
  ];

  for (const [resource, expected] of resources) {
    it(expected, () => {
      const uri = registryUri(resource);
      assert.equal(uri, expected);
      assert.equal(URI.parse(uri).toString(), uri, 'a fixed point of vscode-uri');
      assert.deepEqual(parseRegistryUri(uri), resource);
      // What VS Code hands back (its own toString) parses to the same resource.
      assert.deepEqual(parseRegistryUri(URI.parse(uri).toString()), resource);
      // And the unencoded form a user might paste.
      assert.deepEqual(parseRegistryUri(decodeURIComponent(uri)), resource);
    });
  }

  it('a manifest by tag and digest is named by its digest', () => {
    const ref = parseReference(`127.0.0.1:5000/a/b:t@${DIGEST}`);
    assert.equal(registryUri({ kind: 'manifest', reference: ref }), `oci-registry://127.0.0.1:5000/a/b/manifests/sha256%3A${DIGEST.slice(7)}`);
  });

  it('a blob needs a digest', () => {
    assert.throws(() => registryUri({ kind: 'blob', reference: { registry: 'h', repository: 'r', tag: 't' } }), /digest/);
  });

  it('anything else is undefined', () => {
    for (const uri of [
      'file:///tmp/x',
      'oci-registry://h/manifests/x',
      'oci-registry://h/r/tags/x',
      'oci-registry://h/r/blobs/latest',
      'oci-registry://h/R/manifests/x',
      'oci-registry://h/r/manifests/x?y=1',
      'oci-registry://h/r/manifests/x#f',
      'oci-registry:///r/manifests/x',
      'oci-registry://h/r/manifests/',
      'not a uri',
    ]) {
      assert.equal(parseRegistryUri(uri), undefined, uri);
    }
  });
});
