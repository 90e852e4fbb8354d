/**
 * Documents written by real tools (test/fixtures/real, see test/fixtures/README.md): every JSON file
 * and every JSON blob (first non-whitespace byte `{`) gets no error. Warnings appear only where the
 * tools themselves deviate from a SHOULD, and those are listed here one by one:
 *
 * - umoci 0.4.7 writes manifests and `index.json` without the top-level `mediaType` (OCI: SHOULD),
 *   and skopeo keeps that when it copies an umoci image (zstd-layout) or pushes it to the registry
 *   (registry-amd64.json): `missing-media-type`.
 * - `umoci new` writes a base manifest with no layers (OCI prose: SHOULD have at least one):
 *   `empty-layers`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, check, formatDiagnostics, layoutBlobs, listFiles, sniffJsonObject, type CheckedDiagnostic } from '../helpers/diagnostics';

const REAL = path.join(FIXTURES, 'real');

const UMOCI_LAYOUT_MANIFESTS = [
  '2d215e550c8240f99996acdbb28512f238d4bc60dcd97956c6d21db9b5fb6519', // `umoci new`: no layers
  '643e21074f464ee6bf3b997d19b411cd20621aa2bd29623aff47fce00edff7b0',
  '9157a5b706a44331fd18eeb2b5c333c80ca3546334d032587cc5dfbf15c28441',
];

const UMOCI_12_MANIFESTS = [
  '14b2f0094c970637368442539c90d07abb3bbea812a2ea56b07af27df4ccdd21', // `umoci new`: no layers
  'fbc61dbac106268a5b7f113a3fc3027c0515ea61f4da6770c81b46290ebbfa49',
  'c2d0da97d8f9f73b4788e51c94b403be1452a03e8385e67f5f3e95bb06ea1786',
  '0b0e7d87bd63f59c33bf74bbeb5c916308c5766b6044f0df8b28a371c589f148',
  '43e1ee33cd53a6ba79f8d6999052876d628d3976798f161ea82d5357dd2e02db',
  '54dd24ee7b7b7ebcdffdf458778f09dff1f5deeb9a50c48dc4dd10f7c808b261',
  '7c642e1e639c5993e630fa83569c74af746058cdc04c3be4f54fb99632d7078c',
  '500c52dc5bc96a25306f0aa1705758ee24929933641383e03f339e6929dcc0e4',
  '9f58a3edfa5abfce583aef06670c442d54431b2a7fbc73adde491d34125e4b16',
  'eddb8df8587619355852ab8eea1d15f9e3920de935607f8ad0b23457bc68954a',
  'd282fa528dfa974d5d072f042a4a9ecbbf52c2d734d4fbbf2e0332350815dbac',
  '8d7e0dc6f90c24b682639b67e641da327679bc0ff8833f9c678b58bb07efbcd3',
  '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11',
  'fd14cc8c7089b40839dfa02c38c130c88f75e0c7112d4f5dc90b7e46c2c7e8c5',
];

const ZSTD_MANIFESTS = ['4089f34ace0958578c9acf34830ffb8d32b167c605d56379b5e87063f62360a1'];

/** Expected warnings, file by file: `code@path`. Every other file has none. */
const EXPECTED_WARNINGS: Record<string, readonly string[]> = {
  'registry-amd64.json': ['missing-media-type@$'],
  'umoci-layout/index.json': ['missing-media-type@$'],
  'umoci-12-layers/index.json': ['missing-media-type@$'],
  'zstd-layout/index.json': ['missing-media-type@$'],
  ...Object.fromEntries(UMOCI_LAYOUT_MANIFESTS.map((m) => [`umoci-layout/blobs/sha256/${m}`, ['missing-media-type@$']])),
  ...Object.fromEntries(UMOCI_12_MANIFESTS.map((m) => [`umoci-12-layers/blobs/sha256/${m}`, ['missing-media-type@$']])),
  ...Object.fromEntries(ZSTD_MANIFESTS.map((m) => [`zstd-layout/blobs/sha256/${m}`, ['missing-media-type@$']])),
  [`umoci-layout/blobs/sha256/${UMOCI_LAYOUT_MANIFESTS[0]}`]: ['missing-media-type@$', 'empty-layers@$.layers'],
  [`umoci-12-layers/blobs/sha256/${UMOCI_12_MANIFESTS[0]}`]: ['missing-media-type@$', 'empty-layers@$.layers'],
};

const JSON_FILES = listFiles(REAL).filter((file) => sniffJsonObject(fs.readFileSync(path.join(REAL, file))));

/** The layout folder a file sits in (a folder with `oci-layout`), if any. */
function layoutOf(file: string): string | undefined {
  const top = file.split('/')[0];
  return fs.existsSync(path.join(REAL, top, 'oci-layout')) ? path.join(REAL, top) : undefined;
}

function run(file: string, layoutMode: boolean): CheckedDiagnostic[] {
  const text = fs.readFileSync(path.join(REAL, file), 'utf8');
  const layout = layoutOf(file);
  const options = layoutMode && layout ? { context: { isLayoutIndex: file.endsWith('/index.json') && file.split('/').length === 2, blobs: layoutBlobs(layout) } } : undefined;
  return check(text, options);
}

describe('real fixtures: valid documents written by umoci, skopeo, buildah and the registry', () => {
  it('found the JSON documents', () => {
    // 7 layout/manifest files at the top, 3 umoci layouts with their blobs, the dir: copy.
    assert.ok(JSON_FILES.length >= 40, `only ${JSON_FILES.length} JSON files`);
    for (const file of Object.keys(EXPECTED_WARNINGS)) assert.ok(JSON_FILES.includes(file), `${file} is listed but not found`);
  });

  for (const file of JSON_FILES) {
    for (const layoutMode of layoutOf(file) ? [false, true] : [false]) {
      it(`${file}${layoutMode ? ' (in its layout)' : ''}`, () => {
        const diagnostics = run(file, layoutMode);
        const detail = formatDiagnostics(diagnostics);
        assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.path}`), [], `no errors\n${detail}`);
        const warnings = diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.code}@${d.path}`);
        assert.deepEqual(warnings.sort(), [...(EXPECTED_WARNINGS[file] ?? [])].sort(), `warnings\n${detail}`);
        for (const d of diagnostics.filter((x) => x.code === 'missing-media-type')) assert.equal(d.text, '{', 'reported on the root brace');
        for (const d of diagnostics.filter((x) => x.code === 'empty-layers')) assert.ok(['"layers"', '[]'].includes(d.text), d.text);
      });
    }
  }

  it('the manifest kinds are what the tools wrote (no top-level mediaType only where expected)', () => {
    for (const file of JSON_FILES) {
      const value = JSON.parse(fs.readFileSync(path.join(REAL, file), 'utf8')) as Record<string, unknown>;
      const isManifestOrIndex = value.schemaVersion === 2;
      const listed = (EXPECTED_WARNINGS[file] ?? []).includes('missing-media-type@$');
      assert.equal(isManifestOrIndex && value.mediaType === undefined, listed, `${file}: missing mediaType listed iff absent`);
    }
  });
});
