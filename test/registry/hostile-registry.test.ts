/**
 * Servers that are not quite registries, or hostile ones, on 127.0.0.1: a web page where a manifest
 * should be, terminal escapes in messages and headers, a huge error body, a body that trickles. The
 * expected values are what the fake server sent (statuses, bodies) and digests by node:crypto.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { RegistryClient, RegistryError } from 'image-manifest-language-server/out/registry';
import { tempFolder } from '../helpers/docker-config';
import { closeFakes, fake, NO_DOCKER_CONFIG, runRegistryCli, sha256 } from '../helpers/fake-registry';

after(closeFakes);

const MANIFEST = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}';
const NGINX = '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n';

function client(): RegistryClient {
  return new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG });
}

/** Serves `body` with `contentType` (none when undefined) to every request. */
function serving(contentType: string | undefined, body: string) {
  return fake((_req, res) => {
    res.writeHead(200, contentType === undefined ? {} : { 'Content-Type': contentType });
    res.end(body);
  });
}

describe('fetch: a response that is not a manifest', () => {
  it('client: text/html with an HTML body is a protocol error naming the type, with the page\'s words', async () => {
    const server = await serving('text/html', NGINX);
    await assert.rejects(client().fetchManifest({ registry: server.host, repository: 'html', tag: 'v1' }), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.kind, 'protocol');
      assert.equal(error.status, 200);
      assert.match(error.message, /Content-Type text\/html and a body that is not JSON/);
      assert.match(error.message, /Welcome to nginx!/);
      assert.doesNotMatch(error.message, /<h1>/);
      return true;
    });
  });

  it('CLI: fetch of an HTML page exits 1, writes nothing to stdout and no -o file', async () => {
    const server = await serving('text/html; charset=utf-8', NGINX);
    const run = await runRegistryCli(['fetch', `${server.host}/html:v1`]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout.length, 0);
    assert.match(run.stderr, /error: .*text\/html/);
    const out = path.join(tempFolder('im-fetch-html-'), 'm.json');
    assert.equal((await runRegistryCli(['fetch', '-o', out, `${server.host}/html:v1`])).code, 1);
    assert.equal(fs.existsSync(out), false);
  });

  it('client: a JSON body under a Content-Type that is no manifest type is returned with a problem', async () => {
    const server = await serving('text/plain', MANIFEST);
    const fetched = await client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' });
    assert.equal(Buffer.from(fetched.bytes).toString('utf8'), MANIFEST);
    assert.equal(fetched.problems.length, 1);
    assert.match(fetched.problems[0], /Content-Type text\/plain, which is not a manifest or index media type/);
  });

  it('CLI: the same is a warning on stderr; the bytes go to stdout, exit 0', async () => {
    const server = await serving('text/plain', MANIFEST);
    const run = await runRegistryCli(['fetch', `${server.host}/a:t`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.toString('utf8'), MANIFEST);
    assert.match(run.stderr, /^warning: the registry sent Content-Type text\/plain/m);
  });

  it('application/json, application/octet-stream and no Content-Type with a JSON body: accepted without a problem, noted by the CLI', async () => {
    for (const type of ['application/json', 'application/octet-stream', undefined]) {
      const server = await serving(type, MANIFEST);
      const fetched = await client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' });
      assert.deepEqual(fetched.problems, [], String(type));
      assert.equal(fetched.digest, sha256(MANIFEST));
      const run = await runRegistryCli(['fetch', `${server.host}/a:t`]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /the registry did not name the kind of manifest/);
      assert.doesNotMatch(run.stderr, /warning/);
    }
  });

  it('a manifest media type is accepted as before, without a note', async () => {
    const server = await serving('application/vnd.oci.image.manifest.v1+json', MANIFEST);
    const fetched = await client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' });
    assert.deepEqual(fetched.problems, []);
    const run = await runRegistryCli(['fetch', `${server.host}/a:t`]);
    assert.equal(run.code, 0);
    assert.doesNotMatch(run.stderr, /did not name|warning/);
  });
});
