/**
 * What a push promises about digests, against small fake registries on 127.0.0.1: a digest in the
 * reference pins the content (refused before anything is sent when the bytes hash to another), and
 * the digest the registry says it stored is compared with the digest of the bytes sent. Expected
 * digests come from node:crypto over the file's bytes; statuses and headers are what the fake sent.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { RegistryClient, RegistryError } from 'image-manifest-language-server/out/registry';
import { tempFolder } from '../helpers/docker-config';
import { closeFakes, fake, NO_DOCKER_CONFIG, runRegistryCli, sha256 } from '../helpers/fake-registry';

after(closeFakes);

const REPO = path.resolve(__dirname, '..', '..', '..');
/** A manifest the check finds clean. */
const MANIFEST = fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'real', 'registry-amd64.json'));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OTHER = `sha256:${'ab'.repeat(32)}`;

function manifestFile(): string {
  const file = path.join(tempFolder('im-push-digest-'), 'm.json');
  fs.writeFileSync(file, MANIFEST);
  return file;
}

/** A registry that stores whatever is PUT and answers 201 with the digest of what it received. */
function honestRegistry() {
  return fake((req, res, body) => {
    if (req.method !== 'PUT') {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(201, { 'Docker-Content-Digest': sha256(body), Location: `/v2/a/manifests/${sha256(body)}` });
    res.end();
  });
}

describe('push: a digest in the reference pins the content', () => {
  it('client: repo:tag@digest whose digest the bytes do not hash to is refused before anything is sent, naming both digests', async () => {
    const registry = await honestRegistry();
    const client = new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG });
    await assert.rejects(client.pushManifest({ registry: registry.host, repository: 'a', tag: 't', digest: OTHER }, MANIFEST, OCI_MANIFEST), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.kind, 'digest-mismatch');
      assert.ok(error.message.includes(sha256(MANIFEST)), error.message);
      assert.ok(error.message.includes(OTHER), error.message);
      return true;
    });
    await assert.rejects(client.pushManifest({ registry: registry.host, repository: 'a', digest: OTHER }, MANIFEST, OCI_MANIFEST), (error: unknown) => error instanceof RegistryError && error.kind === 'digest-mismatch');
    assert.equal(registry.seen.length, 0, 'nothing reached the registry');
  });

  it('client: repo:tag@digest with the right digest is PUT to the tag; repo@digest to the digest', async () => {
    const registry = await honestRegistry();
    const client = new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG });
    const digest = sha256(MANIFEST);
    const tagged = await client.pushManifest({ registry: registry.host, repository: 'a', tag: 't', digest }, MANIFEST, OCI_MANIFEST);
    assert.equal(tagged.digest, digest);
    const byDigest = await client.pushManifest({ registry: registry.host, repository: 'a', digest }, MANIFEST, OCI_MANIFEST);
    assert.equal(byDigest.digest, digest);
    assert.deepEqual(registry.seen.map((s) => `${s.method} ${s.url}`), [`PUT /v2/a/manifests/t`, `PUT /v2/a/manifests/${digest}`]);
    assert.ok(registry.seen.every((s) => s.body.equals(MANIFEST)));
  });

  it('CLI: push FILE repo:tag@wrong-digest exits 1 with both digests and sends nothing', async () => {
    const registry = await honestRegistry();
    const file = manifestFile();
    for (const reference of [`${registry.host}/a:t@${OTHER}`, `${registry.host}/a@${OTHER}`]) {
      const run = await runRegistryCli(['push', file, reference]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout.length, 0, 'no digest printed');
      assert.ok(run.stderr.includes(sha256(MANIFEST)) && run.stderr.includes(OTHER), run.stderr);
      assert.doesNotMatch(run.stderr, /pushed/);
    }
    assert.equal(registry.seen.length, 0);
  });

  it('CLI: push FILE repo:tag@right-digest pushes to the tag and prints the digest; exit 0', async () => {
    const registry = await honestRegistry();
    const run = await runRegistryCli(['push', manifestFile(), `${registry.host}/a:t@${sha256(MANIFEST)}`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.toString('utf8'), `${sha256(MANIFEST)}\n`);
    assert.deepEqual(registry.seen.map((s) => `${s.method} ${s.url}`), ['PUT /v2/a/manifests/t']);
  });
});

describe('push: the digest the registry says it stored', () => {
  const WRONG = `sha256:${'ef'.repeat(32)}`;

  it('client: a Docker-Content-Digest that is not the digest of the bytes sent: digestMatches false, both digests exposed', async () => {
    const registry = await fake((_req, res) => {
      res.writeHead(201, { 'Docker-Content-Digest': WRONG });
      res.end();
    });
    const pushed = await new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG }).pushManifest({ registry: registry.host, repository: 'a', tag: 't' }, MANIFEST, OCI_MANIFEST);
    assert.equal(pushed.digestMatches, false);
    assert.equal(pushed.registryDigest, WRONG);
    assert.equal(pushed.sentDigest, sha256(MANIFEST));
    assert.equal(pushed.digest, WRONG, 'digest stays the registry\'s answer');
    assert.equal(pushed.status, 201);
  });

  it('client: the right digest matches; none at all (200 text/html) is undefined, with the sent digest', async () => {
    let html = false;
    const registry = await fake((_req, res, body) => {
      if (html) {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html><body>Welcome to nginx!</body></html>');
      } else {
        res.writeHead(201, { 'Docker-Content-Digest': sha256(body) });
        res.end();
      }
    });
    const client = new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG });
    const ref = { registry: registry.host, repository: 'a', tag: 't' };
    const honest = await client.pushManifest(ref, MANIFEST, OCI_MANIFEST);
    assert.equal(honest.digestMatches, true);
    assert.equal(honest.registryDigest, sha256(MANIFEST));
    html = true;
    const unconfirmed = await client.pushManifest(ref, MANIFEST, OCI_MANIFEST);
    assert.equal(unconfirmed.digestMatches, undefined);
    assert.equal(unconfirmed.registryDigest, undefined);
    assert.equal(unconfirmed.sentDigest, sha256(MANIFEST));
    assert.equal(unconfirmed.status, 200);
  });

  it('CLI: a registry digest other than the bytes\' is a warning naming both, exit 1', async () => {
    const registry = await fake((_req, res) => {
      res.writeHead(201, { 'Docker-Content-Digest': WRONG });
      res.end();
    });
    const run = await runRegistryCli(['push', manifestFile(), `${registry.host}/a:t`]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`warning: the registry says it stored ${WRONG}, but the bytes sent hash to ${sha256(MANIFEST)}`));
  });

  it('CLI: a 2xx without Docker-Content-Digest says the registry did not confirm a digest (exit 0, the sent digest printed)', async () => {
    const registry = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Welcome to nginx!</body></html>');
    });
    const run = await runRegistryCli(['push', manifestFile(), `${registry.host}/a:t`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /the registry did not confirm a digest \(no Docker-Content-Digest in its 200 answer\)/);
    assert.equal(run.stdout.toString('utf8'), `${sha256(MANIFEST)}\n`);
  });
});
