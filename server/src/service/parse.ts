import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { detectKind, type KindDetection } from './kind';

/** One parse of one document version; every feature of the service works from this. */
export interface ParsedDocument {
  readonly text: string;
  /** jsonc-parser tree, with offsets, raw number tokens and duplicate keys kept. */
  readonly root: Node | undefined;
  readonly syntaxErrors: readonly ParseError[];
  readonly detection: KindDetection;
}

export function parseDocument(text: string): ParsedDocument {
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
