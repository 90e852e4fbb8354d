/**
 * What the real registry cannot be made to do, with small node:http servers on 127.0.0.1 playing
 * a registry: redirects to blob storage on another origin (Authorization dropped), redirect
 * loops, timeouts, size limits, 429 with Retry-After, a wrong Docker-Content-Digest, plain http to
 * a host that is not allowed (refused before any connection), token caching. Nothing leaves
 * 127.0.0.1: hosts other than loopback appear only where the client must refuse them unconnected.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { isLoopback, RegistryClient, RegistryError, type RegistryErrorKind } from 'image-manifest-language-server/out/registry';
import { authEntry, dockerConfigDir } from '../helpers/docker-config';
import { closeFakes, fake } from '../helpers/fake-registry';

after(closeFakes);

function sha256(text: string | Buffer): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function kindOf(kind: RegistryErrorKind, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RegistryError, `expected a RegistryError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

const MANIFEST = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}';
const CONFIG_BLOB = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';
const NO_CONFIG = { dockerConfigDir: '/nonexistent-docker-config-dir' };

describe('manifest requests', () => {
  it('Accept names every manifest and index type; the body and Content-Type come back as served', async () => {
    const registry = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json; charset=utf-8', 'Docker-Content-Digest': sha256(MANIFEST) });
      res.end(MANIFEST);
    });
    const fetched = await new RegistryClient(NO_CONFIG).fetchManifest({ registry: registry.host, repository: 'a/b', tag: 't' });
    assert.equal(registry.seen[0].url, '/v2/a/b/manifests/t');
    const accepted = (registry.seen[0].accept ?? '').split(',').map((s) => s.trim());
    for (const type of [
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    ]) {
      assert.ok(accepted.includes(type), `Accept lacks ${type}`);
    }
    assert.equal(Buffer.from(fetched.bytes).toString('utf8'), MANIFEST);
    assert.equal(fetched.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(fetched.digest, sha256(MANIFEST));
    assert.equal(fetched.registryDigest, sha256(MANIFEST));
    assert.equal(fetched.digestMatches, true);
  });

  it('a Docker-Content-Digest that the bytes do not hash to: digestMatches false; none sent: undefined', async () => {
    const wrong = 'sha256:' + '0'.repeat(64);
    let send = true;
    const registry = await fake((_req, res) => {
      res.writeHead(200, send ? { 'Content-Type': 'application/json', 'Docker-Content-Digest': wrong } : { 'Content-Type': 'application/json' });
      res.end(MANIFEST);
    });
    const client = new RegistryClient(NO_CONFIG);
    const mismatched = await client.fetchManifest({ registry: registry.host, repository: 'a', tag: 't' });
    assert.equal(mismatched.digestMatches, false);
    assert.equal(mismatched.digest, sha256(MANIFEST));
    send = false;
    const unpromised = await client.fetchManifest({ registry: registry.host, repository: 'a', tag: 't' });
    assert.equal(unpromised.digestMatches, undefined);
    const byDigest = await client.fetchManifest({ registry: registry.host, repository: 'a', digest: wrong });
    assert.equal(byDigest.digestMatches, false, 'the by-digest reference is a promise too');
    const right = await client.fetchManifest({ registry: registry.host, repository: 'a', digest: sha256(MANIFEST) });
    assert.equal(right.digestMatches, true);
  });

  it('404 with MANIFEST_UNKNOWN, 403, 429 with Retry-After, 500: kinds and messages', async () => {
    let status = 404;
    const registry = await fake((_req, res) => {
      if (status === 429) res.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'application/json' });
      else res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(status === 404 ? '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"t"}}]}' : status === 403 ? '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}' : '');
    });
    const client = new RegistryClient(NO_CONFIG);
    const ref = { registry: registry.host, repository: 'a/b', tag: 't' };
    await assert.rejects(client.fetchManifest(ref), kindOf('not-found', /no tag 't' in a\/b.*MANIFEST_UNKNOWN/));
    status = 403;
    await assert.rejects(client.fetchManifest(ref), kindOf('forbidden', /403.*DENIED/));
    status = 429;
    await assert.rejects(client.fetchManifest(ref), (error: unknown) => kindOf('rate-limited', /retry after 7 s/)(error) && (error as RegistryError).retryAfterSeconds === 7);
    status = 500;
    await assert.rejects(client.fetchManifest(ref), kindOf('protocol', /500/));
  });

  it('Retry-After in seconds reads as people say it: 7 s, 15 min, 3 h; an absurd value does not print 1e+23', async () => {
    let retryAfter = '';
    const registry = await fake((_req, res) => {
      res.writeHead(429, { 'Retry-After': retryAfter });
      res.end();
    });
    const client = new RegistryClient(NO_CONFIG);
    const ref = { registry: registry.host, repository: 'a', tag: 't' };
    for (const [value, words] of [['7', /retry after 7 s$/], ['900', /retry after 15 min$/], ['10800', /retry after 3 h$/], ['99999999999999999999999', /retry after more than two days \(as the registry says\)$/]] as const) {
      retryAfter = value;
      await assert.rejects(client.fetchManifest(ref), kindOf('rate-limited', words));
    }
  });

  it('a body over the limit: too-large, by Content-Length and while streaming', async () => {
    const big = 'x'.repeat(5000);
    let chunked = false;
    const registry = await fake((_req, res) => {
      if (chunked) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(big.slice(0, 2500));
        setTimeout(() => res.end(big.slice(2500)), 20);
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(big.length) });
        res.end(big);
      }
    });
    const client = new RegistryClient(NO_CONFIG);
    await assert.rejects(client.fetchManifest({ registry: registry.host, repository: 'a', tag: 't' }, { maxBytes: 4096 }), kindOf('too-large', /5,000 bytes.*4,096/));
    chunked = true;
    await assert.rejects(client.fetchManifest({ registry: registry.host, repository: 'a', tag: 't' }, { maxBytes: 4096 }), kindOf('too-large', /4,096/));
  });

  it('no answer in time: timeout, naming the host and the seconds', async () => {
    const registry = await fake(() => {
      // never answers
    });
    const client = new RegistryClient({ ...NO_CONFIG, timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(client.fetchManifest({ registry: registry.host, repository: 'a', tag: 't' }), kindOf('timeout', new RegExp(`${registry.host.replace(/\./g, '\\.')} did not answer within 0\\.3 s`)));
    assert.ok(Date.now() - started < 10_000);
  });

  it('connection refused: network, with the host', async () => {
    const closed = await fake(() => undefined);
    await closed.close();
    await assert.rejects(new RegistryClient(NO_CONFIG).fetchManifest({ registry: closed.host, repository: 'a', tag: 't' }), kindOf('network', /connection refused/));
  });
});

describe('loopback, where plain http and unverified TLS are allowed without a setting', () => {
  it('localhost, 127.0.0.0/8 and ::1 by address; no other name, however it looks (its DNS answer is not ours to trust)', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.0.1', '[::1]', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['app.localhost', 'localhost.example.com', '128.0.0.1', '127.0.0.256', '0.0.0.0', '[::2]', '10.0.0.1']) assert.equal(isLoopback(host), false, host);
  });
});

describe('redirects and credentials', () => {
  it('a blob redirected to storage on another origin: followed, and Authorization is not sent there', async () => {
    const storage = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(CONFIG_BLOB);
    });
    const registry = await fake((req, res) => {
      if (req.headers.authorization === undefined) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fake"', 'Content-Type': 'application/json' });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
      res.writeHead(307, { Location: `http://${storage.host}/storage/blob?signature=abc` });
      res.end();
    });
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry('alice', 'pw') } });
    const blob = await new RegistryClient({ dockerConfigDir: dir }).fetchBlob({ registry: registry.host, repository: 'a/b', digest: sha256(CONFIG_BLOB) });
    assert.equal(Buffer.from(blob.bytes).toString('utf8'), CONFIG_BLOB);
    assert.equal(blob.digestMatches, true);
    assert.equal(registry.seen.at(-1)?.authorization, `Basic ${Buffer.from('alice:pw').toString('base64')}`);
    assert.equal(storage.seen.length, 1);
    assert.equal(storage.seen[0].url, '/storage/blob?signature=abc');
    assert.equal(storage.seen[0].authorization, undefined, 'credentials never go to another host');
  });

  it('a 401 from the host a registry redirected to: refused, naming both hosts; its Bearer realm never gets the credentials', async () => {
    const tokens = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"token":"stolen"}');
    });
    const storage = await fake((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${tokens.host}/token",service="evil"` });
      res.end();
    });
    const registry = await fake((_req, res) => {
      res.writeHead(307, { Location: `http://${storage.host}/storage/manifest` });
      res.end();
    });
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry('alice', 'pw') } });
    await assert.rejects(
      new RegistryClient({ dockerConfigDir: dir }).fetchManifest({ registry: registry.host, repository: 'a', tag: 't' }),
      kindOf('unauthorized', new RegExp(`^${storage.host}, where ${registry.host} redirected the request, answered 401 Unauthorized; credentials for ${registry.host} are not sent to another host$`)),
    );
    assert.equal(tokens.seen.length, 0, 'the realm named by the other host is never asked');
    assert.ok(storage.seen.every((s) => s.authorization === undefined));
  });

  it('a redirect within the same origin keeps Authorization', async () => {
    const registry = await fake((req, res) => {
      if (req.headers.authorization === undefined) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fake"' });
        res.end();
      } else if (req.url?.startsWith('/v2/')) {
        res.writeHead(302, { Location: '/elsewhere/blob' });
        res.end();
      } else {
        res.writeHead(200);
        res.end(CONFIG_BLOB);
      }
    });
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry('alice', 'pw') } });
    await new RegistryClient({ dockerConfigDir: dir }).fetchBlob({ registry: registry.host, repository: 'a', digest: sha256(CONFIG_BLOB) });
    assert.equal(registry.seen.at(-1)?.url, '/elsewhere/blob');
    assert.ok(registry.seen.at(-1)?.authorization?.startsWith('Basic '));
  });

  it('more than 5 redirects: protocol error', async () => {
    const registry = await fake((req, res) => {
      res.writeHead(302, { Location: `/hop${Number(/\d+$/.exec(req.url ?? '')?.[0] ?? 0) + 1}` });
      res.end();
    });
    await assert.rejects(new RegistryClient(NO_CONFIG).fetchBlob({ registry: registry.host, repository: 'a', digest: sha256('x') }), kindOf('protocol', /more than 5 times/));
    assert.equal(registry.seen.length, 6);
  });

  it('a redirect to plain http on a host that is not allowed: insecure, naming the setting, never connected', async () => {
    const registry = await fake((_req, res) => {
      res.writeHead(307, { Location: 'http://blobs.example.com/blob' });
      res.end();
    });
    await assert.rejects(
      new RegistryClient(NO_CONFIG).fetchBlob({ registry: registry.host, repository: 'a', digest: sha256('x') }),
      kindOf('insecure', /blobs\.example\.com.*imageManifest\.registry\.insecureHosts.*--insecure-host/),
    );
  });

  it('a token realm on plain http at a host that is not allowed: insecure, credentials not sent', async () => {
    const registry = await fake((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="http://auth.example.com/token",service="fake"' });
      res.end();
    });
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry('alice', 'pw') } });
    await assert.rejects(new RegistryClient({ dockerConfigDir: dir }).fetchManifest({ registry: registry.host, repository: 'a', tag: 't' }), kindOf('insecure', /auth\.example\.com/));
  });

  it('bearer tokens are cached per scope until they expire', async () => {
    let issued = 0;
    const auth = await fake((req, res) => {
      issued++;
      const url = new URL(req.url ?? '/', 'http://x');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: `tok-${issued}-${url.searchParams.get('scope')}`, expires_in: 300 }));
    });
    const registry = await fake((req, res) => {
      const scope = req.method === 'PUT' ? 'repository:a:pull,push' : 'repository:a:pull';
      if (req.headers.authorization !== undefined && req.headers.authorization.endsWith(scope)) {
        res.writeHead(req.method === 'PUT' ? 201 : 200, { 'Docker-Content-Digest': sha256(MANIFEST) });
        res.end(req.method === 'PUT' ? '' : MANIFEST);
        return;
      }
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${auth.host}/token",service="fake",scope="${scope}"` });
      res.end();
    });
    const client = new RegistryClient(NO_CONFIG);
    const ref = { registry: registry.host, repository: 'a', tag: 't' };
    await client.fetchManifest(ref);
    await client.fetchManifest(ref);
    await client.headBlob({ ...ref, digest: sha256('x') }).catch(() => undefined);
    assert.equal(issued, 1, 'one token for repository:a:pull');
    await client.pushManifest(ref, Buffer.from(MANIFEST), 'application/vnd.oci.image.manifest.v1+json');
    await client.pushManifest(ref, Buffer.from(MANIFEST), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(issued, 2, 'one more for repository:a:pull,push');
    assert.deepEqual(auth.seen.map((s) => new URL(s.url, 'http://x').searchParams.get('scope')), ['repository:a:pull', 'repository:a:pull,push']);
    assert.ok(auth.seen.every((s) => s.authorization === undefined), 'anonymous: no credentials configured');
  });
});
