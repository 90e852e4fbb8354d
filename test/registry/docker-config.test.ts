/**
 * Credentials found the way docker finds them: config.json in a temporary DOCKER_CONFIG folder,
 * `auths` keys in docker's forms, credHelpers and credsStore with a fake `docker-credential-test`
 * on PATH that records the server URL it was asked about.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defaultDockerConfigDir, findCredentials, RegistryError } from 'image-manifest-language-server/out/registry';
import { authEntry, dockerConfigDir, fakeCredentialHelper, tempFolder, withPath } from '../helpers/docker-config';
import { closeFakes, fake } from '../helpers/fake-registry';

/** The CLI as users run it (test/out/registry → repository root). */
const BIN = path.resolve(__dirname, '..', '..', '..', 'server', 'bin', 'image-manifest.js');

describe('docker config.json lookup', () => {
  it('$DOCKER_CONFIG overrides ~/.docker', () => {
    assert.equal(defaultDockerConfigDir({ DOCKER_CONFIG: '/x/y' }), '/x/y');
    assert.equal(defaultDockerConfigDir({}), path.join(os.homedir(), '.docker'));
  });

  it('no config.json: no credentials (anonymous)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-empty-'));
    assert.equal(await findCredentials('127.0.0.1:5000', { dockerConfigDir: dir }), undefined);
  });

  it('auths: `auth` is base64 of user:password; the password may hold colons', async () => {
    const dir = dockerConfigDir({ auths: { '127.0.0.1:5000': authEntry('alice', 'pa:ss:word') } });
    const found = await findCredentials('127.0.0.1:5000', { dockerConfigDir: dir });
    assert.deepEqual(found, { kind: 'basic', username: 'alice', password: 'pa:ss:word', source: `auths["127.0.0.1:5000"] in ${path.join(dir, 'config.json')}` });
  });

  it('auths keys in the forms docker accepts: host, https://host, http://host, with a path', async () => {
    for (const key of ['registry.example.com', 'https://registry.example.com', 'http://registry.example.com', 'https://registry.example.com/v1/', 'registry.example.com/v2/']) {
      const dir = dockerConfigDir({ auths: { 'other.example.com': authEntry('x', 'y'), [key]: authEntry('bob', 'secret') } });
      const found = await findCredentials('registry.example.com', { dockerConfigDir: dir });
      assert.equal(found?.kind, 'basic', key);
      assert.equal(found?.kind === 'basic' && found.username, 'bob', key);
    }
    // The port is part of the host: 5000 is not 5001.
    const dir = dockerConfigDir({ auths: { 'localhost:5001': authEntry('x', 'y') } });
    assert.equal(await findCredentials('localhost:5000', { dockerConfigDir: dir }), undefined);
  });

  it('Docker Hub is https://index.docker.io/v1/', async () => {
    const dir = dockerConfigDir({ auths: { 'https://index.docker.io/v1/': authEntry('hubuser', 'hubpass') } });
    const found = await findCredentials('docker.io', { dockerConfigDir: dir });
    assert.equal(found?.kind === 'basic' && found.username, 'hubuser');
  });

  it('username/password fields and identitytoken', async () => {
    const dir = dockerConfigDir({ auths: { a: { username: 'u', password: 'p' }, b: { auth: Buffer.from('u2:').toString('base64'), identitytoken: 'refresh-123' } } });
    assert.equal((await findCredentials('a', { dockerConfigDir: dir }))?.kind, 'basic');
    const b = await findCredentials('b', { dockerConfigDir: dir });
    assert.deepEqual(b && b.kind === 'identity-token' ? [b.username, b.identityToken] : b, ['u2', 'refresh-123']);
  });

  it('an empty entry (what docker leaves with a credsStore) is no credentials', async () => {
    const dir = dockerConfigDir({ auths: { 'h.example': {} } });
    assert.equal(await findCredentials('h.example', { dockerConfigDir: dir }), undefined);
  });

  it('a broken config.json is an error naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-broken-'));
    fs.writeFileSync(path.join(dir, 'config.json'), '{"auths": ');
    await assert.rejects(findCredentials('h', { dockerConfigDir: dir }), (error: unknown) => error instanceof RegistryError && error.message.includes(path.join(dir, 'config.json')));
  });
});

