/**
 * Layouts made at test time by the real tools (umoci into an OCI layout, skopeo into `oci:` and
 * `dir:`), checked by the real CLI, then damaged on purpose. The expectations are independent of
 * the code under test: sizes from fs.statSync, digests from `sha256sum`, codes from the README.
 * A tool that is not installed skips its tests with the reason (.ci/run installs them).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, tempDir, type CliRun, type JsonDiagnostic, type JsonOutput } from './cli-harness';

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0;
}
const UMOCI = has('umoci');
const SKOPEO = has('skopeo');
const SHA256SUM = has('sha256sum');
const noUmoci = !UMOCI ? 'umoci is not installed' : !SHA256SUM ? 'sha256sum is not installed' : false;
const noSkopeo = noUmoci || (!SKOPEO ? 'skopeo is not installed' : false);

function tool(cmd: string, args: string[], cwd: string): void {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `${cmd} ${args.join(' ')}: ${result.stderr}`);
}

/** `sha256:<hex>` of a file, as `sha256sum` says. */
function sha256sum(file: string): string {
  const result = spawnSync('sha256sum', [file], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return `sha256:${result.stdout.split(/\s+/)[0]}`;
}

interface Descriptor { mediaType: string; digest: string; size: number }
interface Made {
  /** The folder holding the layouts. */
  dir: string;
  /** The manifest the tag `t` points at, its config and its layer. */
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor;
}

let made: Made | undefined;

/** umoci init / new / insert of a small tree: layout `L`, tag `t`. */
function makeLayout(): Made {
  const dir = tempDir();
  const tree = path.join(dir, 'tree');
  fs.mkdirSync(path.join(tree, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'hello.txt'), 'hello\n');
  fs.writeFileSync(path.join(tree, 'etc', 'app.conf'), 'a=b\n'.repeat(50));
  fs.writeFileSync(path.join(tree, 'data.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 251)));
  tool('umoci', ['init', '--layout', 'L'], dir);
  tool('umoci', ['new', '--image', 'L:t'], dir);
  tool('umoci', ['insert', '--image', 'L:t', 'tree', '/'], dir);
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'L', 'index.json'), 'utf8')) as { manifests: Array<Descriptor & { annotations?: Record<string, string> }> };
  const manifest = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 't');
  assert.ok(manifest, 'umoci wrote no manifest tagged t');
  const body = JSON.parse(fs.readFileSync(blob(path.join(dir, 'L'), manifest.digest), 'utf8')) as { config: Descriptor; layers: Descriptor[] };
  assert.equal(body.layers.length, 1);
  return { dir, manifest, config: body.config, layer: body.layers[0] };
}

function blob(root: string, digest: string): string {
  return path.join(root, 'blobs', ...digest.split(':'));
}

/** A fresh copy of the made layout `L` to damage. */
function copy(name: string): string {
  assert.ok(made);
  const root = path.join(made.dir, name);
  fs.cpSync(path.join(made.dir, 'L'), root, { recursive: true });
  return root;
}

function checkJson(target: string, extra: string[] = []): { run: CliRun; out: JsonOutput } {
  const run = runCli(['check', '--format', 'json', ...extra, target]);
  assert.notEqual(run.stdout, '', run.stderr);
  return { run, out: JSON.parse(run.stdout) as JsonOutput };
}

/** The diagnostics with `code` in the file whose path ends with `suffix`. */
function found(out: JsonOutput, suffix: string, code: string): JsonDiagnostic[] {
  const file = out.files.find((f) => f.path.endsWith(suffix));
  assert.ok(file, `no result for …${suffix}: ${out.files.map((f) => f.path).join(', ')}`);
  return file.diagnostics.filter((d) => d.code === code);
}

/** The text a range covers (LSP positions; the files here are ASCII, so UTF-16 = bytes). */
function textAt(file: string, range: JsonDiagnostic['range']): string {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return fs.readFileSync(file, 'utf8').slice(offset(range.start), offset(range.end));
}

function errors(out: JsonOutput): JsonDiagnostic[] {
  return out.files.flatMap((f) => f.diagnostics.filter((d) => d.severity === 'error'));
}

