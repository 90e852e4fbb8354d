/**
 * Text that came from a registry (error messages, header values, token realms, bodies) on its way
 * into a terminal line or an editor message: terminal escape sequences are dropped, every other
 * control character (C0, DEL, C1, line and paragraph separators, bidirectional overrides) is
 * written as a visible escape, so a server can neither colour the output, retitle the terminal nor
 * forge lines, and the length is capped.
 */

/** CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC ] … ESC \`) and two-character ESC sequences. */
const ESCAPE_SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
/** Control characters and the invisible ones that reorder or break what is displayed. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return ' ';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One safe line of at most `maxLength` characters (an ellipsis marks a cut). */
export function safeText(text: string, maxLength = 500): string {
  let safe = text.replace(ESCAPE_SEQUENCES, '').replace(UNSAFE, escapeOne);
  if (safe.length > maxLength) {
    safe = safe.slice(0, Math.max(0, maxLength - 1));
    // Do not leave half a surrogate pair behind.
    if (/[\ud800-\udbff]$/.test(safe)) safe = safe.slice(0, -1);
    safe += '…';
  }
  return safe;
}

/**
 * The start of a response body for a message: tags dropped when it is HTML, whitespace collapsed,
 * made safe, at most `maxLength` characters. Empty when there is nothing readable.
 */
export function bodySnippet(body: Uint8Array, contentType: string | undefined, maxLength = 200): string {
  let text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 64 * 1024)).toString('utf8');
  if (/html|xml/i.test(contentType ?? '') || /^\s*</.test(text)) {
    text = text.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' ');
  }
  return safeText(text.replace(/\s+/g, ' ').trim(), maxLength);
}
