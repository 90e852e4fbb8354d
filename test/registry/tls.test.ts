/**
 * TLS with a self-signed certificate made by openssl at test time: the certificate check is on
 * unless the user listed the registry (as `host` or `host:port`) as insecure, and the refusal
 * names the very `host:port` the user can list.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient, RegistryError, send } from 'image-manifest-language-server/out/registry';
import { tempFolder } from '../helpers/docker-config';
import { NO_DOCKER_CONFIG, sha256 } from '../helpers/fake-registry';
import { registrySkipReason } from '../helpers/registry';

const MANIFEST = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}';
const skip = registrySkipReason(['openssl']);

describe('TLS certificate checks', { skip }, () => {
  let server: https.Server;
  let hostPort = '';

  before(async () => {
    const dir = tempFolder('im-tls-');
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore', timeout: 60_000 });
    server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': sha256(MANIFEST) });
      res.end(MANIFEST);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server?.close());

  function get(rejectUnauthorized: (hostPort: string, hostname: string) => boolean) {
    return send({ method: 'GET', url: new URL(`https://${hostPort}/v2/a/manifests/t`), timeoutMs: 10_000, maxBytes: 1 << 20, allowHttp: () => false, rejectUnauthorized });
  }

  it('verified: a self-signed certificate is refused, and the message names the host:port to list', async () => {
    const asked: string[][] = [];
    await assert.rejects(
      get((hp, hn) => {
        asked.push([hp, hn]);
        return true;
      }),
      (error: unknown) => {
        assert.ok(error instanceof RegistryError, String(error));
        assert.match(error.message, new RegExp(`TLS certificate of ${hostPort.replace(/\./g, '\\.')} is not trusted \\(self-signed certificate\\)`));
        assert.ok(error.message.includes(`--insecure-host ${hostPort}`), error.message);
        return true;
      },
    );
    // The policy is asked with the host:port, so an entry `host:port` can match.
    assert.deepEqual(asked, [[hostPort, '127.0.0.1']]);
  });

  it('unverified when the policy says so: the manifest arrives', async () => {
    const response = await get(() => false);
    assert.equal(response.status, 200);
    assert.equal(response.body.toString('utf8'), MANIFEST);
  });

  it('the client skips the check for a listed host:port or bare host, for no other port, and always for loopback', () => {
    const byPort = new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG, insecureHosts: ['192.0.2.2:6443'] });
    assert.equal(byPort.skipsTlsVerification('192.0.2.2:6443', '192.0.2.2'), true);
    assert.equal(byPort.skipsTlsVerification('192.0.2.2:5000', '192.0.2.2'), false);
    assert.equal(byPort.skipsTlsVerification('192.0.2.2', '192.0.2.2'), false);
    const byHost = new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG, insecureHosts: ['registry.example'] });
    assert.equal(byHost.skipsTlsVerification('registry.example:5000', 'registry.example'), true);
    assert.equal(byHost.skipsTlsVerification('other.example:5000', 'other.example'), false);
    assert.equal(byHost.skipsTlsVerification(hostPort, '127.0.0.1'), true);
  });

  it('the client fetches from the https loopback registry (certificate not checked there, as docker does)', async () => {
    const [host, port] = hostPort.split(':');
    const fetched = await new RegistryClient({ dockerConfigDir: NO_DOCKER_CONFIG }).fetchManifest({ registry: `${host}:${port}`, repository: 'a', tag: 't' });
    assert.equal(fetched.digest, sha256(MANIFEST));
    assert.equal(fetched.digestMatches, true);
  });
});
