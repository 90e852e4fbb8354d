import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  type ClientCapabilities,
  type ConfigurationItem,
  type InitializeResult,
  type LogMessageParams,
  type PublishDiagnosticsParams,
  type Registration,
  type TextDocumentClientCapabilities,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

/** The repository root, from test/out/helpers/ (compiled) or test/helpers/ (source). */
export const REPO_ROOT = path.resolve(__dirname, path.basename(path.dirname(__dirname)) === 'out' ? '../../..' : '../..');
export const SERVER_BIN = path.join(REPO_ROOT, 'server', 'bin', 'image-manifest-language-server.js');

/** Every wait in these tests ends by this deadline instead of hanging the run. */
export const DEFAULT_DEADLINE_MS = 10_000;

export function fileUri(...segments: string[]): string {
  return pathToFileURL(path.join(...segments)).href;
}

export interface LspTestClientOptions {
  /** Sent as `initializationOptions`. */
  initializationOptions?: unknown;
  /** Announce `workspace.configuration` and answer `workspace/configuration` with `configuration`. */
  pullConfiguration?: boolean;
  /** The answer to `workspace/configuration` per requested item (pull model only). */
  configuration?: (item: ConfigurationItem) => unknown;
  /** Command and arguments; defaults to `node server/bin/... --stdio`. */
  command?: { file: string; args: string[]; shell?: boolean };
  /** 'ipc' talks over Node's IPC channel (`--node-ipc`), as the VS Code client does. */
  transport?: 'stdio' | 'ipc';
  /**
   * The `textDocument` capabilities of the editor features. By default those VS Code declares that
   * change answers (snippets in completion, hierarchical symbols); `{}` is a client that declares
   * none of them, which LSP says means it supports none.
   */
  featureCapabilities?: TextDocumentClientCapabilities;
}

const VSCODE_LIKE_FEATURES: TextDocumentClientCapabilities = {
  completion: { completionItem: { snippetSupport: true } },
  documentSymbol: { hierarchicalDocumentSymbolSupport: true },
};

interface DiagnosticsWaiter {
  uri: string;
  accept: (params: PublishDiagnosticsParams) => boolean;
  resolve: (params: PublishDiagnosticsParams) => void;
}

/**
 * A minimal LSP client for protocol tests: spawns the server over stdio, records what it
 * publishes and logs, and waits for messages with a deadline (never a fixed sleep).
 */
