import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, validateDocument, type ManifestDiagnostic } from 'image-manifest-language-server';
import { getCodeActions, type CodeAction } from 'image-manifest-language-server/out/service/features';
import { applyEdits } from '../helpers/cursor-fixture';
import { FIXTURES } from '../helpers/paths';

const D = `sha256:${'a'.repeat(64)}`;
const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const DOCKER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

const config = `{"mediaType":"${OCI_CONFIG}","digest":"${D}","size":7}`;
const layer = (mediaType: string, extra = '') => `{"mediaType":"${mediaType}","digest":"${D}","size":5${extra}}`;
const manifest = (body: string) => `{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}",${body}}`;
const index = (platform: string) =>
  `{"schemaVersion":2,"mediaType":"${OCI_INDEX}","manifests":[{"mediaType":"${OCI_MANIFEST}","digest":"${D}","size":5,"platform":${platform}}]}`;

/** Errors and warnings: what "the validator accepts" must not contain (information notes are fine). */
function problems(text: string): ManifestDiagnostic[] {
  return validateDocument(parseDocument(text)).filter((d) => d.severity === 'error' || d.severity === 'warning');
}

function apply(text: string, action: CodeAction): string {
  return applyEdits(text, action.edits);
}

/** The quick fixes offered for the first diagnostic with `code`, as the server asks for them. */
function quickFixes(text: string, code: string): { diagnostic: ManifestDiagnostic; actions: CodeAction[] } {
  const parsed = parseDocument(text);
  const diagnostic = validateDocument(parsed).find((d) => d.code === code);
  assert.ok(diagnostic, `the validator reports ${code}`);
  const actions = getCodeActions(parsed, diagnostic.range, [diagnostic]).filter((action) => action.kind === 'quickfix');
  return { diagnostic, actions };
}

const FIX_CASES: Array<{ name: string; code: string; before: string; title: RegExp; after?: string }> = [
  {
    name: 'lowercase a digest',
    code: 'digest-uppercase',
    before: manifest(`"config":${config},"layers":[{"mediaType":"${OCI_GZIP}","digest":"sha256:${'A'.repeat(64)}","size":5}]`),
    title: /lowercase/i,
    after: manifest(`"config":${config},"layers":[${layer(OCI_GZIP)}]`),
  },
  {
    name: 'replace a misspelt media type',
    code: 'media-type-typo',
    before: manifest(`"config":${config},"layers":[${layer('application/vnd.oci.image.layer.v1.tar+gzp')}]`),
    title: /application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip/,
    after: manifest(`"config":${config},"layers":[${layer(OCI_GZIP)}]`),
  },
  {
    name: 'replace a wrong-family layer type in a Docker manifest',
    code: 'docker-manifest-oci-type',
    before: `{"schemaVersion":2,"mediaType":"${DOCKER_MANIFEST}","config":{"mediaType":"${DOCKER_CONFIG}","digest":"${D}","size":7},"layers":[${layer(OCI_GZIP)}]}`,
    title: /^Use application\/vnd\.docker/,
    after: `{"schemaVersion":2,"mediaType":"${DOCKER_MANIFEST}","config":{"mediaType":"${DOCKER_CONFIG}","digest":"${D}","size":7},"layers":[${layer(DOCKER_GZIP)}]}`,
  },
  {
    name: 'replace a pre-release empty type',
    code: 'prerelease-media-type',
    before: manifest(`"artifactType":"application/spdx+json","config":{"mediaType":"application/vnd.oci.scratch.v1+json","digest":"${EMPTY_DIGEST}","size":2},"layers":[${layer('application/spdx+json')}]`),
    title: /application\/vnd\.oci\.empty\.v1\+json/,
  },
  {
    name: 'set the empty descriptor’s digest',
    code: 'empty-descriptor',
    before: manifest(`"artifactType":"application/spdx+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"${D}","size":2},"layers":[${layer('application/spdx+json')}]`),
    title: /digest/i,
  },
  {
    name: 'set the empty descriptor’s size',
    code: 'empty-descriptor',
    before: manifest(`"artifactType":"application/spdx+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"${EMPTY_DIGEST}","size":3},"layers":[${layer('application/spdx+json')}]`),
    title: /size/i,
  },
  {
    name: 'normalise x86_64 to amd64',
    code: 'platform-alias',
    before: index('{"architecture":"x86_64","os":"linux"}'),
    title: /amd64/,
    after: index('{"architecture":"amd64","os":"linux"}'),
  },
  {
    name: 'normalise aarch64 to arm64',
    code: 'platform-alias',
    before: index('{"architecture":"aarch64","os":"linux"}'),
    title: /arm64/,
    after: index('{"architecture":"arm64","os":"linux"}'),
  },
  {
    name: 'normalise armhf to arm + v7',
    code: 'platform-alias',
    before: index('{"architecture":"armhf","os":"linux"}'),
    title: /arm.*v7/,
    after: index('{"architecture":"arm","os":"linux","variant":"v7"}'),
  },
  {
    name: 'a variant spelt like uname',
    code: 'unknown-variant',
    before: index('{"architecture":"arm64","os":"linux","variant":"armv8"}'),
    title: /v8/,
    after: index('{"architecture":"arm64","os":"linux","variant":"v8"}'),
  },
  {
    name: 'set size from data',
    code: 'invalid-data',
    before: manifest(`"artifactType":"application/spdx+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"${EMPTY_DIGEST}","size":2},"layers":[{"mediaType":"application/spdx+json","digest":"${EMPTY_DIGEST}","size":5,"data":"e30="}]`),
    title: /size/i,
  },
  {
    name: 'add the missing mediaType',
    code: 'missing-media-type',
    before: `{"schemaVersion":2,"config":${config},"layers":[${layer(OCI_GZIP)}]}`,
    title: /mediaType/,
  },
  {
    name: 'an empty top-level mediaType',
    code: 'media-type-mismatch',
    before: `{"schemaVersion":2,"mediaType":"","config":${config},"layers":[${layer(OCI_GZIP)}]}`,
    title: /application\/vnd\.oci\.image\.manifest\.v1\+json/,
    after: manifest(`"config":${config},"layers":[${layer(OCI_GZIP)}]`),
  },
  {
    name: 'add the missing schemaVersion',
    code: 'missing-property',
    before: `{"mediaType":"${OCI_MANIFEST}","config":${config},"layers":[${layer(OCI_GZIP)}]}`,
    title: /schemaVersion/,
    after: manifest(`"config":${config},"layers":[${layer(OCI_GZIP)}]`).replace(`{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}",`, `{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}",`),
  },
];

