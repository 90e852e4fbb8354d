import { layoutContextFor, type LayoutOptions } from '../layout/fs-blob-store';
import {
  LineIndex,
  parseDocument,
  validateDocument,
  validateDocumentReport,
  type DocumentKind,
  type ManifestDiagnostic,
  type Range,
  type RuleSetting,
  type Severity,
} from '../service';
import { describeFsError, type Candidate } from './discover';
import { readCandidate, type ReadResult } from './read';
import { unrecognisedSyntaxDiagnostics } from './syntax';

/** A diagnostic as every formatter needs it: LSP positions (zero-based) instead of offsets. */
export interface FileDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  href: string;
}

export type FileResult =
  /**
   * The file was checked; `diagnostics` may be empty. `omitted`: how many more the service found
   * beyond its cap of MAX_DIAGNOSTICS per document (absent when none were dropped).
   */
  | { status: 'checked'; path: string; kind: DocumentKind; diagnostics: FileDiagnostic[]; omitted?: number }
  /** Not a document we check (binary blob, other JSON). `explicit` files are mentioned to the user. */
  | { status: 'skipped'; path: string; explicit: boolean; reason: string }
  /**
   * Reading failed, the service threw, or a file named on the command line is no JSON document (empty,
   * binary, UTF-16, …): the run cannot vouch for this file (exit code 2).
   */
  | { status: 'failed'; path: string; reason: string };

/** The service functions the checker uses; tests substitute them to exercise failure paths. */
export interface Service {
  parseDocument: typeof parseDocument;
  validateDocument: typeof validateDocument;
  /** When present, used instead of validateDocument to learn whether diagnostics were capped. */
  validateDocumentReport?: typeof validateDocumentReport;
}

export const defaultService: Service = { parseDocument, validateDocument, validateDocumentReport };

export function checkFile(
  candidate: Candidate,
  rules: Record<string, RuleSetting>,
  service: Service = defaultService,
  read: (file: string) => ReadResult = readCandidate,
  layout: LayoutOptions = { verifyDigests: 'auto' },
  maxValidationSize?: number,
): FileResult {
  const file = candidate.display;
  let content: ReadResult;
  try {
    content = read(candidate.absolute);
  } catch (error) {
    return { status: 'failed', path: file, reason: `cannot read: ${describeFsError(error)}` };
  }
  if ('skipped' in content) {
    // A file the user named that is no JSON document at all (empty, binary, UTF-16, compressed, too
    // large) cannot be vouched for: exit 2, so `check manifest.json` fails in CI when it is corrupt.
    // Found while walking a folder, it is one of the blobs and other files a layout holds: skipped.
    // A layer (gzip, zstd, tar) is what `check layout/blobs/sha256/*` names beside the manifests:
    // not a manifest, and nothing wrong with it.
    if (candidate.explicit && !LAYER_FORMAT.test(content.skipped)) return { status: 'failed', path: file, reason: `unreadable input: ${content.skipped}` };
    return { status: 'skipped', path: file, explicit: candidate.explicit, reason: content.skipped };
  }

  try {
    const parsed = service.parseDocument(content.text);
    const kind = parsed.detection.kind;
    const where = layoutContextFor(candidate.absolute, layout);
    const context = content.invalidUtf8 ? { ...where, invalidUtf8: content.invalidUtf8 } : where;
    const options = { rules, context, maxValidationSize };
    const report = service.validateDocumentReport ? service.validateDocumentReport(parsed, options) : undefined;
    let found = report ? report.diagnostics : service.validateDocument(parsed, options);
    const omitted = report ? report.total - found.length : 0;
    // JSON that is no kind of manifest (package.json, tsconfig.json, …) is none of our business;
    // the service still speaks up for a manifest it could not parse into a tree. Broken JSON is
    // skipped only when a walk met it (a tsconfig.json with comments): a file the user named may be
    // a manifest cut off before anything recognisable, and must not pass. A layout blob is the
    // exception: any bytes may be a blob (JSON Lines, text), and its digest is what vouches for it.
    if (kind === 'unknown' && found.length === 0) {
      const syntax = candidate.explicit && !where.ownDigest ? unrecognisedSyntaxDiagnostics(parsed, rules) : [];
      if (syntax.length === 0) {
        const reason = parsed.syntaxErrors.length > 0 ? 'not valid JSON, and not recognisable as a manifest' : 'not a manifest, index, image config or layout file';
        return { status: 'skipped', path: file, explicit: candidate.explicit, reason };
      }
      found = syntax;
    }
    const lines = new LineIndex(content.text);
    const diagnostics = [...found].sort(byPosition).map((d) => toFileDiagnostic(d, lines));
    return omitted > 0 ? { status: 'checked', path: file, kind, diagnostics, omitted } : { status: 'checked', path: file, kind, diagnostics };
  } catch (error) {
    return { status: 'failed', path: file, reason: `internal error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** read()'s reasons for layer blobs. */
const LAYER_FORMAT = /^(gzip data|zstd data|tar archive)\b/;

function byPosition(a: ManifestDiagnostic, b: ManifestDiagnostic): number {
  return a.range.start - b.range.start || a.range.end - b.range.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

function toFileDiagnostic(d: ManifestDiagnostic, lines: LineIndex): FileDiagnostic {
  return { code: d.code, severity: d.severity, message: d.message, range: lines.rangeAt(d.range), href: d.href };
}
