/**
 * Annotation rules (SPEC.md "Annotations"; image-spec annotations.md): string→string maps, the
 * reserved `org.opencontainers` namespace, predefined keys and their value formats.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MT,
  atLeast,
  check,
  formatDiagnostics,
  dockerList,
  fakeDigest,
  json,
  ociIndex,
  ociLayer,
  ociManifest,
  raw,
  runRuleCases,
  runValidDocuments,
  type RuleCase,
} from '../helpers/diagnostics';

type Json = Record<string, any>;

function annotated(annotations: unknown): string {
  return json({ ...ociManifest(), annotations });
}

function layerAnnotated(annotations: Json): string {
  return json({ ...ociManifest(), layers: [{ ...ociLayer(), annotations }] });
}

const good = annotated({ 'org.opencontainers.image.created': '2024-01-31T12:00:00Z' });

export const CASES: RuleCase[] = [
  {
    name: 'annotations null',
    code: 'wrong-type',
    severity: 'error',
    bad: annotated(null),
    good: annotated({}),
    where: [{ path: '$.annotations', text: 'null' }],
  },
  {
    name: 'annotation value that is a number',
    code: 'wrong-type',
    severity: 'error',
    bad: annotated({ 'com.example.build': raw('42') }),
    good: annotated({ 'com.example.build': '42' }),
    where: [{ path: '$.annotations["com.example.build"]', text: '42' }],
    message: /string/,
  },
  {
    name: 'descriptor annotation value that is a boolean',
    code: 'wrong-type',
    severity: 'error',
    bad: layerAnnotated({ 'com.example.cache': true }),
    good: layerAnnotated({ 'com.example.cache': 'true' }),
    where: [{ path: '$.layers[0].annotations["com.example.cache"]', text: 'true' }],
  },
  {
    name: 'index annotations that are an array',
    code: 'wrong-type',
    severity: 'error',
    bad: json({ ...ociIndex(), annotations: ['org.opencontainers.image.ref.name=v1'] }),
    good: json({ ...ociIndex(), annotations: { 'org.opencontainers.image.ref.name': 'v1' } }),
    where: [{ path: '$.annotations', text: '[\n    "org.opencontainers.image.ref.name=v1"\n  ]' }],
  },
  {
    name: 'created that is not an RFC 3339 date-time',
    code: 'invalid-annotation-value',
    severity: 'warning',
    bad: annotated({ 'org.opencontainers.image.created': '31/01/2024' }),
    good,
    where: [{ path: '$.annotations["org.opencontainers.image.created"]', text: '"31/01/2024"' }],
    message: /3339/,
  },
  {
    name: 'created without a time zone',
    code: 'invalid-annotation-value',
    severity: 'warning',
    bad: annotated({ 'org.opencontainers.image.created': '2024-01-31T12:00:00' }),
    good,
    where: [{ path: '$.annotations["org.opencontainers.image.created"]', text: '"2024-01-31T12:00:00"' }],
  },
  {
    name: 'base.digest that is not a digest',
    code: 'invalid-annotation-value',
    severity: 'warning',
    bad: annotated({ 'org.opencontainers.image.base.digest': 'sha256:1234' }),
    good: annotated({ 'org.opencontainers.image.base.digest': fakeDigest('base') }),
    where: [{ path: '$.annotations["org.opencontainers.image.base.digest"]', text: '"sha256:1234"' }],
  },
  {
    name: 'base.digest of a layer descriptor with uppercase hex',
    code: 'invalid-annotation-value',
    severity: 'warning',
    bad: layerAnnotated({ 'org.opencontainers.image.base.digest': fakeDigest('base').toUpperCase().replace('SHA256', 'sha256') }),
    good: layerAnnotated({ 'org.opencontainers.image.base.digest': fakeDigest('base') }),
    where: [{ path: '$.layers[0].annotations["org.opencontainers.image.base.digest"]', text: JSON.stringify(fakeDigest('base').toUpperCase().replace('SHA256', 'sha256')) }],
  },
  {
    // Reported 08/09: rc keys that no released spec defines.
    name: 'org.opencontainers.artifact.created',
    code: 'reserved-annotation-key',
    severity: 'warning',
    bad: annotated({ 'org.opencontainers.artifact.created': '2024-01-31T12:00:00Z' }),
    good,
    where: [{ path: '$.annotations["org.opencontainers.artifact.created"]', text: '"org.opencontainers.artifact.created"' }],
    fix: true,
  },
  {
    name: 'a made-up key in the reserved namespace',
    code: 'reserved-annotation-key',
    severity: 'warning',
    bad: json({ ...ociIndex(), annotations: { 'org.opencontainers.image.flavour': 'vanilla' } }),
    good: json({ ...ociIndex(), annotations: { 'com.example.image.flavour': 'vanilla' } }),
    where: [{ path: '$.annotations["org.opencontainers.image.flavour"]', text: '"org.opencontainers.image.flavour"' }],
  },
  {
    name: 'near-miss prefix oci.opencontainers.image.',
    code: 'annotation-key-typo',
    severity: 'hint',
    bad: annotated({ 'oci.opencontainers.image.created': '2024-01-31T12:00:00Z' }),
    good,
    where: [{ path: '$.annotations["oci.opencontainers.image.created"]', text: '"oci.opencontainers.image.created"' }],
    fix: true,
  },
  {
    name: 'near-miss prefix org.opencontainer.image. on a descriptor',
    code: ['annotation-key-typo', 'reserved-annotation-key'],
    severity: 'hint',
    bad: layerAnnotated({ 'org.opencontainer.image.title': 'rootfs.tar.gz' }),
    good: layerAnnotated({ 'org.opencontainers.image.title': 'rootfs.tar.gz' }),
    where: [{ path: '$.layers[0].annotations["org.opencontainer.image.title"]', text: '"org.opencontainer.image.title"' }],
    fix: true,
  },
  {
    // annotations.md Rules: keys SHOULD be named using a reverse domain notation (SHOULD → warning).
    name: 'a key without a reverse-domain namespace',
    code: 'annotation-key-namespace',
    severity: 'warning',
    bad: annotated({ version: '1.2.3' }),
    good: annotated({ 'com.example.version': '1.2.3' }),
    where: [{ path: '$.annotations.version', text: '"version"' }],
  },
];

export const VALID_ANNOTATION_DOCUMENTS: Array<[string, string]> = [
  // annotations is a map (Go map[string]string): keys are exact, so these are two keys, not twins.
  ['annotation keys that differ only in case', json({ ...ociManifest(), annotations: { 'com.example.Key': 'a', 'com.example.key': 'b' } })],
  ['every predefined key with a well-formed value', annotated({
    'org.opencontainers.image.created': '2024-01-31T12:00:00.123+01:00',
    'org.opencontainers.image.authors': 'Jane Doe <jane@example.com>',
    'org.opencontainers.image.url': 'https://example.com/app',
    'org.opencontainers.image.documentation': 'https://example.com/app/docs',
    'org.opencontainers.image.source': 'https://github.com/example/app',
    'org.opencontainers.image.version': '1.2.3',
    'org.opencontainers.image.revision': 'a1b2c3d',
    'org.opencontainers.image.vendor': 'Example Inc.',
    'org.opencontainers.image.licenses': 'Apache-2.0 OR MIT',
    'org.opencontainers.image.title': 'app',
    'org.opencontainers.image.description': 'An example',
    'org.opencontainers.image.base.digest': fakeDigest('base'),
    'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.19',
  })],
  ['empty annotations map', annotated({})],
  ['unknown reverse-domain keys, including one with # and a JSON value', annotated({
    'com.example.key1': 'value1',
    'io.cncf.notary.x509chain.thumbprint#S256': '["a1b2"]',
    'dev.cosignproject.cosign/signature': 'MEUCIQ==',
  })],
  ['ref.name in an index', json({ ...ociIndex(), manifests: [{ ...ociIndex().manifests[0], annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] })],
  ['Docker list without annotations', json(dockerList())],
  ['the layer title annotation', json({ ...ociManifest(), layers: [{ ...ociLayer(), mediaType: MT.ociLayerGzip, annotations: { 'org.opencontainers.image.title': 'hello.txt' } }] })],
];

if (require.main === module) {
  runRuleCases(CASES);
  runValidDocuments('valid annotations get no error or warning', VALID_ANNOTATION_DOCUMENTS);

  describe('annotation rules without a dedicated code', () => {
    // annotations.md Rules: "Keys SHOULD be named using a reverse domain notation - e.g.
    // `com.example.myKey`" (SHOULD → warning). No code in codes.ts names this yet, so any warning
    // on the key will do.
    for (const key of ['version', 'build-date']) {
      it(`a key without a reverse-domain namespace (${JSON.stringify(key)}) gets a warning`, () => {
        const bad = check(annotated({ [key]: '1' }));
        assert.ok(
          bad.some((d) => d.severity === 'warning' && d.path === `$.annotations${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}` && d.text === JSON.stringify(key)),
          formatDiagnostics(bad),
        );
        const good = check(annotated({ [`com.example.${key}`]: '1' }));
        assert.deepEqual(good.filter(atLeast('warning')).map((d) => `${d.code}@${d.path}`), [], formatDiagnostics(good));
      });
    }

    // annotations.md "Pre-Defined Annotation Keys" (image-spec main, the README's reference)
    // defines `org.opencontainers.image.referrer.subject` (on index.json descriptors) and
    // `org.opencontainers.image.referrer.convert` (on the index.json manifest): not "undefined".
    it('the pre-defined referrer.subject / referrer.convert keys in a layout index.json are not flagged', () => {
      const text = json({
        ...ociIndex(),
        manifests: [{ ...ociIndex().manifests[0], platform: undefined, annotations: { 'org.opencontainers.image.referrer.subject': fakeDigest('subject') } }],
        annotations: { 'org.opencontainers.image.referrer.convert': 'true' },
      });
      const all = check(text, { context: { isLayoutIndex: true } });
      assert.deepEqual(all.filter(atLeast('warning')).map((d) => `${d.code}@${d.path}`), [], formatDiagnostics(all));
    });
  });
}
