import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConfigurationItem } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../helpers/lsp-client';
import { BROKEN_MANIFEST, codesOf, describeDiagnostics, DIGEST_CODES, FIXTURES } from '../helpers/protocol-fixtures';

const uri = fileUri(FIXTURES, 'settings-broken.json');

/** Waits for the revalidation that a settings change triggers. */
async function nextDiagnostics(client: LspTestClient, change: () => Promise<void>) {
  const since = client.publishedFor(uri).length;
  await change();
  return client.waitForDiagnostics(uri, { since });
}

describe('settings pushed by clients without workspace/configuration', () => {
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({
      initializationOptions: { imageManifest: { rules: { 'wrong-type': 'off' } } },
    });
  });

  after(() => {
    client?.dispose();
  });

  it('applies rules from initializationOptions', async () => {
    const published = await client.openAndWait(uri, BROKEN_MANIFEST);
    const codes = codesOf(published);
    assert.ok(!codes.includes('wrong-type'), `wrong-type is off; got ${describeDiagnostics(published)}`);
    assert.ok(codes.some((code) => DIGEST_CODES.includes(code)), `other codes stay on; got ${describeDiagnostics(published)}`);
  });

  it('applies rules from didChangeConfiguration and revalidates open documents', async () => {
    const on = await nextDiagnostics(client, () => client.changeConfiguration({ imageManifest: { rules: {} } }));
    assert.ok(codesOf(on).includes('wrong-type'), `wrong-type is back on; got ${describeDiagnostics(on)}`);

    const off = await nextDiagnostics(client, () =>
      client.changeConfiguration({ imageManifest: { rules: { 'wrong-type': 'off' } } }),
    );
    assert.ok(!codesOf(off).includes('wrong-type'), `wrong-type is off again; got ${describeDiagnostics(off)}`);
  });

  it('changes a severity', async () => {
    const published = await nextDiagnostics(client, () =>
      client.changeConfiguration({ imageManifest: { rules: { 'wrong-type': 'hint' } } }),
    );
    const wrongType = published.diagnostics.filter((d) => d.code === 'wrong-type');
    assert.ok(wrongType.length > 0, `expected wrong-type; got ${describeDiagnostics(published)}`);
    assert.ok(wrongType.every((d) => d.severity === 4), 'hint');
  });

  it('publishes nothing when validation is disabled, and validates again when enabled', async () => {
    const disabled = await nextDiagnostics(client, () =>
      client.changeConfiguration({ imageManifest: { validate: { enable: false } } }),
    );
    assert.deepEqual(disabled.diagnostics, []);
    const enabled = await nextDiagnostics(client, () =>
      client.changeConfiguration({ imageManifest: { validate: { enable: true } } }),
    );
    assert.notDeepEqual(enabled.diagnostics, [], 'the broken manifest has diagnostics again');
  });

  it('ignores invalid values, logs them, and keeps validating', async () => {
    const published = await nextDiagnostics(client, () =>
      client.changeConfiguration({
        imageManifest: { validate: { enable: 'yes' }, rules: { 'wrong-type': 'loud', 'no-such-code': 'off', 'invalid-digest': 7 } },
      }),
    );
    assert.notDeepEqual(published.diagnostics, [], 'defaults apply: validation stays on');
    assert.ok(codesOf(published).includes('wrong-type'), `the invalid override is ignored; got ${describeDiagnostics(published)}`);
    const warnings = client.logs.filter((log) => log.message.startsWith('Invalid setting'));
    for (const expected of ['validate.enable', 'wrong-type', 'no-such-code', 'invalid-digest']) {
      assert.ok(
        warnings.some((log) => log.message.includes(expected)),
        `a warning mentions ${expected}; logged: ${warnings.map((w) => w.message).join(' | ')}`,
      );
    }

    const notAnObject = await nextDiagnostics(client, () => client.changeConfiguration({ imageManifest: 'strict' }));
    assert.notDeepEqual(notAnObject.diagnostics, []);
    await client.ping();
  });
});

describe('settings pulled with workspace/configuration', () => {
  let client: LspTestClient;
  let section: unknown = { validate: { enable: true }, rules: {} };

  before(async () => {
    client = await LspTestClient.start({
      pullConfiguration: true,
      configuration: (item: ConfigurationItem) => (item.section === 'imageManifest' ? section : null),
    });
  });

  after(() => {
    client?.dispose();
  });

  it('asks for the imageManifest section scoped to the document', async () => {
    const published = await client.openAndWait(uri, BROKEN_MANIFEST);
    assert.ok(
      client.configurationRequests.some((item) => item.section === 'imageManifest' && item.scopeUri === uri),
      JSON.stringify(client.configurationRequests),
    );
    assert.ok(codesOf(published).includes('wrong-type'), `expected wrong-type; got ${describeDiagnostics(published)}`);
  });

  it('registers for configuration change notifications', () => {
    assert.ok(
      client.registrations.some((r) => r.method === 'workspace/didChangeConfiguration'),
      JSON.stringify(client.registrations),
    );
  });

  it('pulls again after a change notification without settings', async () => {
    section = { validate: { enable: true }, rules: { 'wrong-type': 'off' } };
    const off = await nextDiagnostics(client, () => client.changeConfiguration(null));
    assert.ok(!codesOf(off).includes('wrong-type'), `wrong-type is off; got ${describeDiagnostics(off)}`);

    section = { validate: { enable: false } };
    const disabled = await nextDiagnostics(client, () => client.changeConfiguration(null));
    assert.deepEqual(disabled.diagnostics, []);
  });
});
