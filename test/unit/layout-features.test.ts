/**
 * Editor features that read the layout: hovers with a layer's real contents (checked against the
 * real `tar -t` and node:zlib), configs and child manifests; completion of digests from the layout;
 * references across it. Layers are written by the real `tar`; the bounds of a layer read are tested
 * on a generated large layer.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import { getCompletions, getHover, parseDocument } from 'image-manifest-language-server';
import { summarizeLayer } from 'image-manifest-language-server/out/layout/blob-analysis';
import { BlobJobs } from 'image-manifest-language-server/out/layout/blob-jobs';
import { layoutContextFor, type LayoutOptions } from 'image-manifest-language-server/out/layout/fs-blob-store';
import { findReferences } from 'image-manifest-language-server/out/layout/references';
import { blobFile, buildLayout, copyFixtureLayout, hasTool, sampleTree, sha256Of, tarList, tempDir, type BuiltLayout } from '../helpers/layouts';

const HAS_TAR = hasTool('tar');

/** The hover at the first occurrence of `needle` (plus `delta` characters into it). */
function hoverAt(file: string, options: LayoutOptions, needle: string, delta = 1) {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${file}`);
  return getHover(parseDocument(text), at + delta, { blobs: layoutContextFor(file, options).blobs });
}

/** The hover, after the background work it waits for has ended. */
async function settledHover(jobs: BlobJobs, file: string, needle: string, delta = 1) {
  const options: LayoutOptions = { verifyDigests: 'auto', jobs };
  const first = hoverAt(file, options, needle, delta);
  if (first?.pending) assert.ok(await jobs.settled(30_000), 'background work ended');
  return { first, hover: hoverAt(file, options, needle, delta) };
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

describe('layer hovers', { skip: !HAS_TAR && 'needs tar' }, () => {
  let built: BuiltLayout;
  let jobs: BlobJobs;

  before(() => {
    built = buildLayout([(dir) => sampleTree(dir, 'a'), (dir) => fs.writeFileSync(path.join(dir, 'only-file'), 'x')], { pretty: true });
    cleanup.push(path.dirname(built.root));
    jobs = new BlobJobs();
  });
  after(() => jobs.dispose());

  it('says "reading" first, then the numbers `tar -tzf` and zlib give', async () => {
    const layer = built.layers[0];
    const { first, hover } = await settledHover(jobs, built.manifestFile, layer.digest);
    assert.equal(first?.pending, true, 'the first hover comes back at once, marked pending');
    assert.match(first!.markdown, /reading the layer/);
    assert.ok(hover && !hover.pending, hover?.markdown);
    const markdown = hover.markdown;
    assert.match(markdown, new RegExp(`Entries: \\*\\*${layer.listed.length}\\*\\*`), markdown);
    const directories = layer.listed.filter((line) => line.endsWith('/')).length;
    assert.match(markdown, new RegExp(`\\b${directories} directories\\b`), markdown);
    assert.match(markdown, /\b1 symlink\b/);
    assert.match(markdown, /\b1 hard link\b/);
    assert.match(markdown, /\b1 whiteout\b/);
    assert.match(markdown, new RegExp(`Uncompressed: \\*\\*[^*]+\\*\\* \\(${groupDigits(layer.uncompressedSize)} bytes\\)`), markdown);
    // Under 1,000 bytes the unit would only repeat the number: `**196 bytes**`.
    const onDisk = layer.size < 1000 ? `\\*\\*${layer.size} bytes\\*\\*` : `\\*\\*[^*]+\\*\\* \\(${groupDigits(layer.size)} bytes\\)`;
    assert.match(markdown, new RegExp(`On disk: ${onDisk} ✓`), markdown);
    assert.match(markdown, /Top level: `\.wh\.removed`, `etc\/`, `opt\/`, `usr\/`/);
    assert.match(markdown, /diff_id ✓ matches the config's `rootfs\.diff_ids\[0\]`/);
    assert.match(markdown, /Digest ✓ verified/);
  });

  it('answers later hovers from the cache', async () => {
    await settledHover(jobs, built.manifestFile, built.layers[1].digest);
    const started = jobs.started.layer;
    const again = hoverAt(built.manifestFile, { verifyDigests: 'auto', jobs }, built.layers[1].digest);
    assert.equal(again?.pending, undefined);
    assert.match(again!.markdown, /Entries: \*\*2\*\* \(1 file, 1 directory\)/);
    assert.equal(jobs.started.layer, started);
  });

  it('says when the diff_id in the config does not match the layer', async () => {
    const config = JSON.parse(fs.readFileSync(built.configFile, 'utf8'));
    const wrong = sha256Of('not this layer');
    config.rootfs.diff_ids[1] = wrong;
    const text = JSON.stringify(config);
    const root = path.join(tempDir(), 'layout');
    cleanup.push(path.dirname(root));
    fs.cpSync(built.root, root, { recursive: true });
    const configBlob = blobFile(root, sha256Of(text));
    fs.writeFileSync(configBlob, text);
    const manifest = JSON.parse(built.manifestText);
    manifest.config = { ...manifest.config, digest: sha256Of(text), size: Buffer.byteLength(text) };
    const manifestFile = path.join(root, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const { hover } = await settledHover(jobs, manifestFile, built.layers[1].digest);
    assert.match(hover!.markdown, new RegExp(`diff_id ✗ \\*\\*the uncompressed tar hashes to \`${built.layers[1].diffId}\`\\*\\*, but the config's \`rootfs\\.diff_ids\\[1\\]\` is \`${wrong}\``), hover!.markdown);
  });

  it('shows the config: platform, created, entrypoint and cmd, env count, history', async () => {
    const { hover } = await settledHover(jobs, built.manifestFile, built.configDigest);
    const markdown = hover!.markdown;
    assert.match(markdown, /Platform: `linux\/amd64`/);
    assert.match(markdown, /Created: 2024-05-01T10:00:00Z/);
    assert.match(markdown, /Entrypoint: `\["\/bin\/app"\]`/);
    assert.match(markdown, /Cmd: `\["--serve"\]`/);
    assert.match(markdown, /Env: 2 variables/);
    assert.match(markdown, /History: 2 entries/);
  });

  it('shows a child manifest of the index: its platform and layer count', async () => {
    const { hover } = await settledHover(jobs, built.indexFile, built.manifestDigest);
    assert.match(hover!.markdown, /Platform \(from its config\): `linux\/amd64`/);
    assert.match(hover!.markdown, /2 layers, /);
  });

  it('a layer that is not in the layout is said to be missing, without an error', () => {
    const text = fs.readFileSync(built.manifestFile, 'utf8').replace(built.layers[1].digest, sha256Of('elsewhere'));
    const file = path.join(built.root, 'other.json');
    fs.writeFileSync(file, text);
    const hover = hoverAt(file, { verifyDigests: 'auto', jobs }, sha256Of('elsewhere'));
    assert.match(hover!.markdown, /Not in the layout/);
  });
});

