import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'image-manifest-language-server';
import { getCompletions, type CompletionItem } from 'image-manifest-language-server/out/service/features';
import { applyEdits, cursor, expandSnippet } from '../helpers/cursor-fixture';
import { FIXTURES, REPO_ROOT } from '../helpers/paths';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
const OCI_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const CONFIG_DIGEST = `sha256:${'c'.repeat(64)}`;

function complete(marked: string, options?: { snippetSupport?: boolean }): { text: string; items: CompletionItem[] } {
  const { text, offset } = cursor(marked);
  return { text, items: getCompletions(parseDocument(text), offset, options).items };
}

function labels(marked: string): string[] {
  return complete(marked).items.map((item) => item.label);
}

/** The document after choosing `label` (snippet placeholders at their defaults). */
function choose(marked: string, label: string): string {
  const { text, items } = complete(marked);
  const item = items.find((candidate) => candidate.label === label);
  assert.ok(item, `no item ${label} among ${items.map((i) => i.label).join(', ')}`);
  const newText = item.isSnippet ? expandSnippet(item.textEdit.newText) : item.textEdit.newText;
  return applyEdits(text, [{ range: item.textEdit.range, newText }, ...(item.additionalEdits ?? [])]);
}

function schemaDescription(file: string, ...pointer: string[]): string {
  let node = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', file), 'utf8'));
  for (const key of pointer) node = node[key];
  return node.description;
}

const ociManifest = (config: string, layers = '[]') =>
  `{"schemaVersion":2,"config":{"mediaType":"${config}","digest":"${CONFIG_DIGEST}","size":7},"layers":${layers}}`;

