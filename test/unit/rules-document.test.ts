/**
 * Rules about the document as a whole (SPEC.md "Document kinds and how to tell them apart"): strict
 * JSON, duplicate keys, the kind and its top-level `mediaType`, schema 1, the withdrawn artifact
 * manifest, tool output.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDocument, type InvalidUtf8 } from 'image-manifest-language-server';
import {
  MT,
  check,
  formatDiagnostics,
  fakeDigest,
  json,
  ociArtifact,
  ociIndex,
  ociLayer,
  ociManifest,
  runRuleCases,
  schema1Manifest,
  dockerManifest,
  dockerList,
  type RuleCase,
} from '../helpers/diagnostics';

const manifest = json(ociManifest());

/** `text` with the first occurrence of `from` replaced (for inputs JSON.stringify cannot write). */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`test input does not contain ${from}`);
  return text.replace(from, to);
}

function without(value: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}

const artifactManifestDoc = {
  schemaVersion: 2,
  mediaType: MT.artifactManifest,
  artifactType: 'application/vnd.example.sbom.v1+json',
  blobs: [{ mediaType: 'application/vnd.example.sbom.v1+json', digest: fakeDigest('sbom'), size: 812 }],
};

/** What reading these bytes gives the validator: the text and, when ill-formed, where. */
function fromBytes(...parts: Array<string | number[]>): { text: string; options: { context: { invalidUtf8?: InvalidUtf8 } } } {
  const decoded = decodeDocument(Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part)))));
  return { text: decoded.text, options: { context: decoded.invalidUtf8 ? { invalidUtf8: decoded.invalidUtf8 } : {} } };
}

const titled = (title: string) => json({ ...ociManifest(), annotations: { 'org.opencontainers.image.title': title } });
const [titleHead, titleTail] = titled('@').split('@');
// "café" saved as Latin-1 (é = e9, not UTF-8's c3 a9), and the same title as UTF-8.
const latin1Title = fromBytes(titleHead, 'caf', [0xe9], titleTail);
const utf8Title = fromBytes(titleHead, 'caf', [0xc3, 0xa9], titleTail);

