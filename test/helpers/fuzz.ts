/**
 * Shared by the seeded fuzz suite (test/unit/fuzz*.test.ts) and the long run (`npm run fuzz`):
 * the inputs (mutations of the real fixtures, random JSON, random strings and bytes) and the
 * properties every input must satisfy (no throw, ranges inside the text, deterministic results,
 * bounded time).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import {
  InMemoryBlobStore,
  LineIndex,
  MEDIA_TYPES,
  parseDocument,
  validateDocument,
  type BlobStore,
  type ManifestDiagnostic,
  type OffsetRange,
  type ValidationOptions,
} from 'image-manifest-language-server';
import {
  conversionEdits,
  documentDigest,
  getCodeActions,
  getCompletions,
  getDocumentSymbols,
  getHover,
  getInlayHints,
  type DocumentSymbol,
} from 'image-manifest-language-server/out/service/features';
import { FIXTURES } from './paths';

// ---------------------------------------------------------------------------------------------
// Corpus

export interface CorpusEntry {
  /** Relative to test/fixtures. */
  readonly name: string;
  readonly text: string;
  /** The blobs of the layout the file sits in, when it sits in one. */
  readonly blobs?: BlobStore;
  readonly isLayoutIndex: boolean;
}

const MAX_CORPUS_FILE = 64 * 1024;

function walk(directory: string, files: string[]): void {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) walk(full, files);
    else if (entry.isFile()) files.push(full);
  }
}

function layoutRootOf(file: string): string | undefined {
  for (let dir = path.dirname(file); dir.startsWith(FIXTURES) && dir !== FIXTURES; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'oci-layout'))) return dir;
  }
  return undefined;
}

function looksLikeJson(bytes: Buffer): boolean {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return !bytes.includes(0) && (text.startsWith('{') || text.startsWith('['));
}

let corpusCache: CorpusEntry[] | undefined;

/** Every JSON file under test/fixtures/real and test/fixtures/reported (blobs included). */
export function loadCorpus(): CorpusEntry[] {
  if (corpusCache) return corpusCache;
  const files: string[] = [];
  walk(path.join(FIXTURES, 'real'), files);
  walk(path.join(FIXTURES, 'reported'), files);
  files.sort();
  const stores = new Map<string, BlobStore>();
  const storeFor = (root: string): BlobStore => {
    let store = stores.get(root);
    if (!store) {
      const blobs = new Map<string, Uint8Array>();
      const blobDir = path.join(root, 'blobs');
      if (fs.existsSync(blobDir)) {
        for (const algorithm of fs.readdirSync(blobDir)) {
          for (const encoded of fs.readdirSync(path.join(blobDir, algorithm))) {
            const file = path.join(blobDir, algorithm, encoded);
            const stat = fs.statSync(file);
            // Layer blobs too (as bytes): the layout rules sniff their format and compare sizes.
            if (stat.isFile() && stat.size <= MAX_CORPUS_FILE) blobs.set(`${algorithm}:${encoded}`, fs.readFileSync(file));
          }
        }
      }
      store = new InMemoryBlobStore(blobs);
      stores.set(root, store);
    }
    return store;
  };
  const corpus: CorpusEntry[] = [];
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    if (bytes.length > MAX_CORPUS_FILE || !looksLikeJson(bytes)) continue;
    const root = layoutRootOf(file);
    corpus.push({
      name: path.relative(FIXTURES, file),
      text: bytes.toString('utf8'),
      blobs: root ? storeFor(root) : undefined,
      isLayoutIndex: root !== undefined && file === path.join(root, 'index.json'),
    });
  }
  assert.ok(corpus.length >= 20, `expected the real and reported fixtures, found ${corpus.length}`);
  corpusCache = corpus;
  return corpus;
}

// ---------------------------------------------------------------------------------------------
// A JSON tree that keeps duplicate keys and raw number tokens, so mutations can produce them.

export type Ast =
  | { readonly t: 'obj'; readonly e: Array<[string, Ast]> }
  | { readonly t: 'arr'; readonly e: Ast[] }
  /** A token written as is: a number (possibly odd, like `1e400` or `-0`), a literal, a string. */
  | { readonly t: 'raw'; readonly s: string };

