import { createScanner, parse, ParseErrorCode, ScanError, SyntaxKind, type ParseError } from 'jsonc-parser';
import { syntaxDiagnostics, type ManifestDiagnostic, type ParsedDocument, type RuleSetting } from '../service';

/**
 * The `json-syntax` diagnostics of a document the service does not recognise (it is silent on
 * those: a walk meets tsconfig.json with comments). A file the user named is different: a
 * manifest cut off before its `config` or `manifests` is recognisable as nothing, and passing it
 * would let `check manifest.json` succeed on a corrupt file. Empty when the text is valid JSON.
 *
 * The service's own syntax rule writes the diagnostics, so they read exactly as on a manifest.
 */
export function unrecognisedSyntaxDiagnostics(doc: ParsedDocument, rules: Record<string, RuleSetting>): ManifestDiagnostic[] {
  let broken = doc;
  if (doc.syntaxErrors.length === 0 && doc.tooDeep) {
    // Too deep for the service's (recursive) tree, so it collected no errors: find the first here.
    // A byte order mark is read as a space, as the service does, and reported by checkSyntax.
    const first = firstSyntaxError(doc.byteOrderMark ? ' ' + doc.text.slice(1) : doc.text);
    if (first) broken = { ...doc, syntaxErrors: [first] };
  }
  if (broken.syntaxErrors.length === 0) return [];
  // JSONC (comments, trailing commas) is a format of its own: a named tsconfig.json is a
  // non-manifest like package.json, not a corrupt file. A cut-off text is never valid JSONC.
  if (!doc.tooDeep && isValidJsonc(doc.byteOrderMark ? doc.text.slice(1) : doc.text)) return [];
  return syntaxDiagnostics(broken, { rules });
}

function isValidJsonc(text: string): boolean {
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  return errors.length === 0;
}

const SCAN_ERRORS: Partial<Record<ScanError, ParseErrorCode>> = {
  [ScanError.InvalidUnicode]: ParseErrorCode.InvalidUnicode,
  [ScanError.InvalidEscapeCharacter]: ParseErrorCode.InvalidEscapeCharacter,
  [ScanError.UnexpectedEndOfNumber]: ParseErrorCode.UnexpectedEndOfNumber,
  [ScanError.UnexpectedEndOfString]: ParseErrorCode.UnexpectedEndOfString,
  [ScanError.InvalidCharacter]: ParseErrorCode.InvalidCharacter,
  // An unterminated comment is reported as a comment (InvalidCommentToken), as jsonc-parser does
  // when comments are disallowed.
};

/** Thrown out of the scan loop with the first error; never leaves firstSyntaxError. */
class Found {
  constructor(readonly error: ParseError) {}
}

/**
 * The first error jsonc-parser's parseTree reports (comments and trailing commas disallowed, as
 * the service parses), without its recursion: the text may nest 100,000 levels deep. Undefined
 * for valid JSON. Containers are kept on an explicit stack instead of the call stack.
 */
export function firstSyntaxError(text: string): ParseError | undefined {
  const scanner = createScanner(text, false);
  const fail = (error: ParseErrorCode): never => {
    throw new Found({ error, offset: scanner.getTokenOffset(), length: scanner.getTokenLength() });
  };
  const next = (): SyntaxKind => {
    for (;;) {
      const token = scanner.scan();
      const scanError = SCAN_ERRORS[scanner.getTokenError()];
      if (scanError !== undefined) fail(scanError);
      switch (token) {
        case SyntaxKind.LineCommentTrivia:
        case SyntaxKind.BlockCommentTrivia:
          return fail(ParseErrorCode.InvalidCommentToken);
        case SyntaxKind.Unknown:
          return fail(ParseErrorCode.InvalidSymbol);
        case SyntaxKind.Trivia:
        case SyntaxKind.LineBreakTrivia:
          break;
        default:
          return token;
      }
    }
  };

  try {
    /** Open containers, innermost last; `needsComma` once a member or element has been read. */
    const stack: { object: boolean; needsComma: boolean }[] = [];
    let token = next();
    for (;;) {
      // A value starts at `token`.
      if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
        stack.push({ object: token === SyntaxKind.OpenBraceToken, needsComma: false });
      } else if (token === SyntaxKind.StringLiteral || token === SyntaxKind.NullKeyword || token === SyntaxKind.TrueKeyword || token === SyntaxKind.FalseKeyword) {
        // Nothing to check beyond what the scanner did.
      } else if (token === SyntaxKind.NumericLiteral) {
        if (Number.isNaN(Number(scanner.getTokenValue()))) fail(ParseErrorCode.InvalidNumberFormat);
      } else {
        fail(ParseErrorCode.ValueExpected);
      }
      token = next();

      // Close containers until one expects another value, or the document ends.
      let wantsValue = false;
      while (!wantsValue && stack.length > 0) {
        const frame = stack[stack.length - 1];
        if (token === (frame.object ? SyntaxKind.CloseBraceToken : SyntaxKind.CloseBracketToken)) {
          stack.pop();
          token = next();
          continue;
        }
        if (token === SyntaxKind.EOF) fail(frame.object ? ParseErrorCode.CloseBraceExpected : ParseErrorCode.CloseBracketExpected);
        if (token === SyntaxKind.CommaToken) {
          if (!frame.needsComma) fail(ParseErrorCode.ValueExpected);
          token = next();
        } else if (frame.needsComma) {
          fail(ParseErrorCode.CommaExpected);
        }
        frame.needsComma = true;
        if (frame.object) {
          if (token !== SyntaxKind.StringLiteral) fail(ParseErrorCode.PropertyNameExpected);
          token = next();
          if (token !== SyntaxKind.ColonToken) fail(ParseErrorCode.ColonExpected);
          token = next();
        }
        wantsValue = true;
      }
      if (!wantsValue) {
        if (token !== SyntaxKind.EOF) fail(ParseErrorCode.EndOfFileExpected);
        return undefined;
      }
    }
  } catch (error) {
    if (error instanceof Found) return error.error;
    throw error;
  }
}
