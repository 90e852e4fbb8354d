import type { Node } from 'jsonc-parser';
import { LazyNode } from '../lazy-tree';
import { describeParseError } from '../parse';
import type { RuleContext } from './context';

/** Past this many, more syntax errors say nothing new: one broken spot derails the rest. */
const MAX_SYNTAX_ERRORS = 100;

export function checkSyntax(ctx: RuleContext): void {
  const { text, syntaxErrors } = ctx.doc;
  if (ctx.doc.byteOrderMark) {
    ctx.report('json-syntax', { start: 0, end: 1 }, 'The file starts with a byte order mark (U+FEFF): JSON must not have one (RFC 8259), and Go clients and registries refuse it. Save the file as UTF-8 without BOM.');
  }
  /** Errors up to here follow from one already explained (the parser's view of a leading zero). */
  let explainedUntil = -1;
  for (const error of syntaxErrors.slice(0, MAX_SYNTAX_ERRORS)) {
    const start = Math.min(error.offset, text.length);
    if (start <= explainedUntil) continue;
    const zero = leadingZeroNumber(text, start);
    if (zero) {
      const written = text.slice(zero.start, zero.end);
      ctx.report('json-syntax', zero, `JSON numbers have no leading zeros: \`${written}\` is not a number (parsers read \`0\` and then stray digits). Write \`${written.replace(/^(-?)0+(?=\d)/, '$1')}\`.`);
      // The parser then misreads the digits as a key and trips on the next token too.
      explainedUntil = zero.end;
      while (explainedUntil < text.length && /\s/.test(text[explainedUntil])) explainedUntil++;
      continue;
    }
    const comma = trailingCommaBefore(text, start);
    if (comma !== undefined) {
      // The parser stops at the `}` or `]`; the mistake, and what editors mark, is the comma.
      ctx.report('json-syntax', { start: comma, end: comma + 1 }, `Trailing comma: JSON allows no comma before \`${text[start]}\`, and Go clients and registries refuse the document. Remove it.`);
      continue;
    }
    const end = Math.min(Math.max(start + error.length, start + (start < text.length ? 1 : 0)), text.length);
    ctx.report('json-syntax', { start, end }, describeParseError(error));
  }
  if (syntaxErrors.length > MAX_SYNTAX_ERRORS) {
    const next = syntaxErrors[MAX_SYNTAX_ERRORS];
    const start = Math.min(next.offset, text.length);
    ctx.report('json-syntax', { start, end: Math.min(start + 1, text.length) }, `${(syntaxErrors.length - MAX_SYNTAX_ERRORS).toLocaleString('en-US')} more syntax errors from here on are not listed; fix the first ones and validate again.`);
  }
}

/** `0100` or `-007`: the parser stops after the `0`; the whole token, when `offset` is just past it. */
function leadingZeroNumber(text: string, offset: number): { start: number; end: number } | undefined {
  if (!isDigit(text[offset]) || text[offset - 1] !== '0') return undefined;
  let start = offset - 1;
  if (text[start - 1] === '-') start--;
  const before = text[start - 1];
  if (before !== undefined && (isDigit(before) || before === '.' || before === 'e' || before === 'E' || before === '+' || before === '-')) return undefined;
  let end = offset;
  while (isDigit(text[end])) end++;
  return { start, end };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** The offset of a comma that only whitespace separates from the `}` or `]` at `offset`. */
function trailingCommaBefore(text: string, offset: number): number | undefined {
  const close = text[offset];
  if (close !== '}' && close !== ']') return undefined;
  let i = offset - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i--;
  return i >= 0 && text[i] === ',' ? i : undefined;
}

/** Ill-formed UTF-8, when whoever read the bytes said so (the CLI does; an editor hands over text). */
export function checkEncoding(ctx: RuleContext): void {
  const invalid = ctx.context.invalidUtf8;
  if (!invalid) return;
  const start = Math.min(invalid.offset, ctx.doc.text.length);
  ctx.report(
    'invalid-utf8',
    { start, end: Math.min(start + 1, ctx.doc.text.length) },
    `The ${invalid.hex.includes(' ') ? 'bytes' : 'byte'} \`${invalid.hex}\` at byte offset ${invalid.byte.toLocaleString('en-US')} ${invalid.hex.includes(' ') ? 'are' : 'is'} not valid UTF-8: JSON MUST be UTF-8 (RFC 8259), and decoders, Go's included, read U+FFFD here instead, so the value differs from the bytes its digest covers. Re-save the file as UTF-8.`,
  );
}

/** Duplicate keys: invisible after parsing, and parsers disagree on which value they keep. */
export function checkDuplicateKeys(ctx: RuleContext): void {
  // The lazy tree is only built when JSON.parse kept every key: there are no duplicates then.
  if (ctx.root instanceof LazyNode) return;
  const stack: Node[] = [ctx.root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (!node.children) continue;
    if (node.type === 'object') {
      const firstByKey = new Map<string, Node>();
      for (const property of node.children) {
        const keyNode = property.children?.[0];
        if (!keyNode) continue;
        const key = keyNode.value as string;
        if (firstByKey.has(key)) {
          ctx.report(
            'duplicate-key',
            keyNode,
            `Duplicate key ${JSON.stringify(key)}: registries and clients may read different documents (Go's encoding/json and JavaScript keep the last value, other parsers the first or refuse the document; RFC 8259 leaves it undefined). Remove one of them.`,
          );
        } else {
          firstByKey.set(key, keyNode);
        }
      }
    }
    for (const child of node.children) stack.push(child);
  }
}
