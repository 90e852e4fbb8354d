/**
 * Servers that are not quite registries, or hostile ones, on 127.0.0.1: a web page where a manifest
 * should be, terminal escapes in messages and headers, a huge error body, a body that trickles. The
 * expected values are what the fake server sent (statuses, bodies) and digests by node:crypto.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
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

  it('CLI: the same is a warning on stderr; the bytes go to stdout, exit 1', async () => {
    const server = await serving('text/plain', MANIFEST);
    const run = await runRegistryCli(['fetch', `${server.host}/a:t`]);
    assert.equal(run.code, 1, run.stderr);
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

  it('an empty or non-JSON body under a manifest type: a protocol error, exit 1, nothing written', async () => {
    for (const [body, words] of [['', /but an empty body: not a manifest/], ['this is not json', /but a body that is not JSON \(it begins: this is not json\)/]] as const) {
      const server = await serving('application/vnd.oci.image.manifest.v1+json', body);
      await assert.rejects(client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' }), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.kind, 'protocol');
        assert.match(error.message, words);
        return true;
      });
      const run = await runRegistryCli(['fetch', `${server.host}/a:t`]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout.length, 0);
    }
  });

  it('a body whose own mediaType is not the Content-Type: written, with a warning naming both, exit 1', async () => {
    const server = await serving('application/vnd.docker.distribution.manifest.list.v2+json', MANIFEST);
    const fetched = await client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' });
    assert.equal(fetched.problems.length, 1);
    assert.match(fetched.problems[0], /Content-Type application\/vnd\.docker\.distribution\.manifest\.list\.v2\+json, but the manifest's own `mediaType` is application\/vnd\.oci\.image\.manifest\.v1\+json/);
    const run = await runRegistryCli(['fetch', `${server.host}/a:t`]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout.toString('utf8'), MANIFEST);
  });

  it('a body that is not valid UTF-8: written as served, with a warning at the byte, exit 1', async () => {
    // "café" in Latin-1 inside an annotation value: e9 is not UTF-8.
    const head = MANIFEST.slice(0, -1) + ',"annotations":{"org.opencontainers.image.title":"caf';
    const body = Buffer.concat([Buffer.from(head), Buffer.from([0xe9]), Buffer.from('"}}')]);
    const server = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(body);
    });
    const fetched = await client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' });
    assert.equal(fetched.digest, sha256(body));
    assert.equal(fetched.problems.length, 1);
    assert.match(fetched.problems[0], new RegExp(`not valid UTF-8 \\(byte offset ${Buffer.byteLength(head)}: e9\\)`));
    const run = await runRegistryCli(['fetch', `${server.host}/a:t`]);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.stdout.equals(body), 'the bytes as served');
  });

  it('CLI: a sha512 reference the bytes do not match is compared in sha512 (sha512sum), the registry\'s sha256 in sha256', async () => {
    const wrong = `sha512:${'0'.repeat(128)}`;
    const server = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': sha256(MANIFEST) });
      res.end(MANIFEST);
    });
    const real512 = `sha512:${execFileSync('sha512sum', { input: MANIFEST }).toString().split(' ')[0]}`;
    const run = await runRegistryCli(['fetch', `${server.host}/a@${wrong}`]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`^warning: the bytes hash to ${real512}, not to ${wrong} \\(the reference\\): the content is not what was asked for$`, 'm'));
    assert.doesNotMatch(run.stderr, /hash to sha256/, 'the registry\'s sha256 digest matched');
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

/** A server that writes this raw HTTP answer (latin1 bytes) to every request, then closes. */
function raw(answer: string): Promise<{ host: string }> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      let head = '';
      socket.on('data', (chunk: Buffer) => {
        // A TLS ClientHello (the client tries https first on loopback): hang up, as a plain-http server would.
        if (head === '' && chunk[0] === 0x16) {
          socket.destroy();
          return;
        }
        head += chunk.toString('latin1');
        if (head.includes('\r\n\r\n')) socket.end(Buffer.from(answer, 'latin1'));
      });
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1', () => {
      rawServers.push(server);
      resolve({ host: `127.0.0.1:${(server.address() as net.AddressInfo).port}` });
    });
  });
}
const rawServers: net.Server[] = [];
after(() => {
  for (const server of rawServers) server.close();
});

/** ESC, BEL, CR, C1 controls: what must never reach a terminal from a server. */
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const EVIL = 'evil \u001b[31mRED\u001b[0m \u001b]0;pwned\u0007 \r\nfake: ok \u009b2J';

function assertSafe(stderr: string): void {
  assert.doesNotMatch(stderr, CONTROLS, JSON.stringify(stderr));
  assert.doesNotMatch(stderr, /^fake: ok/m, 'no forged line');
  assert.doesNotMatch(stderr, /pwned/, 'no terminal title');
}