export const CASES: RuleCase[] = [
  // RFC 8259 §8.1: JSON exchanged between systems MUST be UTF-8; the CLI reads bytes and says where not.
  {
    name: 'a Latin-1 byte in an annotation value',
    code: 'invalid-utf8',
    severity: 'error',
    bad: latin1Title.text,
    options: latin1Title.options,
    good: utf8Title.text,
    goodOptions: utf8Title.options,
    where: [{ path: '$.annotations["org.opencontainers.image.title"]', text: '\ufffd' }],
    message: /UTF-8/,
  },
  // Strict JSON: comments, trailing commas and truncation are errors (RFC 8259; SPEC: manifests are JSON).
  {
    name: 'a trailing comma in an array',
    code: 'json-syntax',
    severity: 'error',
    bad: edit(manifest, '"size": 32654\n    }\n  ]', '"size": 32654\n    },\n  ]'),
    good: manifest,
    where: [{ path: '$.layers', text: ',' }],
    message: /[Tt]railing comma/,
  },
  {
    name: 'a trailing comma before the closing brace',
    code: 'json-syntax',
    severity: 'error',
    bad: manifest.replace(/\n\}$/, ',\n}'),
    good: manifest,
    where: [{ path: '$', text: ',' }],
    message: /[Tt]railing comma/,
  },
  {
    // RFC 8259 §6: "Leading zeros are not allowed." One finding on the number, not the parser's three.
    name: 'a size with a leading zero',
    code: 'json-syntax',
    severity: 'error',
    bad: edit(manifest, '"size": 32654', '"size": 032654'),
    good: manifest,
    where: [{ path: '$.layers[0].size', text: '032654' }],
    message: /leading zero/,
  },
  {
    name: 'a line comment',
    code: 'json-syntax',
    severity: 'error',
    bad: edit(manifest, '{\n', '{\n  // built by hand\n'),
    good: manifest,
    where: [{ path: '$', text: '// built by hand' }],
  },
  {
    name: 'a block comment',
    code: 'json-syntax',
    severity: 'error',
    bad: edit(manifest, '"schemaVersion": 2,', '"schemaVersion": 2, /* v2 */'),
    good: manifest,
    where: [{ path: '$', text: '/* v2 */' }],
  },
  {
    name: 'truncated document',
    code: 'json-syntax',
    severity: 'error',
    bad: manifest.slice(0, manifest.indexOf('"layers"')),
    good: manifest,
    // The end of the text: an empty range at the end, or the last character.
    where: [{ path: '$', text: ['', '\n'] }],
    // What the partial tree lacks is reported too; that is fair, not noise.
    alsoInBad: ['missing-property'],
  },
  // Duplicate keys: parsers disagree on which wins (RFC 8259 §4 SHOULD be unique).
  {
    name: 'duplicate key at the top level',
    code: 'duplicate-key',
    severity: 'warning',
    bad: edit(manifest, '"schemaVersion": 2,', '"schemaVersion": 2,\n  "schemaVersion": 2,'),
    good: manifest,
    where: [{ path: '$.schemaVersion', text: '"schemaVersion"' }],
  },
  {
    name: 'duplicate key inside a descriptor',
    code: 'duplicate-key',
    severity: 'warning',
    bad: edit(manifest, '"size": 32654', '"size": 32654,\n      "size": 32655'),
    good: manifest,
    where: [{ path: '$.layers[0].size', text: '"size"' }],
  },
  // Go's encoding/json fills a struct field from a member whose name matches "preferring an exact
  // match but also accepting a case-insensitive match", the last one winning: `Digest` beside
  // `digest` is a second digest to Go and an unknown member to everything else.
  {
    name: 'a case twin of a descriptor member after it (Go reads the twin)',
    code: 'duplicate-key',
    severity: 'warning',
    bad: edit(manifest, '"size": 32654', `"size": 32654,\n      "Digest": "sha256:${'0'.repeat(64)}"`),
    good: manifest,
    where: [{ path: '$.layers[0].Digest', text: '"Digest"' }],
    message: /case/,
  },
  {
    name: 'a case twin of the top-level mediaType',
    code: 'duplicate-key',
    severity: 'warning',
    bad: edit(manifest, '"schemaVersion": 2,', `"schemaVersion": 2,\n  "MediaType": "${MT.ociIndex}",`),
    good: manifest,
    where: [{ path: '$.MediaType', text: '"MediaType"' }],
    message: /case/,
  },
  {
    // Go fills the field from the last of all three: both twins say so.
    name: 'two case twins of schemaVersion',
    code: 'duplicate-key',
    severity: 'warning',
    bad: edit(manifest, '"schemaVersion": 2,', '"schemaVersion": 2,\n  "SCHEMAVERSION": 2,\n  "schemaversion": 2,'),
    good: manifest,
    where: [
      { path: '$.SCHEMAVERSION', text: '"SCHEMAVERSION"' },
      { path: '$.schemaversion', text: '"schemaversion"' },
    ],
    message: /read the value of "schemaversion"/,
  },
  {
    // A Go struct marshalled without json tags: Go's case-insensitive matching reads it, JSON's
    // case-sensitive names (RFC 8259 §8.3 compares names code unit by code unit) do not.
    name: 'a manifest written with Go field names',
    code: 'go-field-names',
    severity: 'error',
    bad: json({ SchemaVersion: 2, MediaType: MT.ociManifest, Config: { MediaType: MT.ociConfig, Digest: fakeDigest('c'), Size: 479 }, Layers: [] }),
    good: manifest,
    where: [
      { path: '$.SchemaVersion', text: '"SchemaVersion"' },
      { path: '$.MediaType', text: '"MediaType"' },
      { path: '$.Config', text: '"Config"' },
      { path: '$.Layers', text: '"Layers"' },
    ],
    message: /case-sensitive/,
  },
  // Ambiguous kind: GHSA-77vh-xpmg-72qh, both `manifests` and `config`/`layers` must be rejected.
  {
    name: 'both manifests and layers (index media type)',
    code: 'ambiguous-kind',
    severity: 'error',
    bad: json({ ...ociIndex(), layers: ociManifest().layers }),
    good: json(ociIndex()),
    where: [{ path: '$.manifests', altPath: '$.layers', text: ['"manifests"', '"layers"'] }],
  },
  {
    name: 'both manifests and config/layers (manifest media type)',
    code: 'ambiguous-kind',
    severity: 'error',
    bad: json({ ...ociManifest(), manifests: ociIndex().manifests }),
    good: manifest,
    where: [{ path: '$.manifests', altPath: '$.layers', text: ['"manifests"', '"layers"'] }],
  },
  {
    name: 'both manifests and layers, no media type',
    code: 'ambiguous-kind',
    severity: 'error',
    bad: json(without({ ...ociManifest(), manifests: ociIndex().manifests }, 'mediaType')),
    good: json(without(ociManifest(), 'mediaType')),
    where: [{ path: '$.manifests', altPath: '$.layers', text: ['"manifests"', '"layers"'] }],
    alsoInBad: ['missing-media-type'],
    alsoInGood: ['missing-media-type'],
  },
  // A top-level mediaType that is present MUST be the one of the kind.
  {
    name: 'index media type on a manifest-shaped document',
    code: 'media-type-mismatch',
    severity: 'error',
    bad: json({ ...ociManifest(), mediaType: MT.ociIndex }),
    good: manifest,
    where: [{ path: '$.mediaType', text: JSON.stringify(MT.ociIndex) }],
    fix: true,
  },
  {
    name: 'manifest media type on an index-shaped document',
    code: 'media-type-mismatch',
    severity: 'error',
    bad: json({ ...ociIndex(), mediaType: MT.ociManifest }),
    good: json(ociIndex()),
    where: [{ path: '$.mediaType', text: JSON.stringify(MT.ociManifest) }],
    fix: true,
  },
  {
    name: 'Docker list media type on a Docker image manifest',
    code: 'media-type-mismatch',
    severity: 'error',
    bad: json({ ...dockerManifest(), mediaType: MT.dockerList }),
    good: json(dockerManifest()),
    where: [{ path: '$.mediaType', text: JSON.stringify(MT.dockerList) }],
    fix: true,
  },
  {
    name: 'a generic JSON media type on an OCI manifest',
    code: 'media-type-mismatch',
    severity: 'error',
    bad: json({ ...ociManifest(), mediaType: 'application/json' }),
    good: manifest,
    where: [{ path: '$.mediaType', text: '"application/json"' }],
    fix: true,
  },
  {
    // Reported 06: the schema pattern rejects "", so it is not "absent".
    name: 'empty string as the top-level media type',
    code: ['media-type-mismatch', 'invalid-media-type'],
    severity: 'error',
    bad: json({ ...ociManifest(), mediaType: '' }),
    good: manifest,
    where: [{ path: '$.mediaType', text: '""' }],
    fix: true,
  },
  {
    // The schema's mediaType is a string; like `artifactType: null` (reported 17), `null` is not "absent".
    name: 'top-level mediaType null',
    code: ['wrong-type', 'media-type-mismatch', 'invalid-media-type'],
    severity: 'error',
    bad: json({ ...ociManifest(), mediaType: null }),
    good: manifest,
    where: [{ path: '$.mediaType', text: 'null' }],
  },
  {
    name: 'top-level mediaType that is a number',
    code: ['wrong-type', 'media-type-mismatch', 'invalid-media-type'],
    severity: 'error',
    bad: json({ ...ociIndex(), mediaType: 2 }),
    good: json(ociIndex()),
    where: [{ path: '$.mediaType', text: '2' }],
  },
  // OCI SHOULD set mediaType: a missing member is reported on the root's opening brace.
  {
    name: 'OCI manifest without mediaType',
    code: 'missing-media-type',
    severity: 'warning',
    bad: json(without(ociManifest(), 'mediaType')),
    good: manifest,
    where: [{ path: '$', text: '{' }],
    fix: true,
  },
  {
    name: 'OCI index without mediaType',
    code: 'missing-media-type',
    severity: 'warning',
    bad: json(without(ociIndex(), 'mediaType')),
    good: json(ociIndex()),
    where: [{ path: '$', text: '{' }],
    fix: true,
  },
  // Docker schema 1: deprecated (information).
  {
    name: 'Docker schema 1, unsigned, recognised by shape',
    code: 'schema1-deprecated',
    severity: 'information',
    bad: json(schema1Manifest()),
    good: json(dockerManifest()),
    where: [{ path: '$.schemaVersion', text: '1' }],
    message: /deprecat/i,
  },
  {
    name: 'Docker schema 1, signed media type',
    code: 'schema1-deprecated',
    severity: 'information',
    bad: json({ ...schema1Manifest(), mediaType: MT.schema1Signed }),
    good: json(dockerManifest()),
    where: [{ path: '$.schemaVersion', text: '1' }],
  },
  {
    // Schema 1 pairs history[i] with fsLayers[i]; docker and containers/image refuse a mismatch
    // ("length of history not equal to number of layers"), so the document cannot be pulled at all.
    name: 'schema 1 with more fsLayers than history entries',
    code: 'schema1-history-count',
    severity: 'error',
    bad: json({ ...schema1Manifest(), fsLayers: [...schema1Manifest().fsLayers, { blobSum: fakeDigest('second') }] }),
    good: json({ ...schema1Manifest(), fsLayers: [...schema1Manifest().fsLayers, { blobSum: fakeDigest('second') }], history: [...schema1Manifest().history, { v1Compatibility: '{"id":"y"}' }] }),
    where: [{ path: '$.history', text: '"history"' }],
  },
  // The OCI artifact manifest existed only in 1.1.0-rc1/rc2: warning.
  {
    name: 'withdrawn artifact manifest',
    code: 'artifact-manifest-withdrawn',
    severity: 'warning',
    bad: json(artifactManifestDoc),
    good: json(ociArtifact()),
    where: [{ path: '$.mediaType', text: JSON.stringify(MT.artifactManifest) }],
  },
  {
    // ORAS 0.x pushed its own pre-1.1 artifact manifest (soci v1 indexes still are): the message
    // names the type the document has, not the OCI release-candidate one.
    name: 'ORAS artifact manifest',
    code: 'artifact-manifest-withdrawn',
    severity: 'warning',
    bad: json({ ...artifactManifestDoc, mediaType: 'application/vnd.cncf.oras.artifact.manifest.v1+json' }),
    good: json(ociArtifact()),
    where: [{ path: '$.mediaType', text: '"application/vnd.cncf.oras.artifact.manifest.v1+json"' }],
    message: /application\/vnd\.cncf\.oras\.artifact\.manifest\.v1\+json/,
  },
  {
    name: 'index entry pointing at a withdrawn artifact manifest',
    code: 'artifact-manifest-withdrawn',
    severity: 'warning',
    bad: json({
      ...ociIndex(),
      manifests: [{ mediaType: MT.artifactManifest, artifactType: 'application/vnd.example.sbom.v1+json', digest: fakeDigest('a'), size: 400 }],
    }),
    good: json({
      ...ociIndex(),
      manifests: [{ mediaType: MT.ociManifest, artifactType: 'application/vnd.example.sbom.v1+json', digest: fakeDigest('a'), size: 400 }],
    }),
    where: [{ path: '$.manifests[0].mediaType', text: JSON.stringify(MT.artifactManifest) }],
  },
  {
    // Not a spec rule: a note that a document above `maxValidationSize` got syntax and structure only.
    name: 'a document larger than maxValidationSize',
    code: 'validation-limited',
    severity: 'information',
    bad: json({ ...ociManifest(), layers: Array.from({ length: 12 }, (_, i) => ociLayer(`layer-${i}`)) }),
    good: JSON.stringify(ociManifest()),
    where: [{ path: '$', text: '{' }],
    options: { maxValidationSize: 1000 },
  },
  // Top-level digest/size: `buildx imagetools inspect` output (reported 23): information.
  {
    name: 'top-level digest and size on an index',
    code: 'tool-output-field',
    severity: 'information',
    bad: json({ ...ociIndex(), digest: fakeDigest('self'), size: 1234 }),
    good: json(ociIndex()),
    where: [
      { path: '$.digest', text: ['"digest"', JSON.stringify(fakeDigest('self'))] },
      { path: '$.size', text: ['"size"', '1234'] },
    ],
  },
  {
    name: 'top-level digest on a Docker manifest list',
    code: 'tool-output-field',
    severity: 'information',
    bad: json({ ...dockerList(), digest: fakeDigest('self') }),
    good: json(dockerList()),
    where: [{ path: '$.digest', text: ['"digest"', JSON.stringify(fakeDigest('self'))] }],
  },
  // Tool output users open expecting a manifest: one note saying where the manifest is.
  {
    name: '`docker manifest inspect -v` output',
    code: 'tool-output',
    severity: 'information',
    bad: json({ Ref: 'example.com/app:1', Descriptor: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: fakeDigest('m'), size: 528 }, Raw: 'e30=', SchemaV2Manifest: { schemaVersion: 2 } }),
    good: json({ Ref: 'example.com/app:1', Note: 'some other JSON' }),
    where: [{ path: '$', text: '{' }],
  },
  {
    name: '`skopeo inspect` output',
    code: 'tool-output',
    severity: 'information',
    bad: json({ Name: 'example.com/app', Digest: fakeDigest('m'), RepoTags: ['1'], Architecture: 'amd64', Os: 'linux', Layers: [fakeDigest('l')] }),
    good: json({ Name: 'app', Digest: fakeDigest('m'), Architecture: 'amd64' }),
    where: [{ path: '$', text: '{' }],
  },
];

