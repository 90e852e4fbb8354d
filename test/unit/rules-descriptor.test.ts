/**
 * Descriptor rules (SPEC.md "Descriptor", "Digests", image-spec descriptor.md): size, digest,
 * media type, the empty descriptor, embedded data, urls, Docker-only fields, format mixing.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  EMPTY_DIGEST,
  MT,
  check,
  formatDiagnostics,
  dockerList,
  dockerManifest,
  emptyDescriptor,
  fakeDigest,
  json,
  ociArtifact,
  ociIndex,
  ociLayer,
  ociManifest,
  raw,
  runRuleCases,
  runValidDocuments,
  sha256,
  type RuleCase,
} from '../helpers/diagnostics';

type Json = Record<string, any>;

/** An OCI manifest whose first layer is `layer`. */
function withLayer(layer: Json): string {
  return json({ ...ociManifest(), layers: [layer] });
}

/** An OCI manifest whose config descriptor is `config`. */
function withConfig(config: Json): string {
  return json({ ...ociManifest(), config });
}

function layerWith(fields: Json): Json {
  return { ...ociLayer(), ...fields };
}

const good = json(ociManifest());
const hex64 = createHash('sha256').update('upper').digest('hex');
const hex128 = createHash('sha512').update('sha512 layer').digest('hex');

/** A config with embedded `data`: content, its base64 and its sha256, computed here. */
const content = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
const dataConfig = { mediaType: MT.ociConfig, digest: sha256(content), size: content.length, data: content.toString('base64') };

/** Bytes whose standard base64 uses `+` and `/` (and base64url `-` and `_`). */
const plusSlash = Buffer.from([0xfb, 0xff, 0xbf]);

