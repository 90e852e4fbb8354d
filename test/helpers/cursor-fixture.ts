/**
 * Cursor-marker fixtures for the editor-feature tests: `|` marks the cursor (the first `|` only, so
 * choices in snippets and other text may contain more), and edits are applied as an editor would.
 */
export interface CursorFixture {
  readonly text: string;
  readonly offset: number;
}

export function cursor(marked: string): CursorFixture {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error(`no | cursor marker in ${JSON.stringify(marked)}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

export interface OffsetEdit {
  readonly range: { readonly start: number; readonly end: number };
  readonly newText: string;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  let result = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.range.end > limit) throw new Error('overlapping edits');
    result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
    limit = edit.range.start;
  }
  return result;
}

/**
 * What a snippet inserts when every placeholder keeps its default and every choice its first
 * option (enough to check the resulting document).
 */
export function expandSnippet(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|([^,|]*)(?:,[^|]*)?\|\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\}|\$\d+/g, '')
    .replace(/\\([$}\\])/g, '$1');
}