describe('completion: media types by context', () => {
  test('top-level mediaType offers the type that fits the shape first, deprecated last', () => {
    const items = complete(`{"schemaVersion":2,"mediaType":"|","config":{"mediaType":"${OCI_CONFIG}"},"layers":[]}`).items;
    assert.deepEqual(items.slice(0, 4).map((i) => i.label), [OCI_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, DOCKER_LIST]);
    const firstDeprecated = items.findIndex((i) => i.deprecated);
    assert.ok(firstDeprecated > 0);
    assert.ok(items.slice(firstDeprecated).every((i) => i.deprecated), 'deprecated types come last');
    assert.ok(items.some((i) => i.label === 'application/vnd.oci.artifact.manifest.v1+json' && i.deprecated));
    assert.equal(items[0].detail, 'manifest · OCI');
    assert.match(items[0].documentation ?? '', /image-spec\/blob\/main\/manifest\.md/);
  });

  test('top-level mediaType follows the family of the config and the index shape', () => {
    assert.equal(labels(`{"schemaVersion":2,"mediaType":"|","config":{"mediaType":"${DOCKER_CONFIG}"},"layers":[]}`)[0], DOCKER_MANIFEST);
    assert.equal(labels('{"schemaVersion":2,"mediaType":"|","manifests":[]}')[0], OCI_INDEX);
    assert.equal(labels(`{"schemaVersion":2,"mediaType":"|","manifests":[{"mediaType":"${DOCKER_MANIFEST}","digest":"${CONFIG_DIGEST}","size":1}]}`)[0], DOCKER_LIST);
  });

  test('the chosen item replaces the whole string and leaves the rest alone', () => {
    const marked = `{"schemaVersion":2,"mediaType":"application/vnd.do|cker.something","config":{"mediaType":"${OCI_CONFIG}"},"layers":[]}`;
    assert.equal(choose(marked, OCI_MANIFEST), `{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}","config":{"mediaType":"${OCI_CONFIG}"},"layers":[]}`);
    const item = complete(marked).items[0];
    assert.equal(item.filterText, `"${item.label}"`, 'filter text starts with the quote the range starts with');
  });

  test('works without the opening quote and adds the comma the next member needs', () => {
    const marked = `{\n  "schemaVersion": 2,\n  "mediaType": |\n  "config": {"mediaType": "${DOCKER_CONFIG}"},\n  "layers": []\n}`;
    assert.equal(labels(marked)[0], DOCKER_MANIFEST);
    assert.equal(
      choose(marked, DOCKER_MANIFEST),
      `{\n  "schemaVersion": 2,\n  "mediaType": "${DOCKER_MANIFEST}",\n  "config": {"mediaType": "${DOCKER_CONFIG}"},\n  "layers": []\n}`,
    );
  });

  test('works in an unterminated string being typed', () => {
    const marked = `{\n  "schemaVersion": 2,\n  "config": {\n    "mediaType": "application/vnd.oci.im|\n  },\n  "layers": []\n}`;
    assert.equal(labels(marked)[0], OCI_CONFIG);
    assert.equal(choose(marked, OCI_CONFIG), `{\n  "schemaVersion": 2,\n  "config": {\n    "mediaType": "${OCI_CONFIG}"\n  },\n  "layers": []\n}`);
  });

  test('config.mediaType: the family’s configs, then the empty type and artifact configs; no Docker type in OCI', () => {
    const items = complete(`{"schemaVersion":2,"config":{"mediaType":"|"},"layers":[]}`).items;
    assert.deepEqual(items.slice(0, 2).map((i) => i.label), [OCI_CONFIG, OCI_EMPTY]);
    const all = items.map((i) => i.label);
    assert.ok(all.includes('application/vnd.cncf.helm.config.v1+json'));
    assert.ok(!all.includes(DOCKER_CONFIG));
    assert.equal(items.at(-1)?.label, 'application/vnd.oci.scratch.v1+json', 'the pre-release name comes last');
    assert.equal(items.at(-1)?.deprecated, true);

    const docker = labels(`{"schemaVersion":2,"mediaType":"${DOCKER_MANIFEST}","config":{"mediaType":"|"},"layers":[]}`);
    assert.equal(docker[0], DOCKER_CONFIG);
    assert.ok(!docker.some((label) => label.includes('vnd.oci.')), docker.join(', '));
  });

  test('layers[].mediaType: layer types of the family, gzip first, non-distributable last', () => {
    const items = complete(ociManifest(OCI_CONFIG, '[{"mediaType":"|"}]')).items;
    assert.deepEqual(items.slice(0, 3).map((i) => i.label), [OCI_GZIP, 'application/vnd.oci.image.layer.v1.tar+zstd', 'application/vnd.oci.image.layer.v1.tar']);
    assert.equal(items[0].detail, 'layer · OCI · tar+gzip');
    const nondistributable = items.filter((i) => i.label.includes('nondistributable'));
    assert.equal(nondistributable.length, 3);
    assert.ok(nondistributable.every((i) => i.deprecated));
    const firstDeprecated = items.findIndex((i) => i.deprecated);
    assert.ok(items.slice(firstDeprecated).every((i) => i.deprecated), 'deprecated types come last');
    assert.ok(nondistributable.every((i) => items.indexOf(i) >= firstDeprecated));
    assert.ok(!items.some((i) => i.label.includes('docker')));

    const docker = labels(`{"schemaVersion":2,"mediaType":"${DOCKER_MANIFEST}","config":{},"layers":[{"mediaType":"|"}]}`);
    assert.equal(docker[0], DOCKER_GZIP);
    assert.ok(docker.every((label) => label.startsWith('application/vnd.docker.image.rootfs.')), docker.join(', '));
  });

  test('manifests[].mediaType and subject.mediaType offer manifest and index types', () => {
    assert.deepEqual(labels('{"schemaVersion":2,"manifests":[{"mediaType":"|"}]}').slice(0, 4), [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST]);
    assert.deepEqual(labels(`{"schemaVersion":2,"mediaType":"${DOCKER_LIST}","manifests":[{"mediaType":"|"}]}`).slice(0, 2), [DOCKER_MANIFEST, DOCKER_LIST]);
    assert.equal(labels(ociManifest(OCI_EMPTY).replace('"layers":[]', '"layers":[],"subject":{"mediaType":"|"}'))[0], OCI_MANIFEST);
  });

  test('artifactType offers artifact types', () => {
    const all = labels(ociManifest(OCI_EMPTY).replace('{"schemaVersion":2,', '{"schemaVersion":2,"artifactType":"|",'));
    assert.ok(all.includes('application/spdx+json'));
    assert.ok(all.includes('application/vnd.cncf.notary.signature'));
    assert.ok(!all.includes(OCI_MANIFEST));
  });
});

