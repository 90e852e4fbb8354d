import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { skipBecause } from './skip';
import { EXTENSION_ID, closeAllEditors, freshCopy, open, workspaceUri } from './helpers';

const COPY = 'imageManifest.copyDocumentDigest';
const MANIFEST_HEX = '954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11';
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

suite('the document digest (status bar and Copy Document Digest)', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  teardown(async () => {
    await closeAllEditors();
  });

  test('the command is contributed with a title users can find', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: Array<{ command: string; title: string; category?: string }> } };
    const command = manifest.contributes.commands.find((c) => c.command === COPY);
    assert.equal(`${command?.category}: ${command?.title}`, 'Image Manifest: Copy Document Digest');
  });

  test('copies the sha256 of the file’s bytes: a blob’s digest is its own name', async () => {
    const uri = workspaceUri('umoci-12-layers', 'blobs', 'sha256', MANIFEST_HEX);
    await open(uri);
    await vscode.env.clipboard.writeText('before');
    const copied = await vscode.commands.executeCommand<string | undefined>(COPY);
    const expected = sha256(fs.readFileSync(uri.fsPath));
    assert.equal(expected, `sha256:${MANIFEST_HEX}`, 'the fixture is a real content-addressed blob');
    assert.equal(copied, expected);
    assert.equal(await vscode.env.clipboard.readText(), expected);
  });

  test('follows edits before and after saving, and a file given by URI', async () => {
    const uri = await freshCopy('valid-oci-manifest.json');
    const document = await open(uri);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document === document);

    const saved = sha256(fs.readFileSync(uri.fsPath));
    assert.equal(await vscode.commands.executeCommand(COPY), saved);

    // Re-indenting changes the bytes, so the digest; unsaved text counts as it would be saved.
    assert.equal(await editor.edit((builder) => builder.insert(new vscode.Position(1, 0), '  ')), true);
    assert.equal(document.isDirty, true);
    const edited = sha256(Buffer.from(document.getText(), 'utf8'));
    assert.notEqual(edited, saved);
    assert.equal(await vscode.commands.executeCommand(COPY), edited);
    assert.equal(await vscode.env.clipboard.readText(), edited);

    assert.equal(await document.save(), true);
    assert.equal(sha256(fs.readFileSync(uri.fsPath)), edited, 'the saved bytes are what was shown');
    assert.equal(await vscode.commands.executeCommand(COPY), edited);

    // From the explorer's context (a URI argument) rather than the active editor.
    const other = workspaceUri('umoci-12-layers', 'blobs', 'sha256', MANIFEST_HEX);
    await vscode.workspace.openTextDocument(other);
    assert.equal(await vscode.commands.executeCommand(COPY, other), `sha256:${MANIFEST_HEX}`);
  });

  test('a file saved with a UTF-8 byte-order mark: the digest covers the mark, as the bytes do', async function () {
    // VS Code drops the BOM from the text it hands to extensions (and to the server) and writes it
    // back on save, so the text alone would give a digest that names no file on disk.
    const text = fs.readFileSync(workspaceUri('valid-oci-manifest.json').fsPath);
    const uri = workspaceUri('with-bom.json');
    await vscode.workspace.fs.writeFile(uri, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]));
    const document = await open(uri);
    assert.ok(!document.getText().startsWith('\ufeff'), 'VS Code hides the BOM from the text');
    // Only VS Code 1.100 and later tell extensions the encoding (`TextDocument.encoding`).
    const encoding = (document as { encoding?: string }).encoding;
    if (encoding === undefined) skipBecause(this, `VS Code ${vscode.version} does not tell extensions a document's encoding (1.100+ does)`);
    assert.equal(encoding, 'utf8bom');
    const expected = sha256(fs.readFileSync(uri.fsPath));
    assert.equal(await vscode.commands.executeCommand(COPY), expected);
    assert.equal(await vscode.env.clipboard.readText(), expected);
  });

  test('nothing for JSON that is not a manifest: the clipboard is left alone', async () => {
    await open(workspaceUri('package.json'));
    await vscode.env.clipboard.writeText('left alone');
    assert.equal(await vscode.commands.executeCommand(COPY), undefined);
    assert.equal(await vscode.env.clipboard.readText(), 'left alone');
  });

  test('nothing for an oci-layout file, which is not content addressed', async () => {
    await open(workspaceUri('umoci-12-layers', 'oci-layout'));
    await vscode.env.clipboard.writeText('left alone');
    assert.equal(await vscode.commands.executeCommand(COPY), undefined);
    assert.equal(await vscode.env.clipboard.readText(), 'left alone');
  });
});
