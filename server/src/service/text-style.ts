/**
 * The layout conventions of a document (minified or indented, indent unit, `": "` or `":"`), so
 * that inserted text looks like its neighbours, and edits that insert a property without
 * reformatting anything else (jsonc-parser's `modify` re-formats neighbours of minified documents).
 */
import type { Node } from 'jsonc-parser';
import { properties } from './json-tree';
import type { OffsetRange } from './types';

export interface TextStyle {
  /** The document spans several lines (pretty-printed) rather than one. */
  readonly multiline: boolean;
  /** One level of indentation, e.g. two spaces or a tab. */
  readonly indentUnit: string;
  /** What follows the colon of a property: `' '` or `''`. */
  readonly colonSpace: string;
  readonly eol: string;
}

export function detectTextStyle(text: string): TextStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const trimmed = text.trimEnd();
  const multiline = /\n/.test(trimmed);
  let indentUnit = '  ';
  if (multiline) {
    let smallest: string | undefined;
    const pattern = /\n([ \t]+)\S/g;
    let match: RegExpExecArray | null;
    let checked = 0;
    while ((match = pattern.exec(text)) && checked++ < 200) {
      const indent = match[1];
      if (indent.startsWith('\t')) {
        smallest = '\t';
        break;
      }
      if (smallest === undefined || indent.length < smallest.length) smallest = indent;
    }
    if (smallest) indentUnit = smallest;
  }
  const colonSpace = /"\s*:\s/.test(text) || !/"\s*:/.test(text) ? ' ' : '';
  return { multiline, indentUnit, colonSpace, eol };
}

/** Leading whitespace of the line that contains `offset`. */
export function lineIndentAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** Whether `offset` is preceded on its line only by whitespace. */
export function startsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r') return true;
    if (ch !== ' ' && ch !== '\t') return false;
  }
  return true;
}

export interface TextEdit {
  readonly range: OffsetRange;
  readonly newText: string;
}

/**
 * Inserts `"key": value` into `object`: after the member `afterKey` when given and present, else as
 * the first member. `valueText` is already JSON (it may span lines only for multiline documents).
 */
export function insertPropertyEdit(
  text: string,
  object: Node,
  key: string,
  valueText: string,
  style: TextStyle,
  afterKey?: string,
): TextEdit {
  const members = properties(object);
  const propertyText = `${JSON.stringify(key)}:${style.colonSpace}${valueText}`;
  const anchor = afterKey ? members.find(([keyNode]) => keyNode.value === afterKey) : undefined;
  const objectIndent = lineIndentAt(text, object.offset);
  if (anchor) {
    const property = anchor[0].parent!;
    const end = property.offset + property.length;
    if (style.multiline && startsLine(text, property.offset)) {
      return { range: { start: end, end }, newText: `,${style.eol}${lineIndentAt(text, property.offset)}${propertyText}` };
    }
    return { range: { start: end, end }, newText: `,${style.colonSpace ? ' ' : ''}${propertyText}` };
  }
  const first = members[0]?.[0];
  const open = object.offset + 1;
  if (!first) {
    const close = object.offset + object.length - 1;
    if (style.multiline) {
      return {
        range: { start: object.offset, end: object.offset + object.length },
        newText: `{${style.eol}${objectIndent}${style.indentUnit}${propertyText}${style.eol}${objectIndent}}`,
      };
    }
    return { range: { start: open, end: close }, newText: propertyText };
  }
  if (style.multiline && startsLine(text, first.offset)) {
    const indent = lineIndentAt(text, first.offset);
    return { range: { start: first.offset, end: first.offset }, newText: `${propertyText},${style.eol}${indent}` };
  }
  return { range: { start: first.offset, end: first.offset }, newText: `${propertyText},${style.colonSpace ? ' ' : ''}` };
}

/** Escapes text for use inside a snippet (outside placeholders): `$`, `}` and `\`. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (ch) => `\\${ch}`);
}

/** Escapes one choice of a `${1|a,b|}` snippet choice list. */
export function escapeChoice(text: string): string {
  return text.replace(/[\\,|$}]/g, (ch) => `\\${ch}`);
}

/**
 * The plain text a snippet inserts when the client cannot expand snippets: placeholders keep their
 * default, choices their first option, tab stops disappear.
 */
export function snippetToPlainText(snippet: string): string {
  let result = '';
  let i = 0;
  const readUntil = (stop: (ch: string) => boolean): string => {
    let out = '';
    while (i < snippet.length && !stop(snippet[i])) {
      if (snippet[i] === '\\' && i + 1 < snippet.length) {
        out += snippet[i + 1];
        i += 2;
      } else if (snippet[i] === '$') {
        out += readVariable();
      } else {
        out += snippet[i++];
      }
    }
    return out;
  };
  const readVariable = (): string => {
    // at '$'
    i++;
    if (/[0-9]/.test(snippet[i] ?? '')) {
      while (/[0-9]/.test(snippet[i] ?? '')) i++;
      return '';
    }
    if (snippet[i] !== '{') return '$';
    i++;
    while (/[0-9A-Za-z_]/.test(snippet[i] ?? '')) i++;
    if (snippet[i] === '}') {
      i++;
      return '';
    }
    if (snippet[i] === ':') {
      i++;
      const value = readUntil((ch) => ch === '}');
      i++;
      return value;
    }
    if (snippet[i] === '|') {
      i++;
      const first = readUntil((ch) => ch === ',' || ch === '|');
      while (i < snippet.length && !(snippet[i] === '|' && snippet[i + 1] === '}')) {
        if (snippet[i] === '\\') i++;
        i++;
      }
      i += 2;
      return first;
    }
    return '';
  };
  result = readUntil(() => false);
  return result;
}
