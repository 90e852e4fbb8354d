/**
 * The work done on a blob's bytes: hashing it, and reading a layer once to count what it holds.
 * Everything streams in fixed chunks; these run in the blob worker (see blob-jobs.ts), or in-process
 * where that cannot start, and synchronously for the CLI's hashing.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { HASH_ALGORITHMS, type LayerSummary } from '../service/blob-store';
import { TarWalker } from './tar-walker';

const CHUNK = 1024 * 1024;

/** Opening flags that never hang on a FIFO and never follow a final symlink. */
const SAFE_OPEN = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);

export interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
}

/** Thrown when the file is not (or no longer) the regular file of the given size and time. */
export class BlobChangedError extends Error {
  override name = 'BlobChangedError';
}

/** Opens `file` as a regular file, synchronously; undefined when it is something else now. */
export function openRegularFileSync(file: string): number | undefined {
  const fd = fs.openSync(file, SAFE_OPEN);
  try {
    if (fs.fstatSync(fd).isFile()) return fd;
  } catch {
    // closed below
  }
  fs.closeSync(fd);
  return undefined;
}

export function isHashable(algorithm: string): boolean {
  return Object.prototype.hasOwnProperty.call(HASH_ALGORITHMS, algorithm);
}

/** The hex digest of a regular file, read in chunks on this thread (the CLI must finish anyway). */
export function hashFileSync(file: string, algorithm: string, expected?: FileIdentity): string {
  const fd = openRegularFileSync(file);
  if (fd === undefined) throw new BlobChangedError('not a regular file');
  try {
    const stat = fs.fstatSync(fd);
    if (expected && (stat.size !== expected.size || stat.mtimeMs !== expected.mtimeMs)) throw new BlobChangedError('the file changed');
    const hash = createHash(HASH_ALGORITHMS[algorithm]);
    const buffer = Buffer.allocUnsafe(CHUNK);
    // Exactly the bytes the size promised: a blob still being written could otherwise keep this
    // loop reading for as long as its writer keeps up.
    let position = 0;
    while (position < stat.size) {
      const n = fs.readSync(fd, buffer, 0, Math.min(CHUNK, stat.size - position), position);
      if (n === 0) throw new BlobChangedError('the file changed');
      hash.update(buffer.subarray(0, n));
      position += n;
    }
    assertUnchangedSync(fd, stat);
    return hash.digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}

/** The hash is of the file only if it neither grew nor was rewritten while it was read. */
function assertUnchangedSync(fd: number, before: fs.Stats): void {
  const after = fs.fstatSync(fd);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || fs.readSync(fd, Buffer.alloc(1), 0, 1, before.size) !== 0) {
    throw new BlobChangedError('the file changed while it was hashed');
  }
}