describe('quick fixes turn failing input into input the validator accepts', () => {
  for (const fixCase of FIX_CASES) {
    test(fixCase.name, () => {
      assert.ok(problems(fixCase.before).some((d) => d.code === fixCase.code), `before: ${fixCase.code} expected`);
      const { diagnostic, actions } = quickFixes(fixCase.before, fixCase.code);
      const action = actions.find((candidate) => fixCase.title.test(candidate.title));
      assert.ok(action, `a fix titled ${fixCase.title} among: ${actions.map((a) => a.title).join(' | ')}`);
      assert.deepEqual(action.diagnostics, [diagnostic]);
      const after = apply(fixCase.before, action);
      if (fixCase.after) assert.equal(after, fixCase.after);
      assert.doesNotThrow(() => JSON.parse(after));
      // A fix may leave a sibling problem of the same diagnostic (the empty descriptor has two).
      const remaining = problems(after).filter((d) => !(d.code === fixCase.code && d.message !== diagnostic.message && fixCase.code === 'empty-descriptor'));
      assert.deepEqual(remaining.map((d) => `${d.code}: ${d.message}`), [], after);
    });
  }

  test('both fixes of the empty descriptor together', () => {
    let text = manifest(`"artifactType":"application/spdx+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"${D}","size":3},"layers":[${layer('application/spdx+json')}]`);
    for (let round = 0; round < 3 && problems(text).length; round++) {
      const parsed = parseDocument(text);
      const diagnostic = validateDocument(parsed).find((d) => d.code === 'empty-descriptor');
      if (!diagnostic) break;
      text = apply(text, getCodeActions(parsed, diagnostic.range, [diagnostic])[0]);
    }
    assert.deepEqual(problems(text), []);
    assert.deepEqual(JSON.parse(text).config, { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_DIGEST, size: 2 });
  });
});

