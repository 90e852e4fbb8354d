import { DIAGNOSTIC_CODES } from './codes';
import { MAX_DEPTH, type ParsedDocument } from './parse';
import { RuleContext } from './rules/context';
import { checkAnnotations } from './rules/annotation-rules';
import { checkImageConfig } from './rules/config-rules';
import { checkDescriptors } from './rules/descriptor-rules';
import { checkDockerTopLevelFields, checkDocumentKind, checkToolOutputFields } from './rules/document-rules';
import { checkLayoutReferences } from './rules/layout-rules';
import { checkManifest, checkSchema1 } from './rules/manifest-rules';
import { checkNearMissProperties } from './rules/near-miss';
import { checkIndexPlatforms } from './rules/platform-rules';
import { checkStructure } from './rules/structure';
import { checkDuplicateKeys, checkEncoding, checkSyntax } from './rules/syntax';
import { goFieldNameDiagnostics } from './go-field-names';
import { recognizeToolOutput } from './tool-output';
import type { ManifestDiagnostic, RuleSetting, ValidationOptions } from './types';

/** Checked whatever the size: what the document is, whether it parses, and its structure. */
const ESSENTIAL_RULES = new Set<(ctx: RuleContext) => void>([checkEncoding, checkSyntax, checkDuplicateKeys, checkDocumentKind, checkStructure]);

export const DEFAULT_MAX_VALIDATION_SIZE = 20_000_000;

/** Rules in the order their findings read best; each is a function of the one parse. */
const RULES: ReadonlyArray<(ctx: RuleContext) => void> = [
  checkEncoding,
  checkSyntax,
  checkDuplicateKeys,
  checkDocumentKind,
  checkStructure,
  checkToolOutputFields,
  checkDockerTopLevelFields,
  checkNearMissProperties,
  checkDescriptors,
  checkManifest,
  checkSchema1,
  checkIndexPlatforms,
  checkAnnotations,
  checkImageConfig,
  checkLayoutReferences,
];

/**
 * All diagnostics of a document. A document that is not a manifest, index, config or layout file
 * (a package.json, a tsconfig) gets none at all.
 */
export function validateDocument(doc: ParsedDocument, options: ValidationOptions = {}): ManifestDiagnostic[] {
  return validateDocumentReport(doc, options).diagnostics;
}

/** What validateDocument returns, and how many diagnostics there were before the cap. */
export interface ValidationReport {
  /** Exactly what validateDocument returns: at most MAX_DIAGNOSTICS, the most severe first kept. */
  readonly diagnostics: ManifestDiagnostic[];
  /** How many there were before MAX_DIAGNOSTICS applied (after the rule settings). */
  readonly total: number;
}

/** validateDocument, saying also whether the cap dropped diagnostics (for the CLI's summary). */
export function validateDocumentReport(doc: ParsedDocument, options: ValidationOptions = {}): ValidationReport {
  if (doc.tooDeep) return uncapped(tooDeepDiagnostics(doc, options));
  if (doc.detection.kind === 'unknown' || !doc.root) return uncapped(toolOutputDiagnostics(doc, options));
  const ctx = new RuleContext(doc, options.context);
  const limit = options.maxValidationSize ?? DEFAULT_MAX_VALIDATION_SIZE;
  const limited = doc.text.length > limit;
  for (const rule of RULES) if (!limited || ESSENTIAL_RULES.has(rule)) rule(ctx);
  if (limited) {
    // The root's own offset would scan the whole text for its end; its first character suffices.
    const start = doc.text.length - doc.text.trimStart().length;
    ctx.report('validation-limited', { start, end: start + 1 }, `This document has ${doc.text.length.toLocaleString('en-US')} characters, more than \`imageManifest.maxValidationSize\` (${limit.toLocaleString('en-US')}): only JSON syntax and structure were checked. Raise it (CLI: \`--max-validation-size\`) to check everything.`);
  }
  const all = applyRuleSettings(ctx.results(), options.rules);
  return { diagnostics: capped(all).sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end), total: all.length };
}

/**
 * The `json-syntax` findings of any document, recognised or not: validateDocument is silent on
 * JSON that is no manifest, but a caller that knows the text was meant as one (a file named on the
 * CLI) may still want to say why it does not parse.
 */
export function syntaxDiagnostics(doc: ParsedDocument, options: ValidationOptions = {}): ManifestDiagnostic[] {
  const ctx = new RuleContext(doc, options.context);
  checkSyntax(ctx);
  return applyRuleSettings(ctx.results(), options.rules);
}

function uncapped(diagnostics: ManifestDiagnostic[]): ValidationReport {
  return { diagnostics, total: diagnostics.length };
}

/** No editor shows more usefully; the most severe are kept when a document has more. */
export const MAX_DIAGNOSTICS = 1000;

const SEVERITY_RANK = { error: 0, warning: 1, information: 2, hint: 3 } as const;

function capped(diagnostics: ManifestDiagnostic[]): ManifestDiagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
  return [...diagnostics]
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.range.start - b.range.start)
    .slice(0, MAX_DIAGNOSTICS);
}

const SEVERITIES = new Set<RuleSetting>(['off', 'error', 'warning', 'information', 'hint']);

function applyRuleSettings(diagnostics: ManifestDiagnostic[], rules: ValidationOptions['rules']): ManifestDiagnostic[] {
  if (!rules) return diagnostics;
  const result: ManifestDiagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const setting = Object.prototype.hasOwnProperty.call(rules, diagnostic.code) ? rules[diagnostic.code] : undefined;
    if (setting === undefined || !SEVERITIES.has(setting)) result.push(diagnostic);
    else if (setting !== 'off') result.push({ ...diagnostic, severity: setting });
  }
  return result;
}

/** Keys only manifests, configs and layout files have, to decide whether a deep document is ours. */
const MANIFEST_KEYS = /"(schemaVersion|mediaType|manifests|layers|imageLayoutVersion|rootfs|diff_ids)"\s*:/;

function tooDeepDiagnostics(doc: ParsedDocument, options: ValidationOptions): ManifestDiagnostic[] {
  const { depth, offset } = doc.tooDeep as { depth: number; offset: number };
  if (!MANIFEST_KEYS.test(doc.text.slice(0, 65536))) return [];
  const diagnostic: ManifestDiagnostic = {
    code: 'json-syntax',
    severity: DIAGNOSTIC_CODES['json-syntax'].severity,
    message: `The document nests more than ${MAX_DEPTH} levels deep (${depth} here); no manifest does, so it is not validated further.`,
    range: { start: offset, end: offset + 1 },
    href: DIAGNOSTIC_CODES['json-syntax'].href,
  };
  return applyRuleSettings([diagnostic], options.rules);
}

/** One note on JSON a tool printed about an image; nothing at all on other JSON. */
function toolOutputDiagnostics(doc: ParsedDocument, options: ValidationOptions): ManifestDiagnostic[] {
  const output = doc.syntaxErrors.length === 0 ? recognizeToolOutput(doc.root) : undefined;
  if (!output || !doc.root) return applyRuleSettings(goFieldNameDiagnostics(doc.root), options.rules);
  const start = doc.root.offset;
  const diagnostic: ManifestDiagnostic = {
    code: 'tool-output',
    severity: DIAGNOSTIC_CODES['tool-output'].severity,
    message: `This is ${output.tool} output, not a manifest, so it is not validated. ${output.advice}`,
    range: { start, end: start + 1 },
    href: DIAGNOSTIC_CODES['tool-output'].href,
  };
  return applyRuleSettings([diagnostic], options.rules);
}
