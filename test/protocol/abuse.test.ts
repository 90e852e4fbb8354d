/**
 * Protocol-level abuse of a real server process: requests for documents it never saw, positions
 * past the end, changes for documents never opened, malformed messages, invalid settings, floods
 * of changes, cancellation, a 100 MB document and 10,000 levels of nesting. After every attack the
 * server must still be up and answering.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, type MessageConnection } from 'vscode-jsonrpc/node';
import { LSPErrorCodes, type ConfigurationItem, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { MAX_PUBLISHED_DIAGNOSTICS, toLspDiagnostics } from 'image-manifest-language-server/out/server/lsp-diagnostics';
import { fileUri, LspTestClient } from '../helpers/lsp-client';
import { BROKEN_MANIFEST, codesOf, describeDiagnostics, FIXTURES, readFixture } from '../helpers/protocol-fixtures';

const VALID = readFixture('real', 'registry-amd64.json');
const FEATURE_METHODS = [
  'textDocument/hover',
  'textDocument/completion',
  'textDocument/documentSymbol',
  'textDocument/inlayHint',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'imageManifest/documentDigest',
] as const;

/** Params for `method` on `uri`, with the position (and range) given. */
function featureParams(method: (typeof FEATURE_METHODS)[number], uri: string, position: unknown = { line: 0, character: 0 }): unknown {
  switch (method) {
    case 'textDocument/hover':
    case 'textDocument/completion':
      return { textDocument: { uri }, position };
    case 'textDocument/inlayHint':
      return { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: position } };
    case 'textDocument/codeAction':
      return { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } };
    case 'imageManifest/documentDigest':
      return { uri };
    default:
      return { textDocument: { uri } };
  }
}

interface ErrorLike {
  code?: number;
  message?: string;
}

function isResponseError(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value && typeof (value as ErrorLike).code === 'number';
}

/** The client's connection, for what the helper does not expose (cancellation tokens). */
function connectionOf(client: LspTestClient): MessageConnection {
  return (client as unknown as { connection: MessageConnection }).connection;
}

let probeCount = 0;

/** The server reads requests and still validates documents. */
async function assertStillServing(client: LspTestClient): Promise<void> {
  assert.equal(client.hasExited, false, `the server died:\n${client.stderr}`);
  await client.ping();
  const uri = fileUri(FIXTURES, `abuse-alive-${++probeCount}.json`);
  const published = await client.openAndWait(uri, BROKEN_MANIFEST);
  assert.ok(codesOf(published).includes('wrong-type'), describeDiagnostics(published));
  await client.close(uri);
}

