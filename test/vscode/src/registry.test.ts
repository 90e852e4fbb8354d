import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { skipBecause } from './skip';
import { EXTENSION_ID, closeAllEditors, codesOf, hasCode, hoverTexts, open, pollUntil, rangeOf, waitForDiagnostics, writeWorkspaceFile } from './helpers';
import { REGISTRY_ENV, getBlob, getManifest, request, sha256, type Filled } from './registry-env';

const OPEN = 'imageManifest.openFromRegistry';
const PUSH = 'imageManifest.pushToRegistry';
const REGISTRY_SOURCE = 'image-manifest registry';
const SCHEME = 'oci-registry';

/** The extension's registry diagnostics (a collection of its own, apart from the server's). */
function registryDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === REGISTRY_SOURCE);
}

/** The `oci-registry:` URI written by hand from the URI scheme's definition (server/src/registry/uri.ts). */
function expectedUri(host: string, repository: string, kind: 'manifests' | 'blobs', reference: string): string {
  return `${SCHEME}://${host}/${repository}/${kind}/${reference}`;
}

/** A document that VS Code has open under `uri`, once it has been switched to JSON. */
async function openedAsJson(uri: vscode.Uri): Promise<vscode.TextDocument> {
  await vscode.workspace.openTextDocument(uri);
  return pollUntil(
    `${uri.toString(true)} to be JSON`,
    () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()),
    (d): d is vscode.TextDocument => d?.languageId === 'json',
    { describe: (d) => d?.languageId ?? 'not open' },
  ) as Promise<vscode.TextDocument>;
}

async function linksOf(document: vscode.TextDocument): Promise<vscode.DocumentLink[]> {
  return pollUntil(
    `document links in ${document.uri.toString(true)}`,
    async () => (await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri)) ?? [],
    (links) => links.some((link) => link.target?.scheme === SCHEME),
    { describe: (links) => JSON.stringify(links.map((link) => link.target?.toString(true))) },
  );
}

function linkOn(document: vscode.TextDocument, links: readonly vscode.DocumentLink[], digest: string): vscode.DocumentLink {
  const link = links.find((candidate) => document.getText(candidate.range) === digest);
  if (!link?.target) throw new Error(`no link on ${digest}; links: ${links.map((l) => document.getText(l.range)).join(', ')}`);
  return link;
}

suite('Registry: restricted mode', () => {
  test('the registry commands refuse to run in Restricted Mode, and say so in their enablement', async function () {
    if (vscode.workspace.isTrusted) skipBecause(this, 'this run is in a trusted window; the Restricted Mode run covers it');
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (extension.packageJSON as { contributes: { commands: Array<{ command: string; enablement?: string }> } }).contributes.commands;
    for (const command of [OPEN, PUSH]) {
      assert.match(contributed.find((c) => c.command === command)?.enablement ?? '', /isWorkspaceTrusted/, command);
    }
    // executeCommand reaches the handler whatever `enablement` says; the handler must refuse.
    // Port 9 (discard) on loopback: nothing would answer, and nothing may be tried.
    const opened = await vscode.commands.executeCommand(OPEN, '127.0.0.1:9/restricted/probe:latest');
    assert.equal(opened, undefined);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === SCHEME), 'no registry document may open');
    const file = await writeWorkspaceFile('restricted-push.json', '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}');
    assert.equal(await vscode.commands.executeCommand(PUSH, file, '127.0.0.1:9/restricted/probe:latest'), undefined);
    // A registry document restored into a Restricted Mode window is not fetched either.
    await assert.rejects(
      Promise.resolve(vscode.workspace.openTextDocument(vscode.Uri.parse(`${SCHEME}://127.0.0.1:9/restricted/probe/manifests/latest`))),
      /Restricted Mode/,
    );
  });
});

