/**
 * Documents from other projects' test data, specs and bug reports (test/fixtures/public, README.md
 * there says where each came from). Each gets exactly the diagnostics listed here, with the reason
 * from the specs; counts that depend on the document are computed from it with JSON.parse.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseDocument } from 'image-manifest-language-server';
import { check } from '../helpers/diagnostics';
import { FIXTURES } from '../helpers/paths';

const PUBLIC = path.join(FIXTURES, 'public');

function read(name: string): string {
  return fs.readFileSync(path.join(PUBLIC, name), 'utf8');
}

/** `code@path:severity`, sorted, for the whole document. */
function summary(name: string): string[] {
  return check(read(name))
    .map((d) => `${d.code}@${d.path}:${d.severity}`)
    .sort();
}

interface Case {
  readonly file: string;
  readonly expected: readonly string[] | ((text: string) => readonly string[]);
  readonly why: string;
}

const CASES: readonly Case[] = [
  { file: 'containerd_content-flow-1.json', expected: [], why: 'a real Docker Hub list (arm v5, mips64le, s390x; mediaType last)' },
  { file: 'distribution_manifest-v2-2-1.json', expected: [], why: "the distribution spec's own list example, `features: [\"sse4\"]`" },
  { file: 'buildkit_attestation-storage-1.json', expected: [], why: 'BuildKit attestation child unknown/unknown is valid' },
  {
    file: 'buildkit_attestation-storage-2.json',
    expected: ['non-filesystem-layer@$.layers[0].mediaType:information'],
    why: 'an in-toto statement is not a filesystem layer: docker pull of it as an image fails',
  },
  { file: 'buildkit_attestation-storage-3.json', expected: [], why: 'attestation config with os/architecture unknown' },
  { file: 'issues_containerd-12818-windows-oci-index-unknown.json', expected: [], why: 'Windows os.version and an attestation child' },
  { file: 'oras-e2e_images-b2a5fcfb-empty-index.json', expected: [], why: '`manifests` is required and may be empty' },
  { file: 'oras-e2e_artifacts-20e7d3a6-referrer-empty-config-data.json', expected: [], why: 'OCI 1.1 referrer, empty config with `data`' },
  { file: 'oras-e2e_artifacts-0e7404d1-artifacttype-with-image-config.json', expected: [], why: 'artifactType with an image config is allowed' },
  {
    file: 'oras-e2e_artifacts-0e007dcb-config-type-no-slash.json',
    expected: ['invalid-media-type@$.config.mediaType:error'],
    why: 'descriptor.md: mediaType values MUST comply with RFC 6838 (`test.signature.file` has no slash)',
  },
  { file: 'notation_signature-specification-1.json', expected: [], why: 'the Notary Project spec’s signature manifest' },
  {
    file: 'moby-fixtures_schema1-good_manifest.json',
    expected: ['schema1-deprecated@$.schemaVersion:information'],
    why: "moby's valid signed schema 1 fixture; schema 1 is deprecated",
  },
  {
    file: 'moby-fixtures_schema1-bad_manifest.json',
    expected: ['invalid-value@$.schemaVersion:error', 'schema1-deprecated@$.schemaVersion:information'],
    why: "moby's invalid fixture: a schema 1 body whose schemaVersion says 2",
  },
  {
    file: 'moby-fixtures_schema1-extra_data_manifest.json',
    expected: ['duplicate-key@$.fsLayers:warning', 'schema1-deprecated@$.schemaVersion:information'],
    why: "moby's invalid fixture: a second `fsLayers` member",
  },
  {
    file: 'docker-cli_inspect-manifest-list-golden.json',
    expected: ['duplicate-platform@$.manifests[1].platform:warning'],
    why: 'two linux/amd64 entries: the second is never chosen',
  },
  {
    file: 'pulp_ryuk_0.13.0_manifest_list.json',
    expected: (text) => {
      // A Docker list "generally" holds Docker manifests (manifest-v2-2.md); SPEC.md: OCI children are mixing.
      const list = JSON.parse(text) as { manifests: { mediaType: string }[] };
      return list.manifests
        .map((child, i) => (child.mediaType.startsWith('application/vnd.oci.') ? `mixed-family@$.manifests[${i}].mediaType:warning` : ''))
        .filter(Boolean);
    },
    why: 'a real Docker Hub list with OCI children',
  },
  {
    file: 'harbor-like_helm-bitnami-nginx.json',
    expected: [
      'annotation-key-namespace@$.annotations.category:warning',
      'annotation-key-namespace@$.annotations.licenses:warning',
      'missing-media-type@$:warning',
      'non-image-config@$.config.mediaType:information',
    ],
    why: 'helm push: no top-level mediaType (SHOULD), Chart.yaml keys as annotations (SHOULD be namespaced)',
  },
  {
    file: 'containers-image_schema2-invalid-media-type.json',
    expected: ['docker-manifest-layer-type@$.layers[3].mediaType:warning', 'non-image-config@$.config.mediaType:information'],
    why: 'containers/image expects conversion of this v2s2 manifest to fail: its layer type is not a Docker type ("unsupported docker v2s2 media type")',
  },
  {
    file: 'regclient_testrepo-empty-image-config.json',
    expected: ['empty-image-config@$.config.digest:warning', 'non-filesystem-layer@$.layers[0].mediaType:information'],
    why: 'an image config type with the digest of `{}`: config.md REQUIRES architecture, os and rootfs (pre-1.1 artifact style)',
  },
  {
    file: 'docker-model-distribution-33_model-manifest.json',
    expected: ['non-image-config@$.config.mediaType:information'],
    why: 'a Docker AI model: an OCI artifact with its own config type (manifest.md: other config types are allowed)',
  },
  {
    file: 'docker-model-distribution-33_model-config.json',
    expected: [],
    why: 'a model config borrows `rootfs` but is no image config (no architecture or os, `rootfs.type` is not "layers")',
  },
  {
    file: 'image-spec_backwards-compat-octet-stream-config.json',
    expected: ['non-image-config@$.config.mediaType:information'],
    why: 'Docker 1.10-era push with config type application/octet-stream: runnable, only type-checking tools refuse it',
  },
];