describe('fixes from diagnostics', () => {
  const diagnostic = (fixes: ManifestDiagnostic['fixes']): ManifestDiagnostic => ({
    code: 'platform-alias',
    severity: 'warning',
    message: 'm',
    range: { start: 1, end: 2 },
    href: 'h',
    fixes,
  });
  const parsed = parseDocument(index('{"architecture":"armhf","os":"linux"}'));

  test('one action per fix title, several edits when titles repeat', () => {
    const actions = getCodeActions(parsed, { start: 1, end: 2 }, [
      diagnostic([
        { title: 'Use arm with variant v7', range: { start: 10, end: 15 }, newText: '"arm"' },
        { title: 'Use arm with variant v7', range: { start: 20, end: 20 }, newText: ',"variant":"v7"' },
        { title: 'Use arm64', range: { start: 10, end: 15 }, newText: '"arm64"' },
      ]),
    ]).filter((action) => action.kind === 'quickfix');
    assert.deepEqual(actions.map((a) => [a.title, a.edits.length, a.isPreferred]), [
      ['Use arm with variant v7', 2, undefined],
      ['Use arm64', 1, undefined],
    ]);
  });

  test('a single fix is preferred; no fixes, no quick fix', () => {
    const single = getCodeActions(parsed, { start: 1, end: 2 }, [diagnostic([{ title: 'T', range: { start: 1, end: 1 }, newText: 'x' }])]);
    assert.equal(single.find((a) => a.kind === 'quickfix')?.isPreferred, true);
    assert.deepEqual(getCodeActions(parsed, { start: 1, end: 2 }, [diagnostic(undefined)]).filter((a) => a.kind === 'quickfix'), []);
  });
});

