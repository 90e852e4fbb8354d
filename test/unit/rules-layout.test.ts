/**
 * Checks across the documents of an OCI image layout (image-spec descriptor.md: a descriptor's
 * `mediaType` is that of the referenced content; image-index.md platform vs config.md), given the
 * layout's blobs through the context. Missing blobs are allowed (image-layout.md).
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InMemoryBlobStore } from 'image-manifest-language-server';
import {
  MT,
  atLeast,
  check,
  dockerManifest,
  formatDiagnostics,
  imageConfig,
  json,
  memoryBlobs,
  ociIndex,
  ociManifest,
  platformChild,
  runRuleCases,
  sha256,
  type RuleCase,
} from '../helpers/diagnostics';

type Json = Record<string, any>;

const amd64Config = json(imageConfig());
const arm64Config = json({ ...imageConfig(), architecture: 'arm64', variant: 'v8' });

function manifestFor(config: string): string {
  return json({ ...ociManifest(), config: { mediaType: MT.ociConfig, digest: sha256(config), size: Buffer.byteLength(config) } });
}

const amd64Manifest = manifestFor(amd64Config);
const arm64Manifest = manifestFor(arm64Config);
const dockerV2s2 = json(dockerManifest());
const nestedIndex = json({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [] });

const store = memoryBlobs([amd64Config, arm64Config, amd64Manifest, arm64Manifest, dockerV2s2, nestedIndex]);
const layout = { context: { isLayoutIndex: true, blobs: store } };

function child(mediaType: string, text: string, extra: Json = {}): Json {
  return { mediaType, digest: sha256(text), size: Buffer.byteLength(text), ...extra };
}

function layoutIndex(...children: Json[]): string {
  return json({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: children });
}

/** Blobs a manifest in the layout points to: its config and two gzip layers, and a zstd blob. */
const layerA = gzipSync(Buffer.from('layer a'));
const layerB = gzipSync(Buffer.from('layer b'));
const zstdBlob = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x41, 0x00, 0x00]);
const manifestStore = memoryBlobs([amd64Config, layerA, layerB, zstdBlob]);
const inLayout = { context: { blobs: manifestStore } };

function desc(mediaType: string, content: string | Buffer, extra: Json = {}): Json {
  return { mediaType, digest: sha256(content), size: Buffer.byteLength(content), ...extra };
}

/** An OCI manifest in the layout: the amd64 config (2 diff_ids) and these layers. */
function layoutManifest(...layers: Json[]): string {
  return json({ ...ociManifest(), config: desc(MT.ociConfig, amd64Config), layers });
}

/**
 * A store that verifies digests (node:crypto over the stored bytes), where the blob named by layer
 * B's digest had one byte flipped after the descriptor was written: same size, other content.
 */
const layerC = gzipSync(Buffer.from('layer c'));
const layerBDamaged = Buffer.from(layerB);
layerBDamaged[layerBDamaged.length - 5] ^= 0xff;
const verifyingStore = new InMemoryBlobStore(
  new Map<string, Buffer | string>([
    [sha256(amd64Config), amd64Config],
    [sha256(layerA), layerA],
    [sha256(layerB), layerBDamaged],
    [sha256(layerC), layerC],
  ]),
);
const verifying = { context: { blobs: verifyingStore } };

/** A store whose blob for layer B's digest is a FIFO: it exists, but is never read. */
const fifoStore: InMemoryBlobStore & { unreadableReason(digest: string): string | undefined } = Object.assign(
  new InMemoryBlobStore(new Map<string, Buffer | string>([[sha256(amd64Config), amd64Config], [sha256(layerA), layerA], [sha256(layerC), layerC]])),
  {
    unreadableReason: (digest: string) => (digest === sha256(layerB) ? 'a FIFO (named pipe)' : undefined),
  },
);
const originalStat = fifoStore.stat.bind(fifoStore);
fifoStore.stat = ((digest: string) => (digest === sha256(layerB) ? undefined : originalStat(digest))) as typeof fifoStore.stat;