describe('requests the server cannot answer from a document', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client?.dispose());

  const unknownUris = [
    fileUri(FIXTURES, 'never-opened.json'),
    'file:///does/not/exist.json',
    'untitled:Untitled-1',
    'not a uri at all',
    '',
    'file://%zz%',
    'vscode-vfs://github/x/y.json',
    `file:///${'a/'.repeat(2000)}x.json`,
  ];

  for (const method of FEATURE_METHODS) {
    it(`${method} for documents that were never opened answers empty`, async () => {
      for (const uri of unknownUris) {
        const result = await client.request(method, featureParams(method, uri));
        const empty = result === null || (Array.isArray(result) && result.length === 0);
        assert.ok(empty, `${method} ${JSON.stringify(uri)} answered ${JSON.stringify(result)?.slice(0, 200)}`);
      }
    });
  }

  it('positions past the end, negative, fractional or not numbers at all', async () => {
    const uri = fileUri(FIXTURES, 'abuse-positions.json');
    await client.openAndWait(uri, BROKEN_MANIFEST);
    const positions: unknown[] = [
      { line: 0, character: 1e9 },
      { line: 1e9, character: 0 },
      { line: 2 ** 31 - 1, character: 2 ** 31 - 1 },
      { line: -1, character: -1 },
      { line: 0, character: -100 },
      { line: 0.5, character: 3.7 },
      { line: 0, character: 'ten' },
      { line: null, character: null },
      {},
      null,
      'start',
    ];
    for (const method of FEATURE_METHODS) {
      for (const position of positions) {
        // Each must be answered (a NaN offset once made completion loop forever).
        const result = await client.request(method, featureParams(method, uri, position), 5_000);
        // An error answer is allowed for nonsense; an internal error is a crash in disguise.
        if (isResponseError(result)) assert.notEqual(result.code, -32603, `${method} at ${JSON.stringify(position)}: ${result.message}`);
      }
    }
    await assertStillServing(client);
  });

  it('requests and notifications with missing or mistyped params', async () => {
    for (const method of FEATURE_METHODS) {
      for (const params of [null, {}, { textDocument: null }, { textDocument: { uri: 42 } }, [], 'x']) {
        await client.request(method, params);
      }
    }
    const conn = connectionOf(client);
    const notifications: Array<[string, unknown]> = [
      ['textDocument/didOpen', {}],
      ['textDocument/didOpen', { textDocument: { uri: fileUri(FIXTURES, 'abuse-bad-open.json'), version: 'one', text: 42 } }],
      ['textDocument/didOpen', { textDocument: { uri: null, languageId: 'json', version: 1, text: '{}' } }],
      ['textDocument/didChange', { textDocument: { uri: fileUri(FIXTURES, 'abuse-positions.json'), version: 9 }, contentChanges: null }],
      ['textDocument/didChange', { textDocument: { uri: fileUri(FIXTURES, 'abuse-positions.json'), version: 10 }, contentChanges: [{ range: { start: { line: 'a' }, end: null }, text: 5 }] }],
      ['textDocument/didChange', {}],
      ['textDocument/didClose', {}],
      ['textDocument/didClose', { textDocument: { uri: fileUri(FIXTURES, 'never-opened-either.json') } }],
      ['workspace/didChangeWatchedFiles', { changes: null }],
      ['workspace/didChangeWatchedFiles', { changes: [{ uri: 'not a uri', type: 99 }, { uri: null, type: 1 }] }],
      ['workspace/didChangeConfiguration', 'settings'],
      ['$/cancelRequest', { id: 'no-such-request' }],
      ['$/cancelRequest', { id: { nested: true } }],
      ['$/cancelRequest', null],
      ['$/setTrace', { value: 'everything' }],
      ['imageManifest/unknownNotification', { a: 1 }],
    ];
    for (const [method, params] of notifications) await conn.sendNotification(method, params);
    await assertStillServing(client);
  });

  it('changes for documents never opened, versions that go backwards, edits outside the text', async () => {
    const ghost = fileUri(FIXTURES, 'abuse-ghost.json');
    await client.change(ghost, 5, [{ text: BROKEN_MANIFEST }]);
    await client.change(ghost, 6, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: 'x' }]);
    assert.equal(await client.request('textDocument/hover', featureParams('textDocument/hover', ghost)), null, 'a change does not open a document');
    assert.deepEqual(client.publishedFor(ghost), [], 'nothing is published for a document that was never opened');

    const uri = fileUri(FIXTURES, 'abuse-backwards.json');
    await client.openAndWait(uri, VALID);
    const since = client.publishedFor(uri).length;
    await client.change(uri, 10, [{ text: BROKEN_MANIFEST }]);
    await client.change(uri, 3, [{ range: { start: { line: 99, character: 99 }, end: { line: 0, character: 0 } }, text: '' }]);
    await client.change(uri, 3, [{ range: { start: { line: 0, character: 1e9 }, end: { line: 1e9, character: 1e9 } }, text: '}' }]);
    await client.waitForDiagnostics(uri, { since, version: 3 });
    await assertStillServing(client);
  });
});

