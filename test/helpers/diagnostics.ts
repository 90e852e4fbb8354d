/**
 * Test helpers for the validator: run it on a text and describe each diagnostic by what a reader of
 * the document sees — the JSON path of the node it points at, the exact source text of its range and
 * 0-based line/character positions. Paths and positions are computed here, from our own jsonc-parser
 * parse and our own line scan, independently of the code under test.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as nodeTest from 'node:test';
import { findNodeAtOffset, getNodePath, parseTree, type JSONPath, type Node } from 'jsonc-parser';
import {
  parseDocument,
  validateDocument,
  type ManifestDiagnostic,
  type OffsetEdit,
  type Severity,
  type SuggestedEdit,
  type ValidationOptions,
} from 'image-manifest-language-server';

/** The repository root, from test/out/helpers/. */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');

export interface LineCharacter {
  line: number;
  character: number;
}

export interface CheckedDiagnostic extends ManifestDiagnostic {
  /** JSON path of the node the range covers (or starts in), e.g. `$.layers[1].size`. */
  path: string;
  /** The path as segments, as jsonc-parser's `getNodePath` gives it. */
  segments: JSONPath;
  /** The range covers a property name rather than a value. */
  onKey: boolean;
  /** The exact source text the range covers. */
  text: string;
  start: LineCharacter;
  end: LineCharacter;
}

/** Validates `text` and annotates every diagnostic with its path, source text and positions. */
export function check(text: string, options?: ValidationOptions): CheckedDiagnostic[] {
  const diagnostics = validateDocument(parseDocument(text), options);
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const lines = lineStarts(text);
  return diagnostics.map((d) => {
    const located = locate(root, d.range.start, d.range.end);
    return {
      ...d,
      path: formatPath(located.segments),
      segments: located.segments,
      onKey: located.onKey,
      text: rangeText(text, d),
      start: positionAt(lines, text, d.range.start),
      end: positionAt(lines, text, d.range.end),
    };
  });
}

/** The exact source text a diagnostic (or an edit) covers. */
export function rangeText(text: string, d: { range: { start: number; end: number } }): string {
  return text.slice(d.range.start, d.range.end);
}

/** `$.a.b[0]["key.with.dots"]`, the notation of the fixtures' README. */
export function formatPath(segments: JSONPath): string {
  return (
    '$' +
    segments
      .map((segment) => {
        if (typeof segment === 'number') return `[${segment}]`;
        return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
      })
      .join('')
  );
}

function locate(root: Node | undefined, start: number, end: number): { segments: JSONPath; onKey: boolean } {
  if (!root) return { segments: [], onKey: false };
  let node = findNodeAtOffset(root, start, start === end);
  if (!node) return { segments: [], onKey: false };
  // Prefer the innermost node whose extent is exactly the range (a key, a value, an element).
  for (let current: Node | undefined = node; current; current = current.parent) {
    if (current.offset === start && current.offset + current.length === end) {
      node = current;
      break;
    }
  }
  const onKey = node.parent?.type === 'property' && node.parent.children?.[0] === node;
  return { segments: getNodePath(node), onKey };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\r') {
      if (text[i + 1] === '\n') i++;
      starts.push(i + 1);
    } else if (ch === '\n') {
      starts.push(i + 1);
    }
  }
  return starts;
}

function positionAt(starts: number[], text: string, offset: number): LineCharacter {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= clamped) line++;
  return { line, character: clamped - starts[line] };
}

/** Applies a fix (and its additional edits) to `text`. */
export function applyFix(text: string, fix: SuggestedEdit): string {
  const edits: OffsetEdit[] = [{ range: fix.range, newText: fix.newText }, ...(fix.additionalEdits ?? [])];
  return applyEdits(text, edits);
}

export function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].range.end > sorted[i - 1].range.start) throw new Error('overlapping edits in one fix');
  }
  let result = text;
  for (const edit of sorted) result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
  return result;
}

