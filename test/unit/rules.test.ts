/**
 * The rule tables as a whole: every code of codes.ts and every rule area has cases (the cases run
 * in rules-<area>.test.ts), documents that are not manifests get nothing, per-code settings, and
 * the positions the helpers compute.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DIAGNOSTIC_CODES, LineIndex, parseDocument, validateDocument } from 'image-manifest-language-server';
import {
  REPO,
  check,
  codesOf,
  formatDiagnostics,
  json,
  ociManifest,
  ociLayer,
  rangeText,
  type RuleCase,
} from '../helpers/diagnostics';
import { CASES as annotationCases } from './rules-annotations.test';
import { CASES as configCases } from './rules-config.test';
import { CASES as descriptorCases } from './rules-descriptor.test';
import { CASES as documentCases } from './rules-document.test';
import { CASES as layoutCases } from './rules-layout.test';
import { CASES as manifestCases } from './rules-manifest.test';
import { CASES as platformCases } from './rules-platform.test';

const ALL_CASES: RuleCase[] = [...documentCases, ...descriptorCases, ...manifestCases, ...platformCases, ...annotationCases, ...configCases, ...layoutCases];

describe('rule coverage', () => {
  it('every code in codes.ts has a failing input and a passing twin', () => {
    const covered = new Set(ALL_CASES.filter((c) => codesOf(c).length === 1).flatMap(codesOf));
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((code) => !covered.has(code));
    assert.deepEqual(missing, [], 'codes without a single-code case');
  });

  it('every case names codes that exist', () => {
    const unknown = ALL_CASES.flatMap(codesOf).filter((code) => !(code in DIAGNOSTIC_CODES));
    assert.deepEqual(unknown, []);
  });

  it('case names are unique per code', () => {
    const seen = new Set<string>();
    for (const c of ALL_CASES) {
      const key = `${codesOf(c).join('|')}: ${c.name}`;
      assert.ok(!seen.has(key), `duplicate case ${key}`);
      seen.add(key);
    }
  });

  it('the default severity of each code follows the spec convention used by its cases', () => {
    for (const c of ALL_CASES) {
      if (c.options?.rules || codesOf(c).length !== 1) continue;
      const code = codesOf(c)[0] as keyof typeof DIAGNOSTIC_CODES;
      assert.equal(DIAGNOSTIC_CODES[code].severity, c.severity, `${code} (${c.name})`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Documents that are not manifests: the validator stays silent (the JSON language service owns
// their syntax).

const TSCONFIG = `{
  // Build settings
  "compilerOptions": {
    "target": "ES2022",
    "module": "node16", /* CommonJS output */
    "strict": true,
  },
  "include": ["src"],
}
`;

const VSCODE_SETTINGS = `{
  // Manifests are validated by the extension
  "editor.formatOnSave": true,
  "files.associations": { "oci-layout": "json", "**/blobs/sha256/*": "json" },
  "imageManifest.rules": { "duplicate-key": "off", },
  "json.schemas": [],
}
`;

const DOCKER_SAVE_MANIFEST = JSON.stringify([
  {
    Config: 'blobs/sha256/0f14fc04614ef04cf75347874ae94ce1be63280950f7d3b3ab05b3d97acdf568',
    RepoTags: ['hello:latest'],
    Layers: ['blobs/sha256/e217ba2604196aaab234c5ffd63d81be10119e723a608112dbf463d2403c473e'],
    LayerSources: {},
  },
]);

const NOT_MANIFESTS: Array<[string, string]> = [
  ["the repository's package.json", fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')],
  ['a package.json with "config" and "os" members', JSON.stringify({ name: 'x', version: '1.0.0', config: { port: 8080 }, os: ['linux'], cpu: ['x64'] }, null, 2)],
  ["the repository's tsconfig.json", fs.readFileSync(path.join(REPO, 'tsconfig.json'), 'utf8')],
  ['a tsconfig.json with comments and trailing commas', TSCONFIG],
  ['a VS Code settings.json with comments and trailing commas', VSCODE_SETTINGS],
  ['a JSON array', '[1, 2, 3]'],
  ['docker save manifest.json (an array)', DOCKER_SAVE_MANIFEST],
  ['an empty object', '{}'],
  ['empty text', ''],
  ['only whitespace', '  \n\t\n'],
  ['a JSON string', '"application/vnd.oci.image.manifest.v1+json"'],
  ['a JSON number', '2'],
  ['null', 'null'],
  ['a JSON Schema that mentions manifest members', JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { schemaVersionX: { type: 'integer' }, mediaType: { type: 'string' } } }, null, 2)],
];

describe('documents that are not manifests get zero diagnostics', () => {
  for (const [name, text] of NOT_MANIFESTS) {
    it(name, () => {
      const all = check(text);
      assert.deepEqual(all.map((d) => `${d.severity} ${d.code}@${d.path}`), [], formatDiagnostics(all));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Per-code settings.

const STRING_SIZE = json({ ...ociManifest(), layers: [{ ...ociLayer(), size: '12' }] });
const NO_MEDIA_TYPE = json({ schemaVersion: 2, config: ociManifest().config, layers: [ociLayer()] });

describe('rules settings', () => {
  it('baseline: the inputs have the codes the settings act on', () => {
    assert.ok(check(STRING_SIZE).some((d) => d.code === 'wrong-type' && d.severity === 'error'));
    assert.ok(check(NO_MEDIA_TYPE).some((d) => d.code === 'missing-media-type' && d.severity === 'warning'));
  });

  it("'off' removes the code and nothing else", () => {
    const before = check(STRING_SIZE);
    const after = check(STRING_SIZE, { rules: { 'wrong-type': 'off' } });
    assert.ok(!after.some((d) => d.code === 'wrong-type'));
    assert.deepEqual(
      after.map((d) => `${d.code}@${d.path}`),
      before.filter((d) => d.code !== 'wrong-type').map((d) => `${d.code}@${d.path}`),
    );
  });

  it("'hint' changes the severity and keeps the range and message", () => {
    const before = check(NO_MEDIA_TYPE).filter((d) => d.code === 'missing-media-type');
    const after = check(NO_MEDIA_TYPE, { rules: { 'missing-media-type': 'hint' } }).filter((d) => d.code === 'missing-media-type');
    assert.equal(after.length, before.length);
    assert.ok(after.length > 0);
    for (const [i, d] of after.entries()) {
      assert.equal(d.severity, 'hint');
      assert.deepEqual(d.range, before[i].range);
      assert.equal(d.message, before[i].message);
    }
  });

  it("'error' raises a warning, 'information' lowers an error", () => {
    assert.ok(check(NO_MEDIA_TYPE, { rules: { 'missing-media-type': 'error' } }).every((d) => d.code !== 'missing-media-type' || d.severity === 'error'));
    const lowered = check(STRING_SIZE, { rules: { 'wrong-type': 'information' } });
    assert.ok(lowered.some((d) => d.code === 'wrong-type' && d.severity === 'information'));
    assert.ok(!lowered.some((d) => d.code === 'wrong-type' && d.severity === 'error'));
  });

  it('settings for other or unknown codes change nothing', () => {
    const before = check(STRING_SIZE);
    const after = check(STRING_SIZE, { rules: { 'duplicate-key': 'off', 'no-such-code': 'off' } });
    assert.deepEqual(after, before);
  });

  it('every code can be turned off', () => {
    const rules = Object.fromEntries(Object.keys(DIAGNOSTIC_CODES).map((code) => [code, 'off' as const]));
    for (const c of ALL_CASES) assert.deepEqual(check(c.bad, { rules }), [], c.name);
  });
});

// ---------------------------------------------------------------------------------------------
// Positions: the helper's paths, texts and line/character agree with the service's LineIndex.

describe('diagnostic positions', () => {
  it('line and character are 0-based and point at the offending token', () => {
    const text = json({ ...ociManifest(), layers: [{ ...ociLayer(), size: '12' }] });
    const [d] = check(text).filter((x) => x.code === 'wrong-type');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"size": "12"'));
    assert.deepEqual(d.start, { line, character: lines[line].indexOf('"12"') });
    assert.deepEqual(d.end, { line, character: lines[line].indexOf('"12"') + 4 });
    assert.equal(rangeText(text, d), '"12"');
    assert.equal(d.path, '$.layers[0].size');
  });

  it('CRLF line ends count as one line break', () => {
    const text = json({ ...ociManifest(), layers: [{ ...ociLayer(), size: '12' }] }).replace(/\n/g, '\r\n');
    const [d] = check(text).filter((x) => x.code === 'wrong-type');
    assert.equal(d.text, '"12"');
    const lines = text.split('\r\n');
    const line = lines.findIndex((l) => l.includes('"size": "12"'));
    assert.deepEqual(d.start, { line, character: lines[line].indexOf('"12"') });
  });

  it("the service's LineIndex agrees with the helper for every case", () => {
    for (const c of ALL_CASES) {
      const lineIndex = new LineIndex(c.bad);
      for (const d of check(c.bad, c.options)) {
        assert.deepEqual(lineIndex.rangeAt(d.range), { start: d.start, end: d.end }, `${c.name}: ${d.code}`);
        assert.equal(lineIndex.offsetAt(d.start), d.range.start, `${c.name}: ${d.code}`);
      }
    }
  });

  it('ranges lie inside the text and diagnostics come sorted by position', () => {
    for (const c of ALL_CASES) {
      const diagnostics = validateDocument(parseDocument(c.bad), c.options);
      let previous = -1;
      for (const d of diagnostics) {
        assert.ok(d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= c.bad.length, `${c.name}: ${d.code}`);
        assert.ok(d.range.start >= previous, `${c.name}: sorted`);
        previous = d.range.start;
      }
    }
  });

  it('every fix edit lies inside the text', () => {
    for (const c of ALL_CASES) {
      for (const d of check(c.bad, c.options)) {
        for (const fix of d.fixes ?? []) {
          for (const edit of [fix, ...(fix.additionalEdits ?? [])]) {
            assert.ok(edit.range.start >= 0 && edit.range.start <= edit.range.end && edit.range.end <= c.bad.length, `${c.name}: ${d.code} ${fix.title}`);
          }
        }
      }
    }
  });
});