describe('invalid settings fall back to defaults and are reported once', () => {
  const INVALID = {
    validate: { enable: 'yes' },
    rules: { 'wrong-type': 'loud', 'no-such-code': 'off', 'invalid-digest': 7 },
    maxValidationSize: -5,
  };
  const EXPECTED_PROBLEMS = ['validate.enable', 'wrong-type', 'no-such-code', 'invalid-digest', 'maxValidationSize'];

  function invalidSettingWarnings(client: LspTestClient): string[] {
    return client.logs.filter((log) => log.message.startsWith('Invalid setting')).map((log) => log.message);
  }

  function assertEachOnce(client: LspTestClient): void {
    const warnings = invalidSettingWarnings(client);
    for (const problem of EXPECTED_PROBLEMS) {
      const matching = warnings.filter((message) => message.includes(problem));
      assert.equal(matching.length, 1, `"${problem}" is reported exactly once; logged:\n${warnings.join('\n')}`);
    }
    assert.ok(warnings.every((message) => /ignored|using defaults/.test(message)), `each says it falls back:\n${warnings.join('\n')}`);
  }

  async function assertDefaultsApply(client: LspTestClient, name: string): Promise<void> {
    const uri = fileUri(FIXTURES, `abuse-settings-${name}.json`);
    const published = await client.openAndWait(uri, BROKEN_MANIFEST);
    const codes = codesOf(published);
    assert.ok(codes.includes('wrong-type'), `validation on, wrong-type at its default; got ${describeDiagnostics(published)}`);
    assert.ok(!codes.includes('validation-limited'), 'the default size limit applies, not -5');
    const wrongType = published.diagnostics.find((d) => d.code === 'wrong-type');
    assert.equal(wrongType?.severity, 1, 'wrong-type keeps its default severity (error)');
  }

  it('pushed in initializationOptions: defaults apply to every document, one warning per value', async () => {
    const client = await LspTestClient.start({ initializationOptions: { imageManifest: INVALID } });
    try {
      for (const name of ['push-a', 'push-b', 'push-c']) await assertDefaultsApply(client, name);
      assertEachOnce(client);
    } finally {
      client.dispose();
    }
  });

  it('pulled per document with workspace/configuration: one warning per value, however many documents', async () => {
    const client = await LspTestClient.start({
      pullConfiguration: true,
      configuration: (item: ConfigurationItem) => (item.section === 'imageManifest' ? INVALID : null),
    });
    try {
      for (const name of ['pull-a', 'pull-b', 'pull-c', 'pull-d']) await assertDefaultsApply(client, name);
      assert.ok(client.configurationRequests.length >= 4, 'each document pulled its settings');
      assertEachOnce(client);
    } finally {
      client.dispose();
    }
  });

  it('settings of the wrong shape entirely: a number, an array, a string, deep junk', async () => {
    const client = await LspTestClient.start({ initializationOptions: { imageManifest: 42 } });
    try {
      await assertDefaultsApply(client, 'shape-number');
      const junk: unknown[] = [[1, 2], 'strict', { imageManifest: { rules: [] } }, { imageManifest: { rules: 'off', validate: 3 } }, { imageManifest: { maxValidationSize: '10' } }, { imageManifest: { maxValidationSize: 1e400 } }, { imageManifest: { maxValidationSize: null, rules: null } }];
      for (const settings of junk) {
        await client.changeConfiguration(settings);
        await client.ping();
      }
      await assertDefaultsApply(client, 'shape-junk');
      const warnings = invalidSettingWarnings(client);
      assert.ok(warnings.some((message) => message.includes('should be an object')), warnings.join('\n'));
    } finally {
      client.dispose();
    }
  });
});

