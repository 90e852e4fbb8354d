import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, hasCode, hoverTexts, open, pollUntil, waitForDiagnostics, workspaceUri } from './helpers';
import { REGISTRY_ENV, type Filled } from './registry-env';

/** The 12-layer image of the layout the launcher copies into the workspace. */
const MANIFEST_HEX = '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11';
const CONFIG_DIGEST = 'sha256:f7afe8289aad57b717e0586262ab7458ddfc40d3b2a97019924e043eaa0584b0';
const LAYER_DIGEST = 'sha256:a4521b7af104caeb3353354870d84ce79c49b8a0b428e8b2c5da5dfdbfe799aa';

async function writeFile(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceUri(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** Puts the cursor at `offset`, in the middle of the editor. */
function placeCursor(editor: vscode.TextEditor, offset: number): vscode.Position {
  const position = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
  return position;
}

/**
 * Stages the README screenshots inside VS Code; the browser launcher takes the pictures
 * (scripts/vscode-test/scenes.mjs lists them). Loaded as `extensionTestsPath` in a second window,
 * it talks to the launcher through files in IMAGE_MANIFEST_SCENES_DIR: it reads `scenes.json`,
 * stages each scene, writes `<name>.ready` and waits for `<name>.done` before the next one.
 */
const SCENES: Record<string, () => Promise<void>> = {
  async problems() {
    const uri = workspaceUri('broken-oci-manifest.json');
    await open(uri);
    await waitForDiagnostics(uri, 'the planted problems', (d) => hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d));
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    // Back to the editor so the squiggles, not the list's focus outline, catch the eye.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  },

  /** The hover on a layer of a real 12-layer image (the layout's manifest blob, pretty-printed). */
  async hover() {
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const blob = fs.readFileSync(workspaceUri('umoci-12-layers', 'blobs', 'sha256', MANIFEST_HEX).fsPath, 'utf8');
    const uri = await writeFile('manifest.json', `${JSON.stringify(JSON.parse(blob), null, 2)}\n`);
    const document = await open(uri);
    const editor = vscode.window.activeTextEditor!;
    const text = document.getText();
    // Layer 3: the cursor on its `size` value.
    const thirdLayer = (JSON.parse(blob) as { layers: Array<{ digest: string }> }).layers[2]!.digest;
    const sizeKey = text.indexOf('"size": ', text.indexOf(thirdLayer));
    const position = placeCursor(editor, sizeKey + '"size": '.length + 1);
    // The server has answered once before the hover is shown, so the picture is not of "Loading…".
    await pollUntil(
      'the layer hover',
      async () => hoverTexts((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? []),
      (texts) => texts.some((t) => t.includes('Layer 3 of')),
    );
    await vscode.commands.executeCommand('editor.action.showHover');
  },

  /** Completion of a layer's empty mediaType in an OCI manifest. */
  async completion() {
    await vscode.commands.executeCommand('workbench.action.closePanel');
    // Room on the right of the suggest list for its details.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const text = [
      '{',
      '  "schemaVersion": 2,',
      '  "mediaType": "application/vnd.oci.image.manifest.v1+json",',
      '  "config": {',
      '    "mediaType": "application/vnd.oci.image.config.v1+json",',
      `    "digest": "${CONFIG_DIGEST}",`,
      '    "size": 479',
      '  },',
      '  "layers": [',
      '    {',
      '      "mediaType": "",',
      `      "digest": "${LAYER_DIGEST}",`,
      '      "size": 151',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n');
    const uri = await writeFile('new-manifest.json', text);
    await open(uri);
    const editor = vscode.window.activeTextEditor!;
    const position = placeCursor(editor, text.indexOf('"mediaType": ""', text.indexOf('"layers"')) + '"mediaType": "'.length);
    await pollUntil(
      'layer media types from the server',
      async () => (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position)).items,
      (items) => items.some((item) => item.label === 'application/vnd.oci.image.layer.v1.tar+gzip'),
      { describe: (items) => `${items.length} items` },
    );
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
  },

  /**
   * Open from Registry on a child manifest of the multi-platform index, by digest as the index's
   * links open it, from the real docker-registry the launcher started and filled; then the hover
   * on its layer, whose last line is the registry's answer to a `HEAD` of the blob, and the digest
   * notification beside it.
   */
  async registry() {
    if (!vscode.workspace.isTrusted) throw new Error('the screenshots window is in Restricted Mode: the registry commands would refuse');
    const host = process.env[REGISTRY_ENV.host];
    const fill = process.env[REGISTRY_ENV.fill];
    if (!host || !fill) throw new Error(`the launcher started no registry for the screenshots (${REGISTRY_ENV.host} is not set)`);
    const filled = JSON.parse(fill) as Filled;
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('notifications.clearAll');
    const platform = filled.platforms[0]!;
    const document = await vscode.commands.executeCommand<vscode.TextDocument | undefined>(
      'imageManifest.openFromRegistry',
      `${host}/${filled.repository}@${platform.manifest.digest}`,
    );
    if (!document) throw new Error(`Open from Registry opened nothing for ${filled.repository}@${platform.manifest.digest}`);
    const editor = vscode.window.activeTextEditor!;
    // The registry serves this manifest as one line of compact JSON; wrapped (Alt+Z, this editor
    // only) it fits the picture instead of being scrolled sideways.
    await vscode.commands.executeCommand('editor.action.toggleWordWrap');
    const layer = platform.layers[0]!;
    const text = document.getText();
    // As in the hover scene: the cursor on the layer's `size` value.
    const position = placeCursor(editor, text.indexOf('"size":', text.indexOf(layer.digest)) + '"size":'.length + 1);
    // Both answers are in before the hover is shown: the server's layer lines and the registry's.
    await pollUntil(
      'the layer hover with the registry line',
      async () => hoverTexts((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? []),
      (texts) => texts.some((t) => t.includes('Layer 1 of')) && texts.some((t) => t.includes('**Registry:**')),
    );
    // The launcher's workbench shows no notification toasts (--enable-smoke-test-driver), so the
    // digest notification is shown in the notification list, then the focus goes back to the editor.
    // Expanded: collapsed, the message is cut off after the digest it begins with.
    await vscode.commands.executeCommand('notifications.showList');
    await vscode.commands.executeCommand('notification.expand');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('editor.action.showHover');
  },
};

export async function run(): Promise<void> {
  const dir = process.env['IMAGE_MANIFEST_SCENES_DIR'];
  if (!dir) throw new Error('IMAGE_MANIFEST_SCENES_DIR is not set');
  const names = JSON.parse(fs.readFileSync(path.join(dir, 'scenes.json'), 'utf8')) as string[];
  await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  await tidyWorkbench();
  for (const name of names) {
    const scene = SCENES[name];
    if (!scene) throw new Error(`no scene named ${name} in test/vscode/src/scenes.ts`);
    await scene();
    fs.writeFileSync(path.join(dir, `${name}.ready`), '');
    await waitForFile(path.join(dir, `${name}.done`), 120_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
}

/** Things a first start shows that have nothing to do with the extension. */
async function tidyWorkbench(): Promise<void> {
  for (const command of ['workbench.action.closeAllEditors', 'notifications.clearAll', 'workbench.action.closeAuxiliaryBar']) {
    try {
      await vscode.commands.executeCommand(command);
    } catch {
      // A command missing from this VS Code version only means one less thing to tidy.
    }
  }
}

/** The launcher is another process; polling the file system is the simplest shared channel. */
async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the launcher did not release the scene (${file}) within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
