import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkFile, defaultService, type Service } from 'image-manifest-language-server/out/cli/check';
import { run } from 'image-manifest-language-server/out/cli/main';
import type { ValidationOptions } from 'image-manifest-language-server';
import { REAL, REPO, runCli, tempDir, type JsonOutput } from './cli-harness';

/** Every regular file below `dir`, found without the CLI's own walker. */
function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name));
}

function firstBytes(file: string, n: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(n);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}

const MANIFEST = fs.readFileSync(path.join(REPO, REAL, 'registry-amd64.json'));

describe('file discovery', () => {
  for (const fixture of ['umoci-layout', 'zstd-layout', '.']) {
    it(`checks exactly the JSON files in ${path.join(REAL, fixture)} and skips the layer blobs`, () => {
      const files = allFiles(path.join(REPO, REAL, fixture));
      const json = files.filter((f) => firstBytes(f, 1).toString() === '{');
      const compressed = files.filter((f) => {
        const head = firstBytes(f, 4);
        return (head[0] === 0x1f && head[1] === 0x8b) || head.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
      });
      assert.ok(json.length > 0 && compressed.length > 0, 'the fixture has both kinds of file');

      const output = JSON.parse(runCli(['check', '--format', 'json', path.join(REAL, fixture)]).stdout) as JsonOutput;
      assert.deepEqual(output.files.map((f) => path.resolve(REPO, f.path)).sort(), json.sort());

      const text = runCli(['check', '--verbose', path.join(REAL, fixture)]);
      // Every non-JSON file these fixtures hold where a document could be is a compressed layer.
      assert.match(text.stdout, new RegExp(`^${json.length} files checked: .* \\(${compressed.length} skipped\\)$`, 'm'));
      for (const blob of compressed) {
        assert.match(text.stdout, new RegExp(`^${path.relative(REPO, blob)}: skipped: (gzip|zstd) data, not a JSON document$`, 'm'));
      }
    });
  }

  it('skips node_modules, .git, symlinks, FIFOs and names that cannot be documents', { skip: process.platform === 'win32' && 'FIFOs and symbolic links need a POSIX file system' }, () => {
    const root = tempDir();
    const outside = tempDir();
    const tree = path.join(root, 'tree');
    const write = (relative: string, content: Buffer | string = MANIFEST) => {
      fs.mkdirSync(path.dirname(path.join(tree, relative)), { recursive: true });
      fs.writeFileSync(path.join(tree, relative), content);
    };
    write('a.json');
    write('layout/blobs/sha512/abc');
    write('dir-transport/' + 'e'.repeat(64));
    write('node_modules/pkg/manifest.json');
    write('.git/objects/x.json');
    write('Dockerfile');
    write('notes.txt');
    write('blobs-not/readme');
    fs.writeFileSync(path.join(outside, 'outside.json'), MANIFEST);
    fs.symlinkSync(outside, path.join(tree, 'linked-dir'));
    fs.symlinkSync(path.join(outside, 'outside.json'), path.join(tree, 'linked.json'));
    fs.symlinkSync(tree, path.join(tree, 'loop'));
    execFileSync('mkfifo', [path.join(tree, 'fifo.json')]);

    const run = runCli(['check', '--format', 'json', 'tree'], root);
    assert.equal(run.status, 0, run.stderr);
    const output = JSON.parse(run.stdout) as JsonOutput;
    assert.deepEqual(output.files.map((f) => f.path), [
      path.join('tree', 'a.json'),
      path.join('tree', 'dir-transport', 'e'.repeat(64)),
      path.join('tree', 'layout', 'blobs', 'sha512', 'abc'),
    ]);
  });

  it('-v lists symlinked folders and symlink loops whatever their names, with the reason', { skip: process.platform === 'win32' && 'symbolic links need a POSIX file system' }, () => {
    const root = tempDir();
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'm.json'), MANIFEST);
    fs.mkdirSync(path.join(root, 'real'));
    fs.writeFileSync(path.join(root, 'real', 'm.json'), MANIFEST);
    fs.symlinkSync(outside, path.join(root, 'sub'));
    fs.symlinkSync('real', path.join(root, 'realsub'));
    fs.symlinkSync('b', path.join(root, 'a'));
    fs.symlinkSync('a', path.join(root, 'b'));
    fs.symlinkSync(path.join(root, 'real', 'm.json'), path.join(root, 'Dockerfile'));
    const run = runCli(['check', '-v', '.'], root);
    assert.equal(run.status, 0, run.stderr);
    const skipped = run.stdout.split('\n').filter((line) => line.includes(': skipped: '));
    assert.deepEqual(skipped, [
      'a: skipped: a symbolic link that cannot be resolved (too many levels of symbolic links: a loop), not read',
      'b: skipped: a symbolic link that cannot be resolved (too many levels of symbolic links: a loop), not read',
      'realsub: skipped: a symbolic link to a folder (symlinked folders are not followed), not read',
      'sub: skipped: a symbolic link to a folder (symlinked folders are not followed), not read',
    ]);
    assert.match(run.stdout, /^1 file checked: .* \(4 skipped\)$/m);
    assert.doesNotMatch(run.stdout, /^(sub|realsub)\//m, 'the folders were not entered');
    // Without -v they are not mentioned.
    assert.doesNotMatch(runCli(['check', '.'], root).stdout, /skipped/);
  });

  it('follows a symlink named on the command line', { skip: process.platform === 'win32' && 'FIFOs and symbolic links need a POSIX file system' }, () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'target.json'), MANIFEST);
    fs.symlinkSync(path.join(dir, 'target.json'), path.join(dir, 'link.json'));
    const output = JSON.parse(runCli(['check', '--format', 'json', 'link.json'], dir).stdout) as JsonOutput;
    assert.deepEqual(output.files.map((f) => [f.path, f.kind]), [['link.json', 'oci-manifest']]);
  });

  it('lists a file once when it is named and also inside a named directory', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'm.json'), MANIFEST);
    const output = JSON.parse(runCli(['check', '--format', 'json', '.', 'm.json', './m.json'], dir).stdout) as JsonOutput;
    assert.deepEqual(output.files.map((f) => f.path), ['m.json']);
  });

  it('does not read a huge file that starts like JSON', () => {
    const dir = tempDir();
    const file = path.join(dir, 'huge.json');
    fs.writeFileSync(file, '{' + ' '.repeat(4095));
    fs.truncateSync(file, 512 * 1024 * 1024); // sparse: costs no disk
    const run = runCli(['check', 'huge.json'], dir);
    // Named on the command line and not checkable: the run cannot vouch for it.
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^huge\.json: error: unreadable input: too large/);
    // Found in a folder, it is skipped with a reason under -v.
    const walked = runCli(['check', '-v', '.'], dir);
    assert.equal(walked.status, 0);
    assert.match(walked.stdout, /^huge\.json: skipped: too large/m);
  });

  it('skips other JSON found in a directory without a word, and lists it with --verbose', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "x"}');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ // comments are fine here\n}');
    assert.equal(runCli(['check', '.'], dir).stdout, '0 files checked: 0 errors, 0 warnings, 0 information\n');
    const verbose = runCli(['check', '-v', '.'], dir).stdout;
    assert.match(verbose, /^package\.json: skipped: not a manifest/m);
    assert.match(verbose, /^tsconfig\.json: skipped: not valid JSON, and not recognisable as a manifest/m);
  });

  it('mentions broken JSON that is no manifest only when the file is named', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'garbage.json'), '{"a": ');
    assert.equal(runCli(['check', '.'], dir).stdout, '0 files checked: 0 errors, 0 warnings, 0 information\n');
    // Whether the service reports json-syntax on a document of unknown kind is its decision: the
    // CLI then shows the finding (exit 1), or else notes that the file is not valid JSON (exit 0).
    const named = runCli(['check', 'garbage.json'], dir);
    if (named.status === 1) assert.match(named.stdout, /^garbage\.json:1:\d+: error json-syntax: /m);
    else assert.match(named.stdout, /^garbage\.json: note: not checked: not valid JSON/m);
  });
});