describe('completion: digests and sizes', () => {
  test('digest formats with a placeholder of the right length, then digests the document has', () => {
    const marked = ociManifest(OCI_CONFIG, `[{"mediaType":"${OCI_GZIP}","digest":"|","size":1}]`);
    const items = complete(marked).items;
    assert.deepEqual(items.slice(0, 3).map((i) => i.label), ['sha256:', 'sha512:', 'blake3:']);
    assert.ok(items[0].isSnippet);
    assert.match(choose(marked, 'sha256:'), new RegExp(`"digest":"sha256:x{64}"`));
    assert.match(choose(marked, 'sha512:'), new RegExp(`"digest":"sha512:x{128}"`));
    const fromDocument = items.find((i) => i.label === CONFIG_DIGEST);
    assert.ok(fromDocument, 'the config digest is offered');
    assert.equal(fromDocument.detail, 'as in config.digest');
  });

  test('the empty descriptor gets its exact digest first, and its size set to 2', () => {
    const withSize = `{\n  "schemaVersion": 2,\n  "artifactType": "application/spdx+json",\n  "config": {\n    "mediaType": "${OCI_EMPTY}",\n    "digest": "|",\n    "size": 0\n  },\n  "layers": []\n}`;
    assert.equal(labels(withSize)[0], EMPTY_DIGEST);
    assert.equal(
      choose(withSize, EMPTY_DIGEST),
      `{\n  "schemaVersion": 2,\n  "artifactType": "application/spdx+json",\n  "config": {\n    "mediaType": "${OCI_EMPTY}",\n    "digest": "${EMPTY_DIGEST}",\n    "size": 2\n  },\n  "layers": []\n}`,
    );
    const withoutSize = `{\n  "schemaVersion": 2,\n  "config": {\n    "mediaType": "${OCI_EMPTY}",\n    "digest": "|"\n  },\n  "layers": []\n}`;
    assert.equal(
      choose(withoutSize, EMPTY_DIGEST),
      `{\n  "schemaVersion": 2,\n  "config": {\n    "mediaType": "${OCI_EMPTY}",\n    "size": 2,\n    "digest": "${EMPTY_DIGEST}"\n  },\n  "layers": []\n}`,
    );
  });

  test('a descriptor with data gets the digest and size of its bytes', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'reported', '18-valid-config-descriptor-embedded-data.json'), 'utf8');
    const data = JSON.parse(text).config.data as string;
    const bytes = Buffer.from(data, 'base64');
    const expected = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const configDigest = JSON.parse(text).config.digest as string;
    const at = text.indexOf(configDigest);
    const marked = `${text.slice(0, at)}|${text.slice(at)}`;
    assert.equal(labels(marked)[0], expected);
    assert.equal(expected, configDigest, 'the fixture is valid: its digest is the hash of data');

    const sizeAt = text.indexOf('"size"', text.indexOf('"config"'));
    const valueAt = text.indexOf(':', sizeAt) + 1;
    const valueEnd = text.slice(valueAt).search(/[,}\n]/) + valueAt;
    const sizeMarked = `${text.slice(0, valueAt)} |${text.slice(valueEnd)}`;
    assert.equal(labels(sizeMarked)[0], String(bytes.length));
  });
});

