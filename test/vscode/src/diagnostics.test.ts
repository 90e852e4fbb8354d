import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { skipBecause } from './skip';
import {
  EXTENSION_ID,
  closeAllEditors,
  codeOf,
  freshCopy,
  hasCode,
  lineOf,
  open,
  ourDiagnostics,
  pollUntil,
  rangeOf,
  serverHasCaughtUp,
  waitForDiagnostics,
  workspaceUri,
  writeWorkspaceFile,
} from './helpers';

// broken-oci-manifest.json has exactly two planted problems: an uppercase config digest
// (`digest-uppercase`, an error) and a repeated annotation key (`duplicate-key`, a warning).
const UPPERCASE_DIGEST = 'sha256:F7AFE8289AAD57B717E0586262AB7458DDFC40D3B2A97019924E043EAA0584B0';
const DUPLICATE_LINE = '"org.opencontainers.image.title": "hello again"';

suite('image-manifest in VS Code', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
    await extension.activate();
  });

  teardown(async () => {
    await closeAllEditors();
  });

  test('the extension under test is loaded and active', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    assert.equal(extension.isActive, true);
    // The launcher says which copy it meant to test (the working tree or the installed .vsix);
    // without this check a stale copy elsewhere could pass the suite.
    const expectedRoot = process.env['IMAGE_MANIFEST_TEST_EXTENSION_ROOT'];
    if (expectedRoot) {
      const actual = path.resolve(extension.extensionPath);
      assert.ok(
        actual === path.resolve(expectedRoot) || actual.startsWith(path.resolve(expectedRoot) + path.sep),
        `extension loaded from ${actual}, expected under ${expectedRoot}`,
      );
    }
  });

  test('runs in the workspace-trust state the launcher asked for', function () {
    // Guards the claim that the suite passes in Restricted Mode: without it, a launcher change
    // could silently trust the folder and the Restricted Mode run would prove nothing.
    const expected = process.env['IMAGE_MANIFEST_TEST_TRUSTED'];
    if (expected === undefined) skipBecause(this, 'the launcher did not say which trust state it asked for (IMAGE_MANIFEST_TEST_TRUSTED)');
    assert.equal(vscode.workspace.isTrusted, expected === '1');
  });

  test('a broken manifest gets image-manifest diagnostics with stable codes on the offending nodes', async () => {
    const uri = await freshCopy('broken-oci-manifest.json');
    const document = await open(uri);
    const diagnostics = await waitForDiagnostics(
      uri,
      'digest-uppercase and duplicate-key',
      (d) => hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d),
    );

    const uppercase = diagnostics.find((d) => codeOf(d) === 'digest-uppercase');
    assert.ok(uppercase);
    assert.equal(uppercase.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(uppercase.range.start.line, lineOf(document, UPPERCASE_DIGEST));
    // Every code links to the spec section it comes from.
    const code = uppercase.code;
    assert.ok(typeof code === 'object' && code.target.scheme === 'https', `expected a link on ${JSON.stringify(code)}`);

    const duplicate = diagnostics.find((d) => codeOf(d) === 'duplicate-key');
    assert.ok(duplicate);
    assert.equal(duplicate.severity, vscode.DiagnosticSeverity.Warning);
    // The second occurrence is the one to remove.
    assert.equal(duplicate.range.start.line, lineOf(document, DUPLICATE_LINE));
  });

  test('structural checks run: the server finds the JSON Schemas next to its bundle', async () => {
    // `missing-property` comes only from the schemas/ folder that the server loads at run time;
    // in a .vsix run this proves the folder was packaged where the bundled server looks for it.
    const uri = await freshCopy('layer-without-size.json');
    const document = await open(uri);
    const diagnostics = await waitForDiagnostics(uri, 'missing-property', hasCode('missing-property'));
    const missing = diagnostics.filter((d) => codeOf(d) === 'missing-property');
    assert.equal(missing.length, 1, missing.map((d) => d.message).join('\n'));
    assert.equal(missing[0]?.severity, vscode.DiagnosticSeverity.Error);
    assert.match(missing[0]?.message ?? '', /\bsize\b/);
    // On the layer descriptor that lacks it, not on the document as a whole.
    const layerStart = document.positionAt(document.getText().indexOf('{', document.getText().indexOf('"layers"')));
    assert.ok(missing[0]?.range.start.isAfterOrEqual(layerStart), `range starts at ${JSON.stringify(missing[0]?.range.start)}`);
  });

  test('a valid OCI manifest from a registry gets no errors', async () => {
    const uri = workspaceUri('valid-oci-manifest.json');
    await open(uri);
    await serverHasCaughtUp();
    const errors = ourDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => `${codeOf(d)}: ${d.message}`), []);
  });

  test('an npm package.json is not mistaken for a manifest', async () => {
    const uri = workspaceUri('package.json');
    await open(uri);
    await serverHasCaughtUp();
    assert.deepEqual(ourDiagnostics(uri).map((d) => `${codeOf(d)}: ${d.message}`), []);
  });

  test('editing the document updates its diagnostics', async () => {
    const uri = await freshCopy('broken-oci-manifest.json');
    const document = await open(uri);
    await waitForDiagnostics(uri, 'the planted problems', (d) => hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d));

    const fixDigest = new vscode.WorkspaceEdit();
    fixDigest.replace(uri, rangeOf(document, UPPERCASE_DIGEST), UPPERCASE_DIGEST.toLowerCase());
    assert.equal(await vscode.workspace.applyEdit(fixDigest), true);
    // The duplicate key must survive the edit: an empty list would also mean "the server cleared
    // everything", which is not what is being tested.
    await waitForDiagnostics(uri, 'digest-uppercase gone, duplicate-key kept', (d) => !hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d));

    const line = lineOf(document, DUPLICATE_LINE);
    const dropDuplicate = new vscode.WorkspaceEdit();
    // Remove the line together with the comma that ends the line before it, keeping valid JSON.
    const previousLineEnd = document.lineAt(line - 1).range.end;
    dropDuplicate.delete(uri, new vscode.Range(previousLineEnd.translate(0, -1), document.lineAt(line).range.end));
    assert.equal(await vscode.workspace.applyEdit(dropDuplicate), true);
    await waitForDiagnostics(uri, 'no image-manifest diagnostics left', (d) => d.length === 0);
  });

  suite('Problems lists a syntax error once, next to VS Code\'s own JSON validation', () => {
    const VALID = JSON.stringify(
      {
        schemaVersion: 2,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:f7afe8289aad57b717e0586262ab7458ddfc40d3b2a97019924e043eaa0584b0', size: 479 },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:a4521b7af104caeb3353354870d84ce79c49b8a0b428e8b2c5da5dfdbfe799aa', size: 151 }],
      },
      null,
      2,
    );

    /** Everything in Problems for the document, ours and everybody else's, for failure messages. */
    const everything = (uri: vscode.Uri): string =>
      vscode.languages
        .getDiagnostics(uri)
        .map((d) => `${d.source ?? '(no source)'}:${codeOf(d) ?? ''}@${d.range.start.line + 1}:${d.range.start.character + 1} ${vscode.DiagnosticSeverity[d.severity]} ${d.message}`)
        .join(' | ');
    const othersOnLine = (uri: vscode.Uri, line: number): vscode.Diagnostic[] =>
      vscode.languages.getDiagnostics(uri).filter((d) => !d.source?.startsWith('image-manifest') && d.range.start.line === line);
    const oursOnLine = (uri: vscode.Uri, line: number): vscode.Diagnostic[] => ourDiagnostics(uri).filter((d) => codeOf(d) === 'json-syntax' && d.range.start.line === line);

    test('a missing comma in a .json manifest: VS Code\'s "Expected comma" stands alone', async () => {
      // The comma after "schemaVersion": 2 is gone: the error is at the "config" key on line 3.
      const uri = await writeWorkspaceFile('missing-comma.json', VALID.replace('"schemaVersion": 2,', '"schemaVersion": 2'));
      const document = await open(uri);
      const line = lineOf(document, '"config"');
      // Both validators have answered: VS Code's error is there and our server has seen the document
      // (it still reports the manifest's other findings, so its publication is not empty).
      await pollUntil('VS Code\'s JSON error on the line', () => othersOnLine(uri, line), (d) => d.some((x) => x.severity === vscode.DiagnosticSeverity.Error), { describe: () => everything(uri) });
      await serverHasCaughtUp();
      await pollUntil('our json-syntax entry for the same spot left out', () => oursOnLine(uri, line), (d) => d.length === 0, { describe: () => everything(uri) });
      // And it stays out: nothing re-adds it once everything has settled.
      await serverHasCaughtUp();
      assert.deepEqual(oursOnLine(uri, line).map((d) => d.message), [], everything(uri));
      const errorsOnLine = vscode.languages.getDiagnostics(uri).filter((d) => d.range.start.line === line && d.severity === vscode.DiagnosticSeverity.Error);
      assert.equal(errorsOnLine.length, 1, everything(uri));
    });

    test('a comment in a .jsonc manifest: VS Code allows it there, so our error is the one that says it', async () => {
      const uri = await writeWorkspaceFile('commented.jsonc', VALID.replace('"layers": [', '// pinned by CI\n  "layers": ['));
      const document = await open(uri);
      assert.equal(document.languageId, 'jsonc');
      const line = lineOf(document, '// pinned by CI');
      const ours = await waitForDiagnostics(uri, 'json-syntax on the comment', (d) => d.some((x) => codeOf(x) === 'json-syntax' && x.range.start.line === line));
      assert.match(ours.find((d) => codeOf(d) === 'json-syntax')?.message ?? '', /Comments are not allowed/);
      await serverHasCaughtUp();
      assert.equal(oursOnLine(uri, line).length, 1, everything(uri));
    });

    test('a trailing comma in a .jsonc manifest: VS Code only warns, our error stays', async () => {
      const uri = await writeWorkspaceFile('trailing-comma.jsonc', VALID.replace('"size": 151\n', '"size": 151,\n'));
      const document = await open(uri);
      const line = lineOf(document, '"size": 151,') + 1;
      await waitForDiagnostics(uri, 'json-syntax after the trailing comma', (d) => d.some((x) => codeOf(x) === 'json-syntax'));
      await pollUntil('VS Code\'s own trailing-comma warning', () => vscode.languages.getDiagnostics(uri).filter((d) => !d.source?.startsWith('image-manifest')), (d) => d.length > 0, { describe: () => everything(uri) });
      await serverHasCaughtUp();
      const errors = ourDiagnostics(uri).filter((d) => codeOf(d) === 'json-syntax' && d.severity === vscode.DiagnosticSeverity.Error);
      assert.equal(errors.length, 1, everything(uri));
      assert.ok(Math.abs(errors[0].range.start.line - line) <= 1, everything(uri));
    });
  });

  suite('the imageManifest.rules setting', () => {
    const configuration = () => vscode.workspace.getConfiguration('imageManifest');

    teardown(async () => {
      await configuration().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    });

    test('turns a code off and changes the severity of another', async () => {
      const uri = await freshCopy('broken-oci-manifest.json');
      await open(uri);
      await waitForDiagnostics(uri, 'the planted problems', (d) => hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d));

      await configuration().update('rules', { 'digest-uppercase': 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, 'digest-uppercase turned off', (d) => !hasCode('digest-uppercase')(d) && hasCode('duplicate-key')(d));

      await configuration().update('rules', { 'duplicate-key': 'error' }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(
        uri,
        'digest-uppercase back and duplicate-key as an error',
        (d) => hasCode('digest-uppercase')(d) && d.some((x) => codeOf(x) === 'duplicate-key' && x.severity === vscode.DiagnosticSeverity.Error),
      );
    });
  });
});
