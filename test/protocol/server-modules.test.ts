// The server's own small modules, tested directly where the protocol cannot observe them yet
// (no rule reads the layout context so far) or where the cases are too many for a process.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LayoutContextProvider } from 'image-manifest-language-server/out/server/layout-context';
import { extractSection, mergeSettings, readSection } from 'image-manifest-language-server/out/server/settings';
import { fileUri } from '../helpers/lsp-client';
import { FIXTURES } from '../helpers/protocol-fixtures';

describe('layout context', () => {
  const layouts = new LayoutContextProvider();

  it('marks the index.json that sits beside an oci-layout file, with its blobs readable', async () => {
    const context = await layouts.contextFor(fileUri(FIXTURES, 'real', 'umoci-layout', 'index.json'));
    assert.equal(context?.isLayoutIndex, true);
    // The config blob of the umoci layout: its bytes on disk are what the store returns.
    const configDigest = 'sha256:0f14fc04614ef04cf75347874ae94ce1be63280950f7d3b3ab05b3d97acdf568';
    const onDisk = fs.readFileSync(path.join(FIXTURES, 'real', 'umoci-layout', 'blobs', 'sha256', configDigest.slice(7)), 'utf8');
    assert.equal(context?.blobs?.readText(configDigest, 1 << 20), onDisk);
  });

  it('gives blobs inside a layout their layout, without calling them the index', async () => {
    const blob = fileUri(FIXTURES, 'real', 'umoci-layout', 'blobs', 'sha256', '2d215e550c8240f99996acdbb28512f238d4bc60dcd97956c6d21db9b5fb6519');
    const context = await layouts.contextFor(blob);
    assert.equal(context?.isLayoutIndex, false);
    assert.ok(context?.blobs);
  });

  it('refuses digests that would leave the layout', async () => {
    const context = await layouts.contextFor(fileUri(FIXTURES, 'real', 'umoci-layout', 'index.json'));
    for (const digest of ['sha256:../../oci-layout', '../index.json', 'sha256:', 'sha256/../../x:y', '']) {
      assert.equal(context?.blobs?.readText(digest, 1 << 20), undefined, digest);
    }
  });

  it('leaves documents outside any layout alone', async () => {
    for (const uri of [
      fileUri(FIXTURES, 'real', 'registry-amd64.json'),
      'untitled:index.json',
      'vscode-vfs://github/owner/repo/index.json',
      'not a uri at all',
    ]) {
      assert.equal(await layouts.contextFor(uri), undefined, uri);
    }
  });
});

describe('settings parsing', () => {
  const collect = () => {
    const problems: string[] = [];
    return { problems, warn: (problem: string) => problems.push(problem) };
  };

  it('finds the section however the client nests it', () => {
    const rules = { 'wrong-type': 'off' };
    assert.deepEqual(extractSection({ imageManifest: { rules } }), { rules });
    assert.deepEqual(extractSection({ 'imageManifest.rules': rules, 'imageManifest.validate.enable': false, other: 1 }), {
      rules,
      'validate.enable': false,
    });
    assert.deepEqual(extractSection({ rules }), { rules });
    assert.equal(extractSection({ 'editor.tabSize': 2 }), undefined);
    assert.equal(extractSection(null), undefined);
    assert.equal(extractSection('imageManifest'), undefined);
  });

  it('reads valid values', () => {
    const { problems, warn } = collect();
    assert.deepEqual(readSection({ validate: { enable: false }, rules: { 'wrong-type': 'hint', 'invalid-digest': 'off' } }, warn), {
      validateEnable: false,
      rules: { 'wrong-type': 'hint', 'invalid-digest': 'off' },
    });
    assert.deepEqual(readSection({ 'validate.enable': true }, warn), { validateEnable: true });
    assert.deepEqual(problems, []);
  });

  it('drops invalid values one by one and says why', () => {
    const { problems, warn } = collect();
    const read = readSection(
      { validate: { enable: 'no' }, rules: { 'wrong-type': 'Error', 'no-such-code': 'off', 'invalid-digest': 'warning', toString: 'off' } },
      warn,
    );
    assert.deepEqual(read, { rules: { 'invalid-digest': 'warning' } });
    assert.equal(problems.length, 4, problems.join('\n'));
    const { problems: more, warn: warnMore } = collect();
    assert.deepEqual(readSection([1, 2], warnMore), {});
    assert.deepEqual(readSection({ rules: 'strict', validate: 3 }, warnMore), {});
    assert.equal(more.length, 3, more.join('\n'));
  });

  it('merges layers field by field, later layers winning', () => {
    // The defaults must be those package.json declares to VS Code.
    const declared = JSON.parse(fs.readFileSync(path.join(FIXTURES, '..', '..', 'package.json'), 'utf8')).contributes.configuration.properties;
    const defaults = {
      validateEnable: declared['imageManifest.validate.enable'].default,
      rules: declared['imageManifest.rules'].default,
      maxValidationSize: declared['imageManifest.maxValidationSize'].default,
      inlayHintSizes: declared['imageManifest.inlayHints.sizes'].default,
      digestCodeLens: declared['imageManifest.documentDigest.codeLens'].default,
      verifyDigests: declared['imageManifest.layout.verifyDigests'].default,
      verifyDigestsMaxSize: declared['imageManifest.layout.verifyDigestsMaxSize'].default,
    };
    assert.deepEqual(mergeSettings(), defaults);
    assert.deepEqual(
      mergeSettings({ validateEnable: false, rules: { 'wrong-type': 'off', 'invalid-digest': 'hint' } }, { rules: { 'wrong-type': 'error' }, inlayHintSizes: false }),
      { ...defaults, validateEnable: false, inlayHintSizes: false, rules: { 'wrong-type': 'error', 'invalid-digest': 'hint' } },
    );
  });

  it('reads the feature switches nested or flattened, and ignores values of the wrong type', () => {
    const { problems, warn } = collect();
    assert.deepEqual(readSection({ inlayHints: { sizes: false }, 'documentDigest.codeLens': false }, warn), { inlayHintSizes: false, digestCodeLens: false });
    assert.deepEqual(readSection({ inlayHints: { sizes: 'no' }, maxValidationSize: -1 }, warn), {});
    assert.equal(problems.length, 2);
  });

  it('reads the layout settings nested or flattened, and ignores values of the wrong type', () => {
    const { problems, warn } = collect();
    assert.deepEqual(readSection({ layout: { verifyDigests: 'always', verifyDigestsMaxSize: 1024 } }, warn), { verifyDigests: 'always', verifyDigestsMaxSize: 1024 });
    assert.deepEqual(readSection({ 'layout.verifyDigests': 'never' }, warn), { verifyDigests: 'never' });
    assert.deepEqual(extractSection({ 'imageManifest.layout.verifyDigests': 'never' }), { 'layout.verifyDigests': 'never' });
    assert.deepEqual(readSection({ layout: { verifyDigests: 'sometimes', verifyDigestsMaxSize: '64M' } }, warn), {});
    assert.equal(problems.length, 2, problems.join('\n'));
  });
});
