import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  EXTENSION_ID,
  applyAction,
  closeAllEditors,
  codeActions,
  codeOf,
  freshCopy,
  grouped,
  hasCode,
  hoverTexts,
  open,
  openMarked,
  ourDiagnostics,
  pollUntil,
  serverHasCaughtUp,
  siSize,
  waitForDiagnostics,
  wholeRange,
  workspaceUri,
  writeWorkspaceFile,
} from './helpers';

// The 12-layer image of test/fixtures/real/umoci-12-layers, which the launcher copies into the
// workspace as a real OCI layout. The manifest is a blob named by its own digest.
const MANIFEST_HEX = '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11';
const blobUri = (digest: string) => workspaceUri('umoci-12-layers', 'blobs', ...digest.split(':'));

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}
interface Manifest {
  config: Descriptor;
  layers: Descriptor[];
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const DOCKER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const CONFIG_DIGEST = 'sha256:f7afe8289aad57b717e0586262ab7458ddfc40d3b2a97019924e043eaa0584b0';
const LAYER_DIGEST = 'sha256:a4521b7af104caeb3353354870d84ce79c49b8a0b428e8b2c5da5dfdbfe799aa';

/** A pretty-printed image manifest; `config` and `layer` are the bodies of its two descriptors. */
function manifestText(manifestType: string | undefined, config: string, layer: string): string {
  return [
    '{',
    '  "schemaVersion": 2,',
    ...(manifestType ? [`  "mediaType": "${manifestType}",`] : []),
    '  "config": {',
    config,
    '  },',
    '  "layers": [',
    '    {',
    layer,
    '    }',
    '  ]',
    '}',
    '',
  ].join('\n');
}
const configBody = (mediaType: string) => `    "mediaType": "${mediaType}",\n    "digest": "${CONFIG_DIGEST}",\n    "size": 479`;
const layerBody = (mediaType: string) => `      "mediaType": "${mediaType}",\n      "digest": "${LAYER_DIGEST}",\n      "size": 151`;

const labelOf = (item: vscode.CompletionItem) => (typeof item.label === 'string' ? item.label : item.label.label);

/**
 * Every provider's items in the order the suggest widget lists them before anything is typed
 * (equal filter scores): by lowercased sort text, then label. VS Code's JSON support adds the
 * document's other values for the same key, quoted (`"application/…"`); they count, because a
 * user sees them.
 */
async function completionLabels(uri: vscode.Uri, position: vscode.Position): Promise<{ labels: string[]; items: vscode.CompletionItem[] }> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
  const key = (item: vscode.CompletionItem) => (item.sortText ?? labelOf(item)).toLowerCase();
  const items = [...list.items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : labelOf(a) < labelOf(b) ? -1 : labelOf(a) > labelOf(b) ? 1 : 0));
  return { labels: items.map(labelOf), items };
}

/** image-manifest's media types: bare (not quoted) and with a detail (role · family). */
const mediaTypeItems = (labels: string[]) => labels.filter((label) => /^[a-z]+\/\S+$/.test(label));

