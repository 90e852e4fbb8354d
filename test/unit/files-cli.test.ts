/**
 * The CLI on a directory of hostile entries (a FIFO, a symlink loop, a symlink to /dev/zero, a
 * 0-byte file, symlinks out of the tree, an OCI layout whose blobs are all of those): it must end,
 * say clearly what it skipped and why, and never open a planted target. Under strace (when the
 * machine has it) every file the process opens is checked, not only what the CLI reports.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/paths';

const BIN = path.join(REPO_ROOT, 'server', 'bin', 'image-manifest.js');
const POSIX = process.platform !== 'win32';
const TIMEOUT_MS = 30_000;

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2, data: 'e30=' },
  layers: [],
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function cli(args: readonly string[], cwd: string, prefix: readonly string[] = []): Run {
  const command = prefix.length ? prefix[0] : process.execPath;
  const argv = prefix.length ? [...prefix.slice(1), process.execPath, BIN, ...args] : [BIN, ...args];
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', timeout: TIMEOUT_MS });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', timedOut: (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' };
}

function hasStrace(): boolean {
  const probe = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat', '-o', '/dev/null', 'true'], { encoding: 'utf8' });
  return probe.status === 0;
}

describe('the CLI on a directory of hostile entries', { skip: !POSIX && 'needs FIFOs and symlinks' }, () => {
  let base: string;
  let tree: string;
  let secret: string;
  const planted: string[] = [];
  const hex = (c: string) => c.repeat(64);

  before(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'image-manifest-files-cli-'));
    tree = path.join(base, 'tree');
    const outside = path.join(base, 'outside');
    fs.mkdirSync(outside);
    secret = path.join(outside, 'secret.json');
    fs.writeFileSync(secret, MANIFEST);
    fs.mkdirSync(tree);
    fs.writeFileSync(path.join(tree, 'good.json'), MANIFEST);
    execFileSync('mkfifo', [path.join(tree, 'fifo.json')]);
    fs.symlinkSync('loop.json', path.join(tree, 'loop.json'));
    fs.symlinkSync('ping.json', path.join(tree, 'pong.json'));
    fs.symlinkSync('pong.json', path.join(tree, 'ping.json'));
    fs.symlinkSync('/dev/zero', path.join(tree, 'zero.json'));
    fs.writeFileSync(path.join(tree, 'empty.json'), '');
    fs.symlinkSync(secret, path.join(tree, 'secret.json'));
    fs.symlinkSync(outside, path.join(tree, 'outside-dir'));
    fs.symlinkSync(tree, path.join(tree, 'self'));
    // A layout whose index points at blobs that are all hostile.
    const layout = path.join(tree, 'layout');
    const blobs = path.join(layout, 'blobs', 'sha256');
    fs.mkdirSync(blobs, { recursive: true });
    fs.writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    execFileSync('mkfifo', [path.join(blobs, hex('1'))]);
    fs.symlinkSync('/dev/zero', path.join(blobs, hex('2')));
    fs.symlinkSync(secret, path.join(blobs, hex('3')));
    fs.symlinkSync(hex('4'), path.join(blobs, hex('4')));
    fs.writeFileSync(path.join(blobs, hex('5')), '');
    fs.mkdirSync(path.join(blobs, hex('6')));
    const descriptor = (c: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex(c)}`, size: 100 });
    fs.writeFileSync(
      path.join(layout, 'index.json'),
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: ['1', '2', '3', '4', '5', '6'].map(descriptor) }),
    );
    planted.push(secret, '/dev/zero', path.join(tree, 'fifo.json'), path.join(blobs, hex('1')), path.join(blobs, hex('2')), path.join(blobs, hex('3')));
  });

  after(() => {
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  test('finishes, checks the real files and lists every skipped entry with its reason', () => {
    const run = cli(['check', '--verbose', 'tree'], base);
    assert.equal(run.timedOut, false, 'the CLI hung');
    assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
    const out = run.stdout;
    const line = (name: string, reason: RegExp) =>
      assert.match(out, new RegExp(`^${path.join('tree', name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: skipped: ${reason.source}`, 'm'), out);
    line('fifo.json', /a FIFO \(named pipe\), not read/);
    line('loop.json', /a symbolic link (that cannot be resolved|to outside the folder|to something that is not a regular file).*, not read/);
    line('ping.json', /a symbolic link (that cannot be resolved|to outside the folder|to something that is not a regular file).*, not read/);
    line('zero.json', /a symbolic link (that cannot be resolved|to outside the folder|to something that is not a regular file).*, not read/);
    line('secret.json', /a symbolic link (that cannot be resolved|to outside the folder|to something that is not a regular file).*, not read/);
    line('empty.json', /empty file, not a JSON document/);
    line(path.join('layout', 'blobs', 'sha256', hex('1')), /a FIFO/);
    line(path.join('layout', 'blobs', 'sha256', hex('2')), /a symbolic link/);
    line(path.join('layout', 'blobs', 'sha256', hex('5')), /empty file/);
    assert.match(out, /^3 files checked: .* \(\d+ skipped\)$/m, out);
    // Symlinked folders are listed as skipped (README: -v lists them and why), never entered.
    line('outside-dir', /a symbolic link to a folder \(symlinked folders are not followed\), not read/);
    line('self', /a symbolic link to a folder \(symlinked folders are not followed\), not read/);
    assert.doesNotMatch(out + run.stderr, /outside-dir\/|self\/|secret\.json:\d/);
  });

  test('without --verbose it still ends with a summary, and JSON output stays parseable', () => {
    const text = cli(['check', 'tree'], base);
    assert.equal(text.timedOut, false);
    assert.match(text.stdout, /^3 files checked: /m);
    const json = cli(['check', '--format', 'json', 'tree'], base);
    assert.equal(json.timedOut, false);
    const files = (JSON.parse(json.stdout) as { files: Array<{ path: string }> }).files.map((f) => f.path);
    assert.deepEqual(files, [path.join('tree', 'good.json'), path.join('tree', 'layout', 'index.json'), path.join('tree', 'layout', 'oci-layout')]);
    assert.ok(!files.some((f) => /fifo|zero|loop|ping|pong|secret|outside/.test(f)), files.join(', '));
  });

  const explicit: Array<[string, number, RegExp]> = [
    ['fifo.json', 2, /cannot check 'tree\/fifo\.json': not a regular file or directory/],
    ['zero.json', 2, /cannot check 'tree\/zero\.json': not a regular file or directory/],
    ['loop.json', 2, /cannot read 'tree\/loop\.json': too many levels of symbolic links/],
    ['ping.json', 2, /cannot read 'tree\/ping\.json': too many levels of symbolic links/],
    ['empty.json', 2, /tree\/empty\.json: error: unreadable input: empty file, not a JSON document/],
  ];
  for (const [name, status, message] of explicit) {
    test(`named on the command line, ${name} ends with exit ${status} and a clear message`, () => {
      const run = cli(['check', path.join('tree', name)], base);
      assert.equal(run.timedOut, false, 'the CLI hung');
      assert.equal(run.status, status, run.stderr + run.stdout);
      assert.match(run.stderr + run.stdout, message);
    });
  }

  test('strace: no planted target (outside file, /dev/zero, FIFOs) is ever opened', { skip: !hasStrace() && 'strace is not installed or not permitted' }, () => {
    const log = path.join(base, 'strace.log');
    const run = cli(['check', '--verbose', 'tree'], base, ['strace', '-f', '-qq', '-e', 'trace=open,openat,openat2,creat', '-o', log]);
    assert.equal(run.timedOut, false, 'the CLI hung under strace');
    assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
    const opened = fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .map((line) => /open(?:at2?)?\((?:[^,]*, )?"((?:[^"\\]|\\.)*)"[^)]*\)\s*=\s*(-?\d+)/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null && Number(match[2]) >= 0)
      .map((match) => path.resolve(base, match[1]));
    assert.ok(opened.some((file) => file === path.join(tree, 'good.json')), 'strace saw the checked files');
    for (const target of planted) assert.ok(!opened.includes(target), `${target} was opened`);
    const outsideBase = opened.filter((file) => file.startsWith(base + path.sep) && !file.startsWith(tree + path.sep) && file !== tree);
    assert.deepEqual(outsideBase, [], 'nothing beside the checked tree is opened');
    const throughLinks = opened.filter((file) => file.startsWith(tree + path.sep) && /(?:secret|zero|loop|ping|pong)\.json$|^outside-dir|^self\//.test(path.relative(tree, file)));
    assert.deepEqual(throughLinks, [], 'no symlink inside the tree is opened');
  });
});