suite('Registry: a real docker-registry, in a trusted window', () => {
  let host = '';
  let filled: Filled;

  suiteSetup(function () {
    if (!vscode.workspace.isTrusted) {
      skipBecause(this, 'this run is in Restricted Mode; the trusted run (npm run test:vscode:vsix) covers it');
    }
    const skip = process.env[REGISTRY_ENV.skip];
    if (skip) {
      skipBecause(this, skip);
    }
    host = process.env[REGISTRY_ENV.host] ?? '';
    const fill = process.env[REGISTRY_ENV.fill];
    if (!host || !fill) throw new Error(`the launcher started no registry (${REGISTRY_ENV.host} is not set) and gave no reason`);
    filled = JSON.parse(fill) as Filled;
  });

  teardown(closeAllEditors);

  test('Open from Registry opens the bytes exactly as served, whose digest is the registry\'s', async () => {
    const served = await getManifest(host, filled.repository, filled.index.tag);
    const header = served.headers['docker-content-digest'];
    assert.equal(header, sha256(served.body), 'the registry serves what it names');

    const document = await vscode.commands.executeCommand<vscode.TextDocument>(OPEN, `${host}/${filled.repository}:${filled.index.tag}`);
    assert.ok(document, 'the command opened a document');
    assert.equal(document.uri.toString(true), expectedUri(host, filled.repository, 'manifests', filled.index.tag));
    assert.equal(document.languageId, 'json');
    assert.equal(document.getText(), served.body.toString('utf8'));
    assert.equal(sha256(Buffer.from(document.getText(), 'utf8')), header);
    // The digest the status bar shows (and copies) is the registry's.
    assert.equal(await vscode.commands.executeCommand<string>('imageManifest.copyDocumentDigest', document.uri), header);
    // Read-only: it is what the registry has, edits go through Push to Registry.
    const stat = await vscode.workspace.fs.stat(document.uri);
    assert.equal(stat.size, served.body.length);
    assert.equal(stat.permissions, vscode.FilePermission.Readonly);
  });

  test('a tag the registry does not have, or text that is no reference, opens nothing', async () => {
    const before = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === SCHEME).length;
    assert.equal(await vscode.commands.executeCommand(OPEN, `${host}/${filled.repository}:no-such-tag`), undefined);
    assert.equal(await vscode.commands.executeCommand(OPEN, `${host}/Upper Case:tag`), undefined);
    assert.equal(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === SCHEME).length, before);
  });

  test('a registry document itself can be pushed under another tag (re-tagging), unchanged', async () => {
    const platform = filled.platforms[1]!;
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(OPEN, `${host}/${filled.repository}:${platform.tag}`);
    assert.ok(document);
    const result = await vscode.commands.executeCommand<{ digest: string }>(PUSH, document.uri, `${host}/${filled.repository}:retagged`);
    assert.equal(result?.digest, platform.manifest.digest);
    const back = await getManifest(host, filled.repository, 'retagged');
    assert.equal(back.headers['docker-content-digest'], platform.manifest.digest);
    assert.equal(back.body.toString('utf8'), document.getText());
  });

  test('a registry document gets the same diagnostics as the same bytes in a file', async () => {
    const platform = filled.platforms[0]!;
    const manifest = (await getManifest(host, filled.repository, platform.manifest.digest)).body.toString('utf8');
    // A key without a reverse-domain namespace: a warning the registry does not mind.
    const flawed = manifest.replace(/^\{/, '{"annotations":{"version":"1"},');
    const put = await request(host, 'PUT', `/v2/${filled.repository}/manifests/flawed`, { 'Content-Type': platform.manifest.mediaType }, Buffer.from(flawed));
    assert.equal(put.status, 201, put.body.toString('utf8'));

    const document = await vscode.commands.executeCommand<vscode.TextDocument>(OPEN, `${host}/${filled.repository}:flawed`);
    assert.ok(document);
    await waitForDiagnostics(document.uri, 'annotation-key-namespace', hasCode('annotation-key-namespace'));
    const file = await writeWorkspaceFile('flawed-from-registry.json', flawed);
    await vscode.workspace.openTextDocument(file);
    await waitForDiagnostics(file, 'the file\'s diagnostics', hasCode('annotation-key-namespace'));
    assert.deepEqual(codesOf(document.uri), codesOf(file));
  });

  test('links go index → child manifest → config, each opened from the registry byte for byte; layers are not links', async () => {
    const index = await vscode.commands.executeCommand<vscode.TextDocument>(OPEN, `${host}/${filled.repository}:${filled.index.tag}`);
    assert.ok(index);
    const indexLinks = await linksOf(index);
    assert.equal(indexLinks.filter((l) => l.target?.scheme === SCHEME).length, filled.platforms.length);

    const platform = filled.platforms[1]!;
    const childLink = linkOn(index, indexLinks, platform.manifest.digest);
    assert.equal(childLink.target!.toString(true), expectedUri(host, filled.repository, 'manifests', platform.manifest.digest));
    const child = await openedAsJson(childLink.target!);
    assert.equal(child.getText(), (await getManifest(host, filled.repository, platform.manifest.digest)).body.toString('utf8'));

    const childLinks = await linksOf(child);
    const configLink = linkOn(child, childLinks, platform.config.digest);
    assert.equal(configLink.target!.toString(true), expectedUri(host, filled.repository, 'blobs', platform.config.digest));
    for (const layer of platform.layers) {
      assert.ok(!childLinks.some((link) => child.getText(link.range) === layer.digest), `layer ${layer.digest} has no link`);
    }
    const config = await openedAsJson(configLink.target!);
    const blob = await getBlob(host, filled.repository, platform.config.digest);
    assert.equal(config.getText(), blob.body.toString('utf8'));
    assert.equal(sha256(blob.body), platform.config.digest);
    // The config is validated like a file: the server recognises it (its outline is not empty).
    const symbols = await pollUntil('the config\'s outline', async () => (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', config.uri)) ?? [], (s) => s.length > 0);
    assert.ok(symbols.length > 0);
  });

  test('hover on a layer says whether the registry has its blob', async () => {
    const platform = filled.platforms[0]!;
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(OPEN, `${host}/${filled.repository}@${platform.manifest.digest}`);
    assert.ok(document);
    const layer = platform.layers[0]!;
    const position = rangeOf(document, layer.digest).start;
    const grouped = layer.size.toLocaleString('en-US');
    const texts = await pollUntil(
      'the registry line of the layer hover',
      async () => hoverTexts((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? []),
      (t) => t.some((text) => text.includes('**Registry:**')),
    );
    const line = texts.find((text) => text.includes('**Registry:**'))!;
    assert.match(line, /has this blob/);
    assert.ok(line.includes(grouped), `${line} names the size ${grouped}`);
  });

  test('Push to Registry stores an edited document under a new tag, byte for byte', async () => {
    const platform = filled.platforms[0]!;
    const original = (await getManifest(host, filled.repository, platform.manifest.digest)).body.toString('utf8');
    // A file, not an untitled document: closing a dirty untitled editor asks a modal question.
    const document = await open(await writeWorkspaceFile('to-push.json', original));
    // A real edit in the editor: a title annotation at the start of the object.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.positionAt(1), '"annotations":{"org.opencontainers.image.title":"edited in VS Code"},');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const text = document.getText();
    assert.notEqual(text, original);

    const result = await vscode.commands.executeCommand<{ digest: string }>(PUSH, document.uri, `${host}/${filled.repository}:edited`);
    assert.ok(result, 'the push succeeded');
    assert.equal(result.digest, sha256(text));
    const back = await getManifest(host, filled.repository, 'edited');
    assert.ok(back.body.equals(Buffer.from(text, 'utf8')), 'the registry serves exactly the pushed bytes');
    assert.equal(back.headers['docker-content-digest'], sha256(text));
    assert.equal(back.headers['content-type'], platform.manifest.mediaType);
    assert.deepEqual(registryDiagnostics(document.uri), []);
  });

  test('a push whose layer blob is missing shows the registry\'s error on that layer', async () => {
    const platform = filled.platforms[0]!;
    const original = (await getManifest(host, filled.repository, platform.manifest.digest)).body.toString('utf8');
    const missing = sha256(`a layer nobody pushed ${Date.now()}`);
    const layer = platform.layers[0]!;
    const text = original.replace(layer.digest, missing);
    assert.notEqual(text, original);
    const document = await open(await writeWorkspaceFile('missing-layer.json', text));

    const result = await vscode.commands.executeCommand(PUSH, document.uri, `${host}/${filled.repository}:missing-layer`);
    assert.equal(result, undefined, 'the push failed');
    const diagnostics = registryDiagnostics(document.uri);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const diagnostic = diagnostics[0]!;
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(String(diagnostic.code), /BLOB_UNKNOWN/);
    assert.match(diagnostic.message, /does not have a blob/);
    // On the layer descriptor: its range holds the missing digest and no other descriptor's.
    const covered = document.getText(diagnostic.range);
    assert.ok(covered.includes(missing), `the range covers the layer: ${covered}`);
    assert.ok(!covered.includes(platform.config.digest), `the range is the layer's alone: ${covered}`);
    assert.equal((await request(host, 'GET', `/v2/${filled.repository}/manifests/missing-layer`, { Accept: platform.manifest.mediaType })).status, 404);

    // The registry judged the text it was sent; an edit clears its verdict.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.positionAt(1), ' ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await pollUntil('the registry diagnostics to clear', () => registryDiagnostics(document.uri), (d) => d.length === 0);
  });
});