describe('layer hovers on the real fixtures', { skip: !HAS_TAR && 'needs tar' }, () => {
  it('umoci-12-layers: every layer has the entries `tar -tzf` lists, and its diff_id matches', async () => {
    const root = copyFixtureLayout('umoci-12-layers');
    cleanup.push(path.dirname(root));
    const manifestFile = blobFile(root, 'sha256:954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { layers: Array<{ digest: string }> };
    const jobs = new BlobJobs();
    try {
      for (const [i, layer] of manifest.layers.entries()) {
        const { hover } = await settledHover(jobs, manifestFile, layer.digest);
        const listed = tarList(blobFile(root, layer.digest));
        assert.match(hover!.markdown, new RegExp(`Entries: \\*\\*${listed.length}\\*\\*`), hover!.markdown);
        assert.match(hover!.markdown, new RegExp(`diff_id ✓ matches the config's \`rootfs\\.diff_ids\\[${i}\\]\``), hover!.markdown);
        // umoci 0.4.7 writes these tars without their last padding and end blocks; `tar` complains.
        assert.match(hover!.markdown, /⚠ the tar stream is cut short/);
      }
    } finally {
      jobs.dispose();
    }
  });

  it('zstd-layout: the zstd layer is read (fzstd where node:zlib has no zstd)', { skip: !hasTool('zstd') && 'needs zstd for tar --zstd' }, async () => {
    const root = copyFixtureLayout('zstd-layout');
    cleanup.push(path.dirname(root));
    const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const manifestFile = blobFile(root, index.manifests[0].digest);
    const layer = (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { layers: Array<{ digest: string }> }).layers[0].digest;
    const jobs = new BlobJobs();
    try {
      const { hover } = await settledHover(jobs, manifestFile, layer);
      const listed = tarList(blobFile(root, layer), ['--zstd', '-tf']);
      assert.match(hover!.markdown, new RegExp(`Entries: \\*\\*${listed.length}\\*\\*`), hover!.markdown);
      assert.match(hover!.markdown, /stored zstd-compressed/);
      assert.match(hover!.markdown, /diff_id ✓/);
    } finally {
      jobs.dispose();
    }
  });
});

describe('reading a layer is bounded', () => {
  let file: string;
  let expectedDiffId: string;
  const UNCOMPRESSED = 96 * 1024 * 1024;

  before(async () => {
    // One tar entry of 96 MiB of zeros, gzip-compressed by node:zlib as it is written.
    const dir = tempDir();
    cleanup.push(dir);
    file = path.join(dir, 'big.tar.gz');
    const header = Buffer.alloc(512);
    header.write('big.bin', 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write((UNCOMPRESSED - 1024).toString(8).padStart(11, '0') + '\0', 124);
    header.write('00000000000\0', 136);
    header.write('0', 156);
    header.write('ustar\0' + '00', 257);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    const hash = createHash('sha256');
    const gzip = createGzip({ level: 1 });
    const out = fs.createWriteStream(file);
    gzip.pipe(out);
    const zeros = Buffer.alloc(1024 * 1024);
    hash.update(header);
    gzip.write(header);
    let written = 512;
    while (written < UNCOMPRESSED) {
      const chunk = zeros.subarray(0, Math.min(zeros.length, UNCOMPRESSED - written));
      hash.update(chunk);
      if (!gzip.write(chunk)) await new Promise<void>((resolve) => gzip.once('drain', () => resolve()));
      written += chunk.length;
    }
    gzip.end();
    await new Promise<void>((resolve) => out.once('finish', () => resolve()));
    expectedDiffId = `sha256:${hash.digest('hex')}`;
  });

  it('reads it all within the default limits', async () => {
    const summary = await summarizeLayer(file, 'gzip');
    assert.equal(summary.complete, true, summary.problem);
    assert.equal(summary.uncompressedSize, UNCOMPRESSED);
    assert.equal(summary.entries, 1);
    assert.equal(summary.diffId, expectedDiffId);
  });

  it('stops after its time budget, keeping what it counted and no diff_id', async () => {
    const started = Date.now();
    const summary = await summarizeLayer(file, 'gzip', { timeMs: 5, maxBytes: Number.MAX_SAFE_INTEGER, maxTopLevel: 10 });
    assert.equal(summary.complete, false);
    assert.equal(summary.stoppedBy, 'time');
    assert.equal(summary.diffId, undefined);
    assert.equal(summary.entries, 1);
    assert.ok(summary.uncompressedSize < UNCOMPRESSED, `read ${summary.uncompressedSize}`);
    assert.ok(Date.now() - started < 2000, 'returned promptly');
  });

  it('stops after its byte budget', async () => {
    const summary = await summarizeLayer(file, 'gzip', { timeMs: 60_000, maxBytes: 1024 * 1024, maxTopLevel: 10 });
    assert.equal(summary.stoppedBy, 'bytes');
    assert.equal(summary.uncompressedSize, 1024 * 1024);
    assert.equal(summary.diffId, undefined);
  });

  it('the hover says it is incomplete', async () => {
    const root = path.join(tempDir(), 'layout');
    cleanup.push(path.dirname(root));
    const bytes = fs.readFileSync(file);
    const digest = sha256Of(bytes);
    fs.mkdirSync(path.join(root, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    fs.writeFileSync(blobFile(root, digest), bytes);
    const manifestFile = path.join(root, 'm.json');
    fs.writeFileSync(manifestFile, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Of('c'), size: 1 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: bytes.length }] }, null, 2));
    const jobs = new BlobJobs();
    try {
      const options: LayoutOptions = { verifyDigests: 'never', jobs, layerLimits: { timeMs: 5, maxBytes: Number.MAX_SAFE_INTEGER, maxTopLevel: 10 } };
      const text = fs.readFileSync(manifestFile, 'utf8');
      const at = text.indexOf(digest) + 1;
      const blobs = layoutContextFor(manifestFile, options).blobs;
      assert.equal(getHover(parseDocument(text), at, { blobs })?.pending, true);
      await jobs.settled(30_000);
      const hover = getHover(parseDocument(text), at, { blobs })!;
      assert.match(hover.markdown, /Incomplete: stopped after/);
      assert.match(hover.markdown, /diff_id: not computed/);
      assert.match(hover.markdown, /read so far/);
    } finally {
      jobs.dispose();
    }
  });
});