describe('floods, cancellation and huge documents', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client?.dispose());

  it('a flood of changes: only the latest version is validated and published', async () => {
    const uri = fileUri(FIXTURES, 'abuse-flood.json');
    await client.openAndWait(uri, VALID);
    const since = client.publishedFor(uri).length;
    const FLOOD = 400;
    const pending: Array<Promise<void>> = [];
    for (let version = 2; version <= FLOOD; version++) {
      // Full replacements alternating with single-character incremental edits.
      if (version % 2 === 0) pending.push(client.change(uri, version, [{ text: version % 4 === 0 ? BROKEN_MANIFEST : VALID }]));
      else pending.push(client.change(uri, version, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: ' ' }]));
    }
    await Promise.all(pending);
    const last = FLOOD;
    const latest = await client.waitForDiagnostics(uri, { since, version: last, deadlineMs: 30_000 });
    const versions = client.publishedFor(uri).slice(since).map((p) => p.version);
    assert.deepEqual(versions, [last], 'one publication, for the latest version only');
    assert.ok(codesOf(latest).includes('wrong-type'), `the final text (${last % 4 === 0 ? 'broken' : 'valid'}) decides; got ${describeDiagnostics(latest)}`);
    await assertStillServing(client);
  });

  it('a flood across many documents at once', async () => {
    const uris = Array.from({ length: 25 }, (_, i) => fileUri(FIXTURES, `abuse-flood-many-${i}.json`));
    await Promise.all(uris.map((uri) => client.open(uri, VALID)));
    const marks = new Map(uris.map((uri) => [uri, 0]));
    const pending: Array<Promise<void>> = [];
    for (let version = 2; version <= 40; version++) {
      for (const uri of uris) pending.push(client.change(uri, version, [{ text: version === 40 ? BROKEN_MANIFEST : VALID }]));
    }
    await Promise.all(pending);
    for (const uri of uris) {
      const published = await client.waitForDiagnostics(uri, { since: marks.get(uri), version: 40, deadlineMs: 30_000 });
      assert.ok(codesOf(published).includes('wrong-type'));
      // With 1,000 messages queued the server may validate a version before it has read the next
      // change (the debounce cannot see the future); what must hold: versions only go forward,
      // and the latest one is published last.
      const versions = client.publishedFor(uri).map((p) => p.version ?? 0);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `${uri}: versions in order`);
      assert.equal(versions.at(-1), 40, `${uri}: the latest version is published last`);
      assert.equal(new Set(versions).size, versions.length, `${uri}: no version published twice`);
    }
    await Promise.all(uris.map((uri) => client.close(uri)));
    await assertStillServing(client);
  });

  it('cancellation: a request cancelled while another one runs is answered as cancelled; the running one completes', async () => {
    // About 10 MB: long enough for hover and code actions to keep the server busy for a while.
    const uri = fileUri(FIXTURES, 'abuse-cancel.json');
    const layer = (i: number) => `{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:${i.toString(16).padStart(64, '0')}","size":${i + 1}}`;
    const text = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:${'a'.repeat(64)}","size":2},"layers":[${Array.from({ length: 60_000 }, (_, i) => layer(i)).join(',\n')}]}`;
    await client.openAndWait(uri, text);
    const conn = connectionOf(client);
    const position = { line: 30_000, character: 10 };
    const busy = new CancellationTokenSource();
    const queued = new CancellationTokenSource();
    const settle = (promise: Promise<unknown>) => promise.then((value) => ({ value }), (error: unknown) => ({ error: error as ErrorLike }));
    const running = settle(conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }, busy.token));
    const cancelled = settle(conn.sendRequest('textDocument/hover', { textDocument: { uri }, position }, queued.token));
    const alsoCancelled = settle(conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } }, queued.token));
    queued.cancel();
    // Cancelling the running request mid-way: the server may answer with the result or as cancelled.
    setTimeout(() => busy.cancel(), 5);
    const [first, second, third] = await Promise.race([
      Promise.all([running, cancelled, alsoCancelled]),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answers within 60 s\n${client.stderr}`)), 60_000)),
    ]);
    assert.ok(
      ('value' in first && Array.isArray(first.value)) || ('error' in first && first.error.code === LSPErrorCodes.RequestCancelled),
      `running request: ${JSON.stringify(first).slice(0, 200)}`,
    );
    for (const answer of [second, third]) {
      assert.ok('error' in answer && answer.error.code === LSPErrorCodes.RequestCancelled, `cancelled request answered ${JSON.stringify(answer).slice(0, 200)}`);
    }
    // Requests after the cancellation are answered normally.
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position }, 60_000);
    assert.ok(hover && !isResponseError(hover), `hover after cancellation: ${JSON.stringify(hover).slice(0, 200)}`);
    await client.close(uri);
    await assertStillServing(client);
  });

  it('a 100 MB manifest is answered, within the size limit, with a clear notice', async () => {
    const uri = fileUri(FIXTURES, 'abuse-100mb.json');
    const layer = (i: number) => `{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:${i.toString(16).padStart(64, '0')}","size":${i + 1}}`;
    const parts: string[] = [];
    let length = 0;
    for (let i = 0; length < 100 * 1024 * 1024; i++) {
      const part = layer(i);
      parts.push(part);
      length += part.length + 1;
    }
    const text = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:${'a'.repeat(64)}","size":2},"layers":[${parts.join(',')}]}`;
    parts.length = 0;
    const started = Date.now();
    await client.open(uri, text);
    const published = await client.waitForDiagnostics(uri, { version: 1, deadlineMs: 180_000 });
    const elapsed = Date.now() - started;
    const notice = published.diagnostics.find((d) => d.code === 'validation-limited');
    assert.ok(notice, `a notice says what was and was not checked; got ${describeDiagnostics(published)}`);
    assert.match(typeof notice.message === 'string' ? notice.message : notice.message.value, /maxValidationSize/);
    process.stdout.write(`# 100 MB manifest (${text.length} characters): diagnostics after ${elapsed} ms\n`);

    // Editor features on it are answered too (timed, for the report; bounded by the deadline).
    for (const method of ['textDocument/documentSymbol', 'textDocument/completion', 'textDocument/inlayHint'] as const) {
      const t = Date.now();
      const answer = await client.request(method, featureParams(method, uri, { line: 0, character: 5_000_000 }), 120_000);
      assert.ok(!isResponseError(answer), `${method}: ${JSON.stringify(answer).slice(0, 200)}`);
      process.stdout.write(`# 100 MB manifest: ${method} in ${Date.now() - t} ms\n`);
    }
    // An edit at the end of the 100 MB text (incremental sync) is validated again.
    const since = client.publishedFor(uri).length;
    await client.change(uri, 2, [{ range: { start: { line: 0, character: text.length - 1 }, end: { line: 0, character: text.length } }, text: '' }]);
    const edited = await client.waitForDiagnostics(uri, { since, version: 2, deadlineMs: 180_000 });
    assert.ok(edited.diagnostics.length > 0, 'the cut-off manifest has a syntax error');
    await client.close(uri);
    await assertStillServing(client);
  });

  it('10 MB broken every 8 characters: a bounded number of diagnostics is published', async () => {
    // 1.3 million syntax errors. (At 100 MB the service itself ran out of memory: see
    // fuzz-regressions.test.ts; the LSP layer caps what it publishes either way.)
    const uri = fileUri(FIXTURES, 'abuse-10mb-noise.json');
    const text = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' + '"x":[1,}'.repeat((10 * 1024 * 1024) / 8);
    const started = Date.now();
    await client.open(uri, text);
    const published = await client.waitForDiagnostics(uri, { version: 1, deadlineMs: 120_000 });
    process.stdout.write(`# 10 MB of broken JSON: ${published.diagnostics.length} diagnostics after ${Date.now() - started} ms\n`);
    assert.ok(published.diagnostics.length > 0 && published.diagnostics.length <= 1001, `${published.diagnostics.length} diagnostics`);
    assert.ok(
      published.diagnostics.some((d) => /more .*(not listed|not shown)/.test(String(d.message))),
      `a notice says that more problems exist; got ${describeDiagnostics(published).slice(0, 500)}`,
    );
    await client.close(uri);
    await assertStillServing(client);
  });
});