/** Short readable form of diagnostics for assertion messages. */
export function formatDiagnostics(diagnostics: readonly CheckedDiagnostic[]): string {
  if (diagnostics.length === 0) return '(no diagnostics)';
  return diagnostics.map((d) => `  ${d.severity} ${d.code} at ${d.path} ${JSON.stringify(d.text)}: ${d.message}`).join('\n');
}

export function atLeast(severity: Severity): (d: ManifestDiagnostic) => boolean {
  const order: Severity[] = ['error', 'warning', 'information', 'hint'];
  const limit = order.indexOf(severity);
  return (d) => order.indexOf(d.severity) <= limit;
}

/** `sha256:` + hex of the bytes. */
export function sha256(content: string | Buffer): string {
  return 'sha256:' + createHash('sha256').update(content).digest('hex');
}

/** A made-up but well-formed sha256 digest, distinct per seed. */
export function fakeDigest(seed: string): string {
  return sha256(`image-manifest test ${seed}`);
}

/** Every file below `dir`, relative paths with `/`, sorted. */
export function listFiles(dir: string): string[] {
  const result: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) result.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return result.sort();
}

/** Whether the bytes look like a JSON object: first non-whitespace byte `{`. */
export function sniffJsonObject(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Documents built by hand from the spec text, and a raw-token escape for numbers JSON.stringify
// cannot write (`1.0`, `1e3`, integers above 2^53).

export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  empty: 'application/vnd.oci.empty.v1+json',
  scratch: 'application/vnd.oci.scratch.v1+json',
  artifactManifest: 'application/vnd.oci.artifact.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  inToto: 'application/vnd.in-toto+json',
} as const;

export const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

const RAW_MARK = '@@raw-token@@';

/** A value that `json()` writes verbatim, e.g. `raw('1e3')`. */
export function raw(token: string): string {
  return `${RAW_MARK}${token}${RAW_MARK}`;
}

/** Pretty JSON (2 spaces), with `raw()` values written as bare tokens. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(new RegExp(`"${RAW_MARK}(.*?)${RAW_MARK}"`, 'g'), (_, token: string) => token);
}

type Json = Record<string, any>;

export function ociConfigDescriptor(): Json {
  return { mediaType: MT.ociConfig, digest: fakeDigest('config'), size: 1470 };
}

export function ociLayer(seed = 'layer'): Json {
  return { mediaType: MT.ociLayerGzip, digest: fakeDigest(seed), size: 32654 };
}

export function emptyDescriptor(): Json {
  return { mediaType: MT.empty, digest: EMPTY_DIGEST, size: 2 };
}

/** A valid OCI image manifest with one gzip layer. */
export function ociManifest(): Json {
  return { schemaVersion: 2, mediaType: MT.ociManifest, config: ociConfigDescriptor(), layers: [ociLayer()] };
}

/** A valid OCI 1.1 artifact: image manifest, empty config, `artifactType`, one payload layer. */
export function ociArtifact(): Json {
  return {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    artifactType: 'application/vnd.example.sbom.v1+json',
    config: emptyDescriptor(),
    layers: [{ mediaType: 'application/vnd.example.sbom.v1+json', digest: fakeDigest('sbom'), size: 812 }],
  };
}

/** A valid Docker image manifest v2 schema 2. */
export function dockerManifest(): Json {
  return {
    schemaVersion: 2,
    mediaType: MT.dockerManifest,
    config: { mediaType: MT.dockerConfig, digest: fakeDigest('docker-config'), size: 1470 },
    layers: [{ mediaType: MT.dockerLayerGzip, digest: fakeDigest('docker-layer'), size: 32654 }],
  };
}

export function platformChild(mediaType: string, seed: string, platform: Json): Json {
  return { mediaType, digest: fakeDigest(seed), size: 1024, platform };
}