export class LspTestClient {
  readonly logs: LogMessageParams[] = [];
  readonly configurationRequests: ConfigurationItem[] = [];
  readonly registrations: Registration[] = [];
  initializeResult: InitializeResult | undefined;
  stderr = '';

  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private waiters: DiagnosticsWaiter[] = [];
  private readonly exited: Promise<number | null>;
  /** Resolves when the server's stderr has ended: everything it wrote there is in `stderr`. */
  private readonly stderrEnded: Promise<void>;
  private exitCode: number | null | undefined;
  private readonly connection: MessageConnection;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: LspTestClientOptions,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      });
    });
    // 'exit' can come before the last stderr chunk is read; 'close' of the pipe comes after it.
    this.stderrEnded = new Promise((resolve) => {
      if (child.stderr) child.stderr.once('close', () => resolve());
      else resolve();
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    // Writes after the server has gone away fail with EPIPE; the exit is what the tests observe.
    child.stdin?.on('error', () => undefined);
    let reader: IPCMessageReader | StreamMessageReader;
    if (options.transport === 'ipc') {
      reader = new IPCMessageReader(child);
    } else {
      const stream = new StreamMessageReader(child.stdout!);
      // The reader re-arms a "partial message" timer every 10 s for as long as it holds part of a
      // message, even after it is disposed: a server killed mid-message would keep this test
      // process alive for ever. Nothing here listens to partial-message notices.
      stream.partialMessageTimeout = 0;
      reader = stream;
    }
    this.connection = createMessageConnection(
      reader,
      options.transport === 'ipc' ? new IPCMessageWriter(child) : new StreamMessageWriter(child.stdin!),
    );
    this.connection.onError(() => undefined);
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => this.onPublish(params));
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params);
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(...params.items);
      return params.items.map((item) => this.options.configuration?.(item) ?? null);
    });
    this.connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
    this.connection.listen();
  }

  /** Spawns the server and completes the initialize handshake. */
  static async start(options: LspTestClientOptions = {}): Promise<LspTestClient> {
    const ipc = options.transport === 'ipc';
    const command = options.command ?? { file: process.execPath, args: [SERVER_BIN, ipc ? '--node-ipc' : '--stdio'] };
    const child = spawn(command.file, command.args, {
      cwd: REPO_ROOT,
      stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
      shell: command.shell ?? false,
    });
    const client = new LspTestClient(child, options);
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: options.pullConfiguration === true,
        didChangeConfiguration: { dynamicRegistration: options.pullConfiguration === true },
      },
      textDocument: {
        ...(options.featureCapabilities ?? VSCODE_LIKE_FEATURES),
        publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true },
      },
    };
    client.initializeResult = await client.withDeadline(
      'initialize',
      client.connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities,
        initializationOptions: options.initializationOptions,
      }),
    );
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  open(uri: string, text: string, version = 1, languageId = 'json'): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  changeConfiguration(settings: unknown): Promise<void> {
    return this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  /** Sends any request; resolves with the result, or with the error the server answered. */
  async request(method: string, params: unknown, deadlineMs = DEFAULT_DEADLINE_MS): Promise<unknown> {
    return this.withDeadline(
      method,
      this.connection.sendRequest(method, params).then(
        (result) => result,
        (error: unknown) => error,
      ),
      deadlineMs,
    );
  }

  /** Proves the server still reads and answers: an unknown method must get an error response. */
  async ping(deadlineMs = DEFAULT_DEADLINE_MS): Promise<void> {
    await this.request('imageManifest/ping', {}, deadlineMs);
  }

  /** Everything published for `uri` so far, oldest first. */
  publishedFor(uri: string): readonly PublishDiagnosticsParams[] {
    return this.published.get(uri) ?? [];
  }

  /**
   * The first publication for `uri` at index `since` or later (counting all publications for the
   * uri) that `accept` takes; waits for it until the deadline.
   */
  waitForDiagnostics(
    uri: string,
    options: { since?: number; version?: number; accept?: (params: PublishDiagnosticsParams) => boolean; deadlineMs?: number } = {},
  ): Promise<PublishDiagnosticsParams> {
    const since = options.since ?? 0;
    const accept = (params: PublishDiagnosticsParams): boolean =>
      (options.version === undefined || params.version === options.version) && (options.accept?.(params) ?? true);
    const already = this.publishedFor(uri).slice(since).find(accept);
    if (already) return Promise.resolve(already);
    const arrival = new Promise<PublishDiagnosticsParams>((resolve) => {
      let seen = this.publishedFor(uri).length;
      this.waiters.push({
        uri,
        accept: (params) => {
          seen++;
          return seen > since && accept(params);
        },
        resolve,
      });
    });
    return this.withDeadline(`diagnostics for ${uri}`, arrival, options.deadlineMs);
  }

  /** Opens a document and waits for its first diagnostics. */
  async openAndWait(uri: string, text: string, languageId = 'json'): Promise<PublishDiagnosticsParams> {
    const since = this.publishedFor(uri).length;
    await this.open(uri, text, 1, languageId);
    return this.waitForDiagnostics(uri, { since, version: 1 });
  }

  /** The polite end of a session; resolves with the server's exit code. */
  async shutdownAndExit(deadlineMs = DEFAULT_DEADLINE_MS): Promise<number | null> {
    await this.withDeadline('shutdown', this.connection.sendRequest(ShutdownRequest.type), deadlineMs);
    await this.connection.sendNotification(ExitNotification.type);
    return this.waitForExit(deadlineMs);
  }

  async exitWithoutShutdown(deadlineMs = DEFAULT_DEADLINE_MS): Promise<number | null> {
    await this.connection.sendNotification(ExitNotification.type);
    return this.waitForExit(deadlineMs);
  }

  waitForExit(deadlineMs = DEFAULT_DEADLINE_MS): Promise<number | null> {
    return this.withDeadline('server exit', this.exited, deadlineMs, { ignoreExit: true });
  }

  /** Writes bytes to the server's stdin past the connection: frames the connection would never send. */
  writeRaw(data: string | Uint8Array): void {
    this.child.stdin?.write(data);
  }

  /** Waits until the server's stderr is closed (after it exited), so `stderr` holds all it wrote. */
  waitForStderrEnd(deadlineMs = DEFAULT_DEADLINE_MS): Promise<void> {
    return this.withDeadline('the end of stderr', this.stderrEnded, deadlineMs, { ignoreExit: true });
  }

  /** Closes the server's stdin, as a client that crashed would. */
  closeInput(): void {
    this.child.stdin?.end();
  }

  /** For `after` hooks: whatever state the test left, the child process does not outlive it. */
  dispose(): void {
    this.connection.dispose();
    if (!this.hasExited) this.child.kill('SIGKILL');
  }

  private onPublish(params: PublishDiagnosticsParams): void {
    let list = this.published.get(params.uri);
    if (!list) {
      list = [];
      this.published.set(params.uri, list);
    }
    list.push(params);
    const remaining: DiagnosticsWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.uri === params.uri && waiter.accept(params)) waiter.resolve(params);
      else remaining.push(waiter);
    }
    this.waiters = remaining;
  }

  /** Rejects when the deadline passes or the server dies first, with what the server said. */
  private withDeadline<T>(
    what: string,
    promise: Promise<T>,
    deadlineMs = DEFAULT_DEADLINE_MS,
    { ignoreExit = false } = {},
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (reason: string) =>
        reject(new Error(`${reason} while waiting for ${what}.\nServer stderr:\n${this.stderr}\nServer log:\n${this.logs.map((l) => l.message).join('\n')}`));
      const timer = setTimeout(() => fail(`No answer within ${deadlineMs} ms`), deadlineMs);
      if (!ignoreExit) {
        void this.exited.then((code) => {
          clearTimeout(timer);
          fail(`The server exited with code ${code}`);
        });
      }
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
