/**
 * The reported-problem fixtures (test/fixtures/reported, README.md there): the README's table as
 * data. Each fixture must get the expected diagnostics at the expected JSON path with the expected
 * severity, and no other error or warning (information notes are allowed). Layouts (12, 13, 14, 21,
 * 22) are checked file by file, first as single documents, then with the layout's blobs as context.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, test } from 'node:test';
import { DIAGNOSTIC_CODES, type Severity, type ValidationOptions } from 'image-manifest-language-server';
import {
  FIXTURES,
  assertFixWorks,
  atLeast,
  check,
  formatDiagnostics,
  layoutBlobs,
  listFiles,
  sniffJsonObject,
  type CheckedDiagnostic,
} from '../helpers/diagnostics';

const REPORTED = path.join(FIXTURES, 'reported');

interface Expectation {
  /** For layouts: the file inside the layout. */
  file?: string;
  /** The README's path. */
  path: string;
  /** The member at `path` is absent, so it is reported on its parent (key, or the root's brace). */
  missing?: boolean;
  severity: Severity;
  /** The codes that fit the README's gist. */
  codes: readonly string[];
  gist: string;
  /** The README asks for a quick fix with this replacement text. */
  fix?: string;
  /** A word the README asks the message to carry. */
  message?: RegExp;
  /** Only in layout mode (needs the blobs). */
  layoutOnly?: boolean;
}

