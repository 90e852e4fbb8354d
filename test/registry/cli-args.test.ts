/** The command line of fetch and push: what parses, what is refused (exit 2 material). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseArgs, UsageError, USAGE } from 'image-manifest-language-server/out/cli/args';

describe('fetch and push arguments', () => {
  it('fetch with -o, repeated --insecure-host and --timeout', () => {
    assert.deepEqual(parseArgs(['fetch', 'reg.example:5000/a/b:1', '-o', 'out.json', '--insecure-host', 'reg.example:5000', '--insecure-host=other', '--timeout', '2.5', '-v']), {
      name: 'fetch',
      reference: 'reg.example:5000/a/b:1',
      output: 'out.json',
      insecureHosts: ['reg.example:5000', 'other'],
      timeoutSeconds: 2.5,
      verbose: true,
    });
  });

  it('push with --force, --media-type and --rule', () => {
    assert.deepEqual(parseArgs(['push', '--force', '--media-type', 'application/vnd.oci.image.manifest.v1+json', '--rule', 'missing-media-type=off', 'm.json', 'localhost:5000/a:b']), {
      name: 'push',
      file: 'm.json',
      reference: 'localhost:5000/a:b',
      force: true,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      rules: { 'missing-media-type': 'off' },
      insecureHosts: [],
      verbose: false,
    });
  });

  for (const [argv, message] of [
    [['fetch'], /fetch needs an image reference/],
    [['fetch', 'a', 'b'], /one image reference/],
    [['push', 'm.json'], /push needs a file and an image reference/],
    [['fetch', 'a', '--format', 'json'], /--format does not apply to fetch/],
    [['check', 'x', '-o', 'y'], /--output does not apply to check/],
    [['check', 'x', '--force'], /--force does not apply to check/],
    [['fetch', 'a', '--force'], /--force does not apply to fetch/],
    [['fetch', 'a', '--timeout', '0'], /--timeout expects a number of seconds/],
    [['fetch', 'a', '--timeout', 'soon'], /--timeout expects/],
    [['fetch', 'a', '--timeout', '3000000'], /--timeout is at most 2147483 seconds/],
    [['push', 'm', 'r', '--timeout', '2147483.648'], /--timeout is at most 2147483 seconds/],
    [['fetch', 'a', '--timeout', '0.0001'], /--timeout is at least 0\.001 seconds/],
    [['fetch', 'a', '--insecure-host', 'http://x/'], /--insecure-host expects a host/],
    [['fetch', 'a', '--insecure-host', '*.example.com'], /--insecure-host expects a host or host:port \(no scheme, path or wildcard\), got '\*\.example\.com'/],
    [['push', 'm', 'r', '--media-type', 'manifest'], /--media-type expects a media type/],
    [['push', 'm', 'r', '--force=yes'], /--force takes no value/],
    [['pull', 'a'], /unknown command 'pull' \(the commands are check, fetch and push\)/],
  ] as const) {
    it(`refuses ${JSON.stringify(argv)}`, () => {
      assert.throws(() => parseArgs(argv), (error: unknown) => error instanceof UsageError && message.test(error.message));
    });
  }

  it('--timeout from 0.001 to 2147483 seconds (2^31-1 ms, what a timer holds) is accepted', () => {
    for (const value of ['0.001', '2147483', '2147483.647']) {
      const command = parseArgs(['fetch', 'a', '--timeout', value]);
      assert.equal(command.name === 'fetch' && command.timeoutSeconds, Number(value));
    }
    assert.match(USAGE, /--timeout <seconds> +per request \(default 30; from 0\.001 to 2147483/);
  });

  it('the usage names both commands, the credential sources and the exit codes', () => {
    assert.match(USAGE, /image-manifest fetch \[options\] <reference>/);
    assert.match(USAGE, /image-manifest push \[options\] <file> <reference>/);
    assert.match(USAGE, /credHelpers/);
    assert.match(USAGE, /2 bad usage, unreadable input, network failure or timeout/);
  });

  it('fetch 127.0.0.1:99999/x:y: a reference error (exit 2), not an internal error', () => {
    const run = spawnSync(process.execPath, [path.resolve(__dirname, '..', '..', '..', 'server', 'bin', 'image-manifest.js'), 'fetch', '127.0.0.1:99999/x:y'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, "image-manifest: invalid image reference '127.0.0.1:99999/x:y': the port 99999 of '127.0.0.1:99999' is out of range (1 to 65535)\n");
  });
});