describe('control characters from the server never reach the terminal', () => {
  it('fetch: a registry error message with escapes, OSC, CR/LF and C1 is printed safely', async () => {
    const server = await fake((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: EVIL }] }));
    });
    const run = await runRegistryCli(['fetch', '-v', `${server.host}/a:t`]);
    assert.equal(run.code, 1);
    assertSafe(run.stderr);
    assert.match(run.stderr, /evil RED/);
    await assert.rejects(client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' }), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.doesNotMatch(error.message, CONTROLS);
      assert.ok(error.errors.every((e) => !CONTROLS.test(e.message) && !CONTROLS.test(e.code)));
      return true;
    });
  });

  it('push: error messages and details placed on the document are printed safely', async () => {
    const server = await fake((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: `MANIFEST_INVALID\u001b[2J`, message: EVIL, detail: EVIL }] }));
    });
    const file = path.join(tempFolder('im-evil-push-'), 'm.json');
    fs.writeFileSync(file, MANIFEST);
    const run = await runRegistryCli(['push', '--force', file, `${server.host}/a:t`]);
    assert.equal(run.code, 1, run.stderr);
    assertSafe(run.stderr);
    assert.match(run.stderr, /evil RED/);
  });

  it('header values and the status text: Docker-Content-Digest and a reason phrase with C1 controls', async () => {
    const body = MANIFEST;
    const server = await raw(
      `HTTP/1.1 200 OK\u009b31m\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\u009b0m\r\nDocker-Content-Digest: sha256:\u009b2Jlol\u00ff\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    const fetched = await client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' });
    assert.equal(fetched.digest, sha256(body));
    assert.equal(fetched.digestMatches, false);
    assert.doesNotMatch(fetched.registryDigest ?? '', CONTROLS);
    assert.doesNotMatch(fetched.mediaType ?? '', CONTROLS);
    const run = await runRegistryCli(['fetch', '-v', `${server.host}/a:t`]);
    assert.equal(run.code, 1);
    assertSafe(run.stderr);
    assert.match(run.stderr, /registry digest: sha256:lol\u00ff \(DIFFERS\)/, "the 8-bit CSI sequence is dropped");
  });

  it('a token realm with control characters is quoted safely', async () => {
    const server = await raw(`HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="ht\u009btp://x\u0080",service="s"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    const run = await runRegistryCli(['fetch', '-v', `${server.host}/a:t`]);
    assert.notEqual(run.code, 0);
    assertSafe(run.stderr);
  });
});

describe('an error body over the limit', () => {
  const HEAD = 'BAD REQUEST: the proxy says no';
  /** `status` followed by HEAD and 3 MiB more, chunked or with a Content-Length. */
  function huge(status: number, withLength: boolean) {
    const body = Buffer.concat([Buffer.from(HEAD), Buffer.alloc(3 * 1024 * 1024, 'x')]);
    return fake((_req, res) => {
      res.writeHead(status, withLength ? { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) } : { 'Content-Type': 'text/plain' });
      res.write(body.subarray(0, 64 * 1024));
      setTimeout(() => res.end(body.subarray(64 * 1024)), 10);
    });
  }

  for (const withLength of [false, true]) {
    it(`fetch: the status and the first part of the body are reported, exit 1 (${withLength ? 'Content-Length' : 'chunked'})`, async () => {
      const server = await huge(400, withLength);
      await assert.rejects(client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' }), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.status, 400);
        assert.equal(error.kind, 'protocol');
        assert.match(error.message, /answered 400 Bad Request for .*the answer begins: BAD REQUEST: the proxy says nox+…;/);
        assert.match(error.message, /only its first 1,048,576 bytes were read/);
        assert.doesNotMatch(error.message, /closed the connection/);
        return true;
      });
      const run = await runRegistryCli(['fetch', '-v', `${server.host}/a:t`]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /→ 400/);
      assert.match(run.stderr, /error: .*400.*BAD REQUEST: the proxy says no/);
    });
  }

  it('push: a 413 with a huge body is the registry refusing, exit 1', async () => {
    const server = await huge(413, false);
    const file = path.join(tempFolder('im-huge-err-'), 'm.json');
    fs.writeFileSync(file, MANIFEST);
    const run = await runRegistryCli(['push', '--force', file, `${server.host}/a:t`]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /413 Payload Too Large.*BAD REQUEST: the proxy says no/);
  });
});