export function toAst(value: unknown): Ast {
  if (Array.isArray(value)) return { t: 'arr', e: value.map(toAst) };
  if (value !== null && typeof value === 'object') return { t: 'obj', e: Object.entries(value).map(([k, v]) => [k, toAst(v)]) };
  return { t: 'raw', s: JSON.stringify(value) ?? 'null' };
}

export interface Style {
  readonly indent: '' | '  ' | '\t' | '    ';
  readonly newline: '\n' | '\r\n' | '\r';
  readonly spaceAfterColon: boolean;
}

export function serialize(ast: Ast, style: Style, depth = 0): string {
  if (ast.t === 'raw') return ast.s;
  const open = ast.t === 'obj' ? '{' : '[';
  const close = ast.t === 'obj' ? '}' : ']';
  if (ast.e.length === 0) return open + close;
  const pretty = style.indent !== '';
  const inner = pretty ? style.newline + style.indent.repeat(depth + 1) : '';
  const outer = pretty ? style.newline + style.indent.repeat(depth) : '';
  const colon = style.spaceAfterColon ? ': ' : ':';
  const parts =
    ast.t === 'obj'
      ? ast.e.map(([key, value]) => JSON.stringify(key) + colon + serialize(value, style, depth + 1))
      : ast.e.map((value) => serialize(value, style, depth + 1));
  return open + inner + parts.join(',' + inner) + outer + close;
}

/** The containers of the tree, in document order: mutations pick one by index. */
function containers(ast: Ast, out: Ast[] = []): Ast[] {
  if (ast.t === 'raw') return out;
  out.push(ast);
  for (const child of ast.t === 'obj' ? ast.e.map((entry) => entry[1]) : ast.e) containers(child, out);
  return out;
}

const MEDIA_TYPE_STRINGS = MEDIA_TYPES.map((info) => info.mediaType);

/** Values that sit where a real member's value was: other types, edge numbers, odd strings. */
const ODD_VALUES: readonly string[] = [
  'null', 'true', 'false', '0', '-0', '-1', '1.5', '1e400', '-1e400', '1e-400', '9007199254740993', '12345678901234567890',
  '0.0000001', '1E2', '""', '" "', '"\\u0000"', '"\\ud800"', '"\\udc00x"', '"\\uDBFF\\uDFFF"', '"sha256:"', '"sha256:../../etc/passwd"',
  `"sha256:${'a'.repeat(64)}"`, `"sha512:${'b'.repeat(128)}"`, '"sha256:%2e%2e%2fetc%2fpasswd"', '"sha256:..\\\\..\\\\etc"', '"/etc/passwd"',
  '[]', '{}', '[null]', '{"":""}', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{}}}', '"2024-02-30T25:61:61Z"',
  '"linux"', '"amd64"', '"arm64"', '"v8"', '"windows"', '"10.0.17763.1234"', '"😀"', '"\\u202e"', '"a\\nb"', JSON.stringify('x'.repeat(300)),
];

const ODD_KEYS: readonly string[] = [
  'mediaType', 'mediatype', 'MediaType', 'digest', 'size', 'schemaVersion', 'config', 'layers', 'manifests', 'platform', 'annotations',
  'urls', 'artifactType', 'subject', 'data', 'architecture', 'os', 'os.version', 'os.features', 'variant', 'features', 'imageLayoutVersion',
  'rootfs', 'diff_ids', 'history', 'created', 'fsLayers', 'signatures', '', ' ', '__proto__', 'constructor', 'hasOwnProperty', 'toString',
  'org.opencontainers.image.ref.name', 'org.opencontainers.image.created', '😀', '\u0000', '\ud800',
];

