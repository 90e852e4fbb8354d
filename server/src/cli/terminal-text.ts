/**
 * Local text on its way to a terminal line: file names (a walk meets whatever names a layout or a
 * download holds, and `check *` passes them on as arguments) and messages that quote a document's
 * keys. Control characters (C0, DEL, C1), line and paragraph separators and bidirectional controls
 * are written as visible escapes, so a name or key can neither colour nor retitle the terminal, nor
 * reorder what is shown, nor split one `path:line:col:` finding into lines a CI problem matcher
 * misreads.
 *
 * Unlike registry text (registry/text.ts), nothing is dropped or shortened: a path must stay
 * recognisable. Backslashes are not escaped, so Windows paths keep their usual form; the JSON and
 * SARIF outputs carry the exact path.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
  }
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` as one terminal line with every unsafe character written as an escape (`\x1b`, `\n`, `\u202e`). */
export function visibleText(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}
