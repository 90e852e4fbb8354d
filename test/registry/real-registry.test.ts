/**
 * Against the real distribution registry (Debian's docker-registry 2.8) on 127.0.0.1, filled by the
 * real umoci and skopeo: no auth, htpasswd basic auth, and the bearer-token flow with a token
 * endpoint written from the spec (test/helpers/token-server.ts). The expected values are known
 * independently: bytes and `sha256sum` of the blobs skopeo copied from the layout umoci wrote,
 * the registry's own headers read with plain node:http, offsets found with indexOf.
 * Without docker-registry/skopeo/umoci the suites skip with the reason (CI fails instead).
 */
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  locateRegistryErrors,
  parseReference,
  parseRegistryUri,
  RegistryClient,
  RegistryError,
  registryUri,
  type ImageReference,
  type RegistryErrorKind,
} from 'image-manifest-language-server/out/registry';
import { authEntry, dockerConfigDir, fakeCredentialHelper, tempFolder, withPath } from '../helpers/docker-config';
import { fillRegistry, registrySkipReason, startRegistry, type FilledRegistry, type StartedRegistry } from '../helpers/registry';

const REPO = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO, 'server', 'bin', 'image-manifest.js');
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

const skipBase = registrySkipReason(['docker-registry', 'skopeo', 'umoci']);
const skipAuth = skipBase || registrySkipReason(['htpasswd', 'openssl']);
if (skipBase) console.log(`# registry tests skipped: ${skipBase}`);
else if (skipAuth) console.log(`# registry auth tests skipped: ${skipAuth}`);

const NO_CONFIG = tempFolder('im-no-docker-config-');

/** `sha256:<hex>` as the real sha256sum prints it. */
function sha256sum(file: string): string {
  const run = spawnSync('sha256sum', [file], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return `sha256:${run.stdout.split(/\s+/)[0]}`;
}

function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A GET with plain node:http, not our client: what the registry really serves. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const ACCEPT_ALL = [OCI_INDEX, OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ');

interface CliResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The built CLI, asynchronously (the token endpoint lives in this process and must keep answering). */
function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'buffer', timeout: 60_000, env: { ...process.env, DOCKER_CONFIG: NO_CONFIG, ...env } }, (error, stdout, stderr) => {
      const status = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null) : 0;
      resolve({ status, stdout, stderr: stderr.toString('utf8') });
    });
  });
}