export type Mutation =
  | { readonly op: 'delete'; readonly node: number; readonly member: number }
  | { readonly op: 'duplicate'; readonly node: number; readonly member: number; readonly retype?: string }
  | { readonly op: 'retype'; readonly node: number; readonly member: number; readonly value: string }
  | { readonly op: 'swapMediaType'; readonly node: number; readonly member: number; readonly mediaType: string }
  | { readonly op: 'renameKey'; readonly node: number; readonly member: number; readonly key: string }
  | { readonly op: 'insertMember'; readonly node: number; readonly key: string; readonly value: string }
  | { readonly op: 'copySubtree'; readonly node: number; readonly member: number; readonly from: number };

function pickMember(containersList: Ast[], node: number, member: number): { container: Ast; index: number } | undefined {
  if (!containersList.length) return undefined;
  const container = containersList[node % containersList.length];
  if (container.t === 'raw' || container.e.length === 0) return undefined;
  return { container, index: member % container.e.length };
}

function valueAt(container: Ast, index: number): Ast {
  if (container.t === 'obj') return container.e[index][1];
  if (container.t === 'arr') return container.e[index];
  return container;
}

function setValueAt(container: Ast, index: number, value: Ast): void {
  if (container.t === 'obj') container.e[index] = [container.e[index][0], value];
  else if (container.t === 'arr') container.e[index] = value;
}

function clone(ast: Ast): Ast {
  if (ast.t === 'raw') return ast;
  if (ast.t === 'arr') return { t: 'arr', e: ast.e.map(clone) };
  return { t: 'obj', e: ast.e.map(([k, v]) => [k, clone(v)] as [string, Ast]) };
}

/** Applies one structural mutation in place (indexes wrap, so every mutation applies somewhere). */
export function applyMutation(root: Ast, mutation: Mutation): void {
  const list = containers(root);
  if (mutation.op === 'insertMember') {
    if (!list.length) return;
    const container = list[mutation.node % list.length];
    const value: Ast = { t: 'raw', s: mutation.value };
    if (container.t === 'obj') container.e.push([mutation.key, value]);
    else if (container.t === 'arr') container.e.push(value);
    return;
  }
  const picked = pickMember(list, mutation.node, mutation.member);
  if (!picked) return;
  const { container, index } = picked;
  switch (mutation.op) {
    case 'delete':
      container.t !== 'raw' && container.e.splice(index, 1);
      return;
    case 'duplicate': {
      const copy = clone(valueAt(container, index));
      const value = mutation.retype !== undefined ? ({ t: 'raw', s: mutation.retype } as Ast) : copy;
      if (container.t === 'obj') container.e.splice(index + 1, 0, [container.e[index][0], value]);
      else if (container.t === 'arr') container.e.splice(index + 1, 0, value);
      return;
    }
    case 'retype':
      setValueAt(container, index, { t: 'raw', s: mutation.value });
      return;
    case 'swapMediaType': {
      // Prefer a mediaType member of the picked object; otherwise the picked value becomes one.
      if (container.t === 'obj') {
        const at = container.e.findIndex(([key]) => key === 'mediaType' || key === 'artifactType');
        if (at >= 0) {
          container.e[at] = [container.e[at][0], { t: 'raw', s: JSON.stringify(mutation.mediaType) }];
          return;
        }
      }
      setValueAt(container, index, { t: 'raw', s: JSON.stringify(mutation.mediaType) });
      return;
    }
    case 'renameKey':
      if (container.t === 'obj') container.e[index] = [mutation.key, container.e[index][1]];
      return;
    case 'copySubtree': {
      const source = list[mutation.from % list.length];
      if (source !== container) setValueAt(container, index, clone(source));
      return;
    }
  }
}

export type TextEdit =
  | { readonly op: 'cut'; readonly at: number }
  | { readonly op: 'cutTail'; readonly at: number }
  | { readonly op: 'remove'; readonly at: number; readonly length: number }
  | { readonly op: 'insert'; readonly at: number; readonly text: string }
  | { readonly op: 'replaceChar'; readonly at: number; readonly text: string }
  | { readonly op: 'duplicateSlice'; readonly at: number; readonly length: number }
  | { readonly op: 'bom' };

