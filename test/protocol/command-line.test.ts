/** The language server run by hand: a one-line usage or its version, never a library stack trace. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, SERVER_BIN } from '../helpers/lsp-client';

function runServer(args: string[]) {
  const run = spawnSync(process.execPath, [SERVER_BIN, ...args], { encoding: 'utf8', timeout: 20_000, input: '' });
  if (run.error) throw run.error;
  return run;
}

const USAGE = /^Usage: image-manifest-language-server --stdio \| --node-ipc \| --socket=<port> \| --pipe=<name> .*\n$/;

describe('image-manifest-language-server on the command line', () => {
  it('without arguments: one line of usage on stderr naming the transports, exit 2', () => {
    const run = runServer([]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, USAGE);
    assert.doesNotMatch(run.stderr, /\n\s+at |Connection input stream/);
  });

  it('--help: the usage on stdout, exit 0; an unknown argument alone: usage, exit 2', () => {
    const help = runServer(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, USAGE);
    const unknown = runServer(['--verbose']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, USAGE);
  });

  it('--version: the server package version, exit 0', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'server', 'package.json'), 'utf8')) as { version: string };
    const run = runServer(['--version']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${version}\n`);
  });
});