function rejectsWith(kind: RegistryErrorKind, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RegistryError, `expected a RegistryError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

/** The [start, end) of the flat JSON object around `needle` in `text`, found by scanning braces. */
function objectAround(text: string, needle: string): { start: number; end: number } {
  const at = text.indexOf(needle);
  assert.ok(at !== -1, `${needle} not in text`);
  const start = text.lastIndexOf('{', at);
  const end = text.indexOf('}', at) + 1;
  return { start, end };
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

function tempFile(name: string, content: string | Uint8Array): string {
  const dir = tempFolder('im-push-');
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** The amd64 manifest umoci wrote, with a mediaType and an annotation added, pretty-printed. */
function editedManifest(filled: FilledRegistry, note: string): string {
  const value = JSON.parse(fs.readFileSync(filled.platforms[0].manifest.file, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, ...value, annotations: { 'org.example.note': note } }, null, 2) + '\n';
}

/** The same with its (only) layer pointing at a blob no one pushed. */
function manifestWithMissingLayer(filled: FilledRegistry): { text: string; missing: string } {
  const value = JSON.parse(fs.readFileSync(filled.platforms[0].manifest.file, 'utf8')) as { layers: Array<{ digest: string }> };
  const missing = sha256(randomBytes(32));
  value.layers[0].digest = missing;
  return { text: JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, ...value }, null, 2), missing };
}

describe('the real registry, no authentication', { skip: skipBase }, () => {
  let registry: StartedRegistry;
  let filled: FilledRegistry;
  let client: RegistryClient;
  const ref = (tail: string): ImageReference => parseReference(`${registry.host}/${filled.repository}${tail}`);

  before(async () => {
    registry = await startRegistry({ auth: 'none' });
    filled = await fillRegistry(registry);
    client = new RegistryClient({ dockerConfigDir: NO_CONFIG });
  });
  after(async () => {
    await registry?.stop();
  });

  it('the index by tag: the bytes skopeo copied, their sha256sum, the registry\'s Docker-Content-Digest', async () => {
    const fetched = await client.fetchManifest(ref(':multi'));
    const raw = await rawGet(`${registry.url}/v2/${filled.repository}/manifests/multi`, { Accept: ACCEPT_ALL });
    assert.equal(raw.status, 200);
    assert.deepEqual(Buffer.from(fetched.bytes), fs.readFileSync(filled.index.file));
    assert.deepEqual(Buffer.from(fetched.bytes), raw.body);
    assert.equal(fetched.digest, sha256sum(filled.index.file));
    assert.equal(fetched.registryDigest, raw.headers['docker-content-digest']);
    assert.equal(fetched.digest, raw.headers['docker-content-digest']);
    assert.equal(fetched.digestMatches, true);
    assert.equal(fetched.mediaType, OCI_INDEX);
  });

  it('index → child manifest by digest → config blob, by the links\' URIs; each digest as sha256sum says', async () => {
    const index = await client.fetchManifest(ref(':multi'));
    const entries = (JSON.parse(Buffer.from(index.bytes).toString('utf8')) as { manifests: Array<{ digest: string; platform: { architecture: string } }> }).manifests;
    assert.deepEqual(entries.map((e) => e.platform.architecture), ['amd64', 'arm64']);
    for (const platform of filled.platforms) {
      const entry = entries.find((e) => e.platform.architecture === platform.architecture);
      assert.ok(entry);
      // The way the editor follows a link: a URI naming the child, parsed back into a reference.
      const uri = registryUri({ kind: 'manifest', reference: { ...index.reference, tag: undefined, digest: entry.digest } });
      const resource = parseRegistryUri(uri);
      assert.ok(resource && resource.kind === 'manifest');
      const child = await client.fetchManifest(resource.reference);
      assert.equal(child.digest, sha256sum(platform.manifest.file));
      assert.deepEqual(Buffer.from(child.bytes), fs.readFileSync(platform.manifest.file));
      assert.equal(child.digestMatches, true);
      const config = (JSON.parse(Buffer.from(child.bytes).toString('utf8')) as { config: { digest: string } }).config;
      const blobResource = parseRegistryUri(registryUri({ kind: 'blob', reference: { registry: registry.host, repository: filled.repository, digest: config.digest } }));
      assert.ok(blobResource && blobResource.kind === 'blob');
      const blob = await client.fetchBlob(blobResource.reference);
      assert.equal(blob.digest, sha256sum(platform.config.file));
      assert.equal(blob.digestMatches, true);
      assert.deepEqual(Buffer.from(blob.bytes), fs.readFileSync(platform.config.file));
      assert.equal((JSON.parse(Buffer.from(blob.bytes).toString('utf8')) as { architecture: string }).architecture, platform.architecture);
    }
  });

  it('HEAD on a layer: exists with the size of the file umoci wrote; an unknown digest: exists false', async () => {
    const layer = filled.platforms[1].layers[0];
    const head = await client.headBlob({ ...ref(''), tag: undefined, digest: layer.digest });
    assert.equal(head.exists, true);
    assert.equal(head.size, fs.statSync(layer.file).size);
    const missing = await client.headBlob({ ...ref(''), tag: undefined, digest: sha256(randomBytes(16)) });
    assert.deepEqual(missing, { exists: false, status: 404, size: undefined, mediaType: undefined });
  });

  it('an unknown tag: not-found, MANIFEST_UNKNOWN as the registry sends it', async () => {
    await assert.rejects(client.fetchManifest(ref(':no-such-tag')), (error: unknown) => rejectsWith('not-found', /no tag 'no-such-tag'/)(error) && (error as RegistryError).errors[0]?.code === 'MANIFEST_UNKNOWN');
  });

  it('an edited manifest pushed to a new tag reads back byte for byte; the digest is the registry\'s', async () => {
    const text = editedManifest(filled, 'pushed by the test');
    const pushed = await client.pushManifest(ref(':edited'), Buffer.from(text), OCI_MANIFEST);
    assert.equal(pushed.digest, sha256(text));
    const raw = await rawGet(`${registry.url}/v2/${filled.repository}/manifests/edited`, { Accept: ACCEPT_ALL });
    assert.equal(raw.status, 200);
    assert.equal(raw.body.toString('utf8'), text);
    assert.equal(raw.headers['docker-content-digest'], pushed.digest);
    assert.equal(raw.headers['content-type'], OCI_MANIFEST);
    assert.match(pushed.location ?? '', new RegExp(`/v2/${filled.repository}/manifests/${pushed.digest}$`));
  });

  it('a push by digest: stored under that digest; a digest the bytes do not hash to is refused before sending', async () => {
    const text = editedManifest(filled, 'by digest');
    const digest = sha256(text);
    const pushed = await client.pushManifest({ ...ref(''), tag: undefined, digest }, Buffer.from(text), OCI_MANIFEST);
    assert.equal(pushed.digest, digest);
    assert.equal((await rawGet(`${registry.url}/v2/${filled.repository}/manifests/${digest}`, { Accept: ACCEPT_ALL })).body.toString('utf8'), text);
    // The registry would answer DIGEST_INVALID; the client does not ask it.
    const other = sha256('other bytes');
    await assert.rejects(client.pushManifest({ ...ref(''), tag: undefined, digest: other }, Buffer.from(text), OCI_MANIFEST), rejectsWith('digest-mismatch'));
    assert.equal((await rawGet(`${registry.url}/v2/${filled.repository}/manifests/${other}`, { Accept: ACCEPT_ALL })).status, 404);
  });

  it('a manifest whose layer blob is missing: MANIFEST_BLOB_UNKNOWN, located on that layer\'s descriptor', async () => {
    const { text, missing } = manifestWithMissingLayer(filled);
    let caught: RegistryError | undefined;
    try {
      await client.pushManifest(ref(':missing-layer'), Buffer.from(text), OCI_MANIFEST);
    } catch (error) {
      caught = error as RegistryError;
    }
    assert.ok(caught instanceof RegistryError, 'the push must fail');
    assert.equal(caught.kind, 'rejected');
    assert.equal(caught.status, 400);
    assert.deepEqual(caught.errors.map((e) => [e.code, e.detail]), [['MANIFEST_BLOB_UNKNOWN', missing]]);
    const [located] = locateRegistryErrors(text, caught.errors);
    assert.equal(located.code, 'MANIFEST_BLOB_UNKNOWN');
    assert.deepEqual(located.range, objectAround(text, `"${missing}"`));
    assert.match(located.message, /layer 1 of 1/);
  });

  it('CLI fetch: the bytes on stdout unchanged; media type, digest and "matches" on stderr; exit 0', async () => {
    const run = await runCli(['fetch', `${registry.host}/${filled.repository}:multi`]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout, fs.readFileSync(filled.index.file));
    assert.match(run.stderr, new RegExp(`media type: ${OCI_INDEX.replace(/[.+]/g, '\\$&')}`));
    assert.ok(run.stderr.includes(`digest: ${sha256sum(filled.index.file)}`));
    assert.ok(run.stderr.includes(`registry digest: ${sha256sum(filled.index.file)} (matches)`));
  });

  it('CLI fetch -o: the file holds the bytes; a child by digest works the same', async () => {
    const out = path.join(tempFolder('im-fetch-'), 'child.json');
    const child = filled.platforms[0].manifest;
    const run = await runCli(['fetch', '-o', out, `${registry.host}/${filled.repository}@${child.digest}`]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.length, 0);
    assert.equal(sha256sum(out), sha256sum(child.file));
  });

  it('CLI fetch: not found → 1; connection refused → 2; a bad reference → 2', async () => {
    const missing = await runCli(['fetch', `${registry.host}/${filled.repository}:nope`]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /not found.*MANIFEST_UNKNOWN/);
    const refused = await runCli(['fetch', '127.0.0.1:1/a/b:c', '--timeout', '5']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /cannot connect to 127\.0\.0\.1:1/);
    const bad = await runCli(['fetch', 'Not/A Reference']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /invalid image reference/);
  });

  it('CLI push: a clean manifest is pushed and its digest printed; exit 0', async () => {
    const text = editedManifest(filled, 'pushed by the CLI');
    const file = tempFile('manifest.json', text);
    const run = await runCli(['push', file, `${registry.host}/${filled.repository}:cli`]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.toString('utf8').trim(), sha256sum(file));
    const raw = await rawGet(`${registry.url}/v2/${filled.repository}/manifests/cli`, { Accept: ACCEPT_ALL });
    assert.equal(raw.body.toString('utf8'), text);
  });

  it('CLI push of a manifest whose layer is missing: file:line:col on the descriptor, [MANIFEST_BLOB_UNKNOWN], exit 1', async () => {
    const { text, missing } = manifestWithMissingLayer(filled);
    const file = tempFile('missing.json', text);
    const run = await runCli(['push', file, `${registry.host}/${filled.repository}:cli-missing`]);
    assert.equal(run.status, 1, run.stderr);
    const where = lineColumn(text, objectAround(text, `"${missing}"`).start);
    const line = run.stderr.split('\n').find((l) => l.endsWith('[MANIFEST_BLOB_UNKNOWN]'));
    assert.ok(line, run.stderr);
    assert.ok(line.startsWith(`${file}:${where}: error: `), line);
    assert.ok(line.includes(missing));
  });

  it('CLI push refuses a document with errors (the registry is not asked); --force pushes it', async () => {
    const value = JSON.parse(editedManifest(filled, 'broken')) as { layers: Array<{ mediaType: string }> };
    value.layers[0].mediaType = 'gzip layer';
    const text = JSON.stringify(value, null, 2);
    const file = tempFile('broken.json', text);
    const refused = await runCli(['push', file, `${registry.host}/${filled.repository}:forced`]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /error invalid-media-type/);
    assert.match(refused.stderr, /refusing to push/);
    assert.equal((await rawGet(`${registry.url}/v2/${filled.repository}/manifests/forced`, { Accept: ACCEPT_ALL })).status, 404, 'nothing was pushed');
    const forced = await runCli(['push', '--force', file, `${registry.host}/${filled.repository}:forced`]);
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(forced.stdout.toString('utf8').trim(), sha256(text));
    assert.equal((await rawGet(`${registry.url}/v2/${filled.repository}/manifests/forced`, { Accept: ACCEPT_ALL })).body.toString('utf8'), text);
  });

  it('CLI push --media-type: the Content-Type the registry stores', async () => {
    const value = JSON.parse(fs.readFileSync(filled.platforms[0].manifest.file, 'utf8')) as Record<string, unknown>;
    delete value.mediaType;
    const text = JSON.stringify(value);
    const file = tempFile('no-type.json', text);
    const run = await runCli(['push', '--media-type', OCI_MANIFEST, file, `${registry.host}/${filled.repository}:typed`]);
    assert.equal(run.status, 0, run.stderr);
    const raw = await rawGet(`${registry.url}/v2/${filled.repository}/manifests/typed`, { Accept: ACCEPT_ALL });
    assert.equal(raw.headers['content-type'], OCI_MANIFEST);
  });
});

describe('the real registry with htpasswd basic auth', { skip: skipAuth }, () => {
  let registry: StartedRegistry;
  let filled: FilledRegistry;
  const ref = (tail: string): ImageReference => parseReference(`${registry.host}/${filled.repository}${tail}`);

  before(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    filled = await fillRegistry(registry);
  });
  after(async () => {
    await registry?.stop();
  });

  it('anonymous: unauthorized, saying no credentials were found and where we looked', async () => {
    await assert.rejects(new RegistryClient({ dockerConfigDir: NO_CONFIG }).fetchManifest(ref(':multi')), rejectsWith('unauthorized', /requires authentication.*no credentials were found.*docker login/));
  });

  it('credentials from config.json auths (base64): pull the index and push a manifest', async () => {
    const { username, password } = registry.users[0];
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry(username, password) } });
    const client = new RegistryClient({ dockerConfigDir: dir });
    const fetched = await client.fetchManifest(ref(':multi'));
    assert.equal(fetched.digest, sha256sum(filled.index.file));
    const text = editedManifest(filled, 'basic');
    const pushed = await client.pushManifest(ref(':basic'), Buffer.from(text), OCI_MANIFEST);
    assert.equal(pushed.digest, sha256(text));
    const raw = await rawGet(`${registry.url}/v2/${filled.repository}/manifests/basic`, { Accept: ACCEPT_ALL, Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
    assert.equal(raw.body.toString('utf8'), text);
  });

  it('credentials from a credential helper (credHelpers), asked about this host', async () => {
    const { username, password } = registry.users[1];
    const helper = fakeCredentialHelper('test', { [registry.host]: { Username: username, Secret: password } });
    const dir = dockerConfigDir({ credHelpers: { [registry.host]: 'test' } });
    const fetched = await withPath(helper.binDir, () => new RegistryClient({ dockerConfigDir: dir }).fetchManifest(ref(':multi')));
    assert.equal(fetched.digest, sha256sum(filled.index.file));
    assert.deepEqual(helper.asked(), [registry.host]);
  });

  it('a wrong password: unauthorized, naming where the credentials came from', async () => {
    const dir = dockerConfigDir({ auths: { [`https://${registry.host}`]: authEntry(registry.users[0].username, 'wrong-password') } });
    await assert.rejects(new RegistryClient({ dockerConfigDir: dir }).fetchManifest(ref(':multi')), rejectsWith('unauthorized', new RegExp(`refused the credentials from auths\\["https://${registry.host.replace(/\./g, '\\.')}"\\]`)));
  });

  it('the log never shows the password or the Authorization header', async () => {
    const { username, password } = registry.users[0];
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry(username, password) } });
    const lines: string[] = [];
    await new RegistryClient({ dockerConfigDir: dir, log: (l) => lines.push(l) }).fetchManifest(ref(':multi'));
    const log = lines.join('\n');
    assert.ok(lines.length > 0);
    assert.ok(!log.includes(password));
    assert.ok(!log.includes(Buffer.from(`${username}:${password}`).toString('base64')));
  });

  it('CLI with DOCKER_CONFIG: fetch exit 0; a wrong password exit 1', async () => {
    const { username, password } = registry.users[0];
    const good = dockerConfigDir({ auths: { [registry.host]: authEntry(username, password) } });
    const ok = await runCli(['fetch', `${registry.host}/${filled.repository}:multi`], { DOCKER_CONFIG: good });
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(ok.stdout, fs.readFileSync(filled.index.file));
    const bad = dockerConfigDir({ auths: { [registry.host]: authEntry(username, 'nope') } });
    const refused = await runCli(['fetch', `${registry.host}/${filled.repository}:multi`], { DOCKER_CONFIG: bad });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /unauthorized|refused the credentials/);
    assert.ok(!refused.stderr.includes('nope'), 'the password is not printed');
  });
});