/** A valid OCI index: linux/amd64 and linux/arm64/v8. */
export function ociIndex(): Json {
  return {
    schemaVersion: 2,
    mediaType: MT.ociIndex,
    manifests: [
      platformChild(MT.ociManifest, 'amd64', { architecture: 'amd64', os: 'linux' }),
      platformChild(MT.ociManifest, 'arm64', { architecture: 'arm64', os: 'linux', variant: 'v8' }),
    ],
  };
}

/** A valid Docker manifest list: linux/amd64 and linux/arm64/v8. */
export function dockerList(): Json {
  return {
    schemaVersion: 2,
    mediaType: MT.dockerList,
    manifests: [
      platformChild(MT.dockerManifest, 'amd64', { architecture: 'amd64', os: 'linux' }),
      platformChild(MT.dockerManifest, 'arm64', { architecture: 'arm64', os: 'linux', variant: 'v8' }),
    ],
  };
}

/** A valid OCI image config with two layers and matching history. */
export function imageConfig(): Json {
  return {
    created: '2024-01-31T12:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/bin:/usr/bin'], Cmd: ['sh'], ExposedPorts: { '80/tcp': {} }, WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [fakeDigest('diff-1'), fakeDigest('diff-2')] },
    history: [
      { created: '2024-01-31T12:00:00Z', created_by: 'ADD rootfs.tar /' },
      { created: '2024-01-31T12:00:01Z', created_by: 'ENV PATH=/usr/local/bin:/usr/bin', empty_layer: true },
      { created: '2024-01-31T12:00:02Z', created_by: 'COPY app /app' },
    ],
  };
}

/** A valid unsigned Docker schema 1 manifest (deprecated). */
export function schema1Manifest(): Json {
  return {
    schemaVersion: 1,
    name: 'library/hello',
    tag: 'latest',
    architecture: 'amd64',
    fsLayers: [{ blobSum: fakeDigest('schema1-layer') }],
    history: [{ v1Compatibility: '{"id":"x"}' }],
  };
}

// ---------------------------------------------------------------------------------------------
// Table-driven rule cases: a failing input, where each diagnostic must be, and a passing twin.

/** Where one expected diagnostic must be: its JSON path and the exact text its range covers. */
export interface Where {
  path: string;
  /** The exact source text; several strings when the spec allows more than one placement. */
  text: string | readonly string[];
  /** The path of the alternative placements `text[1..]`, when it differs from `path`. */
  altPath?: string;
}

export interface RuleCase {
  name: string;
  /** The code; several when the code list has two fitting codes and the spec does not pick one. */
  code: string | readonly string[];
  severity: Severity;
  bad: string;
  good: string;
  /** One entry per expected diagnostic of `code`; the count must match exactly. */
  where: readonly Where[];
  /** A word the message must contain (from the spec, not from the implementation). */
  message?: RegExp;
  /** The spec or the reported fixture asks for a quick fix. */
  fix?: boolean;
  /** Other codes (of error or warning severity) that the failing input rightly has as well. */
  alsoInBad?: readonly string[];
  /** Codes (of error or warning severity) that the passing twin rightly has. */
  alsoInGood?: readonly string[];
  options?: ValidationOptions;
  /** Options for the passing twin when they differ (what a reader learned from its bytes). */
  goodOptions?: ValidationOptions;
}

export function codesOf(c: RuleCase): readonly string[] {
  return typeof c.code === 'string' ? [c.code] : c.code;
}

const SERIOUS = atLeast('warning');

/**
 * For each case: the failing input has exactly the expected diagnostics of the code, with the
 * severity, path and range text; the passing twin has none of that code and no other error or
 * warning; applying each of the diagnostics' first fix removes it and adds no error.
 */
