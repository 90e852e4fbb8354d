/**
 * A watch on the LSP base protocol framing of the stdio transport (`Content-Length: N`, an empty
 * line, then N bytes; header lines end in CR LF).
 *
 * vscode-jsonrpc's stream reader does not recover from a broken header: it reports an error (no
 * Content-Length, one that is no number) or keeps waiting for a header end that never comes (bare
 * LF line ends), and from then on reads every later message as part of the broken one. The server
 * then answers nothing ever again while its process stays alive: the editor sees a hung server and
 * has no reason to restart it. A server that exits is one the editor sees is gone, reports, and
 * can restart. This watch sees the same bytes as the reader, before it, and says when the framing
 * is broken; `main` then logs one line to stderr and exits.
 *
 * What it cannot tell: a Content-Length larger than the content that was sent looks exactly like a
 * slow client, so the reader keeps waiting for the rest, as it did. Broken JSON inside a
 * well-framed message is no framing error either: the connection handles it as before and reads on.
 */

/** One header section longer than this has no end coming (real ones are under 100 bytes). */
export const MAX_HEADER_BYTES = 8192;

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;

/** RFC 9110 token characters, which header names are made of. */
function isTokenChar(byte: number): boolean {
  if ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)) return true;
  return "!#$%&'*+-.^_`|~".includes(String.fromCharCode(byte));
}

function describeByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  return byte >= 0x20 && byte < 0x7f ? `${hex} '${String.fromCharCode(byte)}'` : hex;
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/**
 * Follows the framing of one byte stream. Stricter than the reader only where the base protocol
 * is (header names are tokens, a Content-Length is digits and comes once, a header ends), so what
 * real clients send passes: `Content-Length`, `Content-Type` or any other header, any byte but CR
 * and LF in a value.
 */
export class FramingMonitor {
  /** Body bytes still to skip; 0 while reading a header section. */
  private bodyLeft = 0;
  private sectionBytes = 0;
  private name = '';
  private value = '';
  /** Where in a header line: its name, its value, or just after its CR. */
  private phase: 'name' | 'value' | 'cr' = 'name';
  /** The phase the CR came in (`name` with an empty name: the empty line that ends the section). */
  private beforeCr: 'name' | 'value' = 'name';
  private headerCount = 0;
  private contentLength: number | undefined;
  private messages = 0;
  private failure: string | undefined;

  /** Why the framing broke, once it has; later bytes are then ignored. */
  get error(): string | undefined {
    return this.failure;
  }

  /** Feeds the next bytes; returns the reason once the framing is broken. */
  push(chunk: Uint8Array): string | undefined {
    let i = 0;
    while (i < chunk.length && this.failure === undefined) {
      if (this.bodyLeft > 0) {
        const skipped = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= skipped;
        i += skipped;
        if (this.bodyLeft === 0) this.messages++;
        continue;
      }
      this.headerByte(chunk[i++]);
    }
    return this.failure;
  }

  private fail(reason: string): void {
    this.failure = reason;
  }

  private headerByte(byte: number): void {
    if (++this.sectionBytes > MAX_HEADER_BYTES) return this.fail(`no end of the header after ${MAX_HEADER_BYTES} bytes`);
    if (this.phase === 'cr') {
      if (byte !== LF) return this.fail(`CR followed by byte ${describeByte(byte)} instead of LF in the header`);
      return this.beforeCr === 'name' ? this.endSection() : this.endLine();
    }
    if (byte === LF) return this.fail('a header line ends with LF alone; the base protocol ends them with CR LF');
    if (byte === CR) {
      if (this.phase === 'name' && this.name !== '') return this.fail(`header line ${quoted(this.name)} has no ':'`);
      this.beforeCr = this.phase;
      this.phase = 'cr';
      return;
    }
    if (this.phase === 'value') {
      this.value += String.fromCharCode(byte);
      return;
    }
    if (byte === COLON) {
      if (this.name === '') return this.fail('a header line starts with \':\'');
      this.phase = 'value';
      return;
    }
    if (!isTokenChar(byte)) {
      // After a message, bytes that cannot start a header are most often the rest of its body.
      const hint = this.messages > 0 && this.sectionBytes === 1 ? '; the previous message\'s Content-Length may be too small' : '';
      return this.fail(`byte ${describeByte(byte)} in a header name${hint}`);
    }
    this.name += String.fromCharCode(byte);
  }

  private endLine(): void {
    this.headerCount++;
    if (this.name.toLowerCase() === 'content-length') {
      const text = this.value.trim();
      if (this.contentLength !== undefined) return this.fail('two Content-Length headers');
      // Digits only: the reader's parseInt would take "12abc" as 12 and "-5" as a length.
      if (!/^[0-9]{1,15}$/.test(text)) return this.fail(`Content-Length ${quoted(text)} is not a byte count`);
      this.contentLength = Number(text);
    }
    this.name = '';
    this.value = '';
    this.phase = 'name';
  }

  private endSection(): void {
    if (this.contentLength === undefined) {
      return this.fail(this.headerCount === 0 ? 'a blank line where the Content-Length header should be' : 'no Content-Length header');
    }
    this.bodyLeft = this.contentLength;
    if (this.bodyLeft === 0) this.messages++;
    this.contentLength = undefined;
    this.headerCount = 0;
    this.sectionBytes = 0;
    this.phase = 'name';
  }
}

/** The transport vscode-languageserver picks from the command line: the first one named. */
export function transportOf(args: readonly string[]): 'stdio' | 'node-ipc' | 'socket' | 'pipe' | undefined {
  for (const arg of args) {
    if (arg === '--stdio') return 'stdio';
    if (arg === '--node-ipc') return 'node-ipc';
    const name = arg.split('=')[0];
    if (name === '--socket') return 'socket';
    if (name === '--pipe') return 'pipe';
  }
  return undefined;
}

/** The one line a broken frame leaves on stderr. */
export function framingErrorLine(reason: string): string {
  return `image-manifest-language-server: malformed message header from the client (${reason}); exiting so the editor can restart the server\n`;
}

/**
 * Watches `input` (the server's stdin) and calls `onBroken` once, with the reason, when its framing
 * breaks. Listens ahead of every other reader of the stream, so the reader never acts on the
 * broken chunk if `onBroken` exits the process.
 */
export function watchFraming(input: NodeJS.ReadableStream, onBroken: (reason: string) => void): void {
  const monitor = new FramingMonitor();
  const listener = (chunk: Buffer | string): void => {
    if (monitor.error !== undefined) return;
    const reason = monitor.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    if (reason !== undefined) {
      input.removeListener('data', listener);
      onBroken(reason);
    }
  };
  input.prependListener('data', listener);
}
