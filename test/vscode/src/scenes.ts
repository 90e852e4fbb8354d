import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, hasCode, open, waitForDiagnostics, workspaceUri } from './helpers';

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
