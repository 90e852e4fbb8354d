import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileUri, LspTestClient, REPO_ROOT } from '../helpers/lsp-client';
import { BROKEN_MANIFEST, FIXTURES } from '../helpers/protocol-fixtures';

describe('server lifecycle', () => {
  const clients: LspTestClient[] = [];
  async function start(options?: Parameters<typeof LspTestClient.start>[0]): Promise<LspTestClient> {
    const client = await LspTestClient.start(options);
    clients.push(client);
    return client;
  }

  after(() => {
    for (const client of clients) client.dispose();
  });

  it('exits with code 0 after shutdown and exit', async () => {
    const client = await start();
    await client.openAndWait(fileUri(FIXTURES, 'lifecycle.json'), BROKEN_MANIFEST);
    assert.equal(await client.shutdownAndExit(), 0);
  });

  it('exits with code 1 on exit without shutdown, as the protocol asks', async () => {
    const client = await start();
    assert.equal(await client.exitWithoutShutdown(), 1);
  });

  it('exits when its input closes', async () => {
    const client = await start();
    client.closeInput();
    // Without a shutdown request first, the protocol's exit code for "ended abnormally".
    assert.equal(await client.waitForExit(), 1);
  });

  it('speaks over Node IPC, the transport the VS Code client uses', async () => {
    const client = await start({ transport: 'ipc' });
    const published = await client.openAndWait(fileUri(FIXTURES, 'over-ipc.json'), BROKEN_MANIFEST);
    assert.notDeepEqual(published.diagnostics, []);
    assert.equal(await client.shutdownAndExit(), 0);
  });

  const linkedBin = path.join(REPO_ROOT, 'node_modules', '.bin', 'image-manifest-language-server');
  it('starts through the bin that npm links for the server workspace', { skip: process.platform === 'win32' ? 'npm links a .cmd shim on Windows' : false }, async () => {
    assert.ok(existsSync(linkedBin), `${linkedBin} is missing: run npm ci`);
    const client = await start({ command: { file: linkedBin, args: ['--stdio'] } });
    assert.equal(client.initializeResult?.serverInfo?.name, 'image-manifest-language-server');
    assert.equal(await client.shutdownAndExit(), 0);
  });
});
