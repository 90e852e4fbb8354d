import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'image-manifest-language-server';
import { getHover } from 'image-manifest-language-server/out/service/features';
import { cursor } from '../helpers/cursor-fixture';
import { FIXTURES, REPO_ROOT } from '../helpers/paths';

const REAL = path.join(FIXTURES, 'real');
const UMOCI = path.join(REAL, 'umoci-12-layers');
const UMOCI_MANIFEST_DIGEST = 'sha256:954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

function blobPath(layout: string, digest: string): string {
  const [algorithm, encoded] = digest.split(':');
  return path.join(layout, 'blobs', algorithm, encoded);
}

/** The size of a blob as the file system knows it: independent of the manifest's claims. */
function blobBytes(layout: string, digest: string): number {
  return fs.statSync(blobPath(layout, digest)).size;
}

function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** How a size reads in a hover: `**3.2 kB** (3,200 bytes)`; under 1,000 just `**196 bytes**` (a unit would repeat it). */
function sizeText(n: number): string {
  return n < 1000 ? `**${n} ${n === 1 ? 'byte' : 'bytes'}**` : `(${grouped(n)} bytes)`;
}

/** Hover at the `nth` occurrence of `needle` (0-based), one character into it. */
function hoverAt(text: string, needle: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${needle} #${nth} not found`);
  }
  const hover = getHover(parseDocument(text), at + 1);
  assert.ok(hover, `no hover at ${needle} #${nth}`);
  return hover.markdown;
}

function hoverMarked(marked: string): string | undefined {
  const { text, offset } = cursor(marked);
  return getHover(parseDocument(text), offset)?.markdown;
}

describe('hover on the real 12-layer umoci manifest', () => {
  const text = fs.readFileSync(blobPath(UMOCI, UMOCI_MANIFEST_DIGEST), 'utf8');
  const manifest = JSON.parse(text) as { config: Descriptor; layers: Descriptor[] };
  const total = manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0);

  test('each layer: its number, size in bytes as on disk, share of the image', () => {
    for (const [index, layer] of manifest.layers.entries()) {
      const bytes = blobBytes(UMOCI, layer.digest);
      // Hover on the layer's `size` key, its digest value and its opening brace.
      for (const markdown of [hoverAt(text, '"size"', index + 1), hoverAt(text, '{', index + 2)]) {
        assert.match(markdown, new RegExp(`\\*\\*Layer ${index + 1} of 12\\*\\*`));
        assert.ok(markdown.includes(sizeText(bytes)), markdown);
        const share = `${((bytes / total) * 100).toFixed(1)}%`;
        assert.ok(markdown.includes(`${share} of the image's`), `${share} in ${markdown}`);
        assert.ok(markdown.includes(layer.digest));
        assert.ok(markdown.includes('`tar+gzip`'));
        assert.ok(markdown.includes('gzip-compressed tar'));
      }
    }
  });

  test('a layer digest value: layer number and the algorithm', () => {
    const markdown = hoverAt(text, manifest.layers[2].digest);
    assert.match(markdown, /Layer 3 of 12/);
    assert.match(markdown, /SHA-256 \(`sha256`\) · 64 lowercase hex digits ✓/);
  });

  test('the config: size as on disk', () => {
    const markdown = hoverAt(text, '"digest"', 0);
    assert.match(markdown, /\*\*Config\*\*/);
    assert.ok(markdown.includes(sizeText(blobBytes(UMOCI, manifest.config.digest))), markdown);
    assert.ok(markdown.includes(manifest.config.mediaType));
  });

  test('a root member: kind, layer count and total size', () => {
    const markdown = hoverAt(text, '"schemaVersion"');
    assert.match(markdown, /\*\*OCI image manifest\*\*/);
    assert.match(markdown, /- 12 layers/);
    assert.ok(markdown.includes(`(${grouped(total)} bytes:`), `${grouped(total)} in ${markdown}`);
    const onDisk = blobBytes(UMOCI, manifest.config.digest) + manifest.layers.reduce((sum, layer) => sum + blobBytes(UMOCI, layer.digest), 0);
    assert.equal(onDisk, total, 'the fixture’s sizes match its blobs');
    assert.match(markdown, /Must be `2`/, 'the member’s description from the schema');
  });

  test('the "config" key itself: the config descriptor, not the document', () => {
    const markdown = hoverAt(text, '"config"');
    assert.match(markdown, /\*\*Config\*\*/);
    assert.ok(markdown.includes(sizeText(blobBytes(UMOCI, manifest.config.digest))), markdown);
    assert.doesNotMatch(markdown, /- 12 layers/);
  });

  test('a mediaType value: what it is and which spec defines it', () => {
    const markdown = hoverAt(text, 'application/vnd.oci.image.layer.v1.tar+gzip', 4);
    assert.match(markdown, /Layer 5 of 12/);
    assert.match(markdown, /\[OCI Image Format Specification\]\(https:\/\/github\.com\/opencontainers\/image-spec\/blob\/main\/layer\.md\)/);
  });
});

