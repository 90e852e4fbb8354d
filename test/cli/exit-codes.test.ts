import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { BIN, REAL, REPO, runCli, tempDir, TRUNCATED_MANIFEST, type JsonOutput } from './cli-harness';

const FORMATS = ['text', 'json', 'sarif'] as const;

/** One line on stderr, naming the tool, with no stack trace. */
function assertOneLineUsageMessage(stderr: string, pattern: RegExp): void {
  assert.match(stderr, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.ok(stderr.trim().split('\n').length <= 2, `short message, got:\n${stderr}`);
}

describe('exit codes', () => {
  for (const format of FORMATS) {
    it(`0 on the real fixtures (--format ${format})`, () => {
      const run = runCli(['check', '--format', format, REAL]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.equal(run.stderr, '');
    });

    it(`1 on a broken manifest (--format ${format})`, () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'manifest.json'), TRUNCATED_MANIFEST);
      const run = runCli(['check', '--format', format, path.join(dir, 'manifest.json')]);
      assert.equal(run.status, 1, run.stdout + run.stderr);
    });

    it(`2 on a missing file, with nothing on stdout (--format ${format})`, () => {
      const run = runCli(['check', '--format', format, REAL, 'no/such/file.json']);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assertOneLineUsageMessage(run.stderr, /^image-manifest: cannot read 'no\/such\/file.json': no such file or directory\n$/);
    });
  }

  it('2 with one line on stderr when stdout cannot be written (a full disk: /dev/full)', { skip: fs.existsSync('/dev/full') ? false : 'no /dev/full on this system' }, () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [BIN, 'check', REAL], { cwd: REPO, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 30_000 });
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stderr, 'image-manifest: cannot write to stdout: no space left on device\n');
    } finally {
      fs.closeSync(full);
    }
  });

  it('1 also when errors are found in only one of several files', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'broken.json'), TRUNCATED_MANIFEST);
    fs.copyFileSync(path.join(REPO, REAL, 'registry-amd64.json'), path.join(dir, 'good.json'));
    assert.equal(runCli(['check', dir]).status, 1);
  });

  it('0 when --rule turns every error into a warning, 1 when the last --rule turns one back', () => {
    const dir = tempDir();
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, TRUNCATED_MANIFEST);
    // A truncated manifest also lacks required members; which codes that gives is the service's business.
    const output = JSON.parse(runCli(['check', '--format', 'json', file]).stdout) as JsonOutput;
    const codes = [...new Set(output.files[0].diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))];
    assert.ok(codes.includes('json-syntax'));
    const downgrade = codes.flatMap((code) => ['--rule', `${code}=warning`]);
    assert.equal(runCli(['check', ...downgrade, file]).status, 0);
    assert.equal(runCli(['check', ...downgrade, '--rule', 'json-syntax=error', file]).status, 1);
  });

  const usageCases: [string, string[], RegExp][] = [
    ['an unknown flag', ['check', '--strict', REAL], /unknown option '--strict'/],
    ['an unknown format', ['check', '--format', 'xml', REAL], /unknown format 'xml'/],
    // Tests run as root, so chmod 000 cannot make a file unreadable; a directory where a value
    // belongs, and paths that do not exist, exercise the same refusal.
    ['a directory given as the --format value', ['check', '--format', REAL, REAL], /unknown format/],
    ['no inputs', ['check'], /no files or directories to check/],
    ['no command', [], /missing command/],
    ['an unknown command', ['validate', REAL], /unknown command 'validate'/],
    ['an unknown rule code', ['check', '--rule', 'no-such-code=off', REAL], /unknown diagnostic code/],
    ['a nonexistent directory', ['check', 'no-such-directory/'], /cannot read 'no-such-directory\/': no such file or directory/],
    ['a path through a file', ['check', path.join(REAL, 'registry-amd64.json', 'x')], /not a directory/],
  ];
  for (const [what, args, pattern] of usageCases) {
    it(`2 on ${what}`, () => {
      const run = runCli(args);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assertOneLineUsageMessage(run.stderr, pattern);
    });
  }

  it('2 on a FIFO named on the command line, without hanging', { skip: process.platform === 'win32' && 'FIFOs and symbolic links need a POSIX file system' }, () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'manifest.json');
    execFileSync('mkfifo', [fifo]);
    const run = runCli(['check', fifo]);
    assert.equal(run.status, 2);
    assertOneLineUsageMessage(run.stderr, /not a regular file or directory/);
  });

  it('0 with --help and --version, which print to stdout', () => {
    const help = runCli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: image-manifest check/);
    const version = runCli(['--version']);
    assert.equal(version.status, 0);
    const { version: expected } = JSON.parse(fs.readFileSync(path.join(REPO, 'server', 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout, `${expected}\n`);
  });
});
