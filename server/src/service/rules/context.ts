import { ParseErrorCode, type Node } from 'jsonc-parser';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../codes';
import { collectDescriptors, type DescriptorRef } from '../descriptors';
import { rangeOf } from '../json-tree';
import type { ParsedDocument } from '../parse';
import type { DocumentContext, ManifestDiagnostic, OffsetRange, SuggestedEdit } from '../types';

/** What every rule sees: the one parse, and a sink for diagnostics. */
export class RuleContext {
  private readonly diagnostics: ManifestDiagnostic[] = [];
  private readonly seen = new Set<string>();
  private descriptorList?: readonly DescriptorRef[];
  private cutStrings?: ReadonlySet<number>;

  constructor(
    readonly doc: ParsedDocument,
    readonly context: DocumentContext = {},
  ) {}

  get root(): Node {
    return this.doc.root as Node;
  }

  get kind() {
    return this.doc.detection.kind;
  }

  /** Every descriptor of the document, collected once for all the rules that visit them. */
  get descriptors(): readonly DescriptorRef[] {
    this.descriptorList ??= collectDescriptors(this.root, this.kind);
    return this.descriptorList;
  }

  report(code: DiagnosticCode, target: Node | OffsetRange, message: string, fixes?: SuggestedEdit[]): void {
    const range = 'type' in target ? rangeOf(target) : target;
    // Judging `"application/vnd.oci.image.config.` as a media type would only mislead: the syntax
    // error on it says what is wrong.
    if (code !== 'json-syntax' && this.isCutString(range.start)) return;
    const key = `${code}@${range.start}:${range.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const info = DIAGNOSTIC_CODES[code];
    const diagnostic: ManifestDiagnostic = { code, severity: info.severity, message, range, href: info.href };
    if (fixes?.length) diagnostic.fixes = fixes;
    this.diagnostics.push(diagnostic);
  }

  /** Whether a string the text cuts off (a truncated download) starts here: its value is not what was meant. */
  private isCutString(offset: number): boolean {
    if (this.doc.syntaxErrors.length === 0) return false;
    // A set, built once: a hostile text may have many syntax errors and many findings.
    this.cutStrings ??= new Set(this.doc.syntaxErrors.filter((error) => error.error === ParseErrorCode.UnexpectedEndOfString).map((error) => error.offset));
    return this.cutStrings.has(offset);
  }

  /** Whether a diagnostic of `code` already covers `node` (so a later rule need not repeat it). */
  has(code: DiagnosticCode, node: Node): boolean {
    return this.seen.has(`${code}@${node.offset}:${node.offset + node.length}`);
  }

  results(): ManifestDiagnostic[] {
    return this.diagnostics;
  }
}

/** A replacement of a whole JSON value by another value, as a quick fix. */
export function replaceValue(title: string, node: Node, value: unknown): SuggestedEdit {
  return { title, range: rangeOf(node), newText: JSON.stringify(value) };
}

/** Short printable form of a value for messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