describe('layouts made by umoci, checked by the CLI', { skip: noUmoci }, () => {
  before(() => {
    made = makeLayout();
  });

  it('the layout as umoci wrote it: names are digests (sha256sum), sizes match, no errors, exit 0', () => {
    assert.ok(made);
    const root = path.join(made.dir, 'L');
    for (const d of [made.manifest, made.config, made.layer]) {
      assert.equal(sha256sum(blob(root, d.digest)), d.digest);
      assert.equal(fs.statSync(blob(root, d.digest)).size, d.size);
    }
    const { run, out } = checkJson(root, ['--verify-digests', 'always']);
    assert.deepEqual(errors(out), []);
    assert.equal(run.status, 0);
    assert.ok(out.files.some((f) => f.path.endsWith('index.json') && f.kind === 'oci-index'));
  });

  it('a truncated layer: blob-digest-mismatch at its digest and blob-size-mismatch at its size, exit 1', () => {
    assert.ok(made);
    const root = copy('truncated');
    const file = blob(root, made.layer.digest);
    fs.truncateSync(file, Math.floor(made.layer.size / 2));
    const onDisk = fs.statSync(file).size;
    const { run, out } = checkJson(root);
    const manifestFile = blob(root, made.manifest.digest);
    const size = found(out, made.manifest.digest.slice(7), 'blob-size-mismatch');
    assert.equal(size.length, 1);
    assert.equal(size[0].severity, 'error');
    assert.equal(textAt(manifestFile, size[0].range), String(made.layer.size));
    assert.match(size[0].message, new RegExp(`${made.layer.size}\\b.*\\b${onDisk}\\b`));
    const digest = found(out, made.manifest.digest.slice(7), 'blob-digest-mismatch');
    assert.equal(digest.length, 1);
    assert.equal(textAt(manifestFile, digest[0].range), JSON.stringify(made.layer.digest));
    assert.ok(digest[0].message.includes(sha256sum(file)), digest[0].message);
    assert.equal(run.status, 1);
  });

  it('a flipped byte in the layer: blob-digest-mismatch naming what sha256sum says, no size complaint', () => {
    assert.ok(made);
    const root = copy('flipped');
    const file = blob(root, made.layer.digest);
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const { run, out } = checkJson(root);
    const digest = found(out, made.manifest.digest.slice(7), 'blob-digest-mismatch');
    assert.equal(digest.length, 1);
    assert.equal(digest[0].severity, 'error');
    assert.equal(textAt(blob(root, made.manifest.digest), digest[0].range), JSON.stringify(made.layer.digest));
    assert.ok(digest[0].message.includes(sha256sum(file)), digest[0].message);
    assert.deepEqual(found(out, made.manifest.digest.slice(7), 'blob-size-mismatch'), []);
    assert.equal(run.status, 1);
  });

  it('a flipped byte in the config (a JSON blob): the config file itself and the manifest descriptor say so', () => {
    assert.ok(made);
    const root = copy('flipped-config');
    const file = blob(root, made.config.digest);
    // Same length, still JSON: one digit of the text changed.
    const text = fs.readFileSync(file, 'utf8');
    const at = text.search(/[0-8]/);
    fs.writeFileSync(file, text.slice(0, at) + String(Number(text[at]) + 1) + text.slice(at + 1));
    const { out } = checkJson(root);
    const atDescriptor = found(out, made.manifest.digest.slice(7), 'blob-digest-mismatch');
    assert.equal(atDescriptor.length, 1);
    assert.equal(textAt(blob(root, made.manifest.digest), atDescriptor[0].range), JSON.stringify(made.config.digest));
    const own = found(out, made.config.digest.slice(7), 'blob-digest-mismatch');
    assert.equal(own.length, 1);
    assert.ok(own[0].message.includes(sha256sum(file)), own[0].message);
  });

  it('a removed layer: blob-missing (information) at its digest; exit 0, the spec allows it', () => {
    assert.ok(made);
    const root = copy('removed');
    fs.rmSync(blob(root, made.layer.digest));
    const { run, out } = checkJson(root);
    const missing = found(out, made.manifest.digest.slice(7), 'blob-missing');
    assert.equal(missing.length, 1);
    assert.equal(missing[0].severity, 'information');
    assert.equal(textAt(blob(root, made.manifest.digest), missing[0].range), JSON.stringify(made.layer.digest));
    assert.deepEqual(errors(out), []);
    assert.equal(run.status, 0);
  });

  it('a wrong size in index.json: blob-size-mismatch at that number, with the size fs.statSync gives', () => {
    assert.ok(made);
    const root = copy('wrong-size');
    const indexFile = path.join(root, 'index.json');
    const wrong = made.manifest.size + 10;
    const text = fs.readFileSync(indexFile, 'utf8');
    const needle = `"size":${made.manifest.size}`;
    assert.equal(text.split(needle).length, 2, 'the manifest size appears once in index.json');
    fs.writeFileSync(indexFile, text.replace(needle, `"size":${wrong}`));
    const { run, out } = checkJson(root);
    const size = found(out, 'index.json', 'blob-size-mismatch');
    assert.equal(size.length, 1);
    assert.equal(size[0].severity, 'error');
    assert.equal(textAt(indexFile, size[0].range), String(wrong));
    assert.match(size[0].message, new RegExp(`${wrong}\\b.*\\b${fs.statSync(blob(root, made.manifest.digest)).size}\\b`));
    assert.equal(run.status, 1);
  });

  it('a layer replaced by a symlink to a file outside the layout: never read, so nothing is judged by its content', () => {
    assert.ok(made);
    const root = copy('symlink-out');
    const outside = path.join(made.dir, 'outside.bin');
    fs.writeFileSync(outside, 'not the layer, and of another size\n');
    const file = blob(root, made.layer.digest);
    fs.rmSync(file);
    fs.symlinkSync(path.relative(path.dirname(file), outside), file);
    const { run, out } = checkJson(root);
    const manifestSuffix = made.manifest.digest.slice(7);
    // Had the link been followed, the size and digest of outside.bin would be reported.
    for (const code of ['blob-size-mismatch', 'blob-digest-mismatch', 'blob-content-mismatch']) assert.deepEqual(found(out, manifestSuffix, code), [], code);
    assert.ok(!out.files.some((f) => f.path.endsWith(made!.layer.digest.slice(7))), 'the link is not checked as a file');
    const verbose = runCli(['check', '-v', root]);
    assert.match(verbose.stdout, new RegExp(`${made.layer.digest.slice(7)}: skipped: a symbolic link to outside`));
    assert.equal(run.status, 0);
  });

  it('a FIFO in blobs/sha256: the run does not hang on it and says it was not read', () => {
    assert.ok(made);
    const root = copy('fifo');
    const name = 'f'.repeat(64);
    const mk = spawnSync('mkfifo', [path.join(root, 'blobs', 'sha256', name)]);
    if (mk.status !== 0) return; // no mkfifo here: nothing to test
    // Point the index at it too, so the rules resolve its digest.
    const indexFile = path.join(root, 'index.json');
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as { manifests: unknown[] };
    index.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${name}`, size: 5 });
    fs.writeFileSync(indexFile, JSON.stringify(index));
    const started = Date.now();
    const { run, out } = checkJson(root, ['--verify-digests', 'always']);
    assert.ok(Date.now() - started < 25_000);
    for (const code of ['blob-size-mismatch', 'blob-digest-mismatch', 'blob-missing']) assert.deepEqual(found(out, 'index.json', code), [], code);
    assert.equal(run.status, 0);
    const verbose = runCli(['check', '-v', root]);
    assert.match(verbose.stdout, new RegExp(`${name}: skipped: a FIFO`));
  });

  it('the text summary: blobs verified, bytes hashed (the sizes fs.statSync gives), problems by severity', () => {
    assert.ok(made);
    const root = copy('summary');
    const file = blob(root, made.layer.digest);
    const bytes = fs.readFileSync(file);
    bytes[10] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const run = runCli(['check', '--verify-digests', 'always', root]);
    const blobsDir = path.join(root, 'blobs', 'sha256');
    const names = fs.readdirSync(blobsDir);
    const total = names.reduce((n, name) => n + fs.statSync(path.join(blobsDir, name)).size, 0);
    const line = run.stdout.split('\n').find((l) => l.includes('layout blob'));
    assert.ok(line, run.stdout);
    const match = /^(\d+) layout blobs? verified by digest: (\d+) mismatched, ([\d,]+) bytes hashed$/.exec(line);
    assert.ok(match, line);
    assert.equal(Number(match[1]), names.length);
    assert.equal(Number(match[2]), 1);
    assert.equal(Number(match[3].replace(/,/g, '')), total);
    assert.match(run.stdout, /files checked: 1 error, \d+ warnings?, \d+ information/);
    assert.equal(run.status, 1);
  });
});

describe('skopeo copies of the umoci layout', { skip: noSkopeo }, () => {
  before(() => {
    made ??= makeLayout();
  });

  it('oci: → oci: gives a layout with no errors', () => {
    assert.ok(made);
    tool('skopeo', ['copy', 'oci:L:t', 'oci:L2:t'], made.dir);
    const { run, out } = checkJson(path.join(made.dir, 'L2'), ['--verify-digests', 'always']);
    assert.deepEqual(errors(out), []);
    assert.equal(run.status, 0);
    assert.ok(out.files.some((f) => f.path.endsWith('index.json')));
  });

  it('oci: → dir: (v2s2) gives a manifest.json with no errors', () => {
    assert.ok(made);
    tool('skopeo', ['copy', '--format', 'v2s2', 'oci:L:t', 'dir:D'], made.dir);
    const { run, out } = checkJson(path.join(made.dir, 'D'), ['--verify-digests', 'always']);
    assert.deepEqual(errors(out), []);
    assert.equal(run.status, 0);
    assert.ok(out.files.some((f) => f.path.endsWith('manifest.json') && f.kind === 'docker-manifest'), JSON.stringify(out.files.map((f) => [f.path, f.kind])));
  });
});