/** Splices at a position that wraps around the text length (so shrinking keeps it inside). */
export function applyTextEdit(text: string, edit: TextEdit): string {
  const at = (n: number) => n % (text.length + 1);
  switch (edit.op) {
    case 'cut':
      return text.slice(0, at(edit.at));
    case 'cutTail':
      return text.slice(at(edit.at));
    case 'remove': {
      const start = at(edit.at);
      return text.slice(0, start) + text.slice(start + edit.length);
    }
    case 'insert': {
      const start = at(edit.at);
      return text.slice(0, start) + edit.text + text.slice(start);
    }
    case 'replaceChar': {
      const start = at(edit.at);
      return text.slice(0, start) + edit.text + text.slice(start + 1);
    }
    case 'duplicateSlice': {
      const start = at(edit.at);
      return text.slice(0, start) + text.slice(start, start + edit.length) + text.slice(start);
    }
    case 'bom':
      return '\uFEFF' + text;
  }
}

/** Characters that break parsers and offset arithmetic. */
export const NASTY_STRINGS: readonly string[] = [
  '\uFEFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDC00\uD800', '\u0000', '\u0001', '\u001f', '\u007f', '\u2028', '\u2029', '\u200b',
  '\u202e', '\u0301', 'e\u0301', '😀', '👨‍👩‍👧', '\r', '\n', '\r\n', '\t', '\\', '"', '\\"', '\\u', '\\uD800', '\\u0000', '{', '}', '[', ']', ',',
  ':', '"":', ',,', '{}', '[]', '/*', '*/', '//', '-', '0', '1e', '.5', 'NaN', 'Infinity', 'true', 'nul', '𝟘', 'ſ', 'İ', 'ß', '\uFFFF', '\uFFFE',
];

const jsonValueText = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null');

const valueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_VALUES) },
  { weight: 2, arbitrary: fc.constantFrom(...MEDIA_TYPE_STRINGS).map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: jsonValueText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((s) => JSON.stringify(s)) },
);

const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

const index = fc.nat({ max: 1 << 16 });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), node: index, member: index }),
  fc.record({ op: fc.constant('duplicate' as const), node: index, member: index, retype: fc.option(valueArb, { nil: undefined }) }),
  fc.record({ op: fc.constant('retype' as const), node: index, member: index, value: valueArb }),
  fc.record({ op: fc.constant('swapMediaType' as const), node: index, member: index, mediaType: fc.oneof(fc.constantFrom(...MEDIA_TYPE_STRINGS), fc.constantFrom('', 'application/json', 'application/vnd.oci.image.manifest.v1+json ', 'APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON', 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'text/plain; charset=utf-8')) }),
  fc.record({ op: fc.constant('renameKey' as const), node: index, member: index, key: keyArb }),
  fc.record({ op: fc.constant('insertMember' as const), node: index, key: keyArb, value: valueArb }),
  fc.record({ op: fc.constant('copySubtree' as const), node: index, member: index, from: index }),
);

const nastyText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

const position = fc.nat({ max: 1 << 20 });

export const textEditArb: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ op: fc.constant('cut' as const), at: position }),
  fc.record({ op: fc.constant('cutTail' as const), at: position }),
  fc.record({ op: fc.constant('remove' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, text: nastyText }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replaceChar' as const), at: position, text: nastyText }) },
  fc.record({ op: fc.constant('duplicateSlice' as const), at: position, length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('bom' as const) }),
);

export const styleArb: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom('' as const, '  ' as const, '\t' as const, '    ' as const),
  newline: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const),
  spaceAfterColon: fc.boolean(),
});

/** How the service is called for one input: the options validation gets, where features are asked. */
export interface CallPlan {
  /** Fractions of the text length (0..1), mapped to offsets: where completion and hover are asked. */
  readonly probes: readonly number[];
  /** A random rules setting and size limit, or none. */
  readonly rules?: Record<string, 'off' | 'error' | 'warning' | 'information' | 'hint'>;
  readonly maxValidationSize?: number;
  readonly useLayout: boolean;
}

const probeArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 2 });