describe('hover on indexes', () => {
  test('the layout index of the umoci fixture: the entry’s size matches the manifest blob', () => {
    const text = fs.readFileSync(path.join(UMOCI, 'index.json'), 'utf8');
    const markdown = hoverAt(text, '"size"');
    assert.match(markdown, /\*\*Manifest 1 of 1\*\*/);
    assert.ok(markdown.includes(sizeText(blobBytes(UMOCI, UMOCI_MANIFEST_DIGEST))), markdown);
    assert.match(markdown, /`org\.opencontainers\.image\.ref\.name` = `x`/);
  });

  test('platforms of a multi-platform index', () => {
    const text = fs.readFileSync(path.join(REAL, 'registry-multi-oci.json'), 'utf8');
    const root = hoverAt(text, '"manifests"');
    assert.match(root, /- 2 manifests/);
    assert.match(root, /Platforms: `linux\/amd64`, `linux\/arm64\/v8`/);
    assert.match(hoverAt(text, '"digest"', 1), /\*\*Manifest 2 of 2 · linux\/arm64\/v8\*\*/);
  });

  test('BuildKit attestation entries are explained, not flagged', () => {
    const layout = path.join(FIXTURES, 'reported', '22-real-buildkit-multiplatform-layout');
    const digest = 'sha256:5ac2d3ac39878329a6328eba5b2a6e5e7a06279244eea0f2ea893f76cefff26c';
    const text = fs.readFileSync(blobPath(layout, digest), 'utf8');
    const children = (JSON.parse(text) as { manifests: Descriptor[] }).manifests;
    const markdown = hoverAt(text, '"size"', 2);
    assert.match(markdown, /\*\*Manifest 3 of 4 · BuildKit attestation\*\*/);
    assert.match(markdown, /entry 1 \(linux\/amd64\)/);
    assert.ok(markdown.includes(sizeText(blobBytes(layout, children[2].digest))));
    assert.match(hoverAt(text, '"unknown"'), /BuildKit attestation manifests use the platform `unknown\/unknown`/);
    const root = hoverAt(text, '"manifests"');
    assert.match(root, /Platforms: `linux\/amd64`, `linux\/arm64`/);
    assert.match(root, /2 BuildKit attestation manifests/);
  });
});

describe('hover on a Docker manifest', () => {
  test('the layer size matches the blob next to it', () => {
    const dir = path.join(REAL, 'dir-v2s2');
    const text = fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(text) as { config: Descriptor; layers: Descriptor[] };
    const bytes = fs.statSync(path.join(dir, manifest.layers[0].digest.split(':')[1])).size;
    const markdown = hoverAt(text, '"size"', 1);
    assert.match(markdown, /\*\*Layer 1 of 1\*\* · `tar\+gzip`/);
    assert.ok(markdown.includes(sizeText(bytes)), markdown);
    const share = `${((bytes / (bytes + manifest.config.size)) * 100).toFixed(1)}%`;
    assert.ok(markdown.includes(share), markdown);
    assert.match(hoverAt(text, '"mediaType"'), /Docker image manifest v2, schema 2/);
  });
});

describe('hover on values with a meaning of their own', () => {
  const index = (platform: string) => `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","platform":${platform}}]}`;

  test('deprecated and unknown media types', () => {
    const deprecated = hoverMarked('{"schemaVersion":2,"config":{},"layers":[{"mediaType":"application/vnd.oci.image.layer.nondistributable.v1.ta|r"}]}');
    assert.match(deprecated ?? '', /\*\*Deprecated\*\*: use `application\/vnd\.oci\.image\.layer\.v1\.tar` instead/);
    const typo = hoverMarked('{"schemaVersion":2,"config":{},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzp|"}]}');
    assert.match(typo ?? '', /Did you mean `application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip`\?/);
  });

  test('digests: length and case', () => {
    const upper = hoverMarked(`{"schemaVersion":2,"config":{"digest":"sha256:${'A'.repeat(6)}|${'a'.repeat(58)}"},"layers":[]}`);
    assert.match(upper ?? '', /uppercase hex is not allowed/);
    const short = hoverMarked(`{"schemaVersion":2,"config":{"digest":"sha256:${'a'.repeat(10)}|"},"layers":[]}`);
    assert.match(short ?? '', /64 lowercase hex digits — found 10/);
  });

  test('platform values', () => {
    assert.match(hoverMarked(index('{"architecture":"arm6|4","os":"linux"}')) ?? '', /a Go `GOARCH` value/);
    assert.match(hoverMarked(index('{"architecture":"aarch|64","os":"linux"}')) ?? '', /Did you mean `arm64`\?/);
    assert.match(hoverMarked(index('{"architecture":"armhf|","os":"linux"}')) ?? '', /Did you mean `arm` with variant `v7`\?/);
    assert.match(hoverMarked(index('{"architecture":"arm64","os":"linux","variant":"armv|8"}')) ?? '', /not a listed variant of `arm64`/);
  });

  test('annotation keys: meaning and format', () => {
    const markdown = hoverMarked('{"schemaVersion":2,"config":{},"layers":[],"annotations":{"org.opencontainers.image.crea|ted":"2024-01-01T00:00:00Z"}}');
    assert.match(markdown ?? '', /Date and time on which the image was built/);
    assert.match(markdown ?? '', /RFC 3339/);
    assert.match(hoverMarked('{"schemaVersion":2,"config":{},"layers":[],"annotations":{"org.opencontainers.artifact.cr|eated":"x"}}') ?? '', /reserved `org\.opencontainers` namespace/);
  });

  test('property docs come from the schemas', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'descriptor.schema.json'), 'utf8'));
    const markdown = hoverMarked(index('{"archi|tecture":"amd64","os":"linux"}'));
    assert.ok(markdown?.includes(schema.properties.platform.properties.architecture.description), markdown);
  });

  test('no hover on JSON that is not a manifest', () => {
    assert.equal(hoverMarked('{"name":"pkg","vers|ion":"1.0.0","dependencies":{}}'), undefined);
    assert.equal(hoverMarked('{"compilerOptions":{"stri|ct":true}}'), undefined);
  });
});