describe('digest completion from the layout', { skip: !HAS_TAR && 'needs tar' }, () => {
  let built: BuiltLayout;
  before(() => {
    built = buildLayout([(dir) => fs.writeFileSync(path.join(dir, 'f'), 'content')]);
    cleanup.push(path.dirname(built.root));
  });

  it('offers the blobs, layers first in a layer descriptor, and fills mediaType and size', () => {
    const text = '{\n  "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.manifest.v1+json",\n  "layers": [\n    {\n      "digest": ""\n    }\n  ]\n}\n';
    const file = path.join(built.root, 'draft.json');
    fs.writeFileSync(file, text);
    const offset = text.indexOf('"digest": ""') + '"digest": "'.length;
    const { items } = getCompletions(parseDocument(text), offset, { blobs: layoutContextFor(file, {}).blobs });
    const fromLayout = items.filter((item) => item.kind === 'reference' && item.detail?.includes(' · '));
    assert.equal(fromLayout[0].label, built.layers[0].digest, items.map((i) => `${i.label} ${i.detail}`).join('\n'));
    assert.match(fromLayout[0].detail!, /^layer \(tar\+gzip\) · /);
    const labels = fromLayout.map((item) => item.label);
    for (const digest of [built.configDigest, built.manifestDigest]) assert.ok(labels.includes(digest), digest);
    assert.match(fromLayout.find((item) => item.label === built.configDigest)!.detail!, /^image config \(linux\/amd64\) · /);
    assert.match(fromLayout.find((item) => item.label === built.manifestDigest)!.detail!, /^OCI manifest · /);

    // Applying the item: the digest, and mediaType and size before it.
    const item = fromLayout[0];
    const edits = [item.textEdit, ...(item.additionalEdits ?? [])].sort((a, b) => b.range.start - a.range.start);
    let result = text;
    for (const edit of edits) result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
    const layer = (JSON.parse(result) as { layers: Array<Record<string, unknown>> }).layers[0];
    assert.deepEqual(layer, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: built.layers[0].size, digest: built.layers[0].digest });
    assert.match(result, /\n {6}"mediaType": "application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip",\n {6}"size": \d+,\n {6}"digest": "sha256:/);
  });

  it('leaves a set mediaType and size alone, and fills an empty mediaType', () => {
    const text = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"","size":7,"digest":""},"layers":[]}';
    const file = path.join(built.root, 'draft2.json');
    const offset = text.indexOf('"digest":""') + '"digest":"'.length;
    const { items } = getCompletions(parseDocument(text), offset, { blobs: layoutContextFor(file, {}).blobs });
    const config = items.find((item) => item.label === built.configDigest)!;
    assert.ok(config, items.map((i) => i.label).join('\n'));
    assert.equal(items.filter((item) => item.detail?.includes(' · '))[0].label, built.configDigest, 'the config first in a config descriptor');
    assert.deepEqual(config.additionalEdits, [{ range: { start: text.indexOf('""'), end: text.indexOf('""') + 2 }, newText: '"application/vnd.oci.image.config.v1+json"' }]);
  });

  it('gives a member typed without its value (`"size":`) its value instead of a second member', () => {
    const text = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[{"mediaType":"","digest":"","size":}]}';
    const file = path.join(built.root, 'draft3.json');
    const offset = text.indexOf('"digest":""') + '"digest":"'.length;
    const { items } = getCompletions(parseDocument(text), offset, { blobs: layoutContextFor(file, {}).blobs });
    const item = items.find((candidate) => candidate.label === built.layers[0].digest);
    assert.ok(item, items.map((i) => i.label).join('\n'));
    const edits = [item.textEdit, ...(item.additionalEdits ?? [])].sort((a, b) => b.range.start - a.range.start);
    let result = text;
    for (const edit of edits) result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
    // Valid JSON with one size: JSON.parse would keep the last of two, so count the keys in the text.
    const layer = (JSON.parse(result) as { layers: Array<Record<string, unknown>> }).layers[0];
    assert.deepEqual(layer, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: built.layers[0].digest, size: built.layers[0].size });
    assert.equal(result.split('"size"').length - 1, 1, result);
  });

  it('offers nothing from a layout outside one', () => {
    const text = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[{"digest":""}]}';
    const { items } = getCompletions(parseDocument(text), text.indexOf('"digest":""') + 10);
    assert.ok(!items.some((item) => item.label === built.layers[0].digest));
  });
});