describe('source actions', () => {
  const read = (...parts: string[]) => fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8');
  const actionsOf = (text: string, only?: string[]) => getCodeActions(parseDocument(text), { start: 0, end: 0 }, [], only);

  test('convert a Docker manifest to OCI: the top level and every descriptor', () => {
    const docker = read('real', 'dir-v2s2', 'manifest.json');
    const actions = actionsOf(docker);
    assert.deepEqual(actions.map((a) => a.kind), ['source.imageManifest.convertToOci']);
    const converted = JSON.parse(apply(docker, actions[0]));
    assert.equal(converted.mediaType, OCI_MANIFEST);
    assert.equal(converted.config.mediaType, OCI_CONFIG);
    assert.equal(converted.layers[0].mediaType, OCI_GZIP);
    assert.equal(converted.layers[0].digest, JSON.parse(docker).layers[0].digest, 'digests stay');
    assert.deepEqual(problems(apply(docker, actions[0])), []);
  });

  test('convert an OCI manifest to Docker, adding the required mediaType', () => {
    const oci = read('real', 'registry-amd64.json');
    const action = actionsOf(oci).find((a) => a.kind === 'source.imageManifest.convertToDocker');
    assert.ok(action);
    const after = apply(oci, action);
    const converted = JSON.parse(after);
    assert.equal(converted.mediaType, DOCKER_MANIFEST);
    assert.equal(converted.config.mediaType, DOCKER_CONFIG);
    assert.equal(converted.layers[0].mediaType, DOCKER_GZIP);
    assert.ok(after.startsWith('{"schemaVersion":2,"mediaType":'), 'inserted after schemaVersion, in the document’s minified style');
    assert.deepEqual(problems(after), []);
  });

  test('a Docker list of Docker manifests is not converted: its entries name manifests that stay Docker', () => {
    const list = read('reported', '19-real-dockerhub-hello-world-list-escaped-slashes.json');
    assert.ok((JSON.parse(list) as { manifests: Array<{ mediaType: string }> }).manifests.every((child) => child.mediaType === DOCKER_MANIFEST));
    assert.equal(actionsOf(list).find((a) => a.kind === 'source.imageManifest.convertToOci'), undefined);
  });

  test('a Docker list whose entries are OCI manifests converts to an OCI index: only its own mediaType changes', () => {
    const list = read('reported', '19-real-dockerhub-hello-world-list-escaped-slashes.json').split(JSON.stringify(DOCKER_MANIFEST).replace(/\//g, '\\/')).join(JSON.stringify(OCI_MANIFEST));
    const before = JSON.parse(list) as { manifests: Array<{ mediaType: string; digest: string }> };
    assert.ok(before.manifests.every((child) => child.mediaType === OCI_MANIFEST), 'the test input has OCI entries');
    const parsed = parseDocument(list);
    const mixed = validateDocument(parsed).filter((d) => d.code === 'mixed-family');
    assert.equal(mixed.length, before.manifests.length);
    assert.ok(mixed.every((d) => !d.fixes?.length), 'no fix relabels an entry');
    const action = actionsOf(list).find((a) => a.kind === 'source.imageManifest.convertToOci');
    assert.ok(action);
    assert.equal(action.edits.length, 1, 'one edit: the top-level mediaType');
    const converted = JSON.parse(apply(list, action)) as { mediaType: string; manifests: Array<{ mediaType: string; digest: string }> };
    assert.equal(converted.mediaType, OCI_INDEX);
    assert.deepEqual(converted.manifests, before.manifests, 'entries untouched');
    assert.deepEqual(problems(apply(list, action)), []);
  });

  test('a mixed manifest: one quick fix converts everything', () => {
    const mixed = manifest(`"config":${config},"layers":[${layer(DOCKER_GZIP)},${layer('application/vnd.docker.image.rootfs.diff.tar')}]`);
    const parsed = parseDocument(mixed);
    const diagnostics = validateDocument(parsed).filter((d) => d.code === 'mixed-family');
    assert.ok(diagnostics.length >= 1);
    const action = getCodeActions(parsed, diagnostics[0].range, diagnostics).find((a) => a.title === 'Convert all media types to OCI');
    assert.ok(action);
    assert.equal(action.kind, 'quickfix');
    assert.deepEqual(problems(apply(mixed, action)), []);
    // The light bulb (no `only`) lists that change once, not again as the source action; the
    // Source Action menu still has it.
    const all = getCodeActions(parsed, diagnostics[0].range, diagnostics);
    assert.equal(all.filter((a) => JSON.stringify(a.edits) === JSON.stringify(action.edits)).length, 1, all.map((a) => a.title).join(', '));
    const source = getCodeActions(parsed, diagnostics[0].range, diagnostics, ['source']);
    assert.deepEqual(source.find((a) => a.kind === 'source.imageManifest.convertToOci')?.edits, action.edits);
  });

  test('no conversion where the other format cannot express the document', () => {
    const artifact = manifest(`"artifactType":"application/spdx+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"${EMPTY_DIGEST}","size":2},"layers":[${layer('application/spdx+json')}]`);
    assert.deepEqual(actionsOf(artifact).map((a) => a.kind), []);
  });

  test('add the missing mediaType and schemaVersion, in the document’s layout', () => {
    const pretty = `{\n  "config": ${config},\n  "layers": [${layer(OCI_GZIP)}]\n}`;
    const actions = actionsOf(pretty);
    const addSchemaVersion = actions.find((a) => a.kind === 'source.imageManifest.addSchemaVersion');
    assert.ok(addSchemaVersion);
    const withVersion = apply(pretty, addSchemaVersion);
    assert.equal(withVersion, `{\n  "schemaVersion": 2,\n  "config": ${config},\n  "layers": [${layer(OCI_GZIP)}]\n}`);
    const addMediaType = actionsOf(withVersion).find((a) => a.kind === 'source.imageManifest.addMediaType');
    assert.ok(addMediaType);
    const complete = apply(withVersion, addMediaType);
    assert.equal(complete, `{\n  "schemaVersion": 2,\n  "mediaType": "${OCI_MANIFEST}",\n  "config": ${config},\n  "layers": [${layer(OCI_GZIP)}]\n}`);
    assert.deepEqual(problems(complete), []);
  });

  test('only filters by kind', () => {
    const docker = read('real', 'dir-v2s2', 'manifest.json');
    assert.equal(actionsOf(docker, ['source']).length, 1);
    assert.equal(actionsOf(docker, ['source.imageManifest.convertToOci']).length, 1);
    assert.equal(actionsOf(docker, ['quickfix']).length, 0);
    assert.equal(actionsOf(docker, ['refactor']).length, 0);
  });

  test('nothing for JSON that is not a manifest', () => {
    assert.deepEqual(actionsOf('{"name":"x","dependencies":{}}'), []);
  });
});