/** Opens `file` as a regular file with the expected size and time (undefined: any). */
async function openChecked(file: string, expected?: FileIdentity): Promise<fs.promises.FileHandle> {
  const handle = await fs.promises.open(file, SAFE_OPEN);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new BlobChangedError('not a regular file');
    if (expected && (stat.size !== expected.size || stat.mtimeMs !== expected.mtimeMs)) throw new BlobChangedError('the file changed');
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reports bytes read so far, at most every `everyMs`. */
export type ProgressCallback = (bytesRead: number) => void;

function throttled(onProgress: ProgressCallback | undefined, everyMs = 100): (bytes: number, force?: boolean) => void {
  let last = 0;
  return (bytes, force = false) => {
    if (!onProgress) return;
    const now = Date.now();
    if (force || now - last >= everyMs) {
      last = now;
      onProgress(bytes);
    }
  };
}

/** The hex digest of a regular file, streamed without blocking the event loop for long. */
export async function hashFile(file: string, algorithm: string, expected?: FileIdentity, onProgress?: ProgressCallback): Promise<string> {
  const handle = await openChecked(file, expected);
  try {
    const hash = createHash(HASH_ALGORITHMS[algorithm]);
    const report = throttled(onProgress);
    const before = await handle.stat();
    let read = 0;
    if (before.size > 0) {
      // Exactly the bytes the size promised (`end` is inclusive): see hashFileSync.
      for await (const chunk of handle.createReadStream({ highWaterMark: CHUNK, autoClose: false, start: 0, end: before.size - 1 }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        read += chunk.length;
        report(read);
      }
    }
    const after = await handle.stat();
    const { bytesRead: beyond } = await handle.read(Buffer.alloc(1), 0, 1, before.size);
    if (read !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs || beyond !== 0) {
      throw new BlobChangedError('the file changed while it was hashed');
    }
    report(read, true);
    return hash.digest('hex');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

export interface LayerLimits {
  /** Stop after this many milliseconds (the counts so far are kept, marked incomplete). */
  readonly timeMs: number;
  /** Stop after this many uncompressed bytes. */
  readonly maxBytes: number;
  /** Keep at most this many top-level names. */
  readonly maxTopLevel: number;
}

export const DEFAULT_LAYER_LIMITS: LayerLimits = { timeMs: 30_000, maxBytes: 16 * 1024 * 1024 * 1024, maxTopLevel: 1000 };

export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * Reads a layer blob once: decompresses it (gzip with node:zlib; zstd with node:zlib where the
 * runtime has it, else with fzstd), hashes the uncompressed stream (the diff_id) and counts the tar
 * entries. Stops at the time and byte limits, keeping what it counted.
 */
export async function summarizeLayer(
  file: string,
  compression: Compression,
  limits: LayerLimits = DEFAULT_LAYER_LIMITS,
  expected?: FileIdentity,
  onProgress?: ProgressCallback,
): Promise<LayerSummary> {
  const started = Date.now();
  const deadline = started + limits.timeMs;
  const handle = await openChecked(file, expected);
  const compressedSize = (await handle.stat()).size;
  const source = handle.createReadStream({ highWaterMark: CHUNK, autoClose: false });
  const report = throttled(onProgress);
  let compressedRead = 0;
  if (compression !== 'none') {
    source.on('data', (chunk: string | Buffer) => {
      compressedRead += chunk.length;
      report(compressedRead);
    });
  }
  const walker = new TarWalker(limits.maxTopLevel);
  const hash = createHash('sha256');
  let uncompressed = 0;
  let stoppedBy: LayerSummary['stoppedBy'];
  let problem: string | undefined;
  let decompressor: Transform | undefined;
  let output: Readable = source;
  try {
    if (compression !== 'none') {
      decompressor = compression === 'gzip' ? zlib.createGunzip({ chunkSize: 256 * 1024 }) : createZstdDecompressor();
      source.on('error', (error) => decompressor?.destroy(error));
      output = source.pipe(decompressor);
    }
    for await (const chunk of output as AsyncIterable<Buffer>) {
      const room = limits.maxBytes - uncompressed;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      hash.update(part);
      walker.push(part);
      uncompressed += part.length;
      if (compression === 'none') {
        compressedRead = uncompressed;
        report(compressedRead);
      }
      if (walker.problem !== undefined) {
        stoppedBy = 'error';
        problem = walker.problem;
        break;
      }
      if (chunk.length > room) {
        stoppedBy = 'bytes';
        problem = `stopped after ${limits.maxBytes} uncompressed bytes`;
        break;
      }
      if (Date.now() > deadline) {
        stoppedBy = 'time';
        problem = `stopped after ${Math.round(limits.timeMs / 1000)} s`;
        break;
      }
    }
  } catch (error) {
    stoppedBy = 'error';
    problem = `the ${compression === 'none' ? 'data' : `${compression} stream`} is corrupt: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    source.destroy();
    decompressor?.destroy();
    await handle.close().catch(() => undefined);
  }
  report(compressedRead, true);
  if (stoppedBy === undefined) {
    if (walker.counts.entries === 0 && uncompressed === 0) {
      stoppedBy = 'error';
      problem = 'the layer is empty';
    } else {
      // Read to the end, so the diff_id stands; but say when the tar inside is cut short.
      problem = walker.finish();
    }
  }
  const complete = stoppedBy === undefined;
  const c = walker.counts;
  return {
    compressedSize,
    compression,
    uncompressedSize: uncompressed,
    entries: c.entries,
    files: c.files,
    directories: c.directories,
    symlinks: c.symlinks,
    hardlinks: c.hardlinks,
    others: c.others,
    whiteouts: c.whiteouts,
    contentBytes: c.contentBytes,
    topLevel: walker.topLevel(),
    topLevelTruncated: walker.topLevelTruncated,
    diffId: complete ? `sha256:${hash.digest('hex')}` : undefined,
    complete,
    stoppedBy,
    problem,
    elapsedMs: Date.now() - started,
  };
}

/** Whether zstd layers are decompressed by the runtime (Node 22.15+/23.8+) or by fzstd. */
export function zstdDecoderName(): string {
  return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function' ? 'node:zlib' : 'fzstd';
}

function createZstdDecompressor(): Transform {
  const native = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  if (typeof native === 'function') return native();
  // Loaded only when a zstd layer is read.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fzstd = require('fzstd') as typeof import('fzstd');
  let decoder: import('fzstd').Decompress | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        decoder ??= new fzstd.Decompress((data) => {
          // Copied: the decoder may reuse its output buffer for the next block.
          if (data.length) this.push(Buffer.from(data));
        });
        decoder.push(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        decoder?.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