describe('completion: property names', () => {
  test('a layer descriptor: required members first, never one already present, docs from the schema', () => {
    const marked = ociManifest(OCI_CONFIG, `[{"mediaType":"${OCI_GZIP}",|}]`);
    const items = complete(marked).items;
    assert.deepEqual(items.map((i) => i.label), ['digest', 'size', 'urls', 'annotations', 'data', 'artifactType']);
    assert.equal(items[0].detail, 'required');
    assert.equal(items[0].documentation, schemaDescription('descriptor.schema.json', 'properties', 'digest'));
    assert.equal(choose(marked, 'digest'), ociManifest(OCI_CONFIG, `[{"mediaType":"${OCI_GZIP}","digest":""}]`));
    assert.equal(choose(marked, 'size'), ociManifest(OCI_CONFIG, `[{"mediaType":"${OCI_GZIP}","size":0}]`));
  });

  test('an index entry also offers platform, as a snippet', () => {
    const marked = '{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"y","size":1,"|"}]}';
    const all = labels(marked);
    assert.ok(all.includes('platform'));
    assert.equal(choose(marked, 'platform'), '{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"y","size":1,"platform":{"architecture":"amd64","os":"linux"}}]}');
  });

  test('the root of an OCI manifest: mediaType (recommended) first, the present ones left out', () => {
    const marked = `{\n  "schemaVersion": 2,\n  "config": {"mediaType": "${OCI_CONFIG}", "digest": "${CONFIG_DIGEST}", "size": 7},\n  "layers": [],\n  |\n}`;
    const items = complete(marked).items;
    assert.deepEqual(items.map((i) => i.label), ['mediaType', 'artifactType', 'subject', 'annotations']);
    assert.equal(items[0].detail, 'recommended');
    assert.equal(
      choose(marked, 'mediaType'),
      `{\n  "schemaVersion": 2,\n  "config": {"mediaType": "${OCI_CONFIG}", "digest": "${CONFIG_DIGEST}", "size": 7},\n  "layers": [],\n  "mediaType": "${OCI_MANIFEST}"\n}`,
    );
  });

  test('a Docker manifest: the required members, with the one allowed mediaType filled in', () => {
    const marked = '{"schemaVersion":2,"|"}';
    // Not recognisable yet (no mediaType, no config/layers): a manifest being started.
    assert.deepEqual(labels(marked).slice(0, 5), ['mediaType', 'config', 'layers', 'manifests', 'artifactType']);
    const docker = `{"schemaVersion":2,"mediaType":"${DOCKER_MANIFEST}","config":{},"|"}`;
    assert.deepEqual(labels(docker), ['layers']);
  });

  test('an existing key is replaced, keeping its value', () => {
    const marked = `{"schemaVersion":2,"mediaType":"${OCI_INDEX}","manifests":[],"annot|ations":{}}`;
    assert.equal(choose(marked, 'annotations'), `{"schemaVersion":2,"mediaType":"${OCI_INDEX}","manifests":[],"annotations":{}}`);
  });

  test('annotation keys: the pre-defined ones, ref.name first in an index entry', () => {
    const root = complete(ociManifest(OCI_CONFIG).replace('"layers":[]', '"layers":[],"annotations":{"org.opencontainers.image.title":"t",|}')).items;
    assert.equal(root[0].label, 'org.opencontainers.image.created');
    assert.match(root[0].documentation ?? '', /RFC 3339/);
    assert.ok(!root.some((i) => i.label === 'org.opencontainers.image.title'), 'present key left out');
    assert.ok(!root.some((i) => i.label.startsWith('vnd.docker.')));
    const entry = labels('{"schemaVersion":2,"manifests":[{"mediaType":"x","annotations":{|}}]}');
    assert.equal(entry[0], 'org.opencontainers.image.ref.name');
    assert.ok(entry.includes('vnd.docker.reference.type'));
  });
});

