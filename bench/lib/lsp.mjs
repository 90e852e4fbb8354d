// A minimal LSP client for the benchmark (the approach of test/helpers/lsp-client.ts): spawns the
// real server over stdio, timestamps every publishDiagnostics as it arrives, and waits with
// deadlines instead of sleeps.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');

export class BenchLspClient {
  /** Spawns the server; `spawnedAt` is taken just before the spawn. */
  static async start(repoRoot, { deadlineMs = 30_000 } = {}) {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [path.join(repoRoot, 'server', 'bin', 'image-manifest-language-server.js'), '--stdio'], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const client = new BenchLspClient(child, spawnedAt);
    await client.deadline(
      'initialize',
      client.connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: {
          workspace: { configuration: false },
          textDocument: {
            publishDiagnostics: { versionSupport: true },
            completion: { completionItem: { snippetSupport: true } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
          },
        },
      }),
      deadlineMs,
    );
    client.initializedAt = performance.now();
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  constructor(child, spawnedAt) {
    this.child = child;
    this.spawnedAt = spawnedAt;
    this.stderr = '';
    this.waiters = [];
    this.published = [];
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.hasExited = false;
    void this.exited.then(() => (this.hasExited = true));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => (this.stderr += chunk));
    child.stdin.on('error', () => undefined);
    this.connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
    this.connection.onError(() => undefined);
    this.connection.onNotification('textDocument/publishDiagnostics', (params) => {
      const at = performance.now();
      const entry = { at, params };
      this.published.push(entry);
      this.waiters = this.waiters.filter((w) => {
        if (w.accept(params)) {
          w.resolve(entry);
          return false;
        }
        return true;
      });
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onRequest(() => null);
    this.connection.listen();
  }

  get pid() {
    return this.child.pid;
  }

  /** VmRSS and VmHWM of the server process, in bytes (Linux /proc). */
  memory() {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const field = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : NaN;
    };
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  }

  /** Resolves with `{ at, params }` for the first publication for `uri` at `version`. */
  waitForDiagnostics(uri, version, deadlineMs = 60_000) {
    const accept = (p) => p.uri === uri && p.version === version;
    const already = this.published.find((e) => accept(e.params));
    if (already) return Promise.resolve(already);
    return this.deadline(
      `diagnostics for ${uri} v${version}`,
      new Promise((resolve) => this.waiters.push({ accept, resolve })),
      deadlineMs,
    );
  }

  /** Drops the recorded publications (they can be large for big documents). */
  forgetPublished() {
    this.published = [];
  }

  open(uri, text, version = 1) {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version, text } });
  }

  change(uri, version, contentChanges) {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri) {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request(method, params, deadlineMs = 60_000) {
    return this.deadline(method, this.connection.sendRequest(method, params), deadlineMs);
  }

  async shutdown(deadlineMs = 10_000) {
    try {
      await this.deadline('shutdown', this.connection.sendRequest('shutdown'), deadlineMs);
      await this.connection.sendNotification('exit');
      await this.deadline('exit', this.exited, deadlineMs, true);
    } catch {
      // Whatever state the server is in, it does not outlive the benchmark.
    } finally {
      this.connection.dispose();
      if (!this.hasExited) this.child.kill('SIGKILL');
    }
  }

  deadline(what, promise, deadlineMs, ignoreExit = false) {
    return new Promise((resolve, reject) => {
      const fail = (reason) => reject(new Error(`${reason} while waiting for ${what}.\nServer stderr:\n${this.stderr.slice(-4000)}`));
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
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

/** Offsets to LSP positions for a text whose line structure the benchmark's edits keep. */
export class Lines {
  constructor(text) {
    this.starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  positionAt(offset) {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.starts[low] };
  }
}

/**
 * The server's typing debounce, read from its build: an isolated change waits about as long as the
 * document's last validation took, between `min` and `ms`; a change during a burst waits `ms`.
 */
export function serverDebounceMs(repoRoot) {
  for (const file of [['server', 'validation-scheduler.js'], ['server', 'server.js']]) {
    try {
      const source = readFileSync(path.join(repoRoot, 'server', 'out', ...file), 'utf8');
      const max = /TYPING_DEBOUNCE_MS\s*=\s*(\d+)/.exec(source);
      const min = /MIN_TYPING_DEBOUNCE_MS\s*=\s*(\d+)/.exec(source);
      if (max) return { ms: Number(max[1]), minMs: min ? Number(min[1]) : Number(max[1]), adaptive: Boolean(min), source: `server/out/${file.join('/')}` };
    } catch {
      // try the next
    }
  }
  return { ms: 150, minMs: 150, adaptive: false, source: 'assumed' };
}