export const callPlanArb: fc.Arbitrary<CallPlan> = fc.record(
  {
    probes: probeArb,
    rules: fc.option(
      fc.dictionary(
        fc.constantFrom('wrong-type', 'invalid-digest', 'missing-property', 'unknown-media-type', 'validation-limited', 'syntax-error', 'nonexistent-code'),
        fc.constantFrom('off' as const, 'error' as const, 'warning' as const, 'information' as const, 'hint' as const),
        { maxKeys: 3 },
      ),
      { nil: undefined },
    ),
    maxValidationSize: fc.option(fc.oneof(fc.nat({ max: 4096 }), fc.constant(0)), { nil: undefined, freq: 8 }),
    useLayout: fc.boolean(),
  },
  { requiredKeys: ['probes', 'useLayout'] },
);

export interface FixtureCase {
  readonly fixture: number;
  readonly style?: Style;
  readonly mutations: readonly Mutation[];
  readonly edits: readonly TextEdit[];
  readonly plan: CallPlan;
}

/** A real fixture, re-serialized (maybe) with structural mutations, then text edits. */
export const fixtureCaseArb = (corpusSize: number): fc.Arbitrary<FixtureCase> =>
  fc.record({
    fixture: fc.nat({ max: corpusSize - 1 }),
    style: fc.option(styleArb, { nil: undefined, freq: 4 }),
    mutations: fc.array(mutationArb, { maxLength: 4 }),
    edits: fc.array(textEditArb, { maxLength: 3 }),
    plan: callPlanArb,
  });

export function buildFixtureCase(corpus: readonly CorpusEntry[], input: FixtureCase): { text: string; entry: CorpusEntry } {
  const entry = corpus[input.fixture % corpus.length];
  let text = entry.text;
  if (input.mutations.length > 0 || input.style) {
    let ast: Ast;
    try {
      ast = toAst(JSON.parse(text));
    } catch {
      ast = { t: 'raw', s: text };
    }
    for (const mutation of input.mutations) applyMutation(ast, mutation);
    text = serialize(ast, input.style ?? { indent: '', newline: '\n', spaceAfterColon: false });
  }
  for (const edit of input.edits) text = applyTextEdit(text, edit);
  return { text, entry };
}

/** Random JSON, from fast-check's own generators, with the same call plans. */
export const randomJsonArb: fc.Arbitrary<{ text: string; plan: CallPlan }> = fc.record({
  text: fc.oneof(fc.json({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value, null, 1) ?? 'null')),
  plan: callPlanArb,
});

