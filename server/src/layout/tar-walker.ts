/**
 * Counts the entries of a tar stream as it goes by, without keeping it: ustar, GNU and PAX headers
 * (long names, `path`/`size` records), the way `tar -t` lists them. Memory stays bounded: one header
 * block, capped metadata records and a capped set of top-level names.
 */

const BLOCK = 512;
/** PAX and GNU long-name records larger than this are skipped rather than read (names are short). */
const MAX_META_BYTES = 1024 * 1024;

export interface TarCounts {
  entries: number;
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  others: number;
  whiteouts: number;
  contentBytes: number;
}

export class TarWalker {
  readonly counts: TarCounts = { entries: 0, files: 0, directories: 0, symlinks: 0, hardlinks: 0, others: 0, whiteouts: 0, contentBytes: 0 };
  /** First path component → whether it is a directory (has children, or is a directory entry). */
  private readonly top = new Map<string, boolean>();
  topLevelTruncated = false;
  /** The end-of-archive block was seen; what follows is padding. */
  ended = false;
  /** Not a tar stream (bad checksum, impossible size): counting stopped here. */
  problem: string | undefined;

  private readonly header = new Uint8Array(BLOCK);
  private headerFill = 0;
  /** Bytes of the current entry's data (and padding) still to pass over. */
  private skip = 0;
  /** Of `skip`, the zero bytes that round the current entry's data up to a block. */
  private padding = 0;
  /** A metadata entry (PAX `x`/`g`, GNU `L`/`K`) being collected. */
  private meta: { type: string; chunks: Uint8Array[]; wanted: number } | undefined;
  /** Overrides for the next entry, from a PAX record or a GNU long name. */
  private nextPath: string | undefined;
  private nextSize: number | undefined;

  constructor(private readonly maxTopLevel = 1000) {}

  /** Feeds the next bytes of the uncompressed stream. */
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && !this.ended && this.problem === undefined) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        if (this.meta && this.meta.wanted > 0) {
          const take = Math.min(n, this.meta.wanted);
          this.meta.chunks.push(chunk.slice(i, i + take));
          this.meta.wanted -= take;
        }
        this.skip -= n;
        i += n;
        if (this.skip === 0 && this.meta) this.finishMeta();
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - i);
      this.header.set(chunk.subarray(i, i + n), this.headerFill);
      this.headerFill += n;
      i += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.onHeader();
      }
    }
  }

  /**
   * Called at the end of the stream: what is wrong with how it ends, if anything. `tar` refuses a
   * stream that stops inside an entry; one without the end-of-archive blocks it lists with a warning.
   */
  finish(): string | undefined {
    if (this.problem !== undefined || this.ended) return undefined;
    if (this.headerFill > 0 || this.skip > this.padding) return `the tar stream is truncated: it ends inside entry ${this.counts.entries} (\`tar\` stops with "Unexpected EOF in archive")`;
    if (this.skip > 0) return `the tar stream is cut short: it ends before the padding of its last entry and has no end-of-archive blocks (\`tar\` stops with "Unexpected EOF in archive")`;
    if (this.counts.entries > 0) return 'the tar stream has no end-of-archive blocks';
    return undefined;
  }

  /** The first path components seen, sorted, directories with a trailing slash. */
  topLevel(): string[] {
    return [...this.top.entries()].map(([name, directory]) => (directory ? `${name}/` : name)).sort();
  }

  private onHeader(): void {
    const h = this.header;
    if (h.every((byte) => byte === 0)) {
      this.ended = true;
      return;
    }
    if (!checksumMatches(h)) {
      this.problem = this.counts.entries === 0 ? 'not a tar archive (the first header has a bad checksum)' : `a tar header after entry ${this.counts.entries} has a bad checksum`;
      return;
    }
    const type = String.fromCharCode(h[156] || 0x30);
    let size = this.nextSize ?? parseNumber(h, 124, 12);
    if (size === undefined || size < 0) {
      this.problem = `a tar header after entry ${this.counts.entries} has an unreadable size`;
      return;
    }
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      this.skip = roundUp(size);
      this.padding = 0;
      this.meta = { type, chunks: [], wanted: Math.min(size, MAX_META_BYTES) };
      if (this.skip === 0) this.finishMeta();
      return;
    }
    const magic = String.fromCharCode(...h.subarray(257, 263));
    let name = this.nextPath ?? cString(h, 0, 100);
    if (this.nextPath === undefined && magic === 'ustar\0') {
      const prefix = cString(h, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    this.nextPath = undefined;
    this.nextSize = undefined;

    // Header-only types carry no data, whatever the size field says (as Go's archive/tar reads them).
    if ('123456'.includes(type)) size = 0;
    this.skip = roundUp(size);
    this.padding = this.skip - size;
    this.count(type, name, size);
  }

  private count(type: string, name: string, size: number): void {
    const c = this.counts;
    c.entries++;
    switch (type) {
      case '0':
      case '7':
      case 'S':
        c.files++;
        c.contentBytes += size;
        break;
      case '1':
        c.hardlinks++;
        break;
      case '2':
        c.symlinks++;
        break;
      case '5':
        c.directories++;
        break;
      default:
        c.others++;
    }
    const parts = name.split('/').filter((part) => part !== '' && part !== '.');
    const base = parts[parts.length - 1] ?? '';
    if (base.startsWith('.wh.')) c.whiteouts++;
    if (parts.length === 0) return;
    const first = parts[0];
    const directory = parts.length > 1 || type === '5';
    const known = this.top.get(first);
    if (known === undefined) {
      if (this.top.size >= this.maxTopLevel) this.topLevelTruncated = true;
      else this.top.set(first, directory);
    } else if (directory && !known) {
      this.top.set(first, true);
    }
  }

  private finishMeta(): void {
    const meta = this.meta!;
    this.meta = undefined;
    const data = Buffer.concat(meta.chunks);
    if (meta.type === 'L') {
      this.nextPath = cString(data, 0, data.length);
    } else if (meta.type === 'x') {
      const records = parsePax(data);
      if (records.path !== undefined) this.nextPath = records.path;
      if (records.size !== undefined && /^\d+$/.test(records.size)) this.nextSize = Number(records.size);
    }
    // `g` (global records) and `K` (long link names) change nothing that is counted.
  }
}

function roundUp(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function checksumMatches(h: Uint8Array): boolean {
  const stored = parseNumber(h, 148, 8);
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** An octal field (NUL/space terminated), or GNU base-256 when the high bit is set. */
function parseNumber(h: Uint8Array, offset: number, length: number): number | undefined {
  if (h[offset] & 0x80) {
    let value = h[offset] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + h[offset + i];
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const text = String.fromCharCode(...h.subarray(offset, offset + length)).replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

function cString(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(offset, end)).toString('utf8');
}

/** PAX records: `<length> <key>=<value>\n`, repeated. */
function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}