export const CASES: RuleCase[] = [
  // size: integer, not negative, at most 2^63-1, written as a plain integer.
  {
    name: 'size as a string',
    code: 'wrong-type',
    severity: 'error',
    bad: withLayer(layerWith({ size: '12' })),
    good: withLayer(layerWith({ size: 12 })),
    where: [{ path: '$.layers[0].size', text: '"12"' }],
    message: /integer/,
  },
  {
    name: 'size with a fraction 1.0',
    code: 'invalid-size',
    severity: 'error',
    bad: withLayer(layerWith({ size: raw('1.0') })),
    good: withLayer(layerWith({ size: 1 })),
    where: [{ path: '$.layers[0].size', text: '1.0' }],
    message: /integer/,
  },
  {
    name: 'size with a real fraction 1.5',
    code: ['invalid-size', 'wrong-type'],
    severity: 'error',
    bad: withLayer(layerWith({ size: raw('1.5') })),
    good: withLayer(layerWith({ size: 2 })),
    where: [{ path: '$.layers[0].size', text: '1.5' }],
    message: /integer/,
  },
  {
    name: 'size with an exponent 1e3',
    code: 'invalid-size',
    severity: 'error',
    bad: withLayer(layerWith({ size: raw('1e3') })),
    good: withLayer(layerWith({ size: 1000 })),
    where: [{ path: '$.layers[0].size', text: '1e3' }],
    message: /integer/,
  },
  {
    name: 'size 2^63, one above the int64 maximum',
    code: 'invalid-size',
    severity: 'error',
    bad: withLayer(layerWith({ size: raw('9223372036854775808') })),
    good: withLayer(layerWith({ size: raw('9223372036854775807') })),
    where: [{ path: '$.layers[0].size', text: '9223372036854775808' }],
  },
  {
    name: 'negative size',
    code: 'invalid-size',
    severity: 'error',
    bad: withConfig({ ...ociManifest().config, size: -1 }),
    good: withConfig({ ...ociManifest().config, size: 0 }),
    where: [{ path: '$.config.size', text: '-1' }],
  },
  // digest grammar and registered algorithms.
  {
    name: 'digest without an algorithm',
    code: 'invalid-digest',
    severity: 'error',
    bad: withLayer(layerWith({ digest: hex64 })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(hex64) }],
  },
  {
    name: 'digest with an uppercase algorithm',
    code: 'invalid-digest',
    severity: 'error',
    bad: withLayer(layerWith({ digest: `SHA256:${hex64}` })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(`SHA256:${hex64}`) }],
  },
  {
    name: 'digest with characters outside the encoded grammar',
    code: 'invalid-digest',
    severity: 'error',
    bad: withLayer(layerWith({ digest: `sha256:${hex64.slice(0, 63)}!` })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(`sha256:${hex64.slice(0, 63)}!`) }],
  },
  {
    name: 'uppercase sha256 hex',
    code: 'digest-uppercase',
    severity: 'error',
    bad: withLayer(layerWith({ digest: `sha256:${hex64.toUpperCase()}` })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(`sha256:${hex64.toUpperCase()}`) }],
    fix: true,
  },
  {
    name: 'sha256 with 63 hex digits',
    code: 'digest-length',
    severity: 'error',
    bad: withLayer(layerWith({ digest: `sha256:${hex64.slice(1)}` })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(`sha256:${hex64.slice(1)}`) }],
  },
  {
    name: 'sha512 with only 64 hex digits',
    code: 'digest-length',
    severity: 'error',
    bad: withLayer(layerWith({ digest: `sha512:${hex64}` })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(`sha512:${hex64}`) }],
  },
  {
    name: 'md5, an unregistered algorithm that fits the grammar',
    code: 'unknown-digest-algorithm',
    severity: 'warning',
    bad: withLayer(layerWith({ digest: `md5:${createHash('md5').update('x').digest('hex')}` })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(`md5:${createHash('md5').update('x').digest('hex')}`) }],
  },
  {
    name: 'sha512, valid but not widely supported',
    code: 'digest-algorithm-support',
    severity: 'information',
    bad: withLayer(layerWith({ digest: `sha512:${hex128}` })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(`sha512:${hex128}`) }],
  },
  {
    name: 'blake3, valid but not widely supported',
    code: 'digest-algorithm-support',
    severity: 'information',
    bad: withLayer(layerWith({ digest: `blake3:${hex64}` })),
    good: withLayer(layerWith({ digest: `sha256:${hex64}` })),
    where: [{ path: '$.layers[0].digest', text: JSON.stringify(`blake3:${hex64}`) }],
  },
  {
    name: 'uppercase digest in subject',
    code: 'digest-uppercase',
    severity: 'error',
    bad: json({ ...ociArtifact(), subject: { mediaType: MT.ociManifest, digest: `sha256:${hex64.toUpperCase()}`, size: 1024 } }),
    good: json({ ...ociArtifact(), subject: { mediaType: MT.ociManifest, digest: `sha256:${hex64}`, size: 1024 } }),
    where: [{ path: '$.subject.digest', text: JSON.stringify(`sha256:${hex64.toUpperCase()}`) }],
    fix: true,
  },
  // mediaType grammar: RFC 6838 type/subtype, no parameters.
  {
    name: 'layer media type with parameters',
    code: 'invalid-media-type',
    severity: 'error',
    bad: withLayer(layerWith({ mediaType: `${MT.ociLayerGzip}; charset=binary` })),
    good: good,
    where: [{ path: '$.layers[0].mediaType', text: JSON.stringify(`${MT.ociLayerGzip}; charset=binary`) }],
  },
  {
    name: 'empty string as the config media type',
    code: 'invalid-media-type',
    severity: 'error',
    bad: withConfig({ ...ociManifest().config, mediaType: '' }),
    good: good,
    where: [{ path: '$.config.mediaType', text: '""' }],
  },
  {
    name: 'artifactType that is not type/subtype',
    code: 'invalid-media-type',
    severity: 'error',
    bad: json({ ...ociArtifact(), artifactType: 'sbom' }),
    good: json(ociArtifact()),
    where: [{ path: '$.artifactType', text: '"sbom"' }],
  },
  {
    name: 'top-level artifactType of an index that is not type/subtype',
    code: 'invalid-media-type',
    severity: 'error',
    bad: json({ ...ociIndex(), artifactType: 'example sbom' }),
    good: json({ ...ociIndex(), artifactType: 'application/vnd.example.sbom.v1+json' }),
    where: [{ path: '$.artifactType', text: '"example sbom"' }],
  },
  {
    name: 'artifactType of an index entry that is not type/subtype',
    code: 'invalid-media-type',
    severity: 'error',
    bad: json({ ...ociIndex(), manifests: [{ ...ociIndex().manifests[0], artifactType: 'example sbom' }] }),
    good: json({ ...ociIndex(), manifests: [{ ...ociIndex().manifests[0], artifactType: 'application/vnd.example.sbom.v1+json' }] }),
    where: [{ path: '$.manifests[0].artifactType', text: '"example sbom"' }],
  },
  {
    // Reported 17: null is not a media-type string; omit the member instead.
    name: 'artifactType null on an index entry',
    code: 'wrong-type',
    severity: 'error',
    bad: json({ ...ociIndex(), manifests: [{ ...ociIndex().manifests[0], artifactType: null }] }),
    good: json(ociIndex()),
    where: [{ path: '$.manifests[0].artifactType', text: 'null' }],
  },
  {
    name: 'misspelt child media type in a Docker list',
    code: 'media-type-typo',
    severity: 'warning',
    bad: json({ ...dockerList(), manifests: [{ ...dockerList().manifests[0], mediaType: 'application/vnd.docker.image.manifest.v2+json' }] }),
    good: json(dockerList()),
    where: [{ path: '$.manifests[0].mediaType', text: '"application/vnd.docker.image.manifest.v2+json"' }],
    fix: true,
  },
  {
    name: 'misspelt OCI layer media type',
    code: 'media-type-typo',
    severity: 'warning',
    bad: withLayer(layerWith({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzp' })),
    good: good,
    where: [{ path: '$.layers[0].mediaType', text: '"application/vnd.oci.image.layer.v1.tar+gzp"' }],
    fix: true,
  },
  {
    name: 'a layer type used as the config',
    code: 'media-type-role',
    severity: 'warning',
    bad: withConfig({ ...ociManifest().config, mediaType: MT.ociLayerGzip }),
    good: good,
    where: [{ path: '$.config.mediaType', text: JSON.stringify(MT.ociLayerGzip) }],
  },
  {
    name: 'a manifest type used as a layer',
    code: 'media-type-role',
    severity: 'warning',
    bad: withLayer(layerWith({ mediaType: MT.ociManifest })),
    good: good,
    where: [{ path: '$.layers[0].mediaType', text: JSON.stringify(MT.ociManifest) }],
  },
  // Docker/OCI mixing.
  {
    name: 'OCI layer type in a Docker v2s2 manifest',
    code: 'docker-manifest-oci-type',
    severity: 'error',
    bad: json({ ...dockerManifest(), layers: [{ ...dockerManifest().layers[0], mediaType: MT.ociLayerGzip }] }),
    good: json(dockerManifest()),
    where: [{ path: '$.layers[0].mediaType', text: JSON.stringify(MT.ociLayerGzip) }],
  },
  // containers/image's list of Docker v2s2 types: a vendor layer type is "unsupported docker v2s2 media type".
  {
    name: 'a Helm chart layer in a Docker v2s2 manifest',
    code: 'docker-manifest-layer-type',
    severity: 'warning',
    bad: json({ ...dockerManifest(), layers: [{ ...dockerManifest().layers[0], mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip' }] }),
    good: json({ ...dockerManifest(), layers: [{ ...dockerManifest().layers[0], mediaType: 'application/vnd.docker.image.rootfs.diff.tar' }] }),
    where: [{ path: '$.layers[0].mediaType', text: '"application/vnd.cncf.helm.chart.content.v1.tar+gzip"' }],
    message: /unsupported docker v2s2 media type/,
  },
  {
    name: 'an unknown layer type in a Docker v2s2 manifest (containers/image TestConvertToOCIWithInvalidMIMEType)',
    code: 'docker-manifest-layer-type',
    severity: 'warning',
    bad: json({ ...dockerManifest(), layers: [{ ...dockerManifest().layers[0], mediaType: 'application/vnd.docker.image.rootfs.diff.tar.invalid' }] }),
    good: json({ ...dockerManifest(), layers: [{ ...dockerManifest().layers[0], mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar', urls: ['https://example.com/layer.tar'] }] }),
    where: [{ path: '$.layers[0].mediaType', text: '"application/vnd.docker.image.rootfs.diff.tar.invalid"' }],
  },
  {
    name: 'OCI config type in a Docker v2s2 manifest',
    code: 'docker-manifest-oci-type',
    severity: 'error',
    bad: json({ ...dockerManifest(), config: { ...dockerManifest().config, mediaType: MT.ociConfig } }),
    good: json(dockerManifest()),
    where: [{ path: '$.config.mediaType', text: JSON.stringify(MT.ociConfig) }],
  },
  {
    name: 'Docker layer type in an OCI manifest',
    code: 'mixed-family',
    severity: 'warning',
    // manifest.md: "Manifests concerned with portability SHOULD use one of the above media types."
    message: /portability SHOULD/,
    bad: withLayer(layerWith({ mediaType: MT.dockerLayerGzip })),
    good: good,
    where: [{ path: '$.layers[0].mediaType', text: JSON.stringify(MT.dockerLayerGzip) }],
  },
  {
    // manifest.md: "Manifests concerned with portability SHOULD use" the OCI config type;
    // containers/image refuses the mix.
    name: 'Docker config in an OCI manifest',
    code: 'mixed-family',
    severity: 'warning',
    bad: withConfig({ ...ociManifest().config, mediaType: MT.dockerConfig }),
    good: good,
    where: [{ path: '$.config.mediaType', text: JSON.stringify(MT.dockerConfig) }],
  },
  {
    name: 'OCI manifests inside a Docker manifest list',
    code: 'mixed-family',
    severity: 'warning',
    bad: json({ ...dockerList(), manifests: dockerList().manifests.map((m: Json) => ({ ...m, mediaType: MT.ociManifest })) }),
    good: json(dockerList()),
    where: [
      { path: '$.manifests[0].mediaType', text: JSON.stringify(MT.ociManifest) },
      { path: '$.manifests[1].mediaType', text: JSON.stringify(MT.ociManifest) },
    ],
  },
  {
    name: 'Docker manifest inside an OCI index',
    code: 'mixed-family',
    severity: 'warning',
    // image-index.md: "Image indexes concerned with portability SHOULD use one of the above media types."
    message: /portability SHOULD/,
    bad: json({ ...ociIndex(), manifests: [{ ...ociIndex().manifests[0], mediaType: MT.dockerManifest }] }),
    good: json(ociIndex()),
    where: [{ path: '$.manifests[0].mediaType', text: JSON.stringify(MT.dockerManifest) }],
  },
  // Deprecated and pre-release names.
  {
    name: 'non-distributable OCI layer (deprecated)',
    code: 'deprecated-media-type',
    severity: 'information',
    bad: withLayer(layerWith({ mediaType: MT.ociNondistributableGzip, urls: ['https://example.com/layer.tar.gz'] })),
    good: withLayer(layerWith({ urls: ['https://example.com/layer.tar.gz'] })),
    where: [{ path: '$.layers[0].mediaType', text: JSON.stringify(MT.ociNondistributableGzip) }],
  },
  {
    // Reported 08: the rc3 name of the empty type.
    name: 'scratch config, the release-candidate name of the empty type',
    code: 'prerelease-media-type',
    severity: 'warning',
    bad: json({ ...ociArtifact(), config: { ...emptyDescriptor(), mediaType: MT.scratch } }),
    good: json(ociArtifact()),
    where: [{ path: '$.config.mediaType', text: JSON.stringify(MT.scratch) }],
    fix: true,
  },
  // The empty descriptor: exactly the `{}` digest and size 2.
  {
    name: 'empty descriptor with a wrong digest',
    code: 'empty-descriptor',
    severity: 'error',
    bad: json({ ...ociArtifact(), config: { ...emptyDescriptor(), digest: fakeDigest('not empty') } }),
    good: json(ociArtifact()),
    where: [{ path: '$.config.digest', text: JSON.stringify(fakeDigest('not empty')) }],
    fix: true,
  },
  {
    name: 'empty descriptor with a wrong size',
    code: 'empty-descriptor',
    severity: 'error',
    bad: json({ ...ociArtifact(), config: { ...emptyDescriptor(), size: 3 } }),
    good: json(ociArtifact()),
    where: [{ path: '$.config.size', text: '3' }],
    fix: true,
  },
  {
    name: 'empty layer with a wrong digest and size',
    code: 'empty-descriptor',
    severity: 'error',
    bad: json({ ...ociArtifact(), layers: [{ mediaType: MT.empty, digest: fakeDigest('x'), size: 0 }] }),
    good: json({ ...ociArtifact(), layers: [emptyDescriptor()] }),
    where: [
      { path: '$.layers[0].digest', text: JSON.stringify(fakeDigest('x')) },
      { path: '$.layers[0].size', text: '0' },
    ],
    fix: true,
  },
  // Embedded data: RFC 4648 §4 base64, decoded length = size, hash = digest.
  {
    name: 'data that is not base64',
    code: 'invalid-data',
    severity: 'error',
    bad: withConfig({ ...dataConfig, data: 'not base64!' }),
    good: withConfig(dataConfig),
    where: [{ path: '$.config.data', text: '"not base64!"' }],
  },
  {
    name: 'data in the URL-safe alphabet (base64url is not RFC 4648 §4)',
    code: 'invalid-data',
    severity: 'error',
    bad: withLayer(layerWith({ digest: sha256(plusSlash), size: plusSlash.length, data: plusSlash.toString('base64url') })),
    good: withLayer(layerWith({ digest: sha256(plusSlash), size: plusSlash.length, data: plusSlash.toString('base64') })),
    where: [{ path: '$.layers[0].data', text: JSON.stringify(plusSlash.toString('base64url')) }],
  },
  {
    name: 'data whose length differs from size',
    code: 'invalid-data',
    severity: 'error',
    bad: withConfig({ ...dataConfig, size: content.length + 1 }),
    good: withConfig(dataConfig),
    where: [{ path: '$.config.data', altPath: '$.config.size', text: [JSON.stringify(dataConfig.data), String(content.length + 1)] }],
  },
  {
    name: 'data whose sha256 differs from digest',
    code: 'invalid-data',
    severity: 'error',
    bad: withConfig({ ...dataConfig, digest: fakeDigest('other') }),
    good: withConfig(dataConfig),
    where: [{ path: '$.config.data', altPath: '$.config.digest', text: [JSON.stringify(dataConfig.data), JSON.stringify(fakeDigest('other'))] }],
  },
  {
    name: 'the empty descriptor with data "e30=" is fine, with wrong data not',
    code: 'invalid-data',
    severity: 'error',
    bad: json({ ...ociArtifact(), config: { ...emptyDescriptor(), data: 'e3x=' } }),
    good: json({ ...ociArtifact(), config: { ...emptyDescriptor(), data: 'e30=' } }),
    where: [{ path: '$.config.data', text: '"e3x="' }],
  },
  // urls: RFC 3986 URLs, SHOULD be http/https.
  {
    name: 'a url that is not a URL',
    code: 'invalid-url',
    severity: 'error',
    bad: withLayer(layerWith({ urls: ['not a url'] })),
    good: withLayer(layerWith({ urls: ['https://example.com/layer.tar.gz'] })),
    where: [{ path: '$.layers[0].urls[0]', text: '"not a url"' }],
  },
  {
    name: 'an ftp url',
    code: 'url-scheme',
    severity: 'warning',
    bad: withLayer(layerWith({ urls: ['ftp://example.com/layer.tar.gz'] })),
    good: withLayer(layerWith({ urls: ['http://example.com/layer.tar.gz'] })),
    where: [{ path: '$.layers[0].urls[0]', text: '"ftp://example.com/layer.tar.gz"' }],
  },
  {
    name: 'Docker foreign layer without urls',
    code: 'foreign-layer-urls',
    severity: 'warning',
    bad: json({ ...dockerManifest(), layers: [{ ...dockerManifest().layers[0], mediaType: MT.dockerForeignLayer }] }),
    good: json({
      ...dockerManifest(),
      layers: [{ ...dockerManifest().layers[0], mediaType: MT.dockerForeignLayer, urls: ['https://mcr.microsoft.com/v2/windows/blobs/x'] }],
    }),
    // The missing member's parent (the layer's brace), or the media type that makes urls needed.
    where: [{ path: '$.layers[0]', altPath: '$.layers[0].mediaType', text: ['{', JSON.stringify(MT.dockerForeignLayer)] }],
  },
  // OCI fields in Docker formats: allowed by the spec, refused by strict parsers (information).
  {
    name: 'annotations on a Docker list entry',
    code: 'docker-unsupported-field',
    severity: 'information',
    bad: json({ ...dockerList(), manifests: [{ ...dockerList().manifests[0], annotations: { 'com.example.k': 'v' } }] }),
    good: json(dockerList()),
    where: [{ path: '$.manifests[0].annotations', text: '"annotations"' }],
  },
  {
    name: 'artifactType on a Docker list entry',
    code: 'docker-unsupported-field',
    severity: 'information',
    bad: json({ ...dockerList(), manifests: [{ ...dockerList().manifests[0], artifactType: 'application/vnd.example+json' }] }),
    good: json(dockerList()),
    where: [{ path: '$.manifests[0].artifactType', text: '"artifactType"' }],
  },
  {
    // SPEC.md: `annotations` are OCI only; the Docker manifest format has none at the top level either.
    name: 'top-level annotations on a Docker manifest',
    code: 'docker-unsupported-field',
    severity: 'information',
    bad: json({ ...dockerManifest(), annotations: { 'org.opencontainers.image.source': 'https://github.com/example/app' } }),
    good: json(dockerManifest()),
    where: [{ path: '$.annotations', text: ['"annotations"', '{\n    "org.opencontainers.image.source": "https://github.com/example/app"\n  }'] }],
  },
  {
    name: 'data on a Docker manifest layer',
    code: 'docker-unsupported-field',
    severity: 'information',
    bad: json({
      ...dockerManifest(),
      layers: [{ mediaType: MT.dockerLayerGzip, digest: sha256(plusSlash), size: plusSlash.length, data: plusSlash.toString('base64') }],
    }),
    good: json({ ...dockerManifest(), layers: [{ mediaType: MT.dockerLayerGzip, digest: sha256(plusSlash), size: plusSlash.length }] }),
    where: [{ path: '$.layers[0].data', text: '"data"' }],
  },
];

/** Valid descriptors that no rule may flag. */
export const VALID_DESCRIPTOR_DOCUMENTS: Array<[string, string]> = [
  ['the empty descriptor with "data": "e30="', json({ ...ociArtifact(), config: { ...emptyDescriptor(), data: 'e30=' } })],
  ['size 0 and size 2^63-1', json({ ...ociManifest(), layers: [layerWith({ size: 0 }), layerWith({ size: raw('9223372036854775807') })] })],
  ['an unknown artifact layer type (unknown types MUST be ignored)', json({ ...ociArtifact(), layers: [{ mediaType: 'application/vnd.example.thing', digest: fakeDigest('t'), size: 1 }] })],
  ['an unknown child type in an OCI index', json({ ...ociIndex(), manifests: [{ mediaType: 'application/vnd.example.bundle.v1+json', digest: fakeDigest('b'), size: 10 }] })],
  ['an encrypted layer', withLayer(layerWith({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted' }))],
  // layer.md: descriptors of non-distributable layers MAY include urls; distribution refuses only
  // Docker foreign layers without them ("missing URL on layer"), so no warning here.
  ['an OCI non-distributable layer without urls (deprecated: information only)', withLayer(layerWith({ mediaType: MT.ociNondistributableGzip }))],
  ['a zstd layer', withLayer(layerWith({ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }))],
  ['the empty digest as a layer', json({ ...ociArtifact(), layers: [{ mediaType: MT.empty, digest: EMPTY_DIGEST, size: 2 }] })],
  // manifest.md: `subject` is "a descriptor of another manifest", any type; a signature of a Docker
  // image names that Docker manifest (notation and cosign write exactly this).
  ['a signature whose subject is a Docker manifest', json({ ...ociArtifact(), subject: { mediaType: MT.dockerManifest, digest: fakeDigest('docker-image'), size: 1234 } })],
];

if (require.main === module) {
  runRuleCases(CASES);
  describe('messages quote sizes as written', () => {
    it('a size above 2^53 is not shown rounded', () => {
      // JSON.parse turns 9223372036854775807 into 9223372036854775808 (shown 9223372036854776000).
      const text = withLayer(layerWith({ digest: EMPTY_DIGEST, size: raw('9223372036854775807'), data: 'e30=' }));
      const found = check(text).filter((d) => d.code === 'invalid-data');
      assert.equal(found.length, 1, formatDiagnostics(check(text)));
      assert.ok(!/9223372036854776000|9223372036854775808/.test(found[0].message), found[0].message);
    });
  });
  runValidDocuments('valid descriptors get no error or warning', VALID_DESCRIPTOR_DOCUMENTS);
}