export function runRuleCases(cases: readonly RuleCase[]): void {
  for (const c of cases) {
    const codes = codesOf(c);
    const label = `${codes.join('|')}: ${c.name}`;
    nodeTest.describe(label, () => {
      nodeTest.it('is reported on the failing input', () => {
        const all = check(c.bad, c.options);
        const found = all.filter((d) => codes.includes(d.code));
        const context = `\n${c.bad}\n--- got:\n${formatDiagnostics(all)}`;
        assert.equal(found.length, c.where.length, `expected ${c.where.length} × ${codes.join('|')}${context}`);
        const unmatched = [...found];
        for (const where of c.where) {
          const texts = typeof where.text === 'string' ? [where.text] : where.text;
          const paths = [where.path, where.altPath ?? where.path];
          const index = unmatched.findIndex((d) => texts.some((text, i) => d.text === text && d.path === (i === 0 ? paths[0] : paths[1])));
          assert.ok(index >= 0, `no ${codes.join('|')} at ${where.path} covering ${texts.map((t) => JSON.stringify(t)).join(' or ')}${context}`);
          const [d] = unmatched.splice(index, 1);
          assert.equal(d.severity, c.severity, `severity of ${d.code} at ${d.path}${context}`);
          if (c.message) assert.match(d.message, c.message, `message of ${d.code} at ${d.path}`);
          if (c.fix) assert.ok(d.fixes && d.fixes.length > 0, `${d.code} at ${d.path} offers no fix`);
          assert.ok(d.href.startsWith('https://'), `${d.code} links to the spec`);
        }
        const others = all.filter((d) => SERIOUS(d) && !codes.includes(d.code) && !(c.alsoInBad ?? []).includes(d.code));
        assert.deepEqual(others.map((d) => `${d.code}@${d.path}`), [], `unexpected other errors/warnings${context}`);
      });

      nodeTest.it('is absent from the passing twin', () => {
        const all = check(c.good, c.goodOptions ?? c.options);
        const context = `\n${c.good}\n--- got:\n${formatDiagnostics(all)}`;
        assert.deepEqual(all.filter((d) => codes.includes(d.code)).map((d) => `${d.code}@${d.path}`), [], `passing twin${context}`);
        const others = all.filter((d) => SERIOUS(d) && !(c.alsoInGood ?? []).includes(d.code));
        assert.deepEqual(others.map((d) => `${d.code}@${d.path}`), [], `passing twin has other errors/warnings${context}`);
      });

      const withFixes = check(c.bad, c.options).filter((d) => codes.includes(d.code) && d.fixes?.length);
      if (withFixes.length > 0) {
        nodeTest.it('its first fix removes it and adds no error', () => {
          for (const d of withFixes) assertFixWorks(c.bad, d, c.options);
        });
      }
    });
  }
}

/** Applying `d.fixes[0]` makes `d` go away and introduces no error. */
export function assertFixWorks(text: string, d: CheckedDiagnostic, options?: ValidationOptions): string {
  const fix = (d.fixes ?? [])[0];
  assert.ok(fix, `${d.code} at ${d.path} has a fix`);
  assert.ok(typeof fix.title === 'string' && fix.title.length > 0, 'the fix has a title');
  const before = check(text, options);
  const fixed = applyFix(text, fix);
  const after = check(fixed, options);
  const context = `\nfix ${JSON.stringify(fix.title)} of ${d.code} at ${d.path}\n--- fixed text:\n${fixed}\n--- got:\n${formatDiagnostics(after)}`;
  const sameBefore = before.filter((x) => x.code === d.code).length;
  const sameAfter = after.filter((x) => x.code === d.code);
  assert.ok(sameAfter.length < sameBefore, `the fixed diagnostic is still there${context}`);
  assert.ok(!sameAfter.some((x) => x.path === d.path && x.text === d.text), `still reported at ${d.path}${context}`);
  assert.ok(!after.some((x) => x.code === 'json-syntax'), `the fix broke the JSON${context}`);
  const errorsBefore = multiset(before.filter((x) => x.severity === 'error'));
  for (const e of after.filter((x) => x.severity === 'error')) {
    const key = `${e.code}@${e.path}`;
    const left = errorsBefore.get(key) ?? 0;
    assert.ok(left > 0, `the fix introduced the error ${key}${context}`);
    errorsBefore.set(key, left - 1);
  }
  return fixed;
}

