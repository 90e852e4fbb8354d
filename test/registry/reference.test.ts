/**
 * Image references. Expected values are docker's documented behaviour, taken from the tests of
 * distribution's reference package (normalize_test.go, reference_test.go), not from our output.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReference, parseReference, ReferenceSyntaxError } from 'image-manifest-language-server/out/registry';

const HEX = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

describe('parseReference: docker normalisation', () => {
  // [input, registry, repository, tag, digest]
  const cases: Array<[string, string, string, string | undefined, string | undefined]> = [
    ['alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['redis:latest', 'docker.io', 'library/redis', 'latest', undefined],
    ['ubuntu-12.04-base', 'docker.io', 'library/ubuntu-12.04-base', 'latest', undefined],
    ['dmcgowan/myapp', 'docker.io', 'dmcgowan/myapp', 'latest', undefined],
    ['dmcgowan/myapp:latest', 'docker.io', 'dmcgowan/myapp', 'latest', undefined],
    ['docker.io/foo', 'docker.io', 'library/foo', 'latest', undefined],
    ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar', 'latest', undefined],
    ['index.docker.io/fooo/bar', 'docker.io', 'fooo/bar', 'latest', undefined],
    ['index.docker.io/debian', 'docker.io', 'library/debian', 'latest', undefined],
    ['library/foo/bar', 'docker.io', 'library/foo/bar', 'latest', undefined],
    ['store/foo/bar', 'docker.io', 'store/foo/bar', 'latest', undefined],
    ['test_com/foo', 'docker.io', 'test_com/foo', 'latest', undefined],
    ['test.com/foo', 'test.com', 'foo', 'latest', undefined],
    ['test.com:8080/foo', 'test.com:8080', 'foo', 'latest', undefined],
    ['test-com:8080/foo', 'test-com:8080', 'foo', 'latest', undefined],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo', 'latest', undefined],
    ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000', 'private/moonbase', 'latest', undefined],
    ['127.0.0.1:65535/x', '127.0.0.1:65535', 'x', 'latest', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/team/app:1.0', 'localhost:5000', 'team/app', '1.0', undefined],
    ['[fc00::1]:5000/docker/docker', '[fc00::1]:5000', 'docker/docker', 'latest', undefined],
    ['Foo/bar', 'Foo', 'bar', 'latest', undefined],
    ['docker---rules/docker', 'docker.io', 'docker---rules/docker', 'latest', undefined],
    ['dock__er/docker', 'docker.io', 'dock__er/docker', 'latest', undefined],
    ['thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'docker.io', 'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'latest', undefined],
    ['docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'docker.io', 'library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'latest', undefined],
    [`redis@sha256:${HEX}`, 'docker.io', 'library/redis', undefined, `sha256:${HEX}`],
    [`dmcgowan/myapp@sha256:${HEX}`, 'docker.io', 'dmcgowan/myapp', undefined, `sha256:${HEX}`],
    [`busybox:latest@sha256:${HEX}`, 'docker.io', 'library/busybox', 'latest', `sha256:${HEX}`],
    [`registry.example.com:5000/a/b/c:v1.2_3@sha256:${HEX}`, 'registry.example.com:5000', 'a/b/c', 'v1.2_3', `sha256:${HEX}`],
  ];
  for (const [input, registry, repository, tag, digest] of cases) {
    it(`${input} → ${registry} ${repository}${tag ? ':' + tag : ''}${digest ? '@…' : ''}`, () => {
      const ref = parseReference(input);
      assert.equal(ref.registry, registry);
      assert.equal(ref.repository, repository);
      assert.equal(ref.tag, tag);
      assert.equal(ref.digest, digest);
    });
  }

  it('docker.io/library/redis:latest is the full form of redis (formatReference)', () => {
    assert.equal(formatReference(parseReference('redis')), 'docker.io/library/redis:latest');
    assert.equal(formatReference(parseReference(`redis@sha256:${HEX}`)), `docker.io/library/redis@sha256:${HEX}`);
    assert.equal(formatReference(parseReference(`busybox:latest@sha256:${HEX}`)), `docker.io/library/busybox:latest@sha256:${HEX}`);
    assert.equal(formatReference(parseReference('127.0.0.1:5000/a/b:t')), '127.0.0.1:5000/a/b:t');
  });

  it('a formatted reference parses back to itself', () => {
    for (const [input] of cases) {
      const ref = parseReference(input);
      assert.deepEqual(parseReference(formatReference(ref)), ref);
    }
  });
});

describe('parseReference: invalid references (distribution\'s invalid names) throw ReferenceSyntaxError', () => {
  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['https://github.com/docker/docker', /scheme/],
    ['docker/Docker', /must be lowercase/],
    ['docker.io/docker/Docker', /must be lowercase/],
    ['-docker', /not a valid repository path component/],
    ['-docker/docker', /'-docker'/],
    ['docker-/docker', /'docker-'/],
    ['-docker.io/docker/docker', /not a valid registry host/],
    ['docker///docker', /empty path component/],
    ['docker.io/docker///docker', /empty path component/],
    ['____/____', /not a valid repository path component/],
    ['_docker/_docker', /not a valid repository path component/],
    ['dock..er/docker', /'dock\.\.er'/],
    ['dock_.er/docker', /'dock_\.er'/],
    ['dock-.er/docker', /'dock-\.er'/],
    ['docker/', /repository name is missing/],
    ['[fc00::1]', /not a valid tag/],
    ['fc00::1:5000/debian', /not a valid registry host/],
    ['[fe80::1%eth0]:5000/debian', /not a valid registry host/],
    ['1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', /image ID/],
    ['alpine:', /nothing follows ':'/],
    ['alpine:-x', /not a valid tag/],
    [`alpine:${'a'.repeat(129)}`, /not a valid tag/],
    ['alpine@', /nothing follows '@'/],
    ['alpine@sha256:abc', /not a digest/],
    [`alpine@sha256:${HEX.slice(1)}`, /64 lowercase hexadecimal/],
    [`alpine@sha256:${HEX.toUpperCase()}`, /64 lowercase hexadecimal/],
    [`alpine@md5:${HEX}`, /not supported/],
    ['registry.example.com/a b', /whitespace/],
    [' 127.0.0.1:5000/test/img:v1', /invalid image reference " 127\.0\.0\.1:5000\/test\/img:v1": it starts or ends with whitespace/],
    ['127.0.0.1:5000/test/img:v1\n', /"127\.0\.0\.1:5000\/test\/img:v1\\n": it starts or ends with whitespace/],
    ['alpine\r', /starts or ends with whitespace/],
    ['   ', /it is empty/],
    [`${'a'.repeat(128)}/${'b'.repeat(128)}`, /longer than 255/],
    ['127.0.0.1:99999/x:y', /the port 99999 of '127\.0\.0\.1:99999' is out of range \(1 to 65535\)/],
    ['localhost:65536/x', /port 65536 .*out of range/],
    ['registry.example.com:0/x', /port 0 .*out of range/],
    ['[fc00::1]:70000/x', /port 70000 .*out of range/],
    ['[1:2:3:4:5:6:7:8:9]:5000/x', /not a valid registry host/],
  ];
  for (const [input, message] of invalid) {
    it(JSON.stringify(input.length > 60 ? input.slice(0, 60) + '…' : input), () => {
      assert.throws(
        () => parseReference(input),
        (error: unknown) => error instanceof ReferenceSyntaxError && error instanceof Error && message.test(error.message) && error.reference === input,
      );
    });
  }
});