if (require.main === module) {
  runRuleCases(CASES);

  describe('text cut off in the middle', () => {
    it('only the syntax error, not the members the missing text would have had', () => {
      const whole = JSON.stringify(ociManifest());
      // The last three cut inside a string value: half a media type or digest is no value to judge.
      const inside = (needle: string) => whole.indexOf(needle) + needle.length;
      for (const end of [whole.indexOf('"config":') + '"config":'.length, whole.indexOf('"layers"') - 1, whole.indexOf('"size"'), inside('"application/vnd.oci.image.config.'), inside('"application/vnd.oci.image.layer.v1'), inside('"digest":"sha256:')]) {
        const found = check(whole.slice(0, end));
        assert.deepEqual([...new Set(found.map((d) => d.code))], ['json-syntax'], `${whole.slice(0, end)}\n${formatDiagnostics(found)}`);
      }
    });

    it('a closed document with a syntax error still gets its structure checked', () => {
      const found = check(JSON.stringify({ ...ociManifest(), layers: undefined }).replace(/}$/, ',}'));
      assert.ok(found.some((d) => d.code === 'missing-property' && /`layers`/.test(d.message)), formatDiagnostics(found));
    });
  });

  describe('maxValidationSize', () => {
    const big = json({ ...ociManifest(), layers: Array.from({ length: 12 }, (_, i) => ({ ...ociLayer(`layer-${i}`), size: i === 3 ? '12' : 10 })) });

    it('above the limit: structure is still checked', () => {
      const all = check(big, { maxValidationSize: 1000 });
      assert.ok(all.some((d) => d.code === 'wrong-type' && d.path === '$.layers[3].size'), formatDiagnostics(all));
    });

    it('below the limit: no note', () => {
      const all = check(big, { maxValidationSize: 1_000_000 });
      assert.ok(!all.some((d) => d.code === 'validation-limited'), formatDiagnostics(all));
    });
  });
}
