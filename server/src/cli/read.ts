import * as fs from 'node:fs';
import { decodeDocument, type InvalidUtf8 } from '../service';

/** What reading a candidate file produced: its text, or why it was not read as a document. */
export type ReadResult = { text: string; invalidUtf8?: InvalidUtf8 } | { skipped: string };

/** Enough for every signature below (tar's magic sits at offset 257). */
const SNIFF_BYTES = 4096;
/**
 * Registries cap manifests at a few MiB; a JSON file far beyond that is not a manifest anyone
 * pushes, and strings near V8's limit would fail anyway.
 */
export const MAX_DOCUMENT_BYTES = 128 * 1024 * 1024;

/**
 * Decides from the first bytes whether a file can be a JSON document. Layer blobs sit beside
 * manifests in layouts and can be gigabytes, so they must be recognised before reading them.
 */
export function sniff(head: Uint8Array): string | undefined {
  if (head.length === 0) return 'empty file';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip data';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd data';
  if (head.length >= 262 && String.fromCharCode(...head.subarray(257, 262)) === 'ustar') return 'tar archive';
  // A byte order mark, or ASCII with every other byte zero: what editors on Windows save as "Unicode".
  const utf16 =
    (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || (head.length >= 4 && ((head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) || (head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0)));
  if (utf16) return 'UTF-16 text (JSON documents are UTF-8)';
  if (head.includes(0)) return 'binary data';
  let i = 0;
  // A UTF-8 byte order mark is let through: the parser then reports it, which is what a user wants to see.
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i === head.length) return 'only whitespace';
  if (head[i] !== 0x7b /* { */ && head[i] !== 0x5b /* [ */) return 'text that does not start with `{` or `[`';
  return undefined;
}

/**
 * Reads a regular file whose first bytes look like JSON. Opening non-blocking and checking the
 * open descriptor means a FIFO or device that replaced the file since discovery cannot hang us.
 * Throws on I/O errors (the caller reports them).
 */
export function readCandidate(file: string): ReadResult {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { skipped: 'not a regular file' };
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size));
    const headLength = readFully(fd, head, 0);
    const reason = sniff(head.subarray(0, headLength));
    if (reason) return { skipped: `${reason}, not a JSON document` };
    if (stat.size > MAX_DOCUMENT_BYTES) return { skipped: `too large (${stat.size} bytes; the limit is ${MAX_DOCUMENT_BYTES})` };
    // Only now read the whole file; its size may have changed since fstat, so read to EOF.
    const chunks: Buffer[] = [head.subarray(0, headLength)];
    let position = headLength;
    for (;;) {
      const chunk = Buffer.alloc(Math.max(64 * 1024, stat.size - position));
      const n = readFully(fd, chunk, position);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      position += n;
      if (position > MAX_DOCUMENT_BYTES) return { skipped: `too large (over ${MAX_DOCUMENT_BYTES} bytes)` };
    }
    return decodeDocument(Buffer.concat(chunks));
  } finally {
    fs.closeSync(fd);
  }
}

/** Fills `buffer` from `position` until it is full or the file ends; returns the bytes read. */
function readFully(fd: number, buffer: Buffer, position: number): number {
  let total = 0;
  while (total < buffer.length) {
    const n = fs.readSync(fd, buffer, total, buffer.length - total, position + total);
    if (n === 0) break;
    total += n;
  }
  return total;
}
