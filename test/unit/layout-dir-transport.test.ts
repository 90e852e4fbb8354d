/**
 * skopeo's `dir:` transport: a flat folder with `version`, `manifest.json` and blobs named by the
 * hex of their sha256 digest. Copies of test/fixtures/real/dir-v2s2 are damaged on purpose; sizes
 * come from fs.statSync and digests from node:crypto, never from the code under test.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDocument, validateDocument, type ManifestDiagnostic } from 'image-manifest-language-server';
import { findLayout, layoutContextFor, type LayoutOptions } from 'image-manifest-language-server/out/layout/fs-blob-store';
import { findReferences } from 'image-manifest-language-server/out/layout/references';
import { copyFixtureLayout, sha256Of, tempDir } from '../helpers/layouts';
import { REPO_ROOT } from '../helpers/paths';

interface Descriptor { mediaType: string; digest: string; size: number }

const roots: string[] = [];
after(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

function folder(): { root: string; manifestFile: string; text: string; config: Descriptor; layer: Descriptor } {
  const root = copyFixtureLayout('dir-v2s2');
  roots.push(path.dirname(root));
  const manifestFile = path.join(root, 'manifest.json');
  const text = fs.readFileSync(manifestFile, 'utf8');
  const body = JSON.parse(text) as { config: Descriptor; layers: Descriptor[] };
  return { root, manifestFile, text, config: body.config, layer: body.layers[0] };
}

function hexFile(root: string, digest: string): string {
  return path.join(root, digest.slice('sha256:'.length));
}

const ALWAYS: LayoutOptions = { verifyDigests: 'always' };

function check(file: string, options: LayoutOptions = ALWAYS): ManifestDiagnostic[] {
  return validateDocument(parseDocument(fs.readFileSync(file, 'utf8')), { context: layoutContextFor(file, options) });
}

function only(code: string, diagnostics: ManifestDiagnostic[]): ManifestDiagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

describe('dir: transport folders', () => {
  it('is recognised by its version file and manifest.json; its blobs are <folder>/<hex>', () => {
    const { root, manifestFile, config, layer } = folder();
    assert.deepEqual(findLayout(manifestFile), { root, flavor: 'dir' });
    const context = layoutContextFor(manifestFile, ALWAYS);
    assert.ok(context.blobs);
    assert.equal(context.isLayoutIndex, false);
    for (const d of [config, layer]) {
      assert.deepEqual(context.blobs.stat(d.digest), { size: fs.statSync(hexFile(root, d.digest)).size });
      assert.equal(sha256Of(fs.readFileSync(hexFile(root, d.digest))), d.digest);
      assert.deepEqual(context.blobs.digestStatus?.(d.digest), { state: 'match' });
    }
    assert.deepEqual(
      context.blobs.list(10).entries.map((e) => e.digest),
      [config.digest, layer.digest].sort(),
    );
    assert.equal(layoutContextFor(hexFile(root, config.digest), ALWAYS).ownDigest, config.digest);
  });

  it('the untouched folder gives no diagnostics at all', () => {
    const { root, manifestFile, config } = folder();
    assert.deepEqual(check(manifestFile), []);
    assert.deepEqual(check(hexFile(root, config.digest)), []);
  });

  it('a flipped byte in the layer: blob-digest-mismatch at its digest, naming the file and what it hashes to', () => {
    const { root, manifestFile, text, layer } = folder();
    const file = hexFile(root, layer.digest);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] ^= 0x40;
    fs.writeFileSync(file, bytes);
    const found = only('blob-digest-mismatch', check(manifestFile));
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'error');
    assert.equal(text.slice(found[0].range.start, found[0].range.end), JSON.stringify(layer.digest));
    assert.ok(found[0].message.includes(sha256Of(bytes)), found[0].message);
    assert.ok(found[0].message.includes(`\`${layer.digest.slice(7)}\``), found[0].message);
    assert.ok(!found[0].message.includes('blobs/sha256'), found[0].message);
    assert.deepEqual(only('blob-size-mismatch', check(manifestFile)), []);
  });

  it('a truncated config: blob-size-mismatch at its size with the size on disk', () => {
    const { root, manifestFile, text, config } = folder();
    const file = hexFile(root, config.digest);
    fs.truncateSync(file, 100);
    const found = only('blob-size-mismatch', check(manifestFile));
    assert.equal(found.length, 1);
    assert.equal(text.slice(found[0].range.start, found[0].range.end), String(config.size));
    assert.match(found[0].message, new RegExp(`\\b${fs.statSync(file).size}\\b`));
  });

  it('a removed layer: blob-missing (information)', () => {
    const { root, manifestFile, text, layer } = folder();
    fs.rmSync(hexFile(root, layer.digest));
    const found = only('blob-missing', check(manifestFile));
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'information');
    assert.equal(text.slice(found[0].range.start, found[0].range.end), JSON.stringify(layer.digest));
  });

  it('the CLI checks the folder: exit 1 on a damaged blob, the summary counts the hashed bytes', () => {
    const { root, layer, config } = folder();
    const file = hexFile(root, layer.digest);
    const bytes = fs.readFileSync(file);
    bytes[20] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const bin = path.join(REPO_ROOT, 'server', 'bin', 'image-manifest.js');
    const result = spawnSync(process.execPath, [bin, 'check', '--verify-digests', 'always', root], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /manifest\.json:1:\d+: error blob-digest-mismatch/);
    const total = fs.statSync(file).size + fs.statSync(hexFile(root, config.digest)).size;
    assert.match(result.stdout, new RegExp(`^2 layout blobs verified by digest: 1 mismatched, ${total.toLocaleString('en-US')} bytes hashed$`, 'm'));
  });

  it('the same safety rules: only grammar-valid sha256 hex names, regular files, inside the folder', () => {
    const { root, manifestFile, layer } = folder();
    const blobs = layoutContextFor(manifestFile, ALWAYS).blobs;
    assert.ok(blobs);
    const hex = layer.digest.slice(7);
    assert.equal(blobs.blobPath(`sha512:${hex}${hex}`), undefined);
    assert.equal(blobs.blobPath(`sha256:${hex.toUpperCase()}`), undefined);
    assert.equal(blobs.blobPath('sha256:../manifest.json'), undefined);
    assert.equal(blobs.blobPath('sha256:version'), undefined);
    assert.equal(blobs.stat('sha256:manifest'), undefined);
    // A symlink out of the folder, to content of another size: never followed.
    const outside = path.join(tempDir(), 'outside');
    roots.push(path.dirname(outside));
    fs.writeFileSync(outside, 'something else entirely');
    const file = hexFile(root, layer.digest);
    fs.rmSync(file);
    fs.symlinkSync(outside, file);
    assert.equal(blobs.stat(layer.digest), undefined);
    assert.equal(blobs.head(layer.digest, 16), undefined);
    assert.deepEqual(only('blob-size-mismatch', check(manifestFile)), []);
    // A FIFO and a directory named like blobs: not regular files, never opened.
    const fifo = 'e'.repeat(64);
    if (spawnSync('mkfifo', [path.join(root, fifo)]).status === 0) {
      assert.equal(blobs.stat(`sha256:${fifo}`), undefined);
      assert.equal(blobs.readText(`sha256:${fifo}`, 1000), undefined);
    }
    fs.mkdirSync(path.join(root, 'd'.repeat(64)));
    assert.equal(blobs.stat(`sha256:${'d'.repeat(64)}`), undefined);
  });

  it('find references searches manifest.json, the document that names the blobs', async () => {
    const { root, manifestFile, text, config, layer } = folder();
    const blobs = layoutContextFor(manifestFile, ALWAYS).blobs!;
    for (const d of [config, layer]) {
      const result = await findReferences(root, blobs, d.digest, () => undefined);
      assert.deepEqual(result.found.map((f) => f.file), [manifestFile]);
      const at = text.indexOf(`"${d.digest}"`) + 1;
      assert.deepEqual(result.found[0].ranges, [{ start: at, end: at + d.digest.length }]);
    }
  });

  it('a folder whose version file says something else, or that has no manifest.json, is no dir: folder', () => {
    const { root, manifestFile } = folder();
    fs.writeFileSync(path.join(root, 'version'), 'Some Other Format 1.0\n');
    const other = path.join(path.dirname(root), 'other');
    fs.cpSync(root, other, { recursive: true });
    assert.equal(layoutContextFor(path.join(other, 'manifest.json'), ALWAYS).blobs, undefined);
    const noManifest = path.join(path.dirname(root), 'no-manifest');
    fs.mkdirSync(noManifest);
    fs.writeFileSync(path.join(noManifest, 'version'), 'Directory Transport Version: 1.1\n');
    fs.writeFileSync(path.join(noManifest, 'config.json'), '{}');
    assert.equal(findLayout(path.join(noManifest, 'config.json')), undefined);
    assert.ok(manifestFile);
  });
});
