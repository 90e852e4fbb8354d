/**
 * Background work on blobs for the language server: hashing (digest verification) and reading
 * layers (hover). Jobs run in a worker thread, one lane per kind so a long hash never delays a
 * hover, and their results are cached by (path, size, mtime). Callers never wait: they get the
 * cached result or `pending`, and hear about it through `onSettled` (the server then validates
 * again) and `onProgress` (LSP work-done progress for large blobs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LayerSummary } from '../service/blob-store';
import { DEFAULT_LAYER_LIMITS, type Compression, type FileIdentity, type LayerLimits } from './blob-analysis';
import { runJob, type WorkerJob, type WorkerMessage } from './blob-worker';

export type JobKind = 'hash' | 'layer';

export type Outcome<T> = { readonly state: 'done'; readonly value: T } | { readonly state: 'failed'; readonly reason: string };

export interface JobProgressEvent {
  readonly id: number;
  readonly kind: JobKind;
  readonly file: string;
  /** What the job is about, for people (a digest). */
  readonly label: string;
  /** Bytes of the blob. */
  readonly total: number;
  readonly bytes: number;
  readonly phase: 'begin' | 'report' | 'end';
}

export interface BlobJobsOptions {
  /** Run jobs in a worker thread (default); otherwise in this thread, still streamed and asynchronous. */
  readonly useWorker?: boolean;
  /** Blobs at least this large report progress (default 32 MiB). */
  readonly progressMinBytes?: number;
  /** A worker idle this long is ended (default 30 s); the next job starts a new one. */
  readonly idleMs?: number;
}

/** Results kept; a layout has a few hundred blobs, a workspace a few layouts. */
const MAX_CACHED = 4096;

interface Job {
  readonly id: number;
  readonly key: string;
  readonly kind: JobKind;
  readonly message: WorkerJob;
  readonly label: string;
  readonly total: number;
  readonly reportsProgress: boolean;
  readonly settled: Promise<void>;
  resolve(): void;
}

let nextId = 1;

export class BlobJobs {
  private readonly cache = new Map<string, Outcome<unknown>>();
  private readonly inflight = new Map<string, Job>();
  private readonly settledListeners = new Set<(file: string, kind: JobKind) => void>();
  private readonly progressListeners = new Set<(event: JobProgressEvent) => void>();
  private readonly lanes: Record<JobKind, Lane>;
  private readonly progressMinBytes: number;
  private disposed = false;
  /** How many jobs ran (not answered from the cache), by kind: for tests and the benchmark. */
  readonly started: Record<JobKind, number> = { hash: 0, layer: 0 };
  /** Worker threads started so far (0 when jobs run in this thread). */
  get workersStarted(): number {
    return this.lanes.hash.workersStarted + this.lanes.layer.workersStarted;
  }

  constructor(options: BlobJobsOptions = {}) {
    this.progressMinBytes = options.progressMinBytes ?? 32 * 1024 * 1024;
    const useWorker = options.useWorker ?? process.env.IMAGE_MANIFEST_BLOB_WORKER !== 'off';
    const idleMs = options.idleMs ?? 30_000;
    const finish = (job: Job, outcome: Outcome<unknown> | undefined) => this.finish(job, outcome);
    const progress = (job: Job, bytes: number) => this.progress(job, bytes, 'report');
    const begin = (job: Job) => {
      this.started[job.kind]++;
      this.progress(job, 0, 'begin');
    };
    this.lanes = {
      hash: new Lane(useWorker, idleMs, begin, progress, finish),
      layer: new Lane(useWorker, idleMs, begin, progress, finish),
    };
  }

  /** The hex digest of the file, or `pending` (the job is queued; `onSettled` tells when it is done). */
  hash(file: string, identity: FileIdentity, algorithm: string, label: string): Outcome<string> | 'pending' {
    const key = `hash\0${algorithm}\0${file}\0${identity.size}\0${identity.mtimeMs}`;
    return this.lookup(key, () => ({ id: nextId++, kind: 'hash', file, algorithm, expected: identity }), label, identity.size) as Outcome<string> | 'pending';
  }

  /** What the layer holds, or `pending`. */
  layer(file: string, identity: FileIdentity, compression: Compression, label: string, limits: LayerLimits = DEFAULT_LAYER_LIMITS): Outcome<LayerSummary> | 'pending' {
    const key = `layer\0${compression}\0${limits.timeMs}\0${limits.maxBytes}\0${file}\0${identity.size}\0${identity.mtimeMs}`;
    return this.lookup(key, () => ({ id: nextId++, kind: 'layer', file, compression, limits, expected: identity }), label, identity.size) as Outcome<LayerSummary> | 'pending';
  }

  /** Called with the file of every job that ends (done, failed, or the file changed meanwhile). */
  onSettled(listener: (file: string, kind: JobKind) => void): { dispose(): void } {
    this.settledListeners.add(listener);
    return { dispose: () => this.settledListeners.delete(listener) };
  }

  /** Progress of jobs on blobs of at least `progressMinBytes`: begin, reports, end. */
  onProgress(listener: (event: JobProgressEvent) => void): { dispose(): void } {
    this.progressListeners.add(listener);
    return { dispose: () => this.progressListeners.delete(listener) };
  }

  /** Jobs queued or running. */
  get pendingCount(): number {
    return this.inflight.size;
  }

