/**
 * The base protocol's framing over stdio (LSP 3.17, "Base Protocol": a header part of
 * `name: value` fields, each line ended by `\r\n`, `Content-Length` required and counting the
 * content's bytes, then an empty line, then the content).
 *
 * A frame that breaks it leaves the stream unreadable from there on: the server must say so on
 * stderr and exit with a non-zero code, so the editor restarts it instead of waiting on a server
 * that answers nothing. Broken JSON inside a well-formed frame is another matter: the server
 * answers it and stays up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FramingMonitor, MAX_HEADER_BYTES, transportOf } from 'image-manifest-language-server/out/server/stdio-framing';
import { fileUri, LspTestClient } from '../helpers/lsp-client';
import { BROKEN_MANIFEST, FIXTURES } from '../helpers/protocol-fixtures';

/** Bounds each wait for the server to go away; passing it fails the test (no timing is asserted). */
const EXIT_DEADLINE_MS = 20_000;

/** One message framed as the base protocol says, with extra header lines if given. */
function frame(message: unknown, extraHeaders: string[] = []): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = [`Content-Length: ${body.length}`, ...extraHeaders].map((line) => `${line}\r\n`).join('') + '\r\n';
  return Buffer.concat([Buffer.from(header, 'ascii'), body]);
}

const PING = { jsonrpc: '2.0', id: 99, method: 'imageManifest/ping', params: {} };
const pingBody = JSON.stringify(PING);

const MALFORMED: Array<[string, string]> = [
  ['a frame without any header', '\r\n\r\n{}'],
  ['a Content-Length that is no number', 'Content-Length: abc\r\n\r\n{}'],
  ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}'],
  ['header lines ended by LF alone', 'Content-Length: 2\n\n{}'],
  ['a Content-Length smaller than the content', `Content-Length: ${pingBody.length - 2}\r\n\r\n${pingBody}`],
  ['a header line without a colon', 'Content-Length 2\r\n\r\n{}'],
  ['no Content-Length among the headers', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'],
];

const STDERR_LINE = /^image-manifest-language-server: malformed message header from the client \((.+)\); exiting so the editor can restart the server$/;

describe('a malformed frame on stdio ends the server with a message', () => {
  for (const [name, bytes] of MALFORMED) {
    it(name, async () => {
      const client = await LspTestClient.start();
      try {
        // The handshake and a request went through: the server was reading well-formed frames.
        await client.ping();
        client.writeRaw(bytes);
        const code = await client.waitForExit(EXIT_DEADLINE_MS);
        assert.notEqual(code, null, 'ended by a signal rather than exiting');
        assert.notEqual(code, 0);
        await client.waitForStderrEnd(EXIT_DEADLINE_MS);
        const lines = client.stderr.split('\n').filter((line) => line !== '');
        assert.equal(lines.length, 1, client.stderr);
        assert.match(lines[0], STDERR_LINE);
      } finally {
        client.dispose();
      }
    });
  }
});

describe('well-formed frames keep the server up, whatever their content', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client?.dispose());

  it('JSON garbage, an empty content and a non-object inside correct frames are answered, not fatal', async () => {
    for (const content of ['{oops', '', '[1,2', '"just a string"', '\u00e9\u00e9']) {
      const body = Buffer.from(content, 'utf8');
      client.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
    }
    await client.ping();
    assert.equal(client.hasExited, false);
  });

  it('a Content-Type header, multi-byte content and a frame written one byte at a time', async () => {
    const uri = fileUri(FIXTURES, 'framing-bytewise.json');
    // `é` is two bytes in UTF-8: Content-Length counts bytes, not characters.
    const text = BROKEN_MANIFEST.replace('{', '{"annotations":{"org.opencontainers.image.title":"caf\u00e9"},');
    const bytes = frame(
      { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'json', version: 1, text } } },
      ['Content-Type: application/vscode-jsonrpc; charset=utf-8'],
    );
    for (let i = 0; i < bytes.length; i++) client.writeRaw(bytes.subarray(i, i + 1));
    const published = await client.waitForDiagnostics(uri, { version: 1 });
    assert.ok(published.diagnostics.length > 0);
    await client.ping();
    assert.equal(client.hasExited, false);
  });
});

describe('the framing monitor', () => {
  const valid = Buffer.concat([
    frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { text: 'Content-Length: 5\r\n\r\n\n\n' } }),
    frame({ jsonrpc: '2.0', method: 'x', params: { text: 'caf\u00e9 \u{1F433}' } }, ['Content-Type: application/vscode-jsonrpc; charset=utf-8']),
    Buffer.from('content-length:2\r\n\r\n{}', 'ascii'),
    Buffer.from('Content-Length: 0\r\n\r\n', 'ascii'),
    Buffer.from('Content-Length:  \t3 \r\n\r\n[1]', 'ascii'),
  ]);

  it('finds nothing wrong in valid frames, however the bytes arrive', () => {
    const whole = new FramingMonitor();
    assert.equal(whole.push(valid), undefined);
    for (let split = 0; split <= valid.length; split++) {
      const monitor = new FramingMonitor();
      assert.equal(monitor.push(valid.subarray(0, split)), undefined, `split at ${split}`);
      assert.equal(monitor.push(valid.subarray(split)), undefined, `split at ${split}`);
    }
    const bytewise = new FramingMonitor();
    for (let i = 0; i < valid.length; i++) assert.equal(bytewise.push(valid.subarray(i, i + 1)), undefined, `byte ${i}`);
  });

  it('names what is wrong in each malformed frame, after valid ones too', () => {
    for (const [name, bytes] of MALFORMED) {
      const monitor = new FramingMonitor();
      const reason = monitor.push(Buffer.concat([valid, Buffer.from(bytes, 'utf8')]));
      assert.ok(reason, name);
      assert.doesNotMatch(reason, /[\r\n]/, 'one line');
      assert.equal(monitor.error, reason);
    }
  });

  it('gives up on a header with no end in sight', () => {
    const monitor = new FramingMonitor();
    assert.equal(monitor.push(Buffer.from('X-Padding: ', 'ascii')), undefined);
    assert.ok(monitor.push(Buffer.alloc(MAX_HEADER_BYTES, 'a')));
  });

  it('watches the transport vscode-languageserver picks: the first one on the command line', () => {
    assert.equal(transportOf(['--stdio']), 'stdio');
    assert.equal(transportOf(['--clientProcessId=42', '--stdio']), 'stdio');
    assert.equal(transportOf(['--node-ipc', '--stdio']), 'node-ipc');
    assert.equal(transportOf(['--socket=5007']), 'socket');
    assert.equal(transportOf(['--pipe', '/tmp/x.sock']), 'pipe');
    assert.equal(transportOf(['--version']), undefined);
  });
});