describe('the publishing cap of the LSP layer', () => {
  it('publishes at most 1,000 diagnostics, errors first, and says how many were left out', () => {
    const text = 'x'.repeat(10_000);
    const diagnostics = Array.from({ length: 5000 }, (_, i) => ({
      code: 'json-syntax',
      severity: (i % 2 === 0 ? 'hint' : 'error') as 'hint' | 'error',
      message: `problem ${i}`,
      range: { start: i, end: i + 1 },
      href: 'https://example.invalid/',
    }));
    const published = toLspDiagnostics(text, diagnostics);
    assert.equal(published.length, MAX_PUBLISHED_DIAGNOSTICS + 1);
    const kept = published.slice(0, -1);
    assert.ok(kept.every((d) => d.severity === 1), 'the most severe are kept');
    assert.deepEqual(kept.map((d) => d.range.start.character), [...kept.map((d) => d.range.start.character)].sort((a, b) => a - b), 'in document order');
    assert.match(String(published.at(-1)?.message), /^4,000 more problems are not shown/);
    assert.equal(toLspDiagnostics(text, diagnostics.slice(0, 10)).length, 10, 'no note below the cap');
  });
});

describe('deep nesting', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client?.dispose());

  for (const depth of [10_000, 100_000]) {
    it(`${depth.toLocaleString('en-US')} levels: diagnostics and every feature at the deepest point`, async () => {
      const shapes: Array<[string, string, number]> = [
        ['arrays', `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":${'['.repeat(depth)}${']'.repeat(depth)}}`, 0],
        ['objects', `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","annotations":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`, 0],
        ['unclosed', `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[${'{"a":['.repeat(depth)}`, 0],
        ['pretty', `{\n"layers":\n${'[\n'.repeat(depth)}${']\n'.repeat(depth)}}`, 0],
      ];
      for (const [name, text] of shapes) {
        const uri = fileUri(FIXTURES, `abuse-deep-${depth}-${name}.json`);
        const published: PublishDiagnosticsParams = await client.openAndWait(uri, text);
        assert.ok(Array.isArray(published.diagnostics));
        const deepest = name === 'pretty' ? { line: depth + 2, character: 0 } : { line: 0, character: text.length - 2 - (name === 'unclosed' ? 0 : depth) };
        for (const method of FEATURE_METHODS) {
          const answer = await client.request(method, featureParams(method, uri, deepest), 30_000);
          if (isResponseError(answer)) assert.notEqual(answer.code, -32603, `${name} ${method}: ${answer.message}`);
        }
        await client.close(uri);
      }
      assert.equal(client.stderr.includes('Maximum call stack'), false, client.stderr);
      assert.equal(client.logs.some((log) => /Maximum call stack|RangeError/.test(log.message)), false, client.logs.map((l) => l.message).join('\n'));
      await assertStillServing(client);
    });
  }
});