describe('public documents get exactly the diagnostics the specs call for', () => {
  for (const c of CASES) {
    test(`${c.file}: ${c.why}`, () => {
      const expected = typeof c.expected === 'function' ? c.expected(read(c.file)) : c.expected;
      assert.deepEqual(summary(c.file), [...expected].sort());
    });
  }

  test('the legacy Docker config type is explained as such, not as an artifact', () => {
    const [note] = check(read('image-spec_backwards-compat-octet-stream-config.json'));
    assert.match(note.message, /Docker 1\.10/);
    assert.doesNotMatch(note.message, /cannot run/);
  });

  test('tool output is not validated as a manifest: one note says where the manifest is', () => {
    const cases = [
      ['issues_skopeo-2149-skopeo-inspect-output.json', /`skopeo inspect` output.*--raw/],
      ['docker-cli_inspect-annotate-verbose-golden.json', /`docker manifest inspect -v` output.*under `SchemaV2Manifest`.*`Raw`/],
    ] as const;
    for (const [file, message] of cases) {
      assert.equal(parseDocument(read(file)).detection.kind, 'unknown', file);
      const found = check(read(file));
      assert.deepEqual(found.map((d) => `${d.code}@${d.path}:${d.severity}`), ['tool-output@$:information'], file);
      assert.match(found[0].message, message);
    }
  });

  test('every file in the folder is covered', () => {
    const covered = new Set([...CASES.map((c) => c.file), 'issues_skopeo-2149-skopeo-inspect-output.json', 'docker-cli_inspect-annotate-verbose-golden.json']);
    const files = fs.readdirSync(PUBLIC).filter((f) => f.endsWith('.json'));
    assert.deepEqual(files.filter((f) => !covered.has(f)), []);
  });
});