  /**
   * Resolves when the jobs pending now (of `kind`, or all) have ended, or after `timeoutMs`
   * (whichever is first); true when they all ended.
   */
  async settled(timeoutMs: number, kind?: JobKind): Promise<boolean> {
    const waiting = [...this.inflight.values()].filter((job) => kind === undefined || job.kind === kind).map((job) => job.settled);
    if (waiting.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(waiting).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves when the next job ends (true), or after `timeoutMs` (false); at once when none is pending. */
  nextSettled(timeoutMs: number): Promise<boolean> {
    if (this.inflight.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        resolve(false);
      }, timeoutMs);
      const subscription = this.onSettled(() => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(true);
      });
    });
  }

  /** Forgets every cached result (tests; a user who asks for a fresh look). */
  clearCache(): void {
    this.cache.clear();
  }

  dispose(): void {
    this.disposed = true;
    this.lanes.hash.dispose();
    this.lanes.layer.dispose();
    for (const job of this.inflight.values()) job.resolve();
    this.inflight.clear();
  }

  private lookup(key: string, make: () => WorkerJob, label: string, total: number): Outcome<unknown> | 'pending' {
    const cached = this.cache.get(key);
    if (cached) {
      // Most recently used last, so the oldest are dropped first.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    if (this.inflight.has(key) || this.disposed) return 'pending';
    const message = make();
    let resolve!: () => void;
    const settled = new Promise<void>((r) => (resolve = r));
    const job: Job = { id: message.id, key, kind: message.kind, message, label, total, reportsProgress: total >= this.progressMinBytes, settled, resolve };
    this.inflight.set(key, job);
    this.lanes[job.kind].submit(job);
    return 'pending';
  }

  private progress(job: Job, bytes: number, phase: JobProgressEvent['phase']): void {
    if (!job.reportsProgress) return;
    const event: JobProgressEvent = { id: job.id, kind: job.kind, file: job.message.file, label: job.label, total: job.total, bytes, phase };
    for (const listener of this.progressListeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /** `outcome` undefined: the file changed while it was read; nothing is cached for the old state. */
  private finish(job: Job, outcome: Outcome<unknown> | undefined): void {
    if (this.inflight.get(job.key) !== job) return;
    this.inflight.delete(job.key);
    if (outcome) {
      this.cache.set(job.key, outcome);
      if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    }
    this.progress(job, job.total, 'end');
    job.resolve();
    if (this.disposed) return;
    for (const listener of this.settledListeners) {
      try {
        listener(job.message.file, job.kind);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}

/**
 * One queue of jobs and the worker that runs them, one at a time. Where no worker can start (the
 * script is missing from a bundle, the runtime forbids threads) jobs run in this thread instead.
 */
class Lane {
  private worker: Worker | undefined;
  private workerBroken: boolean;
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  workersStarted = 0;

  constructor(
    useWorker: boolean,
    private readonly idleMs: number,
    private readonly onBegin: (job: Job) => void,
    private readonly onProgress: (job: Job, bytes: number) => void,
    private readonly onFinish: (job: Job, outcome: Outcome<unknown> | undefined) => void,
  ) {
    this.workerBroken = !useWorker || !fs.existsSync(WORKER_SCRIPT);
  }

  submit(job: Job): void {
    this.queue.push(job);
    this.next();
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private next(): void {
    if (this.running || this.disposed) return;
    const job = this.queue.shift();
    if (!job) {
      // Idle: the worker no longer keeps the process alive, and ends after a while.
      this.worker?.unref();
      if (this.worker && !this.idleTimer) {
        this.idleTimer = setTimeout(() => {
          this.idleTimer = undefined;
          if (!this.running && this.queue.length === 0) {
            void this.worker?.terminate();
            this.worker = undefined;
          }
        }, this.idleMs);
        this.idleTimer.unref();
      }
      return;
    }
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    this.running = job;
    this.onBegin(job);
    const worker = this.ensureWorker();
    if (worker) {
      worker.ref();
      worker.postMessage(job.message);
    } else {
      void runJob(job.message, (message) => this.onMessage(message));
    }
  }

  private ensureWorker(): Worker | undefined {
    if (this.workerBroken) return undefined;
    if (this.worker) return this.worker;
    try {
      // The worker's stdout is not the parent's: over stdio that is the protocol's channel.
      const worker = new Worker(WORKER_SCRIPT, { stdout: true });
      worker.stdout.resume();
      worker.on('message', (message: WorkerMessage) => this.onMessage(message));
      worker.on('error', () => this.workerFailed(worker));
      worker.on('exit', () => this.workerFailed(worker));
      this.worker = worker;
      this.workersStarted++;
      return worker;
    } catch {
      this.workerBroken = true;
      return undefined;
    }
  }

  /** The worker died (or could not start): its job and the rest run in this thread from now on. */
  private workerFailed(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.disposed) return;
    this.workerBroken = true;
    const job = this.running;
    if (job) void runJob(job.message, (message) => this.onMessage(message));
  }

  private onMessage(message: WorkerMessage): void {
    const job = this.running;
    if (!job || job.id !== message.id) return;
    if (message.type === 'progress') {
      this.onProgress(job, message.bytes);
      return;
    }
    this.running = undefined;
    if (message.type === 'done') this.onFinish(job, { state: 'done', value: message.result });
    else this.onFinish(job, message.changed ? undefined : { state: 'failed', reason: message.message });
    this.next();
  }
}

/** Beside this module: out/layout/blob-worker.js, or dist/blob-worker.js next to a bundled server. */
const WORKER_SCRIPT = path.join(__dirname, 'blob-worker.js');

let shared: BlobJobs | undefined;

/** The process's one job runner (the server's; the CLI hashes synchronously instead). */
export function sharedBlobJobs(): BlobJobs {
  shared ??= new BlobJobs();
  return shared;
}
