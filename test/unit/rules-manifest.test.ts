/**
 * Manifest and index structure (SPEC.md "Manifest (OCI and Docker)", "Index and manifest list"):
 * required members, types and values, `artifactType` with the empty config, `layers`, config types.
 * A missing member is reported on its parent's key, or on the opening brace for the root (or for an
 * array element, which has no key).
 */
import {
  MT,
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
  type RuleCase,
} from '../helpers/diagnostics';

type Json = Record<string, any>;

function without(value: Json, ...keys: string[]): Json {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}

const manifest = json(ociManifest());

export const CASES: RuleCase[] = [
  // Required members.
  {
    name: 'layer descriptor without size',
    code: 'missing-property',
    severity: 'error',
    bad: json({ ...ociManifest(), layers: [without(ociLayer(), 'size')] }),
    good: manifest,
    where: [{ path: '$.layers[0]', text: '{' }],
    message: /size/,
  },
  {
    name: 'config descriptor without digest',
    code: 'missing-property',
    severity: 'error',
    bad: json({ ...ociManifest(), config: without(ociManifest().config, 'digest') }),
    good: manifest,
    where: [{ path: '$.config', text: '"config"' }],
    message: /digest/,
  },
  {
    name: 'config descriptor without mediaType',
    code: 'missing-property',
    severity: 'error',
    bad: json({ ...ociManifest(), config: without(ociManifest().config, 'mediaType') }),
    good: manifest,
    where: [{ path: '$.config', text: '"config"' }],
    message: /mediaType/,
  },
  {
    name: 'OCI manifest without config',
    code: 'missing-property',
    severity: 'error',
    bad: json(without(ociManifest(), 'config')),
    good: manifest,
    where: [{ path: '$', text: '{' }],
    message: /config/,
  },
  {
    name: 'manifest without schemaVersion',
    code: 'missing-property',
    severity: 'error',
    bad: json(without(ociManifest(), 'schemaVersion')),
    good: manifest,
    where: [{ path: '$', text: '{' }],
    message: /schemaVersion/,
  },
  {
    name: 'Docker manifest without layers',
    code: 'missing-property',
    severity: 'error',
    bad: json(without(dockerManifest(), 'layers')),
    good: json(dockerManifest()),
    where: [{ path: '$', text: '{' }],
    message: /layers/,
  },
  {
    name: 'OCI index without manifests',
    code: 'missing-property',
    severity: 'error',
    bad: json({ schemaVersion: 2, mediaType: MT.ociIndex }),
    good: json({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [] }),
    where: [{ path: '$', text: '{' }],
    message: /manifests/,
  },
  {
    name: 'index entry without digest',
    code: 'missing-property',
    severity: 'error',
    bad: json({ ...ociIndex(), manifests: [without(ociIndex().manifests[0], 'digest')] }),
    good: json(ociIndex()),
    where: [{ path: '$.manifests[0]', text: '{' }],
    message: /digest/,
  },
  // Types.
  {
    // A string is the wrong type, and "2" is not the value 2 either: both codes fit.
    name: 'schemaVersion as a string',
    code: ['wrong-type', 'invalid-value'],
    severity: 'error',
    bad: json({ ...ociManifest(), schemaVersion: '2' }),
    good: manifest,
    where: [{ path: '$.schemaVersion', text: '"2"' }],
  },
  {
    // *int*: Go's int decoding refuses 2.0 and 2e0, and the spec's draft-04 schema says an integer
    // has no fraction or exponent part.
    name: 'schemaVersion written 2.0',
    code: ['wrong-type', 'invalid-value'],
    severity: 'error',
    bad: json({ ...ociManifest(), schemaVersion: raw('2.0') }),
    good: manifest,
    where: [{ path: '$.schemaVersion', text: '2.0' }],
  },
  {
    name: 'schemaVersion written 2e0 on an index',
    code: ['wrong-type', 'invalid-value'],
    severity: 'error',
    bad: json({ ...ociIndex(), schemaVersion: raw('2e0') }),
    good: json(ociIndex()),
    where: [{ path: '$.schemaVersion', text: '2e0' }],
  },
  {
    name: 'digest as a number',
    code: 'wrong-type',
    severity: 'error',
    bad: json({ ...ociManifest(), config: { ...ociManifest().config, digest: 12 } }),
    good: manifest,
    where: [{ path: '$.config.digest', text: '12' }],
    message: /string/,
  },
  {
    name: 'layers as an object',
    code: 'wrong-type',
    severity: 'error',
    bad: json({ ...ociManifest(), layers: ociLayer() }),
    good: manifest,
    where: [{ path: '$.layers', text: json(ociLayer()).replace(/\n/g, '\n  ') }],
    message: /array/,
  },
  {
    name: 'urls as a string',
    code: 'wrong-type',
    severity: 'error',
    bad: json({ ...ociManifest(), layers: [{ ...ociLayer(), urls: 'https://example.com/l.tgz' }] }),
    good: json({ ...ociManifest(), layers: [{ ...ociLayer(), urls: ['https://example.com/l.tgz'] }] }),
    where: [{ path: '$.layers[0].urls', text: '"https://example.com/l.tgz"' }],
    message: /array/,
  },
  // Values.
  {
    name: 'schemaVersion 3',
    code: 'invalid-value',
    severity: 'error',
    bad: json({ ...ociManifest(), schemaVersion: 3 }),
    good: manifest,
    where: [{ path: '$.schemaVersion', text: '3' }],
    fix: true,
  },
  {
    name: 'schemaVersion 1 on an OCI index',
    code: 'invalid-value',
    severity: 'error',
    bad: json({ ...ociIndex(), schemaVersion: 1 }),
    good: json(ociIndex()),
    where: [{ path: '$.schemaVersion', text: '1' }],
    fix: true,
  },
  // artifactType MUST be set when the config is the empty descriptor.
  {
    name: 'empty config without artifactType',
    code: 'missing-artifact-type',
    severity: 'error',
    bad: json(without(ociArtifact(), 'artifactType')),
    good: json(ociArtifact()),
    // The missing member is the root's (opening brace); pointing at the empty config type that
    // requires it is also accepted.
    where: [{ path: '$', altPath: '$.config.mediaType', text: ['{', JSON.stringify(MT.empty)] }],
    fix: true,
  },
  {
    name: 'empty config with artifactType on the config only (not the manifest)',
    code: 'missing-artifact-type',
    severity: 'error',
    bad: json({ ...without(ociArtifact(), 'artifactType'), config: { ...emptyDescriptor(), artifactType: 'application/vnd.example.sbom.v1+json' } }),
    good: json(ociArtifact()),
    where: [{ path: '$', altPath: '$.config.mediaType', text: ['{', JSON.stringify(MT.empty)] }],
  },
  // layers: SHOULD have at least one (prose), the schema says minItems 1.
  {
    name: 'OCI manifest with no layers',
    code: 'empty-layers',
    severity: 'warning',
    bad: json({ ...ociManifest(), layers: [] }),
    good: manifest,
    where: [{ path: '$.layers', text: ['"layers"', '[]'] }],
  },
  {
    name: 'OCI artifact with no layers',
    code: 'empty-layers',
    severity: 'warning',
    bad: json({ ...ociArtifact(), layers: [] }),
    good: json({ ...ociArtifact(), layers: [emptyDescriptor()] }),
    where: [{ path: '$.layers', text: ['"layers"', '[]'] }],
  },
  // Config and layer types of artifacts: allowed, information only.
  // config.md: architecture, os and rootfs are REQUIRED; the digest of `{}` (regclient's testrepo has one).
  {
    name: 'an image config type whose digest is that of `{}`',
    code: 'empty-image-config',
    severity: 'warning',
    bad: json({ ...ociManifest(), config: { mediaType: MT.ociConfig, digest: emptyDescriptor().digest, size: 2 } }),
    good: json({ ...ociArtifact() }),
    where: [{ path: '$.config.digest', text: JSON.stringify(emptyDescriptor().digest) }],
    message: /REQUIRES `architecture`, `os` and `rootfs`/,
  },
  {
    name: 'Helm chart config',
    code: 'non-image-config',
    severity: 'information',
    bad: json({ ...ociManifest(), config: { ...ociManifest().config, mediaType: MT.helmConfig } }),
    good: manifest,
    where: [{ path: '$.config.mediaType', text: JSON.stringify(MT.helmConfig) }],
  },
  {
    name: 'vendor config type',
    code: 'non-image-config',
    severity: 'information',
    bad: json({ ...ociManifest(), config: { ...ociManifest().config, mediaType: 'application/vnd.example.tool.config.v1+json' } }),
    good: manifest,
    where: [{ path: '$.config.mediaType', text: '"application/vnd.example.tool.config.v1+json"' }],
  },
  {
    name: 'in-toto layer under an image config',
    code: 'non-filesystem-layer',
    severity: 'information',
    bad: json({ ...ociManifest(), layers: [{ ...ociLayer(), mediaType: MT.inToto }] }),
    good: manifest,
    where: [{ path: '$.layers[0].mediaType', text: JSON.stringify(MT.inToto) }],
  },
  {
    name: 'cosign signature layer under an image config',
    code: 'non-filesystem-layer',
    severity: 'information',
    bad: json({ ...ociManifest(), layers: [{ ...ociLayer(), mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json' }] }),
    good: manifest,
    where: [{ path: '$.layers[0].mediaType', text: '"application/vnd.dev.cosign.simplesigning.v1+json"' }],
  },
];

/** Valid documents from the spec's own text that no rule may flag at warning or above. */
export const VALID_MANIFEST_DOCUMENTS: Array<[string, string]> = [
  ['OCI image manifest', manifest],
  ['OCI 1.1 artifact with subject', json({ ...ociArtifact(), subject: { mediaType: MT.ociManifest, digest: fakeDigest('subject'), size: 1024 } })],
  ['OCI artifact with the empty descriptor as its only layer', json({ ...ociArtifact(), layers: [emptyDescriptor()] })],
  ['Docker image manifest', json(dockerManifest())],
  ['OCI index with no entries (the array may be empty)', json({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [] })],
  ['OCI index with annotations and a nested index', json({ ...ociIndex(), manifests: [{ mediaType: MT.ociIndex, digest: fakeDigest('nested'), size: 900 }], annotations: { 'org.opencontainers.image.ref.name': 'v1' } })],
  ['OCI manifest with unknown extra members (extensibility)', json({ ...ociManifest(), 'com.example.extra': { anything: true } })],
];

if (require.main === module) {
  runRuleCases(CASES);
  runValidDocuments('valid manifests and indexes get no error or warning', VALID_MANIFEST_DOCUMENTS);
}
