/** WWW-Authenticate parsing (RFC 9110 §11.6.1): the headers real registries send, and the hard cases. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWwwAuthenticate } from 'image-manifest-language-server/out/registry';

describe('parseWwwAuthenticate', () => {
  it("Docker Hub's bearer challenge (scope holds a comma inside quotes)", () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"';
    assert.deepEqual(parseWwwAuthenticate(header), [
      { scheme: 'Bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull,push' } },
    ]);
  });

  it("distribution's insufficient_scope challenge and its Basic realm", () => {
    assert.deepEqual(parseWwwAuthenticate('Bearer realm="http://127.0.0.1:1/token",service="s",scope="repository:a/b:pull",error="insufficient_scope"'), [
      { scheme: 'Bearer', params: { realm: 'http://127.0.0.1:1/token', service: 's', scope: 'repository:a/b:pull', error: 'insufficient_scope' } },
    ]);
    assert.deepEqual(parseWwwAuthenticate('Basic realm="basic-realm"'), [{ scheme: 'Basic', params: { realm: 'basic-realm' } }]);
  });

  it('several challenges in one header, with escapes, tokens and spaces around "="', () => {
    const header = 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple" , Bearer realm = "a,b"';
    assert.deepEqual(parseWwwAuthenticate(header), [
      { scheme: 'Newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'Basic', params: { realm: 'simple' } },
      { scheme: 'Bearer', params: { realm: 'a,b' } },
    ]);
  });

  it('several headers are several challenge lists; names are case-insensitive', () => {
    assert.deepEqual(parseWwwAuthenticate(['Basic Realm="x"', 'BEARER REALM="https://r/t",Service="y"']), [
      { scheme: 'Basic', params: { realm: 'x' } },
      { scheme: 'BEARER', params: { realm: 'https://r/t', service: 'y' } },
    ]);
  });

  it('token68 and bare schemes', () => {
    assert.deepEqual(parseWwwAuthenticate('Negotiate, Basic abc+/=='), [
      { scheme: 'Negotiate', params: {} },
      { scheme: 'Basic', params: {}, token68: 'abc+/==' },
    ]);
    assert.deepEqual(parseWwwAuthenticate('Bearer abc, Basic realm=x'), [
      { scheme: 'Bearer', params: {}, token68: 'abc' },
      { scheme: 'Basic', params: { realm: 'x' } },
    ]);
  });

  it('nothing, or garbage, gives no challenges and never throws', () => {
    assert.deepEqual(parseWwwAuthenticate(undefined), []);
    assert.deepEqual(parseWwwAuthenticate(''), []);
    assert.deepEqual(parseWwwAuthenticate('  ,, '), []);
    assert.deepEqual(parseWwwAuthenticate('"quoted"'), []);
    // An unterminated quoted string keeps what was parsed before it.
    assert.deepEqual(parseWwwAuthenticate('Bearer service="s", realm="unterminated'), [{ scheme: 'Bearer', params: { service: 's' } }]);
  });
});