export const CASES: RuleCase[] = [
  {
    // image-layout.md: blobs are files under blobs/<alg>/<encoded>; one that is a FIFO or a link out is never read.
    name: 'a layer blob that is a FIFO',
    code: 'blob-unreadable',
    severity: 'warning',
    bad: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB)),
    good: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerC)),
    where: [{ path: '$.layers[1].digest', text: JSON.stringify(sha256(layerB)) }],
    options: { context: { blobs: fifoStore } },
  },
  {
    // image-layout.md: blobs MAY be missing (fulfilled by an external store): information only.
    name: 'a layer blob the layout does not have',
    code: 'blob-missing',
    severity: 'information',
    bad: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, 'not in the layout')),
    good: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB)),
    where: [{ path: '$.layers[1].digest', altPath: '$.layers[1]', text: [JSON.stringify(sha256('not in the layout')), '{'] }],
    options: inLayout,
  },
  {
    // descriptor.md: size is the size of the raw content; clients verify it.
    name: 'a descriptor size that differs from the blob',
    code: 'blob-size-mismatch',
    severity: 'error',
    bad: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB, { size: layerB.length + 1 })),
    good: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB)),
    where: [{ path: '$.layers[1].size', text: String(layerB.length + 1) }],
    fix: true,
    options: inLayout,
  },
  {
    name: 'an index entry size that differs from the manifest blob',
    code: 'blob-size-mismatch',
    severity: 'error',
    bad: layoutIndex(child(MT.ociManifest, amd64Manifest, { size: Buffer.byteLength(amd64Manifest) - 1 })),
    good: layoutIndex(child(MT.ociManifest, amd64Manifest)),
    where: [{ path: '$.manifests[0].size', text: String(Buffer.byteLength(amd64Manifest) - 1) }],
    fix: true,
    options: layout,
  },
  {
    // descriptor.md: mediaType is the media type of the referenced content.
    name: 'a +gzip layer whose blob is zstd data',
    code: 'blob-content-mismatch',
    severity: 'error',
    bad: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, zstdBlob)),
    good: layoutManifest(desc(MT.ociLayerGzip, layerA), desc('application/vnd.oci.image.layer.v1.tar+zstd', zstdBlob)),
    where: [{ path: '$.layers[1].mediaType', text: JSON.stringify(MT.ociLayerGzip) }],
    options: inLayout,
  },
  {
    // descriptor.md#digests: the digest is of the referenced content; consumers verify it
    // ("digest mismatch"). The damaged blob keeps its size, so only hashing can tell.
    name: 'a layer blob with one byte flipped',
    code: 'blob-digest-mismatch',
    severity: 'error',
    bad: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB)),
    good: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerC)),
    where: [{ path: '$.layers[1].digest', text: JSON.stringify(sha256(layerB)) }],
    message: /sha256:[0-9a-f]{64}/,
    options: verifying,
  },
  {
    // config.md rootfs.diff_ids pair with manifest.md layers (SPEC.md cross-checks).
    name: 'fewer layers than the config has diff_ids',
    code: 'layout-layer-count',
    severity: 'error',
    bad: layoutManifest(desc(MT.ociLayerGzip, layerA)),
    good: layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB)),
    where: [{ path: '$.layers', altPath: '$.config', text: ['"layers"', '"config"'] }],
    options: inLayout,
  },
  {
    // Reported 13: index.json says OCI manifest, the blob is a Docker v2s2 manifest.
    name: 'index entry says OCI manifest, the blob is a Docker manifest',
    code: 'layout-media-type-mismatch',
    severity: 'error',
    bad: layoutIndex(child(MT.ociManifest, dockerV2s2)),
    good: layoutIndex(child(MT.ociManifest, amd64Manifest)),
    where: [{ path: '$.manifests[0].mediaType', text: JSON.stringify(MT.ociManifest) }],
    fix: true,
    options: layout,
  },
  {
    name: 'index entry says OCI manifest, the blob is an index',
    code: 'layout-media-type-mismatch',
    severity: 'error',
    bad: layoutIndex(child(MT.ociManifest, nestedIndex)),
    good: layoutIndex(child(MT.ociIndex, nestedIndex)),
    where: [{ path: '$.manifests[0].mediaType', text: JSON.stringify(MT.ociManifest) }],
    fix: true,
    options: layout,
  },
  {
    // Reported 14: platform arm64/v8 for a manifest whose config says amd64.
    name: 'platform architecture differs from the referenced config',
    code: 'layout-platform-mismatch',
    severity: 'warning',
    bad: layoutIndex(
      child(MT.ociManifest, amd64Manifest, { platform: { architecture: 'amd64', os: 'linux' } }),
      child(MT.ociManifest, amd64Manifest, { platform: { architecture: 'arm64', os: 'linux' } }),
    ),
    good: layoutIndex(
      child(MT.ociManifest, amd64Manifest, { platform: { architecture: 'amd64', os: 'linux' } }),
      child(MT.ociManifest, arm64Manifest, { platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } }),
    ),
    where: [{ path: '$.manifests[1].platform.architecture', text: '"arm64"' }],
    options: layout,
  },
  {
    name: 'platform os differs from the referenced config',
    code: 'layout-platform-mismatch',
    severity: 'warning',
    bad: layoutIndex(child(MT.ociManifest, amd64Manifest, { platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.1' } })),
    good: layoutIndex(child(MT.ociManifest, amd64Manifest, { platform: { architecture: 'amd64', os: 'linux' } })),
    where: [{ path: '$.manifests[0].platform.os', text: '"windows"' }],
    options: layout,
  },
  {
    // image-layout.md: the index.json file MUST be an image index.
    name: 'an image manifest as a layout index.json',
    code: 'layout-index-kind',
    severity: 'error',
    bad: json(ociManifest()),
    good: json(ociIndex()),
    where: [{ path: '$.mediaType', text: JSON.stringify(MT.ociManifest) }],
    options: { context: { isLayoutIndex: true } },
  },
];

if (require.main === module) {
  runRuleCases(CASES);

  describe('the layout index.json', () => {
    // image-layout.md: index.json is the layout's entry point and MUST be an image index (SPEC.md:
    // "index.json beside oci-layout: an OCI index"). No code in codes.ts names this yet.
    it('an image manifest as index.json is an error', () => {
      const all = check(json(ociManifest()), { context: { isLayoutIndex: true } });
      assert.ok(all.some((d) => d.severity === 'error'), formatDiagnostics(all));
    });

    it('an OCI index as index.json is fine', () => {
      const all = check(json(ociIndex()), { context: { isLayoutIndex: true } });
      assert.deepEqual(all.filter(atLeast('warning')), [], formatDiagnostics(all));
    });
  });

  describe('digest verification', () => {
    it('names what the damaged blob hashes to (computed here with node:crypto)', () => {
      const all = check(layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB)), verifying);
      const found = all.filter((d) => d.code === 'blob-digest-mismatch');
      assert.equal(found.length, 1, formatDiagnostics(all));
      assert.ok(found[0].message.includes(sha256(layerBDamaged)), found[0].message);
      assert.ok(found[0].message.includes(`blobs/sha256/${sha256(layerB).slice(7)}`), found[0].message);
    });

    it('a truncated blob has a size and a digest mismatch', () => {
      const truncated = new InMemoryBlobStore(new Map<string, Buffer | string>([[sha256(amd64Config), amd64Config], [sha256(layerA), layerA], [sha256(layerB), layerB.subarray(0, 10)]]));
      const all = check(layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB)), { context: { blobs: truncated } });
      assert.deepEqual(all.filter((d) => d.code.startsWith('blob-')).map((d) => `${d.code}@${d.path}`).sort(), ['blob-digest-mismatch@$.layers[1].digest', 'blob-size-mismatch@$.layers[1].size']);
    });

    it('pending and unknown answers say nothing (the server validates again when hashing ends)', () => {
      for (const state of ['pending', 'unknown'] as const) {
        const store = { ...memoryBlobs([amd64Config, layerA, layerB]), digestStatus: () => ({ state }) };
        const all = check(layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerB)), { context: { blobs: store } });
        assert.deepEqual(all.filter((d) => d.code === 'blob-digest-mismatch'), [], state);
      }
    });

    describe('a document that is itself a blob of the layout', () => {
      const text = layoutManifest(desc(MT.ociLayerGzip, layerA), desc(MT.ociLayerGzip, layerC));
      const claimed = sha256('what the file held when it was named');
      const ownStore = (stored: string) => new InMemoryBlobStore(new Map<string, Buffer | string>([[sha256(amd64Config), amd64Config], [sha256(layerA), layerA], [sha256(layerC), layerC], [claimed, stored]]));

      it('is reported at its start when its bytes do not hash to its file name', () => {
        const all = check(text, { context: { blobs: ownStore(text), ownDigest: claimed } });
        const found = all.filter((d) => d.code === 'blob-digest-mismatch');
        assert.equal(found.length, 1, formatDiagnostics(all));
        assert.deepEqual(found[0].range, { start: 0, end: 1 });
        assert.ok(found[0].message.includes(sha256(text)) && found[0].message.includes(claimed), found[0].message);
      });

      it('is not judged while the editor text differs from the file (unsaved changes)', () => {
        const all = check(text, { context: { blobs: ownStore(text.replace('"layers"', '"layers" ')), ownDigest: claimed } });
        assert.deepEqual(all.filter((d) => d.code === 'blob-digest-mismatch'), []);
      });

      it('is silent when the name is right', () => {
        const own = sha256(text);
        const store = new InMemoryBlobStore(new Map<string, Buffer | string>([[sha256(amd64Config), amd64Config], [sha256(layerA), layerA], [sha256(layerC), layerC], [own, text]]));
        assert.deepEqual(check(text, { context: { blobs: store, ownDigest: own } }).filter(atLeast('warning')), []);
      });
    });
  });

  describe('layout cross-checks stay silent where they cannot or need not judge', () => {
    it('a missing blob is allowed', () => {
      const text = layoutIndex(child(MT.ociManifest, 'not in the store'));
      const all = check(text, layout);
      assert.deepEqual(all.filter(atLeast('warning')), [], formatDiagnostics(all));
    });

    it('without blobs in the context, the single-document checks only', () => {
      const text = layoutIndex(child(MT.ociManifest, dockerV2s2));
      const all = check(text);
      assert.deepEqual(all.filter(atLeast('warning')), [], formatDiagnostics(all));
    });

    it('a blob that is not JSON is not a mismatch', () => {
      const binary = '\u0000\u0001gzip';
      const blobs = memoryBlobs([binary]);
      const text = layoutIndex(child(MT.ociManifest, binary));
      const all = check(text, { context: { isLayoutIndex: true, blobs } });
      assert.deepEqual(all.filter(atLeast('warning')), [], formatDiagnostics(all));
    });

    it('the cross-check really reads the blobs', () => {
      const blobs = memoryBlobs([dockerV2s2]);
      check(layoutIndex(child(MT.ociManifest, dockerV2s2)), { context: { isLayoutIndex: true, blobs } });
      assert.ok(blobs.requested.includes(sha256(dockerV2s2)));
    });

    it('a matching Docker list entry in an OCI index is no media-type mismatch', () => {
      const text = json({ ...ociIndex(), manifests: [platformChild(MT.dockerManifest, 'x', { architecture: 'amd64', os: 'linux' })] });
      assert.ok(!check(text, layout).some((d) => d.code === 'layout-media-type-mismatch'));
    });
  });
}

describe('the empty descriptor in a layout', () => {
  it('a layout that leaves out the `{}` blob of an artifact\'s empty config gets no blob-missing: its content is known', () => {
    const payload = Buffer.from('sbom');
    const text = json({ schemaVersion: 2, mediaType: MT.ociManifest, artifactType: 'application/vnd.example.sbom', config: { mediaType: MT.empty, digest: sha256('{}'), size: 2 }, layers: [desc('application/vnd.example.sbom', payload)] });
    const all = check(text, { context: { blobs: memoryBlobs([payload]) } });
    assert.deepEqual(all.map((d) => d.code), [], formatDiagnostics(all));
    // The same layout without the payload: that one is reported, so the store was consulted.
    const without = check(text, { context: { blobs: memoryBlobs([]) } });
    assert.deepEqual(without.map((d) => `${d.code}@${d.path}`), ['blob-missing@$.layers[0].digest'], formatDiagnostics(without));
  });
});