describe('the real registry with the bearer-token flow', { skip: skipAuth }, () => {
  let registry: StartedRegistry;
  let filled: FilledRegistry;
  const ref = (tail: string): ImageReference => parseReference(`${registry.host}/${filled.repository}${tail}`);
  const identityToken = `refresh-${randomBytes(8).toString('hex')}`;

  before(async () => {
    registry = await startRegistry({ auth: 'token', identityTokens: { [identityToken]: 'bob' } });
    filled = await fillRegistry(registry);
  });
  after(async () => {
    await registry?.stop();
  });

  const token = () => {
    assert.ok(registry.token);
    return registry.token;
  };

  it('anonymous pull is denied: the token endpoint grants nothing and the registry says so', async () => {
    const before = token().requests.length;
    await assert.rejects(new RegistryClient({ dockerConfigDir: NO_CONFIG }).fetchManifest(ref(':multi')), rejectsWith('unauthorized', /no credentials were found/));
    const asked = token().requests.slice(before);
    assert.deepEqual(asked.map((r) => [r.method, r.grantType, r.scopes, r.service]), [['GET', 'anonymous', [`repository:${filled.repository}:pull`], token().service]]);
    assert.deepEqual(asked[0].granted, [{ type: 'repository', name: filled.repository, actions: [] }]);
  });

  it('pull with a token got with Basic credentials: scope pull, the service the registry named', async () => {
    const { username, password } = registry.users[0];
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry(username, password) } });
    const before = token().requests.length;
    const client = new RegistryClient({ dockerConfigDir: dir });
    const fetched = await client.fetchManifest(ref(':multi'));
    assert.equal(fetched.digest, sha256sum(filled.index.file));
    assert.deepEqual(Buffer.from(fetched.bytes), fs.readFileSync(filled.index.file));
    const child = await client.fetchManifest({ ...ref(''), tag: undefined, digest: filled.platforms[1].manifest.digest });
    assert.equal(child.digest, sha256sum(filled.platforms[1].manifest.file));
    const asked = token().requests.slice(before);
    assert.deepEqual(asked.map((r) => [r.method, r.grantType, r.user, r.scopes, r.service, r.status]), [['GET', 'basic', username, [`repository:${filled.repository}:pull`], token().service, 200]], 'one token, cached for the second pull');
  });

  it('push asks for scope pull,push and the registry accepts the token', async () => {
    const { username, password } = registry.users[0];
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry(username, password) } });
    const before = token().requests.length;
    const text = editedManifest(filled, 'token push');
    const pushed = await new RegistryClient({ dockerConfigDir: dir }).pushManifest(ref(':token-push'), Buffer.from(text), OCI_MANIFEST);
    assert.equal(pushed.digest, sha256(text));
    const asked = token().requests.slice(before);
    assert.deepEqual(asked.map((r) => r.scopes), [[`repository:${filled.repository}:pull,push`]]);
    assert.deepEqual(asked[0].granted, [{ type: 'repository', name: filled.repository, actions: ['pull', 'push'] }]);
    const back = await new RegistryClient({ dockerConfigDir: dir }).fetchManifest(ref(':token-push'));
    assert.equal(Buffer.from(back.bytes).toString('utf8'), text);
    assert.equal(back.registryDigest, sha256(text));
  });

  it('an identity token from a credential helper ("<token>"): the refresh_token grant, POSTed', async () => {
    const helper = fakeCredentialHelper('test', { [registry.host]: { Username: '<token>', Secret: identityToken } });
    const dir = dockerConfigDir({ credsStore: 'test' });
    const before = token().requests.length;
    const fetched = await withPath(helper.binDir, () => new RegistryClient({ dockerConfigDir: dir }).fetchManifest(ref(':multi')));
    assert.equal(fetched.digest, sha256sum(filled.index.file));
    const asked = token().requests.slice(before);
    assert.deepEqual(asked.map((r) => [r.method, r.grantType, r.user, r.status]), [['POST', 'refresh_token', 'bob', 200]]);
  });

  it('a wrong password: the token service refuses, and the message says whose credentials', async () => {
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry(registry.users[0].username, 'wrong') } });
    await assert.rejects(new RegistryClient({ dockerConfigDir: dir }).fetchManifest(ref(':multi')), rejectsWith('unauthorized', /token service 127\.0\.0\.1:\d+ refused the credentials from auths/));
  });

  it('a manifest with a missing layer, pushed with a token: MANIFEST_BLOB_UNKNOWN on the descriptor', async () => {
    const { username, password } = registry.users[1];
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry(username, password) } });
    const { text, missing } = manifestWithMissingLayer(filled);
    const error = await new RegistryClient({ dockerConfigDir: dir }).pushManifest(ref(':broken'), Buffer.from(text), OCI_MANIFEST).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof RegistryError && error.kind === 'rejected', String(error));
    const [located] = locateRegistryErrors(text, error.errors);
    assert.equal(located.code, 'MANIFEST_BLOB_UNKNOWN');
    assert.deepEqual(located.range, objectAround(text, `"${missing}"`));
  });

  it('CLI push and fetch through the token flow', async () => {
    const { username, password } = registry.users[0];
    const dir = dockerConfigDir({ auths: { [registry.host]: authEntry(username, password) } });
    const text = editedManifest(filled, 'token cli');
    const file = tempFile('m.json', text);
    const pushed = await runCli(['push', file, `${registry.host}/${filled.repository}:token-cli`], { DOCKER_CONFIG: dir });
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.equal(pushed.stdout.toString('utf8').trim(), sha256sum(file));
    const fetched = await runCli(['fetch', `${registry.host}/${filled.repository}:token-cli`], { DOCKER_CONFIG: dir });
    assert.equal(fetched.status, 0, fetched.stderr);
    assert.equal(fetched.stdout.toString('utf8'), text);
    const anonymous = await runCli(['fetch', `${registry.host}/${filled.repository}:token-cli`]);
    assert.equal(anonymous.status, 1);
    assert.match(anonymous.stderr, /requires authentication/);
  });
});