describe('completion: snippets and platform values', () => {
  test('a whole layer descriptor in layers, laid out like the document', () => {
    const marked = `{\n  "schemaVersion": 2,\n  "config": {"mediaType": "${OCI_CONFIG}", "digest": "${CONFIG_DIGEST}", "size": 7},\n  "layers": [\n    |\n  ]\n}`;
    const items = complete(marked).items;
    assert.deepEqual(items.map((i) => i.label), ['{ } layer descriptor']);
    assert.equal(
      choose(marked, '{ } layer descriptor'),
      `{\n  "schemaVersion": 2,\n  "config": {"mediaType": "${OCI_CONFIG}", "digest": "${CONFIG_DIGEST}", "size": 7},\n  "layers": [\n    {\n      "mediaType": "${OCI_GZIP}",\n      "digest": "sha256:${'x'.repeat(64)}",\n      "size": 0\n    }\n  ]\n}`,
    );
  });

  test('an empty layers value gets an array with one descriptor', () => {
    const marked = `{\n  "schemaVersion": 2,\n  "config": {"mediaType": "${OCI_CONFIG}", "digest": "${CONFIG_DIGEST}", "size": 7},\n  "layers": |\n}`;
    assert.equal(
      choose(marked, '[ ] layers with one layer descriptor'),
      `{\n  "schemaVersion": 2,\n  "config": {"mediaType": "${OCI_CONFIG}", "digest": "${CONFIG_DIGEST}", "size": 7},\n  "layers": [\n    {\n      "mediaType": "${OCI_GZIP}",\n      "digest": "sha256:${'x'.repeat(64)}",\n      "size": 0\n    }\n  ]\n}`,
    );
  });

  test('a manifest descriptor with its platform in an index', () => {
    const result = choose(`{"schemaVersion":2,"mediaType":"${OCI_INDEX}","manifests":[|]}`, '{ } manifest descriptor');
    assert.deepEqual(JSON.parse(result).manifests[0], {
      mediaType: OCI_MANIFEST,
      digest: `sha256:${'x'.repeat(64)}`,
      size: 0,
      platform: { architecture: 'amd64', os: 'linux' },
    });
  });

  test('platform values: os and architecture common ones first, variants of the chosen architecture only', () => {
    const base = (platform: string) => `{"schemaVersion":2,"manifests":[{"mediaType":"${OCI_MANIFEST}","platform":${platform}}]}`;
    assert.deepEqual(labels(base('{"os":"|"}')).slice(0, 2), ['linux', 'windows']);
    assert.deepEqual(labels(base('{"architecture":"|"}')).slice(0, 3), ['amd64', 'arm64', 'arm']);
    const arm64 = labels(base('{"architecture":"arm64","variant":"|"}'));
    assert.equal(arm64[0], 'v8');
    assert.ok(arm64.every((variant) => /^v[89]/.test(variant)), arm64.join(', '));
    assert.deepEqual(labels(base('{"architecture":"arm","variant":"|"}')), ['v7', 'v5', 'v6', 'v8']);
    assert.equal(choose(base('{"architecture":"arm","variant":"|"}'), 'v7'), base('{"architecture":"arm","variant":"v7"}'));
  });

  test('the platform member value gets a snippet', () => {
    const marked = `{"schemaVersion":2,"manifests":[{"mediaType":"${OCI_MANIFEST}","platform":|}]}`;
    assert.equal(JSON.stringify(JSON.parse(choose(marked, '{ } platform')).manifests[0].platform), '{"architecture":"amd64","os":"linux"}');
  });

  test('image config values', () => {
    const config = (member: string) => `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},${member}}`;
    assert.equal(labels(config('"variant":"|"').replace('"architecture":"amd64"', '"architecture":"arm64"'))[0], 'v8');
    assert.deepEqual(labels('{"architecture":"|","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}').slice(0, 2), ['amd64', 'arm64']);
    assert.deepEqual(labels('{"architecture":"amd64","os":"linux","rootfs":{"type":"|","diff_ids":[]}}'), ['layers']);
  });

  test('schemaVersion offers 2', () => {
    assert.equal(choose(`{"schemaVersion":|,"manifests":[]}`, '2'), '{"schemaVersion":2,"manifests":[]}');
  });
});

describe('completion: documents typed from scratch and documents that are not manifests', () => {
  test('a fresh document: the members to start with, then the media type', () => {
    assert.deepEqual(labels('{\n  "schemaVersion": 2,\n  "|\n}').slice(0, 4), ['mediaType', 'config', 'layers', 'manifests']);
    assert.equal(
      choose('{\n  "schemaVersion": 2,\n  "|\n}', 'mediaType'),
      `{\n  "schemaVersion": 2,\n  "mediaType": "${OCI_MANIFEST}"\n}`,
    );
    assert.equal(labels('{\n  "schemaVersion": 2,\n  "mediaType": "|"\n}')[0], OCI_MANIFEST);
  });

  test('nothing for other JSON', () => {
    assert.deepEqual(labels('{"name":"x","version":"1.0.0","|"}'), []);
    assert.deepEqual(labels('{"schemaVersion":"2.2","description":"an SSM document","mainSteps":[{"action":"|"}]}'), []);
    assert.deepEqual(labels('{|}'), []);
  });

  test('nothing right after a closing quote', () => {
    assert.deepEqual(labels(`{"schemaVersion":2,"mediaType":"${OCI_INDEX}"|,"manifests":[]}`), []);
  });

  test('without snippet support the items are plain text', () => {
    const items = complete(ociManifest(OCI_CONFIG, '[|]'), { snippetSupport: false }).items;
    assert.ok(items.length > 0);
    for (const item of items) {
      assert.equal(item.isSnippet, false);
      assert.ok(!item.textEdit.newText.includes('${'), item.textEdit.newText);
    }
    const layer = JSON.parse(applyEdits(cursor(ociManifest(OCI_CONFIG, '[|]')).text, [items[0].textEdit])).layers[0];
    assert.equal(layer.mediaType, OCI_GZIP);
  });
});