describe('per-file context and failures', () => {
  const spy = (seen: Map<string, ValidationOptions>): Service => ({
    parseDocument: defaultService.parseDocument,
    validateDocument: (doc, options = {}) => {
      seen.set(doc.text, options);
      return [];
    },
  });

  it('marks index.json as a layout index only when an oci-layout file sits beside it', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'layout'));
    fs.mkdirSync(path.join(dir, 'plain'));
    const index = (name: string) => `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{"n":"${name}"}}`;
    fs.writeFileSync(path.join(dir, 'layout', 'index.json'), index('layout'));
    fs.writeFileSync(path.join(dir, 'layout', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    fs.writeFileSync(path.join(dir, 'layout', 'other.json'), index('other'));
    fs.writeFileSync(path.join(dir, 'plain', 'index.json'), index('plain'));
    const seen = new Map<string, ValidationOptions>();
    for (const file of ['layout/index.json', 'layout/other.json', 'plain/index.json']) {
      const absolute = path.join(dir, file);
      checkFile({ absolute, display: file, explicit: false }, {}, spy(seen));
    }
    assert.equal(seen.get(index('layout'))?.context?.isLayoutIndex, true);
    assert.equal(seen.get(index('other'))?.context?.isLayoutIndex, false);
    assert.equal(seen.get(index('plain'))?.context?.isLayoutIndex, false);
  });

  it('passes --rule settings to the service', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'm.json'), MANIFEST);
    const seen = new Map<string, ValidationOptions>();
    const code = run(['check', '--rule', 'json-syntax=hint', path.join(dir, 'm.json')], { stdout: () => {}, stderr: () => {} }, spy(seen));
    assert.equal(code, 0);
    assert.deepEqual(seen.get(MANIFEST.toString())?.rules, { 'json-syntax': 'hint' });
  });

  it('reports an exception on one file as an error line for it, checks the rest, and exits 2', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.json'), MANIFEST);
    fs.writeFileSync(path.join(dir, 'b.json'), MANIFEST.toString().replace('"schemaVersion"', ' "schemaVersion"'));
    const throwing: Service = {
      parseDocument: defaultService.parseDocument,
      validateDocument: (doc, options) => {
        if (doc.text.includes(' "schemaVersion"')) throw new Error('boom');
        return defaultService.validateDocument(doc, options);
      },
    };
    let stdout = '';
    let stderr = '';
    const code = run(['check', '--format', 'json', dir], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) }, throwing);
    assert.equal(code, 2);
    assert.equal(stderr, `${path.join(dir, 'b.json')}: error: internal error: boom\n`);
    assert.deepEqual((JSON.parse(stdout) as JsonOutput).files.map((f) => f.path), [path.join(dir, 'a.json')]);
  });

  it('reports a read failure for one file and exits 2', () => {
    const failingRead = () => {
      throw Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' });
    };
    const result = checkFile({ absolute: '/x/m.json', display: 'm.json', explicit: true }, {}, defaultService, failingRead);
    assert.deepEqual(result, { status: 'failed', path: 'm.json', reason: 'cannot read: permission denied' });
  });
});
