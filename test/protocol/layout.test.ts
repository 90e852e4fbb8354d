/**
 * Layout awareness over the protocol, against the real server process: digest diagnostics that
 * arrive after hashing without holding up the others, work-done progress for a large blob, document
 * links, go to definition, find references, hover and completion on real layouts in temporary
 * folders. Every wait has a deadline; nothing sleeps for a fixed time.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  CompletionRequest,
  DefinitionRequest,
  DidOpenTextDocumentNotification,
  DocumentLinkRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentLink,
  type Hover,
  type Location,
  type LocationLink,
  type MarkupContent,
  type Position,
  type ProgressToken,
  type PublishDiagnosticsParams,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol';
import { REPO_ROOT, SERVER_BIN } from '../helpers/lsp-client';
import { blobFile, buildLayout, copyFixtureLayout, flipByte, hasTool, sampleTree, sha256Of, tarList, type BuiltLayout } from '../helpers/layouts';

const DEADLINE_MS = 20_000;
const uriOf = (file: string) => pathToFileURL(file).href;

type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

/** A client with work-done progress, links, definitions and references; records what it is sent. */
class Client {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly created: ProgressToken[] = [];
  readonly progress: Array<{ token: ProgressToken; value: ProgressValue }> = [];
  stderr = '';
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(settings: unknown): Promise<Client> {
    const child = spawn(process.execPath, [SERVER_BIN, '--stdio'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const reader = new StreamMessageReader(child.stdout!);
    // As in test/helpers/lsp-client.ts: a server killed mid-message must not keep the test alive.
    reader.partialMessageTimeout = 0;
    const connection = createMessageConnection(reader, new StreamMessageWriter(child.stdin!));
    const client = new Client(child, connection);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (client.stderr += chunk));
    child.stdin!.on('error', () => undefined);
    connection.onError(() => undefined);
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      client.published.push(params);
      client.changed();
    });
    connection.onRequest(WorkDoneProgressCreateRequest.method, (params: { token: ProgressToken }) => {
      client.created.push(params.token);
      client.changed();
      return null;
    });
    connection.onNotification('$/progress', (params: { token: ProgressToken; value: ProgressValue }) => {
      client.progress.push(params);
      client.changed();
    });
    connection.onRequest('workspace/configuration', () => []);
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    await client.deadline(
      'initialize',
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities: {
          window: { workDoneProgress: true },
          textDocument: {
            publishDiagnostics: { versionSupport: true },
            definition: { linkSupport: true },
            documentLink: {},
            hover: { contentFormat: ['markdown'] },
            completion: { completionItem: { snippetSupport: true } },
          },
        },
        initializationOptions: settings,
      }),
    );
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  open(file: string, text = fs.readFileSync(file, 'utf8')): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId: 'json', version: 1, text } });
  }

  /** Resolves when `condition()` holds (checked whenever the server sends something). */
  until<T>(what: string, condition: () => T | undefined | false): Promise<T> {
    return this.deadline(
      what,
      new Promise<T>((resolve) => {
        const check = () => {
          const value = condition();
          if (value) {
            this.listeners.delete(check);
            resolve(value);
          }
        };
        this.listeners.add(check);
        check();
      }),
    );
  }

  diagnosticsFor(file: string): PublishDiagnosticsParams[] {
    return this.published.filter((p) => p.uri === uriOf(file));
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.deadline(method, this.connection.sendRequest(method, params) as Promise<R>);
  }

  async dispose(): Promise<void> {
    try {
      await this.deadline('shutdown', this.connection.sendRequest(ShutdownRequest.type), 5000);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // killed below
    }
    this.connection.dispose();
    this.child.kill('SIGKILL');
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private deadline<T>(what: string, promise: Promise<T>, ms = DEADLINE_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms\nstderr:\n${this.stderr}`)), ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        },
      );
    });
  }
}

function positionOf(text: string, needle: string, delta = 1): Position {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  const before = text.slice(0, offset + delta);
  const lines = before.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

function textAt(text: string, range: { start: Position; end: Position }): string {
  const lines = text.split('\n');
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, line) => n + line.length + 1, 0) + p.character;
  return text.slice(offset(range.start), offset(range.end));
}

const byCode = (code: string) => (d: Diagnostic) => d.code === code;
const HAS_TAR = hasTool('tar');
const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

describe('layout digests over the protocol', () => {
  /** A layer of 80 MB: large enough for progress, and above the `auto` limit when it is 64 MiB. */
  const BIG = 80 * 1000 * 1000;
  let root: string;
  let manifestFile: string;
  let manifestText: string;
  let bigDigest: string;

  before(() => {
    root = copyFixtureLayout('umoci-layout');
    cleanup.push(path.dirname(root));
    // The manifest gets a second layer: 80 MB with a gzip magic, named by a digest it does not
    // have (the last byte was flipped after hashing), and one byte longer than its descriptor says.
    const big = Buffer.alloc(BIG);
    big[0] = 0x1f;
    big[1] = 0x8b;
    bigDigest = sha256Of(big);
    fs.writeFileSync(blobFile(root, bigDigest), big);
    flipByte(blobFile(root, bigDigest));
    const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const original = JSON.parse(fs.readFileSync(blobFile(root, index.manifests[0].digest), 'utf8')) as { layers: unknown[] };
    original.layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: bigDigest, size: BIG });
    manifestText = JSON.stringify(original, null, 2);
    manifestFile = path.join(root, 'manifest.json');
    fs.writeFileSync(manifestFile, manifestText);
  });

  it('"always": other diagnostics first, the digest mismatch when hashing ends, with work-done progress', async () => {
    const client = await Client.start({ imageManifest: { layout: { verifyDigests: 'always' } } });
    try {
      const config = JSON.parse(manifestText).config as { digest: string };
      // A wrong size elsewhere in the same document: a diagnostic that needs no hash.
      const text = manifestText.replace(`"size": ${fs.statSync(blobFile(root, config.digest)).size}`, '"size": 1');
      await client.open(manifestFile, text);
      const first = await client.until('first diagnostics', () => client.diagnosticsFor(manifestFile)[0]);
      assert.ok(first.diagnostics.some(byCode('blob-size-mismatch')), JSON.stringify(first.diagnostics));
      assert.ok(!first.diagnostics.some(byCode('blob-digest-mismatch')), 'the hash of 80 MB is not awaited');

      const later = await client.until('the digest mismatch', () => client.diagnosticsFor(manifestFile).find((p) => p.diagnostics.some(byCode('blob-digest-mismatch'))));
      const digest = later.diagnostics.find(byCode('blob-digest-mismatch'))!;
      assert.equal(textAt(text, digest.range), JSON.stringify(bigDigest));
      const message = String(digest.message);
      assert.ok(message.includes(sha256Of(fs.readFileSync(blobFile(root, bigDigest)))), message);
      assert.ok(later.diagnostics.some(byCode('blob-size-mismatch')), 'the earlier findings stay');

      // Progress: created by the server, then begin … end on that token.
      const token = await client.until('a progress token', () => client.created[0]);
      await client.until('progress end', () => client.progress.some((p) => p.token === token && p.value.kind === 'end'));
      const values = client.progress.filter((p) => p.token === token).map((p) => p.value);
      assert.equal(values[0].kind, 'begin');
      assert.match((values[0] as WorkDoneProgressBegin).title, /digest/i);
      assert.match((values[0] as WorkDoneProgressBegin).message ?? '', /80\.0 MB/);
      for (const value of values.slice(1, -1)) assert.equal(value.kind, 'report');
      assert.equal(values[values.length - 1].kind, 'end');
    } finally {
      await client.dispose();
    }
  });

  it('"auto" leaves the 80 MB blob unhashed (no progress) and verifies the small ones', async () => {
    const client = await Client.start({ imageManifest: { layout: { verifyDigests: 'auto' } } });
    try {
      const layer = (JSON.parse(manifestText) as { layers: Array<{ digest: string }> }).layers[0].digest;
      flipByte(blobFile(root, layer), 10);
      try {
        await client.open(manifestFile);
        const published = await client.until('the small layer mismatch', () => client.diagnosticsFor(manifestFile).find((p) => p.diagnostics.some(byCode('blob-digest-mismatch'))));
        const found = published.diagnostics.filter(byCode('blob-digest-mismatch'));
        assert.deepEqual(found.map((d) => textAt(manifestText, d.range)), [JSON.stringify(layer)]);
        const hover = await client.request<Hover>(HoverRequest.method, { textDocument: { uri: uriOf(manifestFile) }, position: positionOf(manifestText, bigDigest) });
        assert.match((hover.contents as MarkupContent).value, /Digest: not verified \(larger than 67,108,864 bytes/);
        // (Hovering the layer reads it, with progress of its own; no blob is hashed with progress.)
        const titles = client.progress.filter((p) => p.value.kind === 'begin').map((p) => (p.value as WorkDoneProgressBegin).title);
        assert.ok(!titles.some((title) => /digest/i.test(title)), titles.join(', '));
      } finally {
        flipByte(blobFile(root, layer), 10);
      }
    } finally {
      await client.dispose();
    }
  });
});

describe('layout navigation and hovers over the protocol', { skip: !HAS_TAR && 'needs tar' }, () => {
  let built: BuiltLayout;
  let client: Client;

  before(async () => {
    built = buildLayout([(dir) => sampleTree(dir, 'a'), (dir) => fs.writeFileSync(path.join(dir, 'f'), 'x')], { pretty: true });
    cleanup.push(path.dirname(built.root));
    client = await Client.start({});
  });
  after(() => client.dispose());

  it('links every digest to its blob file; definition opens it', async () => {
    await client.open(built.manifestFile);
    const links = await client.request<DocumentLink[]>(DocumentLinkRequest.method, { textDocument: { uri: uriOf(built.manifestFile) } });
    const targets = links.map((link) => [textAt(built.manifestText, link.range), link.target]);
    assert.deepEqual(targets, [
      [built.configDigest, uriOf(built.configFile)],
      ...built.layers.map((layer) => [layer.digest, uriOf(layer.file)]),
    ]);
    const definition = await client.request<LocationLink[]>(DefinitionRequest.method, { textDocument: { uri: uriOf(built.manifestFile) }, position: positionOf(built.manifestText, built.configDigest, 5) });
    assert.equal(definition.length, 1);
    assert.equal(definition[0].targetUri, uriOf(built.configFile));
    assert.equal(textAt(built.manifestText, definition[0].originSelectionRange!), built.configDigest);
  });

  it('finds the documents that point at a blob, from the blob itself', async () => {
    const configText = fs.readFileSync(built.configFile, 'utf8');
    await client.open(built.configFile, configText);
    const references = await client.request<Location[]>(ReferencesRequest.method, {
      textDocument: { uri: uriOf(built.configFile) },
      position: { line: 0, character: 0 },
      context: { includeDeclaration: false },
    });
    assert.deepEqual(references.map((r) => [r.uri, textAt(built.manifestText, r.range)]), [[uriOf(built.manifestFile), built.configDigest]]);
    const index = fs.readFileSync(built.indexFile, 'utf8');
    const fromIndex = await client.request<Location[]>(ReferencesRequest.method, {
      textDocument: { uri: uriOf(built.manifestFile) },
      position: positionOf(built.manifestText, built.layers[1].digest),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(fromIndex.map((r) => r.uri).sort(), [uriOf(built.layers[1].file), uriOf(built.manifestFile)].sort());
    assert.ok(index.length > 0);
  });

  it('hovers a layer with the numbers of `tar -tzf`', async () => {
    const layer = built.layers[0];
    const hover = await client.request<Hover>(HoverRequest.method, { textDocument: { uri: uriOf(built.manifestFile) }, position: positionOf(built.manifestText, layer.digest) });
    const markdown = (hover.contents as MarkupContent).value;
    assert.match(markdown, new RegExp(`Entries: \\*\\*${tarList(layer.file).length}\\*\\*`), markdown);
    assert.match(markdown, /diff_id ✓/);
  });

  it('completes a digest from the layout with mediaType and size', async () => {
    const file = path.join(built.root, 'draft.json');
    const text = '{\n  "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.manifest.v1+json",\n  "config": {\n    "digest": ""\n  },\n  "layers": []\n}\n';
    fs.writeFileSync(file, text);
    await client.open(file, text);
    const result = await client.request<CompletionList | CompletionItem[]>(CompletionRequest.method, { textDocument: { uri: uriOf(file) }, position: positionOf(text, '"digest": ""', '"digest": "'.length) });
    const items = Array.isArray(result) ? result : result.items;
    const config = items.find((item) => item.label === built.configDigest);
    assert.ok(config, items.map((item) => item.label).join('\n'));
    assert.match(config.detail ?? '', /^image config/);
    assert.deepEqual(config.additionalTextEdits?.map((edit) => edit.newText), [`"mediaType": "application/vnd.oci.image.config.v1+json",\n    "size": ${fs.statSync(built.configFile).size},\n    `]);
  });
});