suite('editor features in VS Code', () => {
  let manifest: Manifest;
  let manifestBytes: Buffer;

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    manifestBytes = fs.readFileSync(blobUri(`sha256:${MANIFEST_HEX}`).fsPath);
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  });

  teardown(async () => {
    await closeAllEditors();
  });

  suite('hover', () => {
    test('on a layer of a real 12-layer manifest: "Layer 3 of 12" and its size, matching the blob on disk', async () => {
      const uri = blobUri(`sha256:${MANIFEST_HEX}`);
      const document = await open(uri);
      const layer = manifest.layers[2]!;
      // The blob itself is the independent witness: its file size is the layer's size.
      assert.equal(fs.statSync(blobUri(layer.digest).fsPath).size, layer.size);

      const text = document.getText();
      const sizeKey = text.indexOf('"size":', text.indexOf(layer.digest));
      const position = document.positionAt(sizeKey + '"size":'.length + 1);
      const markdown = await pollUntil(
        'a hover that names the layer',
        async () => hoverTexts((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? []),
        (texts) => texts.some((t) => t.includes('Layer 3 of')),
      );
      const hover = markdown.find((t) => t.includes('Layer 3 of'))!;
      assert.match(hover, new RegExp(`Layer 3 of ${manifest.layers.length}\\b`));
      assert.ok(hover.includes(`${grouped(layer.size)} bytes`), hover);
      assert.ok(hover.includes(siSize(layer.size)), `${siSize(layer.size)} in\n${hover}`);
      assert.ok(hover.includes(layer.digest), hover);
    });

    test('on the config descriptor: its size, matching the config blob on disk', async () => {
      const uri = blobUri(`sha256:${MANIFEST_HEX}`);
      const document = await open(uri);
      const config = manifest.config;
      assert.equal(fs.statSync(blobUri(config.digest).fsPath).size, config.size);
      // On a member of the descriptor (the `"config"` key itself answers for the whole document).
      const text = document.getText();
      const sizeKey = text.indexOf('"size":', text.indexOf('"config"'));
      const position = document.positionAt(sizeKey + 2);
      const texts = await pollUntil(
        'a hover on the config',
        async () => hoverTexts((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? []),
        (found) => found.some((t) => t.includes('**Config**')),
      );
      const hover = texts.find((t) => t.includes('**Config**'))!;
      assert.ok(hover.includes(`${grouped(config.size)} bytes`), hover);
    });

    test('no image-manifest hover on an npm package.json', async () => {
      const uri = workspaceUri('package.json');
      const document = await open(uri);
      await serverHasCaughtUp();
      const position = document.positionAt(document.getText().indexOf('"version"') + 2);
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
      assert.deepEqual(hoverTexts(hovers).filter((t) => /\*\*(Layer|Config)\b|image manifest|\bOCI\b|\bDocker\b/i.test(t)), []);
    });
  });

  suite('completion', () => {
    test('layers[].mediaType in an OCI manifest offers OCI layer types, gzip first; choosing it fixes the document', async () => {
      const marked = manifestText(OCI_MANIFEST, configBody(OCI_CONFIG), layerBody('|'));
      const { uri, document, position } = await openMarked('complete-oci-layer.json', marked);
      await waitForDiagnostics(uri, 'a diagnostic on the empty mediaType', (d) => d.length > 0);
      const { labels, items } = await pollUntil('layer media types', () => completionLabels(uri, position), (found) => mediaTypeItems(found.labels).length > 0, {
        describe: (found) => found.labels.join(', '),
      });
      assert.equal(labels[0], OCI_GZIP, labels.join(', '));
      assert.ok(!mediaTypeItems(labels).some((label) => label.includes('docker')), labels.join(', '));

      const first = items[0]!;
      const range = first.range instanceof vscode.Range ? first.range : first.range?.replacing;
      assert.ok(range, 'the item replaces the string');
      const insert = typeof first.insertText === 'string' ? first.insertText : first.insertText?.value;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, range, insert ?? OCI_GZIP);
      for (const extra of first.additionalTextEdits ?? []) edit.replace(uri, extra.range, extra.newText);
      assert.equal(await vscode.workspace.applyEdit(edit), true);
      assert.equal(document.getText(), marked.replace('|', OCI_GZIP));
      await waitForDiagnostics(uri, 'no diagnostics once the layer has its type', (d) => d.length === 0);
    });

    test('layers[].mediaType in a Docker manifest offers Docker layer types only', async () => {
      const marked = manifestText(DOCKER_MANIFEST, configBody(DOCKER_CONFIG), layerBody('|'));
      const { uri, position } = await openMarked('complete-docker-layer.json', marked);
      const { labels } = await pollUntil('layer media types', () => completionLabels(uri, position), (found) => mediaTypeItems(found.labels).length > 0, {
        describe: (found) => found.labels.join(', '),
      });
      assert.equal(labels[0], DOCKER_GZIP, labels.join(', '));
      assert.ok(mediaTypeItems(labels).every((label) => label.startsWith('application/vnd.docker.image.rootfs.')), labels.join(', '));
    });

    test('an empty manifest-named file offers whole-document templates; the index template inserts as a snippet', async () => {
      const templates = ['OCI image manifest', 'OCI image index', 'OCI artifact (image-spec 1.1)', 'Docker image manifest (v2 schema 2)', 'Docker manifest list'];
      const { uri, document, position } = await openMarked('new-image-index.json', '{|}');
      const { items } = await pollUntil('the templates', () => completionLabels(uri, position), (found) => templates.every((label) => found.labels.includes(label)), {
        describe: (found) => found.labels.join(', '),
      });
      const index = items.find((item) => labelOf(item) === 'OCI image index')!;
      const snippet = index.insertText instanceof vscode.SnippetString ? index.insertText : undefined;
      assert.ok(snippet, 'a snippet with tab stops');
      const range = index.range instanceof vscode.Range ? index.range : index.range?.replacing;
      const editor = await vscode.window.showTextDocument(document);
      assert.equal(await editor.insertSnippet(snippet, range), true);
      const value = JSON.parse(document.getText()) as { mediaType: string; manifests: Array<{ platform: { architecture: string; os: string } }> };
      assert.equal(value.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(value.manifests[0].platform, { architecture: 'amd64', os: 'linux' });

      // An empty file whose name says nothing of manifests (a settings file) gets none.
      const other = await openMarked('settings-empty.json', '{|}');
      const plain = await completionLabels(other.uri, other.position);
      assert.ok(!plain.labels.some((label) => templates.includes(label)), plain.labels.join(', '));
    });

    test('config.mediaType offers the config type of the family first', async () => {
      const oci = await openMarked('complete-oci-config.json', manifestText(undefined, configBody('|'), layerBody(OCI_GZIP)));
      const ociLabels = await pollUntil('config media types', () => completionLabels(oci.uri, oci.position), (found) => mediaTypeItems(found.labels).length > 0, {
        describe: (found) => found.labels.join(', '),
      });
      assert.equal(ociLabels.labels[0], OCI_CONFIG, ociLabels.labels.join(', '));
      assert.ok(!ociLabels.labels.includes(DOCKER_CONFIG), ociLabels.labels.join(', '));
      assert.ok(mediaTypeItems(ociLabels.labels).every((label) => !label.includes('.layer.')), 'no layer types for a config');

      const docker = await openMarked('complete-docker-config.json', manifestText(DOCKER_MANIFEST, configBody('|'), layerBody(DOCKER_GZIP)));
      const dockerLabels = await pollUntil('config media types', () => completionLabels(docker.uri, docker.position), (found) => mediaTypeItems(found.labels).length > 0, {
        describe: (found) => found.labels.join(', '),
      });
      assert.equal(dockerLabels.labels[0], DOCKER_CONFIG, dockerLabels.labels.join(', '));
    });
  });

  suite('quick fixes and source actions', () => {
    test('lowercase an uppercase digest: the text changes and the diagnostic goes away', async () => {
      const uri = await freshCopy('broken-oci-manifest.json');
      const document = await open(uri);
      const diagnostics = await waitForDiagnostics(uri, 'digest-uppercase', hasCode('digest-uppercase'));
      const diagnostic = diagnostics.find((d) => codeOf(d) === 'digest-uppercase')!;
      const uppercase = document.getText(diagnostic.range);
      const before = document.getText();

      // The API command drops `diagnostics` from the actions it returns, so the fix is found by
      // its title among those offered for the diagnostic's range.
      const actions = await codeActions(uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((action) => /lowercase/i.test(action.title));
      assert.ok(fix, `a quick fix for digest-uppercase among: ${actions.map((a) => a.title).join(' | ')}`);
      await applyAction(fix);

      const digest = /sha256:[0-9A-Fa-f]{64}/.exec(uppercase)?.[0];
      assert.ok(digest, `the diagnostic covers the digest: ${uppercase}`);
      assert.equal(document.getText(), before.replace(digest, digest.toLowerCase()));
      await waitForDiagnostics(uri, 'digest-uppercase gone, duplicate-key kept', (d) => !hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d));
    });

    test('normalise x86_64 to amd64 in an index', async () => {
      const index = (architecture: string) =>
        JSON.stringify(
          {
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.index.v1+json',
            manifests: [
              {
                mediaType: OCI_MANIFEST,
                digest: 'sha256:625de09b32943b53e8b3a8099fc9c616a89362f0590886997bb01086978ca899',
                size: 345,
                platform: { architecture, os: 'linux' },
              },
            ],
          },
          null,
          2,
        ) + '\n';
      const uri = await writeWorkspaceFile('index-x86_64.json', index('x86_64'));
      const document = await open(uri);
      const diagnostics = await waitForDiagnostics(uri, 'platform-alias', hasCode('platform-alias'));
      const diagnostic = diagnostics.find((d) => codeOf(d) === 'platform-alias')!;
      const actions = await codeActions(uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((action) => /amd64/.test(action.title));
      assert.ok(fix, `a fix to amd64 among: ${actions.map((a) => a.title).join(' | ')}`);
      await applyAction(fix);
      assert.equal(document.getText(), index('amd64'));
      await waitForDiagnostics(uri, 'no diagnostics left', (d) => d.length === 0);
    });

    test('convert a Docker manifest to OCI: the same image as the registry’s OCI manifest', async () => {
      const uri = await freshCopy('registry-amd64-v2s2.json');
      const document = await open(uri);
      const actions = await codeActions(uri, wholeRange(document), 'source.imageManifest.convertToOci');
      assert.deepEqual(actions.map((a) => a.kind?.value), ['source.imageManifest.convertToOci'], actions.map((a) => a.title).join(' | '));
      await applyAction(actions[0]!);
      // valid-oci-manifest.json is what the registry serves as the OCI manifest of this image:
      // the same config and layer, OCI media types. (It has no top-level mediaType; the converted
      // Docker manifest keeps its own, now the OCI one.)
      const expected = JSON.parse(fs.readFileSync(workspaceUri('valid-oci-manifest.json').fsPath, 'utf8')) as Record<string, unknown>;
      assert.deepEqual(JSON.parse(document.getText()), { ...expected, mediaType: OCI_MANIFEST });
      await serverHasCaughtUp();
      assert.deepEqual(ourDiagnostics(uri).map((d) => `${codeOf(d)}: ${d.message}`), []);
    });
  });

  test('the outline lists the config and every layer with number, format and size', async () => {
    const uri = blobUri(`sha256:${MANIFEST_HEX}`);
    await open(uri);
    const total = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
    const layersDetail = `${manifest.layers.length} layers · ${siSize(total)}`;
    // VS Code's JSON support has an outline of its own; image-manifest's `layers` has the detail.
    const symbols = await pollUntil(
      'the image-manifest outline',
      async () => (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri)) ?? [],
      (found) => found.some((s) => s.name === 'layers' && s.detail === layersDetail),
      { describe: (found) => found.map((s) => `${s.name} (${s.detail})`).join(', ') },
    );
    const layers = symbols.find((s) => s.name === 'layers' && s.detail === layersDetail)!;
    assert.deepEqual(
      layers.children.map((child) => child.name),
      manifest.layers.map((layer, index) => `#${index + 1} tar+gzip ${siSize(layer.size)}`),
    );
    const config = symbols.find((s) => s.name === 'config' && s.detail.includes('config'));
    assert.equal(config?.detail, `OCI config · ${siSize(manifest.config.size)}`);
  });

  test('the code lens shows the document’s own digest: the name of its blob', async () => {
    const uri = blobUri(`sha256:${MANIFEST_HEX}`);
    await open(uri);
    const lenses = await pollUntil(
      'the digest code lens',
      async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [],
      (found) => found.some((lens) => lens.command?.title.startsWith('sha256:')),
    );
    const title = lenses.find((lens) => lens.command?.title.startsWith('sha256:'))!.command!.title;
    assert.equal(title, `sha256:${MANIFEST_HEX} · ${grouped(manifestBytes.length)} bytes`);
  });

  suite('feature settings', () => {
    const configuration = () => vscode.workspace.getConfiguration('imageManifest');

    teardown(async () => {
      await configuration().update('inlayHints.sizes', undefined, vscode.ConfigurationTarget.Workspace);
    });

    test('inlay hints show every size, and imageManifest.inlayHints.sizes turns them off', async () => {
      const uri = blobUri(`sha256:${MANIFEST_HEX}`);
      const document = await open(uri);
      const expected = [manifest.config, ...manifest.layers].map((d) => siSize(d.size));
      const labels = async () => {
        const hints = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, wholeRange(document))) ?? [];
        return hints.map((hint) => (typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('')));
      };
      await pollUntil('a size hint for the config and each layer', labels, (found) => JSON.stringify(found) === JSON.stringify(expected));

      await configuration().update('inlayHints.sizes', false, vscode.ConfigurationTarget.Workspace);
      await pollUntil('no size hints', labels, (found) => found.length === 0);

      await configuration().update('inlayHints.sizes', undefined, vscode.ConfigurationTarget.Workspace);
      await pollUntil('the hints back', labels, (found) => found.length === expected.length);
    });
  });
});