/** A random manifest-shaped object: the keys the service looks at, with random values. */
export const manifestShapedArb: fc.Arbitrary<{ text: string; plan: CallPlan }> = fc.record({
  text: fc
    .array(fc.tuple(keyArb, fc.oneof(valueArb, fc.constant(`{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:${'a'.repeat(64)}","size":2}`))), { maxLength: 8 })
    .map((members) => `{${members.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  plan: callPlanArb,
});

/** Random strings (every code unit, lone surrogates included) and random bytes decoded as UTF-8. */
export const randomTextArb: fc.Arbitrary<{ text: string; plan: CallPlan }> = fc.record({
  text: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: fc.constantFrom(...'{}[]":,0123456789-+.eEtrufalsn \n\\/'.split('')), maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  ),
  plan: callPlanArb,
});

// ---------------------------------------------------------------------------------------------
// Properties

/** A hang detector, not a performance assertion: 2 s plus 1 ms per KiB of text. */
export function timeBoundMs(text: string): number {
  return 2000 + text.length / 1024;
}

function timed<T>(what: string, text: string, call: () => T): T {
  const start = performance.now();
  const result = call();
  const elapsed = performance.now() - start;
  const bound = timeBoundMs(text);
  assert.ok(elapsed <= bound, `${what} took ${elapsed.toFixed(0)} ms on ${text.length} characters (bound ${bound.toFixed(0)} ms)`);
  return result;
}

function assertRange(what: string, range: OffsetRange | undefined, length: number): void {
  assert.ok(range && typeof range === 'object', `${what}: no range`);
  const { start, end } = range;
  assert.ok(
    Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= length,
    `${what}: range ${JSON.stringify(range)} is outside 0..${length}`,
  );
}

function assertOffset(what: string, offset: number, length: number): void {
  assert.ok(Number.isInteger(offset) && 0 <= offset && offset <= length, `${what}: offset ${offset} is outside 0..${length}`);
}

function assertDiagnostics(diagnostics: readonly ManifestDiagnostic[], length: number): void {
  assert.ok(Array.isArray(diagnostics), 'validateDocument returns an array');
  for (const d of diagnostics) {
    assertRange(`diagnostic ${d.code} "${d.message}"`, d.range, length);
    assert.equal(typeof d.message, 'string');
    for (const fix of d.fixes ?? []) {
      assertRange(`fix "${fix.title}" of ${d.code}`, fix.range, length);
      for (const extra of fix.additionalEdits ?? []) assertRange(`additional edit of fix "${fix.title}" of ${d.code}`, extra.range, length);
    }
  }
}

function assertSymbols(symbols: readonly DocumentSymbol[], length: number): void {
  for (const symbol of symbols) {
    assertRange(`symbol ${symbol.name}`, symbol.range, length);
    assertRange(`selection of symbol ${symbol.name}`, symbol.selectionRange, length);
    if (symbol.children) assertSymbols(symbol.children, length);
  }
}

export interface ServiceOutcome {
  diagnostics: ManifestDiagnostic[];
  features: unknown;
}

function probeOffsets(text: string, probes: readonly number[]): number[] {
  return probes.map((p) => Math.min(text.length, Math.floor(p * (text.length + 1))));
}

/** One full pass over the service; `featuresFirst` changes the order calls touch the lazy tree. */
function runService(text: string, options: ValidationOptions, plan: CallPlan, featuresFirst: boolean): ServiceOutcome {
  const parsed = timed('parseDocument', text, () => parseDocument(text));
  const length = text.length;
  const validate = () => {
    const diagnostics = timed('validateDocument', text, () => validateDocument(parsed, options));
    assertDiagnostics(diagnostics, length);
    return diagnostics;
  };
  let diagnostics: ManifestDiagnostic[] | undefined;
  if (!featuresFirst) diagnostics = validate();

  const offsets = probeOffsets(text, plan.probes);
  const completions = offsets.map((offset) =>
    timed('getCompletions', text, () => getCompletions(parsed, offset, { snippetSupport: offset % 2 === 0 })),
  );
  for (const result of completions) {
    for (const item of result.items) {
      assertRange(`completion "${item.label}"`, item.textEdit.range, length);
      for (const extra of item.additionalEdits ?? []) assertRange(`additional edit of completion "${item.label}"`, extra.range, length);
    }
  }
  const hovers = offsets.map((offset) => timed('getHover', text, () => getHover(parsed, offset)));
  for (const hover of hovers) if (hover) assertRange('hover', hover.range, length);
  const symbols = timed('getDocumentSymbols', text, () => getDocumentSymbols(parsed));
  assertSymbols(symbols, length);
  const hints = timed('getInlayHints', text, () => getInlayHints(parsed));
  const someHints = timed('getInlayHints(range)', text, () => getInlayHints(parsed, { start: Math.min(...offsets), end: Math.max(...offsets) }));
  for (const hint of [...hints, ...someHints]) assertOffset(`inlay hint "${hint.label}"`, hint.offset, length);
  const conversions = [timed('conversionEdits(oci)', text, () => conversionEdits(parsed, 'oci')), timed('conversionEdits(docker)', text, () => conversionEdits(parsed, 'docker'))];
  for (const edits of conversions) for (const edit of edits ?? []) assertRange('conversion edit', edit.range, length);

  if (featuresFirst) diagnostics = validate();
  const actions = timed('getCodeActions', text, () => getCodeActions(parsed, { start: 0, end: length }, diagnostics!));
  for (const action of actions) for (const edit of action.edits ?? []) assertRange(`code action "${action.title}"`, edit.range, length);

  if (!featuresFirst) {
    // A second validation of the same parse: caches inside the parse must not change the answer.
    const again = timed('validateDocument (again)', text, () => validateDocument(parsed, options));
    assert.deepEqual(again, diagnostics, 'validating the same parse twice gives the same diagnostics');
  }

  return { diagnostics: diagnostics!, features: { completions, hovers, symbols, hints, someHints, conversions, actions } };
}

/**
 * The properties for one text: nothing throws, every range lies inside the text, two fresh passes
 * (in different call orders) agree, and every call ends within `timeBoundMs`.
 */
export function checkService(text: string, plan: CallPlan, entry?: CorpusEntry): void {
  const options: ValidationOptions = {
    rules: plan.rules,
    maxValidationSize: plan.maxValidationSize,
    context: plan.useLayout && entry?.blobs ? { blobs: entry.blobs, isLayoutIndex: entry.isLayoutIndex } : plan.useLayout ? { isLayoutIndex: true } : undefined,
  };
  const first = runService(text, options, plan, false);
  const second = runService(text, options, plan, true);
  assert.deepEqual(second.diagnostics, first.diagnostics, 'diagnostics are deterministic');
  assert.deepEqual(second.features, first.features, 'features are deterministic');
  const digest = documentDigest(text);
  assert.deepEqual(documentDigest(text), digest);
  // Positions and offsets convert back and forth (except inside a \r\n pair, which has no position).
  const lines = new LineIndex(text);
  for (const offset of probeOffsets(text, plan.probes)) {
    if (text[offset - 1] === '\r' && text[offset] === '\n') continue;
    assert.equal(lines.offsetAt(lines.positionAt(offset)), offset, `LineIndex round trip at ${offset}`);
  }
}

/** For failure messages: the text as a JSON string, cut to a readable length. */
export function describeText(text: string, max = 2000): string {
  const json = JSON.stringify(text);
  return json.length > max ? `${json.slice(0, max)}… (${text.length} characters)` : json;
}

/**
 * Set by the long runner: `onCase` is told each text before it is checked (progress and hang
 * reports); `tolerate` may accept a failure of an already reported kind (FUZZ_KNOWN), so the run
 * goes on looking for other kinds instead of stopping at the first case of a known one.
 */
export const fuzzHooks: { onCase?: (text: string) => void; tolerate?: (error: unknown, text: string) => boolean } = {};

/** Runs `checkService` and, when it fails, says which text failed (fast-check shows the case). */
export function checkWithText(text: string, plan: CallPlan, entry?: CorpusEntry): void {
  fuzzHooks.onCase?.(text);
  try {
    checkService(text, plan, entry);
  } catch (error) {
    if (fuzzHooks.tolerate?.(error, text)) return;
    const message = error instanceof Error ? error.message : String(error);
    const wrapped = new Error(`${message}\ntext: ${describeText(text)}\nplan: ${JSON.stringify(plan)}${entry ? `\nfixture: ${entry.name}` : ''}`);
    if (error instanceof Error) wrapped.stack = `${wrapped.message}\n${error.stack ?? ''}`;
    throw wrapped;
  }
}

/** The named properties, shared by the seeded suite and the long run. */
export function properties(): Record<string, fc.IProperty<never>> {
  const corpus = loadCorpus();
  return {
    fixtures: fc.property(fixtureCaseArb(corpus.length), (input) => {
      const { text, entry } = buildFixtureCase(corpus, input);
      checkWithText(text, input.plan, entry);
    }) as unknown as fc.IProperty<never>,
    randomJson: fc.property(randomJsonArb, ({ text, plan }) => checkWithText(text, plan)) as unknown as fc.IProperty<never>,
    manifestShaped: fc.property(manifestShapedArb, ({ text, plan }) => checkWithText(text, plan)) as unknown as fc.IProperty<never>,
    randomText: fc.property(randomTextArb, ({ text, plan }) => checkWithText(text, plan)) as unknown as fc.IProperty<never>,
  };
}

/** Share of the runs each property gets (fixture mutations matter most). */
export const PROPERTY_WEIGHTS: Readonly<Record<string, number>> = { fixtures: 0.45, randomJson: 0.2, manifestShaped: 0.15, randomText: 0.2 };