interface ReportedFixture {
  name: string;
  source: string;
  expect: readonly Expectation[];
  /** Information the README names as welcome, at these paths (not required). */
  informationAllowed?: readonly string[];
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const EMPTY = 'application/vnd.oci.empty.v1+json';

const TABLE: readonly ReportedFixture[] = [
  {
    name: '01-docker-list-arm64-variant-armv8.json',
    source: 'docker/for-linux#434',
    expect: [{ path: '$.manifests[2].platform.variant', severity: 'warning', codes: ['unknown-variant'], gist: 'not a listed arm64 variant, did you mean v8', fix: '"v8"' }],
  },
  {
    name: '02-docker-list-windows-duplicate-platform.json',
    source: 'moby/moby#41417, docker/cli#2722',
    expect: [
      { path: '$.manifests[2].platform', severity: 'warning', codes: ['duplicate-platform'], gist: 'same platform as $.manifests[1]; clients take the first match', message: /first/ },
      { path: '$.manifests[1].platform', severity: 'information', codes: ['windows-os-version'], gist: 'a Windows entry without os.version cannot be matched to the host build' },
      { path: '$.manifests[2].platform', severity: 'information', codes: ['windows-os-version'], gist: 'a Windows entry without os.version cannot be matched to the host build' },
    ],
  },
  {
    name: '03-docker-list-platform-os-version-underscore.json',
    source: 'estesp/manifest-tool#27',
    expect: [
      { path: '$.manifests[1].platform.os_version', severity: 'warning', codes: ['near-miss-property'], gist: 'unknown platform field, near miss of os.version', fix: '"os.version"' },
      { path: '$.manifests[1].platform.os_features', severity: 'warning', codes: ['near-miss-property'], gist: 'near miss of os.features' },
    ],
  },
  {
    name: '04-config-history-shorter-than-layers.json',
    source: 'nlewo/nix2container#57',
    expect: [{ path: '$.history', severity: 'warning', codes: ['history-layer-count'], gist: '1 history entry that has a layer, but 3 layers in rootfs.diff_ids' }],
  },
  { name: '05-valid-config-empty-tar-layer-history.json', source: 'aquasecurity/fanal#423', expect: [] },
  {
    name: '06-manifest-empty-string-mediatype.json',
    source: 'GoogleContainerTools/kaniko#1836',
    expect: [
      { path: '$.mediaType', severity: 'error', codes: ['media-type-mismatch', 'invalid-media-type'], gist: 'an empty string is not a media type; exact type or absent', fix: JSON.stringify(OCI_MANIFEST), message: /absent|remove|omit/i },
      { path: '$.layers[1].mediaType', severity: 'warning', codes: ['mixed-family'], gist: 'Docker layer type in an OCI manifest' },
    ],
  },
  {
    name: '07-descriptor-missing-size.json',
    source: 'moby/buildkit#4328',
    expect: [{ path: '$.layers[1]', severity: 'error', codes: ['missing-property'], gist: 'required property size is missing', message: /size/ }],
  },
  {
    name: '08-artifact-prerelease-scratch-config.json',
    source: 'project-zot/zot#1425',
    expect: [
      { path: '$.config.mediaType', severity: 'warning', codes: ['prerelease-media-type'], gist: 'release-candidate name of the empty type', fix: JSON.stringify(EMPTY) },
      { path: '$.annotations["org.opencontainers.artifact.created"]', severity: 'warning', codes: ['reserved-annotation-key'], gist: 'reserved prefix, no released spec defines it' },
      { path: '$.annotations["org.opencontainers.artifact.description"]', severity: 'warning', codes: ['reserved-annotation-key'], gist: 'reserved prefix, no released spec defines it' },
    ],
  },
  {
    name: '09-oci-artifact-manifest-withdrawn.json',
    source: 'Azure/azure-cli#24976',
    expect: [
      { path: '$.mediaType', severity: 'warning', codes: ['artifact-manifest-withdrawn'], gist: 'removed before 1.1.0; use an image manifest with artifactType', message: /artifactType/ },
      { path: '$.annotations["org.opencontainers.artifact.created"]', severity: 'warning', codes: ['reserved-annotation-key'], gist: 'as in 08' },
    ],
  },
  { name: '10-artifact-custom-config-mediatype.json', source: 'deckhouse/deckhouse#5008', expect: [], informationAllowed: ['$.config.mediaType'] },
  { name: '11-valid-attestation-manifest-intoto-layers.json', source: 'containerd/containerd#8243', expect: [], informationAllowed: ['$.layers[0].mediaType', '$.layers[1].mediaType'] },
  {
    name: '12-layout-bad-layout-version',
    source: 'opencontainers/image-tools#50',
    expect: [{ file: 'oci-layout', path: '$.imageLayoutVersion', severity: 'error', codes: ['invalid-value'], gist: 'must be "1.0.0"', fix: '"1.0.0"' }],
  },
  {
    name: '13-layout-descriptor-mediatype-mismatch',
    source: 'containerd/containerd#4215',
    expect: [
      {
        file: 'index.json',
        path: '$.manifests[0].mediaType',
        severity: 'error',
        codes: ['layout-media-type-mismatch'],
        gist: "the descriptor's media type differs from the mediaType of the content it points to",
        fix: JSON.stringify(DOCKER_MANIFEST),
        layoutOnly: true,
      },
    ],
  },
  {
    name: '14-layout-platform-config-architecture-mismatch',
    source: 'weaveworks/ignite#345',
    expect: [
      {
        file: 'blobs/sha256/b85ae8795d8bbc1d98e3d3274c1a39c3ffa8c88d307df78a4d65938129433ae5',
        path: '$.manifests[1].platform.architecture',
        severity: 'warning',
        codes: ['layout-platform-mismatch'],
        gist: "the platform does not match the referenced config's architecture (amd64)",
        message: /amd64/,
        layoutOnly: true,
      },
    ],
  },
  { name: '15-valid-helm-chart-manifest.json', source: 'aquasecurity/trivy#9053', expect: [], informationAllowed: ['$.config.mediaType'] },
  {
    name: '16-real-jib-fixture-docker-list-odd-entries.json',
    source: 'GoogleContainerTools/jib@83520d4',
    expect: [
      ...[0, 1, 2].map((i) => ({ path: `$.manifests[${i}].mediaType`, severity: 'warning' as const, codes: ['media-type-typo'], gist: 'unknown child media type, likely the Docker v2 manifest type', fix: JSON.stringify(DOCKER_MANIFEST) })),
      { path: '$.manifests[0].artifactType', severity: 'information', codes: ['docker-unsupported-field'], gist: 'an OCI 1.1 descriptor field the Docker list format does not define' },
      { path: '$.manifests[2].platform["os.version"]', severity: 'information', codes: ['os-version-not-windows'], gist: 'on non-Windows, values are implementation-defined' },
    ],
  },
  {
    name: '17-docker-list-artifacttype-null.json',
    source: 'GoogleContainerTools/jib#4287',
    expect: [
      ...[0, 1].map((i) => ({ path: `$.manifests[${i}].artifactType`, severity: 'error' as const, codes: ['wrong-type'], gist: 'must be a media-type string when present (omit it instead of null)', message: /omit|remove|absent/i })),
      ...[0, 1].map((i) => ({ path: `$.manifests[${i}].mediaType`, severity: 'warning' as const, codes: ['mixed-family'], gist: 'OCI manifests inside a Docker manifest list' })),
      ...[0, 1].map((i) => ({ path: `$.manifests[${i}].annotations`, severity: 'information' as const, codes: ['docker-unsupported-field'], gist: 'not part of the Docker list format' })),
    ],
  },
  { name: '18-valid-config-descriptor-embedded-data.json', source: 'GoogleContainerTools/jib#4340', expect: [], informationAllowed: ['$.config.data'] },
  { name: '19-real-dockerhub-hello-world-list-escaped-slashes.json', source: 'seqeralabs/wave@ca3395b README.md', expect: [] },
  { name: '20-real-cosign-tag-signature-manifest.json', source: 'jeffhuang4704/just-notes@67fe5e3', expect: [], informationAllowed: ['$.layers[0].mediaType'] },
  {
    name: '21-real-notation-signed-layout',
    source: 'notaryproject/notation@2a55855',
    expect: [{ file: 'index.json', path: '$.mediaType', missing: true, severity: 'warning', codes: ['missing-media-type'], gist: 'absent (SHOULD); nothing else' }],
  },
  { name: '22-real-buildkit-multiplatform-layout', source: 'docker/actions-toolkit@3d440be', expect: [] },
  { name: '23-real-buildx-imagetools-inspect-index.json', source: 'docker/actions-toolkit@3d440be', expect: [], informationAllowed: ['$.digest', '$.size'] },
  {
    name: '24-real-quay-schema1-signed-manifest.json',
    source: 'quay/quay@ffba0c7',
    expect: [{ path: '$.schemaVersion', severity: 'information', codes: ['schema1-deprecated'], gist: 'Docker schema 1 (signed) is deprecated', message: /deprecat/i }],
  },
  { name: '25-real-quay-large-docker-config.json', source: 'quay/quay@ffba0c7', expect: [] },
  {
    name: '26-config-exposedports-port-range.json',
    source: 'moby/moby#52553',
    expect: [{ path: '$.config.ExposedPorts["33060-33061/tcp"]', severity: 'warning', codes: ['invalid-exposed-port'], gist: 'not port, port/tcp or port/udp; Docker 29 refuses it', message: /Docker 29/ }],
  },
];

// ---------------------------------------------------------------------------------------------

interface CheckedFile {
  file: string;
  text: string;
  options: ValidationOptions | undefined;
  diagnostics: CheckedDiagnostic[];
}

/** The JSON documents of a fixture: the file itself, or every JSON file of a layout. */
function documentsOf(fixture: ReportedFixture): string[] {
  const full = path.join(REPORTED, fixture.name);
  if (!fs.statSync(full).isDirectory()) return [''];
  return listFiles(full).filter((file) => sniffJsonObject(fs.readFileSync(path.join(full, file))));
}

function checkFixture(fixture: ReportedFixture, layoutMode: boolean): CheckedFile[] {
  const full = path.join(REPORTED, fixture.name);
  return documentsOf(fixture).map((file) => {
    const text = fs.readFileSync(file ? path.join(full, file) : full, 'utf8');
    const options = layoutMode && file ? { context: { isLayoutIndex: file === 'index.json', blobs: layoutBlobs(full) } } : undefined;
    return { file, text, options, diagnostics: check(text, options) };
  });
}

/** Where the diagnostic for `e` must be: its path, or for a missing member, its parent's. */
function expectedPath(e: Expectation): string {
  if (!e.missing) return e.path;
  const parent = e.path.replace(/(\.[A-Za-z_$][\w$]*|\[[^\]]*\])$/, '');
  return parent;
}