function multiset(diagnostics: readonly CheckedDiagnostic[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of diagnostics) counts.set(`${d.code}@${d.path}`, (counts.get(`${d.code}@${d.path}`) ?? 0) + 1);
  return counts;
}

/** Documents that are valid by the spec: no diagnostic of error or warning severity. */
export function runValidDocuments(title: string, documents: ReadonlyArray<readonly [string, string]>): void {
  nodeTest.describe(title, () => {
    for (const [name, text] of documents) {
      nodeTest.it(name, () => {
        const all = check(text);
        const serious = all.filter(SERIOUS);
        assert.deepEqual(serious.map((d) => `${d.code}@${d.path}`), [], `${text}\n--- got:\n${formatDiagnostics(all)}`);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// OCI image layouts: our own blob store over `blobs/<alg>/<encoded>` (independent of the server's).

export interface TestBlobStore {
  readText(digest: string, maxBytes: number): string | undefined;
  stat(digest: string): { size: number } | 'missing' | undefined;
  head(digest: string, bytes: number): Uint8Array | undefined;
  /** Digests asked for, in order (to see that cross-checks really looked). */
  readonly requested: string[];
}

/** Blobs from a list of contents, each stored under its sha256 digest. */
export function memoryBlobs(contents: ReadonlyArray<string | Buffer>): TestBlobStore {
  const byDigest = new Map(contents.map((content) => [sha256(content), Buffer.from(content)]));
  const requested: string[] = [];
  return {
    requested,
    readText(digest, maxBytes) {
      requested.push(digest);
      const bytes = byDigest.get(digest);
      return bytes !== undefined && bytes.length <= maxBytes ? bytes.toString('utf8') : undefined;
    },
    stat(digest) {
      requested.push(digest);
      const bytes = byDigest.get(digest);
      return bytes === undefined ? 'missing' : { size: bytes.length };
    },
    head(digest, count) {
      requested.push(digest);
      return byDigest.get(digest)?.subarray(0, count);
    },
  };
}

/** Blobs of the layout at `dir`, read from `blobs/<alg>/<encoded>`. */
export function layoutBlobs(dir: string): TestBlobStore {
  const requested: string[] = [];
  const fileOf = (digest: string): string | undefined => {
    const match = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
    return match ? path.join(dir, 'blobs', match[1], match[2]) : undefined;
  };
  const statOf = (digest: string): fs.Stats | 'missing' | undefined => {
    const file = fileOf(digest);
    if (!file) return undefined;
    try {
      const stat = fs.lstatSync(file);
      return stat.isFile() ? stat : undefined;
    } catch {
      return 'missing';
    }
  };
  return {
    requested,
    readText(digest, maxBytes) {
      requested.push(digest);
      const stat = statOf(digest);
      if (stat === undefined || stat === 'missing' || stat.size > maxBytes) return undefined;
      return fs.readFileSync(fileOf(digest) as string, 'utf8');
    },
    stat(digest) {
      requested.push(digest);
      const stat = statOf(digest);
      return stat === undefined || stat === 'missing' ? stat : { size: stat.size };
    },
    head(digest, count) {
      requested.push(digest);
      const stat = statOf(digest);
      if (stat === undefined || stat === 'missing') return undefined;
      const buffer = Buffer.alloc(Math.min(count, stat.size));
      const fd = fs.openSync(fileOf(digest) as string, 'r');
      try {
        fs.readSync(fd, buffer, 0, buffer.length, 0);
      } finally {
        fs.closeSync(fd);
      }
      return buffer;
    },
  };
}
