import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { detectKind, type KindDetection } from './kind';

/** One parse of one document version; every feature of the service works from this. */
export interface ParsedDocument {
  readonly text: string;
  /** jsonc-parser tree, with offsets, raw number tokens and duplicate keys kept. */
  readonly root: Node | undefined;
  readonly syntaxErrors: readonly ParseError[];
  readonly detection: KindDetection;
  /** Nesting deeper than MAX_DEPTH: not parsed into a tree (no manifest nests like that). */
  readonly tooDeep?: { depth: number; offset: number };
}

/** Real manifests nest fewer than ten levels; the tree and the rules recurse, so cap it well above. */
export const MAX_DEPTH = 200;

export function parseDocument(text: string): ParsedDocument {
  const tooDeep = findExcessiveNesting(text, MAX_DEPTH);
  if (tooDeep) return { text, root: undefined, syntaxErrors: [], detection: { kind: 'unknown' }, tooDeep };
  const syntaxErrors: ParseError[] = [];
  // Manifests are strict JSON: comments and trailing commas are reported, not tolerated.
  const root = parseTree(text, syntaxErrors, { disallowComments: true, allowTrailingComma: false });
  return { text, root, syntaxErrors, detection: detectKind(root) };
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

/** The first offset where brackets nest deeper than `limit` (strings skipped), if any. */
function findExcessiveNesting(text: string, limit: number): { depth: number; offset: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \\ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) {
      inString = true;
    } else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      if (++depth > limit) return { depth, offset: i };
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      depth--;
    }
  }
  return undefined;
}