function describeFile(f: CheckedFile): string {
  return `${f.file || '(file)'}:\n${formatDiagnostics(f.diagnostics)}`;
}

/**
 * Each expectation is met by a distinct diagnostic; every error or warning is expected. Returns the
 * matched diagnostics (for the fix checks).
 */
function assertMatches(files: CheckedFile[], expectations: readonly Expectation[]): Array<[Expectation, CheckedDiagnostic, CheckedFile]> {
  const matched: Array<[Expectation, CheckedDiagnostic, CheckedFile]> = [];
  const used = new Set<CheckedDiagnostic>();
  for (const e of expectations) {
    const file = files.find((f) => f.file === (e.file ?? ''));
    assert.ok(file, `fixture file ${e.file} is JSON and was checked`);
    const where = expectedPath(e);
    const d = file.diagnostics.find((x) => !used.has(x) && x.path === where && e.codes.includes(x.code) && x.severity === e.severity);
    const near = file.diagnostics.filter((x) => x.path === where);
    assert.ok(
      d,
      `expected ${e.severity} ${e.codes.join('|')} at ${e.file ? `${e.file} ` : ''}${where} (${e.gist})\n` +
        `at that path: ${near.map((x) => `${x.severity} ${x.code}`).join(', ') || 'nothing'}\n${describeFile(file)}`,
    );
    used.add(d);
    if (e.message) assert.match(d.message, e.message, `message of ${d.code} at ${where}`);
    matched.push([e, d, file]);
  }
  for (const file of files) {
    const unexpected = file.diagnostics.filter((x) => atLeast('warning')(x) && !used.has(x));
    assert.deepEqual(
      unexpected.map((x) => `${x.severity} ${x.code} at ${file.file ? `${file.file} ` : ''}${x.path}`),
      [],
      `no other errors or warnings\n${describeFile(file)}`,
    );
  }
  return matched;
}

