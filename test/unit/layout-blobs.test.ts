import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument, validateDocument, type ManifestDiagnostic } from 'image-manifest-language-server';
import { layoutContextFor } from 'image-manifest-language-server/out/layout/fs-blob-store';
import { FIXTURES } from '../helpers/paths';

/**
 * Cross-checks between a document and the blobs of its OCI layout, on a copy of the real umoci
 * layout that each test changes in one way. Expected numbers come from the file system.
 */
const MANIFEST = '9157a5b706a44331fd18eeb2b5c333c80ca3546334d032587cc5dfbf15c28441';
const LAYER = 'fe32fc37eab23a67fb475048b575d31c10640c1799f5934b634cab4593cce46f';
const CONFIG = 'e217ba2604196aaab234c5ffd63d81be10119e723a608112dbf463d2403c473e';

let layout: string;

function blobFile(hex: string): string {
  return path.join(layout, 'blobs', 'sha256', hex);
}

function check(file: string, text = fs.readFileSync(file, 'utf8')): ManifestDiagnostic[] {
  return validateDocument(parseDocument(text), { context: layoutContextFor(file) });
}

function codes(diagnostics: ManifestDiagnostic[]): string[] {
  return diagnostics.map((d) => d.code).filter((code) => code.startsWith('blob-') || code.startsWith('layout-'));
}

describe('layout blobs', () => {
  before(() => {
    layout = fs.mkdtempSync(path.join(os.tmpdir(), 'im-layout-'));
    fs.cpSync(path.join(FIXTURES, 'real', 'umoci-layout'), layout, { recursive: true });
  });
  after(() => fs.rmSync(layout, { recursive: true, force: true }));

  it('finds nothing to say about the untouched layout', () => {
    assert.deepEqual(codes(check(path.join(layout, 'index.json'))), []);
    assert.deepEqual(codes(check(blobFile(MANIFEST))), []);
  });

  it('reports a layer whose blob is longer than the descriptor says, with both sizes', () => {
    const manifest = JSON.parse(fs.readFileSync(blobFile(MANIFEST), 'utf8'));
    const declared: number = manifest.layers[0].size;
    assert.equal(declared, fs.statSync(blobFile(LAYER)).size);
    const copy = blobFile(LAYER);
    const original = fs.readFileSync(copy);
    fs.writeFileSync(copy, Buffer.concat([original, Buffer.from('extra')]));
    try {
      const found = check(blobFile(MANIFEST)).filter((d) => d.code === 'blob-size-mismatch');
      assert.equal(found.length, 1);
      assert.equal(found[0].severity, 'error');
      assert.match(found[0].message, new RegExp(`${declared}\\b[\\s\\S]*\\b${original.length + 5}\\b`));
      assert.equal(found[0].fixes?.[0].newText, String(original.length + 5));
    } finally {
      fs.writeFileSync(copy, original);
    }
  });

  it('reports a gzip layer whose bytes are zstd', () => {
    const copy = blobFile(LAYER);
    const original = fs.readFileSync(copy);
    const zstdMagic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
    fs.writeFileSync(copy, Buffer.concat([zstdMagic, original.subarray(4)]));
    try {
      const found = check(blobFile(MANIFEST)).filter((d) => d.code === 'blob-content-mismatch');
      assert.equal(found.length, 1);
      assert.match(found[0].message, /zstd/);
    } finally {
      fs.writeFileSync(copy, original);
    }
  });

  it('notes a blob the layout leaves out as information only', () => {
    const saved = fs.readFileSync(blobFile(LAYER));
    fs.rmSync(blobFile(LAYER));
    try {
      const found = check(blobFile(MANIFEST)).filter((d) => d.code === 'blob-missing');
      assert.equal(found.length, 1);
      assert.equal(found[0].severity, 'information');
    } finally {
      fs.writeFileSync(blobFile(LAYER), saved);
    }
  });

  it('reports a config whose diff_ids do not pair with the layers', () => {
    const config = JSON.parse(fs.readFileSync(blobFile(CONFIG), 'utf8'));
    assert.equal(config.rootfs.diff_ids.length, 1, 'the fixture has one layer');
    const manifestText = fs.readFileSync(blobFile(MANIFEST), 'utf8');
    const manifest = JSON.parse(manifestText);
    manifest.layers.push(manifest.layers[0]);
    const found = check(blobFile(MANIFEST), JSON.stringify(manifest)).filter((d) => d.code === 'layout-layer-count');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /2 layers[\s\S]*lists 1/);
  });
});
