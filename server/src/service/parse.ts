import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { detectKind, type KindDetection } from './kind';
import { LazyNode, countKeys, prescan, scanParsed } from './lazy-tree';

/** One parse of one document version; every feature of the service works from this. */
export interface ParsedDocument {
  readonly text: string;
  /** jsonc-parser tree, with offsets, raw number tokens and duplicate keys kept. */
  readonly root: Node | undefined;
  readonly syntaxErrors: readonly ParseError[];
  readonly detection: KindDetection;
  /** Nesting deeper than MAX_DEPTH: not parsed into a tree (no manifest nests like that). */
  readonly tooDeep?: { depth: number; offset: number };
  /** The `JSON.parse` value, when the text is strict JSON. */
  readonly value?: unknown;
  /** Every number token is a plain integer of at most 15 digits, so values equal their text. */
  readonly plainNumbers: boolean;
  /** The text starts with a byte order mark (parsed as if it were a space: offsets stay put). */
  readonly byteOrderMark?: boolean;
}

/** Real manifests nest fewer than ten levels; the tree and the rules recurse, so cap it well above. */
export const MAX_DEPTH = 200;

export function parseDocument(text: string): ParsedDocument {
  // RFC 8259 forbids a BOM and Go refuses it; report it once and read past it (same length).
  if (text.charCodeAt(0) === 0xfeff) return { ...parseText(' ' + text.slice(1)), text, byteOrderMark: true };
  return parseText(text);
}

function parseText(text: string): ParsedDocument {
  // JSON.parse does not recurse, so it may come first; the tree and the rules do, hence the depth checks.
  const value = strictParse(text);
  if (value !== undefined) {
    // The common case, valid JSON: depth, duplicate keys and number tokens without a full text scan.
    const quick = scanParsed(text, value.result, MAX_DEPTH);
    if (quick && !quick.duplicateKeys) return lazyDocument(text, value.result, !quick.unusualNumbers);
  }
  const scan = prescan(text, MAX_DEPTH);
  if (scan.tooDeepAt !== undefined) {
    return { text, root: undefined, syntaxErrors: [], detection: { kind: 'unknown' }, tooDeep: { depth: scan.depth, offset: scan.tooDeepAt }, plainNumbers: false };
  }
  // Duplicate keys vanish in JSON.parse: only when none were lost is the lazy tree faithful.
  if (value !== undefined && countKeys(value.result) === scan.keys) return lazyDocument(text, value.result, !scan.unusualNumbers);
  const syntaxErrors: ParseError[] = [];
  // Manifests are strict JSON: comments and trailing commas are reported, not tolerated.
  const root = parseTree(text, syntaxErrors, { disallowComments: true, allowTrailingComma: false });
  if (root) clampToText(root, text.length);
  return { text, root, syntaxErrors, detection: detectKind(root), plainNumbers: false };
}

function lazyDocument(text: string, value: unknown, plainNumbers: boolean): ParsedDocument {
  const root = new LazyNode(text, typeOfValue(value), value, undefined);
  return { text, root, syntaxErrors: [], detection: detectKind(root), value, plainNumbers };
}

/** jsonc-parser lets a container cut off by an unterminated comment end past the text. */
function clampToText(root: Node, length: number): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node & { length: number; offset: number };
    if (node.offset > length) node.offset = length;
    if (node.offset + node.length > length) node.length = length - node.offset;
    if (node.children) for (const child of node.children) stack.push(child);
  }
}

function strictParse(text: string): { result: unknown } | undefined {
  try {
    return { result: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function typeOfValue(value: unknown): 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'object' || type === 'string' || type === 'number' ? type : 'boolean';
}

export function describeParseError(error: ParseError): string {
  switch (printParseErrorCode(error.error)) {
    case 'InvalidSymbol':
      return 'Invalid symbol: JSON expects a value, a property name or punctuation here.';
    case 'InvalidNumberFormat':
      return 'Invalid number format.';
    case 'PropertyNameExpected':
      return 'Property name expected (a double-quoted string).';
    case 'ValueExpected':
      return 'Value expected.';
    case 'ColonExpected':
      return 'Colon expected after the property name.';
    case 'CommaExpected':
      return 'Comma expected between members.';
    case 'CloseBraceExpected':
      return 'Closing brace `}` expected.';
    case 'CloseBracketExpected':
      return 'Closing bracket `]` expected.';
    case 'EndOfFileExpected':
      return 'End of file expected: a JSON document holds exactly one value.';
    case 'InvalidCommentToken':
      return 'Comments are not allowed: manifests are strict JSON and registries reject them.';
    case 'UnexpectedEndOfComment':
      return 'Unexpected end of comment.';
    case 'UnexpectedEndOfString':
      return 'Unterminated string.';
    case 'UnexpectedEndOfNumber':
      return 'Unexpected end of number.';
    case 'InvalidUnicode':
      return 'Invalid unicode escape sequence.';
    case 'InvalidEscapeCharacter':
      return 'Invalid escape character in string.';
    case 'InvalidCharacter':
      return 'Invalid character in string (control characters must be escaped).';
    default:
      return 'Invalid JSON.';
  }
}