const layoutCodesExist = 'layout-media-type-mismatch' in DIAGNOSTIC_CODES && 'layout-platform-mismatch' in DIAGNOSTIC_CODES;

describe('reported fixtures (test/fixtures/reported/README.md)', () => {
  it('the table covers every fixture in the folder', () => {
    const onDisk = fs.readdirSync(REPORTED).filter((name) => /^\d\d-/.test(name)).sort();
    assert.deepEqual(TABLE.map((f) => f.name), onDisk);
  });

  for (const fixture of TABLE) {
    const isLayout = fs.statSync(path.join(REPORTED, fixture.name)).isDirectory();
    const single = fixture.expect.filter((e) => !e.layoutOnly);
    const crossFile = fixture.expect.filter((e) => e.layoutOnly);

    describe(`${fixture.name} (${fixture.source})`, () => {
      it(isLayout ? 'each document on its own: the expected diagnostics and nothing else' : 'the expected diagnostics and nothing else', () => {
        const files = checkFixture(fixture, false);
        assert.ok(files.length > 0);
        assertMatches(files, single);
      });

      for (const e of fixture.expect.filter((x) => x.fix !== undefined && !x.layoutOnly)) {
        it(`quick fix at ${e.path}: ${e.fix}`, () => {
          const matched = assertMatches(checkFixture(fixture, false), single).filter(([x]) => x === e);
          for (const [, d, file] of matched) {
            assert.ok(d.fixes?.some((f) => f.newText === e.fix), `fixes: ${JSON.stringify(d.fixes?.map((f) => f.newText))}`);
            assertFixWorks(file.text, d, file.options);
          }
        });
      }

      if (fixture.informationAllowed) {
        it('information appears only where the README allows or expects it', () => {
          const files = checkFixture(fixture, isLayout);
          const allowed = new Set([...fixture.informationAllowed!, ...fixture.expect.map(expectedPath)]);
          for (const file of files) {
            for (const d of file.diagnostics.filter((x) => x.severity === 'information')) {
              assert.ok(allowed.has(d.path), `information ${d.code} at ${d.path} is not among ${[...allowed].join(', ')}`);
            }
          }
        });
      }

      if (isLayout) {
        if (crossFile.length === 0 || layoutCodesExist) {
          it('as a layout (blobs as context): the expected diagnostics and nothing else', () => {
            const files = checkFixture(fixture, true);
            const matched = assertMatches(files, fixture.expect);
            for (const [e, d, file] of matched) {
              if (e.fix === undefined) continue;
              assert.ok(d.fixes?.some((f) => f.newText === e.fix), `fixes of ${d.code}: ${JSON.stringify(d.fixes?.map((f) => f.newText))}`);
              assertFixWorks(file.text, d, file.options);
            }
          });
        } else {
          test.todo(`${fixture.name}: cross-file check (${crossFile.map((e) => e.codes.join('|')).join(', ')}) needs the layout's blobs; not implemented in the validator yet`);
        }
      }
    });
  }
});