describe('references across the layout', { skip: !HAS_TAR && 'needs tar' }, () => {
  it('finds the index and the manifest naming a blob, and prefers open editor text', async () => {
    const built = buildLayout([(dir) => fs.writeFileSync(path.join(dir, 'f'), 'content')], { pretty: true });
    cleanup.push(path.dirname(built.root));
    const store = layoutContextFor(built.indexFile, {}).blobs!;
    const manifest = await findReferences(built.root, store, built.manifestDigest, () => undefined);
    assert.deepEqual(manifest.found.map((f) => f.file), [built.indexFile]);
    const text = fs.readFileSync(built.indexFile, 'utf8');
    assert.equal(text.slice(manifest.found[0].ranges[0].start, manifest.found[0].ranges[0].end), built.manifestDigest);

    const layer = await findReferences(built.root, store, built.layers[0].digest, () => undefined);
    assert.deepEqual(layer.found.map((f) => path.basename(f.file)), [built.manifestDigest.slice(7)]);
    assert.equal(layer.truncated, false);

    // An unsaved editor buffer of index.json that names the layer too.
    const edited = text.replace('"latest"', `"${built.layers[0].digest}"`);
    const open = await findReferences(built.root, store, built.layers[0].digest, (file) => (file === built.indexFile ? edited : undefined));
    assert.equal(open.found.length, 2);
  });

  it('stops at its limits and says so', async () => {
    const built = buildLayout([(dir) => fs.writeFileSync(path.join(dir, 'f'), 'content')]);
    cleanup.push(path.dirname(built.root));
    const store = layoutContextFor(built.indexFile, {}).blobs!;
    const result = await findReferences(built.root, store, built.layers[0].digest, () => undefined, () => false, { maxFiles: 1, maxFileBytes: 1 << 20, maxTotalChars: 1 << 30, timeMs: 10_000 });
    assert.equal(result.truncated, true);
  });
});