describe('timeouts', () => {
  it('a timeout beyond what a timer holds (the editor setting has no maximum) is clamped, not fired at once', async () => {
    const server = await fake((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
        res.end(MANIFEST);
      }, 50);
    });
    const fetched = await new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG, timeoutMs: 3_000_000_000 }).fetchManifest({ registry: server.host, repository: 'a', tag: 't' });
    assert.equal(fetched.digest, sha256(MANIFEST));
  });

  it('a sub-second timeout is said with its precision (0.001 s, not 0.0 s)', async () => {
    const server = await fake(() => undefined);
    await assert.rejects(new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG, timeoutMs: 1 }).fetchManifest({ registry: server.host, repository: 'a', tag: 't' }), (error: unknown) => {
      assert.ok(error instanceof RegistryError && error.kind === 'timeout');
      assert.match(error.message, /did not answer within 0\.001 s$/);
      return true;
    });
  });

  it('a body that trickles: "did not finish within", not "did not answer"', async () => {
    const drips: NodeJS.Timeout[] = [];
    const server = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
      res.write('{');
      drips.push(setInterval(() => res.write(' '), 50));
    });
    try {
      await assert.rejects(new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG, timeoutMs: 600 }).fetchManifest({ registry: server.host, repository: 'a', tag: 't' }), (error: unknown) => {
        assert.ok(error instanceof RegistryError && error.kind === 'timeout');
        assert.match(error.message, new RegExp(`^${server.host.replace(/\./g, '\\.')} answered but did not finish within 0\\.6 s$`));
        return true;
      });
    } finally {
      for (const drip of drips) clearInterval(drip);
    }
  });
});

describe('messages that say what happened', () => {
  function challenging(challenge: string) {
    return fake((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    });
  }

  it('a garbage challenge: could not parse the registry\'s authentication challenge', async () => {
    const server = await challenging('Bearer realm=,,,"""===');
    await assert.rejects(client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' }), (error: unknown) => {
      assert.ok(error instanceof RegistryError && error.kind === 'unauthorized');
      assert.equal(error.message, `${server.host} requires authentication, but could not parse the registry's authentication challenge (WWW-Authenticate: Bearer realm=,,,"""===)`);
      return true;
    });
  });

  it('a scheme we do not speak is still called unsupported', async () => {
    const server = await challenging('Negotiate');
    await assert.rejects(client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' }), (error: unknown) => error instanceof RegistryError && /requires authentication with Negotiate, which is not supported \(Basic and Bearer are\)$/.test(error.message));
  });

  it('a token realm with a scheme other than http(s): names the realm, its scheme and the host', async () => {
    const server = await challenging('Bearer realm="file:///etc/passwd",service="x"');
    await assert.rejects(client().fetchManifest({ registry: server.host, repository: 'a', tag: 't' }), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.match(error.message, new RegExp(`^the token realm file:///etc/passwd named by ${server.host.replace(/\./g, '\\.')} uses an unsupported scheme 'file'`));
      return true;
    });
    assert.equal(server.seen.length, 1, 'nothing but the first request');
  });

  it('push of a document that is no manifest: one sentence, exit 1', async () => {
    const dir = tempFolder('im-push-nonmanifest-');
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    fs.writeFileSync(path.join(dir, 'garbage.json'), '{"a": ');
    const config = await runRegistryCli(['push', path.join(dir, 'config.json'), '127.0.0.1:1/a:t']);
    assert.equal(config.code, 1);
    assert.equal(config.stderr.trimEnd().split('\n').at(-1), `image-manifest: refusing to push ${path.join(dir, 'config.json')} (an OCI image config): only manifests and indexes can be pushed`);
    const garbage = await runRegistryCli(['push', path.join(dir, 'garbage.json'), '127.0.0.1:1/a:t']);
    assert.equal(garbage.code, 1);
    assert.equal(garbage.stderr, `image-manifest: refusing to push ${path.join(dir, 'garbage.json')} (not valid JSON, and not recognisable as a manifest): only manifests and indexes can be pushed\n`);
  });
});

describe('values that cannot travel in an HTTP header', () => {
  it('a token with a line break from the token service: a protocol error saying so, nothing sent with it', async () => {
    const tokens = await fake((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: 'a\nb\r\nX-Evil: 1' }));
    });
    const registry = await fake((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${tokens.host}/token",service="s"` });
      res.end();
    });
    await assert.rejects(client().fetchManifest({ registry: registry.host, repository: 'a', tag: 't' }), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.kind, 'protocol');
      assert.equal(error.message, `the token service ${tokens.host} sent a token that cannot be used in an HTTP header (it holds line breaks or other characters HTTP forbids)`);
      return true;
    });
    assert.equal(registry.seen.length, 1, 'the registry never saw the token');
    const run = await runRegistryCli(['fetch', `${registry.host}/a:t`]);
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /internal error/);
  });

  it('push --force of a file whose mediaType holds CR LF: refused before anything is sent, exit 1', async () => {
    const registry = await fake((_req, res) => {
      res.writeHead(201);
      res.end();
    });
    const file = path.join(tempFolder('im-push-crlf-'), 'm.json');
    fs.writeFileSync(file, MANIFEST.replace('"application/vnd.oci.image.manifest.v1+json"', '"application/vnd.oci.image.manifest.v1+json\\r\\nX-Evil: 1"'));
    const run = await runRegistryCli(['push', '--force', file, `${registry.host}/a:t`]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /refusing to push .*m\.json: its mediaType "application\/vnd\.oci\.image\.manifest\.v1\+json\\r\\nX-Evil: 1" cannot be sent as a Content-Type/);
    assert.equal(registry.seen.length, 0);
  });
});
