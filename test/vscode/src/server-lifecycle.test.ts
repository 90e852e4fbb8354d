import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { skipBecause } from './skip';
import {
  EXTENSION_ID,
  closeAllEditors,
  freshCopy,
  hasCode,
  languageServerPids,
  open,
  pollUntil,
  rangeOf,
  waitForDiagnostics,
  waitForOneLanguageServer,
} from './helpers';

// broken-oci-manifest.json: an uppercase config digest and a duplicate annotation key.
const UPPERCASE_DIGEST = 'sha256:F7AFE8289AAD57B717E0586262AB7458DDFC40D3B2A97019924E043EAA0584B0';
const planted = (d: vscode.Diagnostic[]) => hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d);

/**
 * Proof that a server answers after the event: an edit made now (fixing the uppercase digest)
 * must be reflected in fresh diagnostics, which only a live server can publish.
 */
async function editAndSeeDiagnostics(uri: vscode.Uri, document: vscode.TextDocument): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, rangeOf(document, UPPERCASE_DIGEST), UPPERCASE_DIGEST.toLowerCase());
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  await waitForDiagnostics(uri, 'diagnostics of the edited text from the new server', (d) => !hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d));
}

suite('the language server process', () => {
  suiteSetup(async function () {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    // Finding the server's pid needs the process table (/proc, or `ps`).
    if (process.platform === 'win32') skipBecause(this, 'finding the server process needs /proc or ps');
  });

  teardown(async () => {
    await closeAllEditors();
  });

  test('Image Manifest: Restart Language Server starts a new server that answers', async () => {
    const uri = await freshCopy('broken-oci-manifest.json');
    const document = await open(uri);
    await waitForDiagnostics(uri, 'the planted problems', planted);
    const before = await waitForOneLanguageServer('the running language server');

    await vscode.commands.executeCommand('imageManifest.restartServer');
    const after = await waitForOneLanguageServer('a new language server process', (pid) => pid !== before);
    assert.notEqual(after, before);
    assert.ok(!languageServerPids().includes(before), 'the old server has exited');
    await editAndSeeDiagnostics(uri, document);
  });

  test('a killed server is restarted by the client and diagnostics come back', async () => {
    const uri = await freshCopy('broken-oci-manifest.json');
    const document = await open(uri);
    await waitForDiagnostics(uri, 'the planted problems', planted);
    const before = await waitForOneLanguageServer('the running language server');

    process.kill(before, 'SIGKILL');
    const after = await waitForOneLanguageServer('the client to start a new server', (pid) => pid !== before);
    assert.notEqual(after, before);
    // The restarted server gets the open documents again and publishes on its own …
    await waitForDiagnostics(uri, 'the planted problems again', planted);
    // … and follows edits.
    await editAndSeeDiagnostics(uri, document);

    // Requests are answered too, not only notifications.
    const hovers = await pollUntil(
      'a hover from the new server',
      async () => (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, document.positionAt(document.getText().indexOf('"layers"') + 2))) ?? [],
      (found) => found.length > 0,
    );
    assert.ok(hovers.length > 0);
  });
});