describe('credential helpers (a fake docker-credential-test on PATH)', () => {
  it('credHelpers[host] runs the helper with the host on stdin; {Username, Secret} are the credentials', async () => {
    const helper = fakeCredentialHelper('test', { '127.0.0.1:5000': { Username: 'carol', Secret: 's3cret' } });
    const dir = dockerConfigDir({ auths: { '127.0.0.1:5000': authEntry('ignored', 'ignored') }, credHelpers: { '127.0.0.1:5000': 'test' } });
    const found = await withPath(helper.binDir, () => findCredentials('127.0.0.1:5000', { dockerConfigDir: dir }));
    assert.equal(found?.kind, 'basic');
    assert.equal(found?.kind === 'basic' && `${found.username}/${found.password}`, 'carol/s3cret');
    assert.match(found?.source ?? '', /docker-credential-test \(credHelpers\["127\.0\.0\.1:5000"\]/);
    assert.deepEqual(helper.asked(), ['127.0.0.1:5000']);
  });

  it('credsStore serves every host; Docker Hub is asked as https://index.docker.io/v1/', async () => {
    const helper = fakeCredentialHelper('test', { 'https://index.docker.io/v1/': { Username: 'hub', Secret: 'x' } });
    const dir = dockerConfigDir({ credsStore: 'test' });
    const found = await withPath(helper.binDir, () => findCredentials('docker.io', { dockerConfigDir: dir }));
    assert.equal(found?.kind === 'basic' && found.username, 'hub');
    assert.deepEqual(helper.asked(), ['https://index.docker.io/v1/']);
  });

  it('Username "<token>" means the Secret is an identity token', async () => {
    const helper = fakeCredentialHelper('test', { 'r.example': { Username: '<token>', Secret: 'refresh-xyz' } });
    const dir = dockerConfigDir({ credsStore: 'test' });
    const found = await withPath(helper.binDir, () => findCredentials('r.example', { dockerConfigDir: dir }));
    assert.deepEqual(found && found.kind === 'identity-token' ? found.identityToken : found, 'refresh-xyz');
  });

  it('"credentials not found" from the helper is anonymous, not an error', async () => {
    const helper = fakeCredentialHelper('test', {});
    const dir = dockerConfigDir({ credsStore: 'test' });
    assert.equal(await withPath(helper.binDir, () => findCredentials('r.example', { dockerConfigDir: dir })), undefined);
    assert.deepEqual(helper.asked(), ['r.example']);
  });

  it('a helper that is not installed: a clear error naming it', async () => {
    const dir = dockerConfigDir({ credHelpers: { 'r.example': 'does-not-exist-im' } });
    await assert.rejects(findCredentials('r.example', { dockerConfigDir: dir }), (error: unknown) => error instanceof RegistryError && error.kind === 'unauthorized' && /docker-credential-does-not-exist-im .*not installed or not on PATH/.test(error.message));
  });

  it('a helper that fails: its first line of output, never a secret', async () => {
    const helper = fakeCredentialHelper('test', {}, { fail: 'keychain is locked' });
    const dir = dockerConfigDir({ credsStore: 'test' });
    await assert.rejects(withPath(helper.binDir, () => findCredentials('r.example', { dockerConfigDir: dir })), (error: unknown) => error instanceof RegistryError && /docker-credential-test failed: keychain is locked/.test(error.message));
  });
});

/** A `docker-credential-<name>` running this shell script; returns the PATH folder. */
function scriptHelper(name: string, body: string): string {
  const binDir = tempFolder('im-cred-script-');
  fs.writeFileSync(path.join(binDir, `docker-credential-${name}`), `#!/bin/sh\nread -r server || true\n${body}\n`, { mode: 0o755 });
  return binDir;
}

/** Whether a process is still running (a zombie waiting to be reaped counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

function helperError(pattern: RegExp, forbidden: RegExp = /TOPSECRET/) {
  return (error: unknown) => {
    assert.ok(error instanceof RegistryError, String(error));
    assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, forbidden);
    return true;
  };
}

describe('credential helper failures never show its stdout', { skip: process.platform === 'win32' && 'shell-script helpers' }, () => {
  const SECRET_ANSWER = `echo '{"ServerURL":"r.example","Username":"user","Secret":"TOPSECRET-pass"}'`;

  it('a helper that prints its answer and then exits 1: the exit status, not the answer', async () => {
    const bin = scriptHelper('leaky', `${SECRET_ANSWER}\nexit 1`);
    const dir = dockerConfigDir({ credHelpers: { 'r.example': 'leaky' } });
    await assert.rejects(withPath(bin, () => findCredentials('r.example', { dockerConfigDir: dir })), helperError(/docker-credential-leaky failed: exit status 1$/));
  });

  it('only the first line of stderr, with terminal escapes removed', async () => {
    const bin = scriptHelper('noisy', `${SECRET_ANSWER}\nprintf 'keychain \\033[31mlocked\\033[0m\\033]0;pwned\\007 now\\nsecond line TOPSECRET\\n' >&2\nexit 2`);
    const dir = dockerConfigDir({ credHelpers: { 'r.example': 'noisy' } });
    await assert.rejects(withPath(bin, () => findCredentials('r.example', { dockerConfigDir: dir })), helperError(/docker-credential-noisy failed: keychain locked now$/, /TOPSECRET|second line|\u001b|\u0007|pwned/));
  });

  it('more output than the limit: refused without quoting it', async () => {
    const bin = scriptHelper('chatty', `${SECRET_ANSWER}\nhead -c 2000000 /dev/zero | tr '\\0' x\nexit 1`);
    const dir = dockerConfigDir({ credHelpers: { 'r.example': 'chatty' } });
    await assert.rejects(withPath(bin, () => findCredentials('r.example', { dockerConfigDir: dir })), helperError(/docker-credential-chatty printed more than 1,048,576 bytes/, /TOPSECRET|xxxx/));
  });

  it('on timeout the whole process group is killed: nothing the helper started survives', { timeout: 20_000 }, async () => {
    const pidFile = path.join(tempFolder('im-cred-pid-'), 'pid');
    const bin = scriptHelper('hangs', `sleep 30 </dev/null >/dev/null 2>&1 &\necho $! > ${JSON.stringify(pidFile)}\nexec sleep 30`);
    const dir = dockerConfigDir({ credHelpers: { 'r.example': 'hangs' } });
    const started = Date.now();
    await assert.rejects(withPath(bin, () => findCredentials('r.example', { dockerConfigDir: dir, timeoutMs: 500 })), (error: unknown) => error instanceof RegistryError && error.kind === 'timeout' && /did not answer within 0\.5 s/.test(error.message));
    assert.ok(Date.now() - started < 10_000);
    const orphan = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.ok(orphan > 0);
    const deadline = Date.now() + 3000;
    while (running(orphan) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(running(orphan), false, `the helper's background process ${orphan} is still running`);
  });

  it('Ctrl-C (SIGINT) or SIGTERM to the CLI ends a hanging helper and what it started, not only the CLI', { timeout: 60_000 }, async () => {
    const server = await fake((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' });
      res.end();
    });
    try {
      for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
        const pidFile = path.join(tempFolder('im-cred-pid-'), 'pid');
        const bin = scriptHelper('stuck', `sleep 1000 </dev/null >/dev/null 2>&1 &\necho $! > ${JSON.stringify(pidFile)}\nexec sleep 1000`);
        const dir = dockerConfigDir({ credHelpers: { [server.host]: 'stuck' } });
        const cli = spawn(process.execPath, [BIN, 'fetch', '--timeout', '50', `${server.host}/a:t`], {
          env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, DOCKER_CONFIG: dir },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        const exited = new Promise<number | null>((resolve) => cli.on('exit', (exitCode) => resolve(exitCode)));
        const deadline = Date.now() + 20_000;
        while (!(fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const background = Number(fs.readFileSync(pidFile, 'utf8'));
        assert.ok(running(background), 'the helper started its background process');
        cli.kill(signal);
        assert.equal(await exited, code, signal);
        const gone = Date.now() + 3000;
        while (running(background) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
        assert.equal(running(background), false, `after ${signal}, the helper's background process ${background} is still running`);
      }
    } finally {
      await closeFakes();
    }
  });

  it('a config.json that is no object, an entry that is no object, a member that is no string: clear errors, no silent anonymity', async () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2, 3], /config\.json is not a JSON object/],
      ['text', /config\.json is not a JSON object/],
      [{ auths: { 'r.example': 5 } }, /auths\["r\.example"\] in .*config\.json is not an object/],
      [{ auths: { 'r.example': null } }, /is not an object/],
      [{ auths: { 'r.example': { auth: 12345 } } }, /the "auth" value of auths\["r\.example"\] in .*config\.json is not a string/],
      [{ auths: { 'r.example': { username: 'u', password: ['p'] } } }, /the "password" value of .* is not a string/],
    ];
    for (const [config, message] of cases) {
      const dir = dockerConfigDir(config);
      await assert.rejects(findCredentials('r.example', { dockerConfigDir: dir }), (error: unknown) => error instanceof RegistryError && error.kind === 'unauthorized' && message.test(error.message), JSON.stringify(config));
    }
  });

  it('helper names with "/", ".." or other characters are refused unrun, with a clear message', async () => {
    for (const name of ['../../tmp/evil', 'a/b', '..', 'x y', 'x;rm', 'tab\tname']) {
      const dir = dockerConfigDir({ credHelpers: { 'r.example': name } });
      await assert.rejects(findCredentials('r.example', { dockerConfigDir: dir }), helperError(/refusing to run the credential helper named by credHelpers\["r\.example"\] in .*config\.json: ".*" is not a valid credential helper name/, /\t/));
    }
    for (const name of ['osxkeychain', 'ecr-login', 'pass', 'gcloud', 'desktop.exe', 'a_b']) {
      const dir = dockerConfigDir({ credHelpers: { 'r.example': name } });
      await assert.rejects(findCredentials('r.example', { dockerConfigDir: dir }), (error: unknown) => error instanceof RegistryError && /not installed or not on PATH|failed|not JSON/.test(error.message), name);
    }
  });

  it('a helper that is not installed is named once, with where it was named', async () => {
    const dir = dockerConfigDir({ credHelpers: { 'r.example': 'does-not-exist-im' } });
    await assert.rejects(findCredentials('r.example', { dockerConfigDir: dir }), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.message, `the credential helper docker-credential-does-not-exist-im (credHelpers["r.example"] in ${path.join(dir, 'config.json')}) is not installed or not on PATH`);
      return true;
    });
  });
});
