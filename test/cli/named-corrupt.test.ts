import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTree } from 'jsonc-parser';
import { run } from 'image-manifest-language-server/out/cli/main';
import { firstSyntaxError } from 'image-manifest-language-server/out/cli/syntax';
import { REAL, REPO, runCli, tempDir, type JsonOutput } from './cli-harness';

/**
 * Where V8's JSON.parse says the text breaks, as a zero-based offset: its message names a position,
 * or the end of the input. Computed apart from the checker, which parses with jsonc-parser.
 */
function jsonParseBreak(text: string): number {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    if (/Unexpected end of JSON input/.test(message)) return text.length;
    const position = /at position (\d+)/.exec(message);
    if (position) return Number(position[1]);
    throw new Error(`JSON.parse gave no position: ${message}`);
  }
  throw new Error('valid JSON');
}

/** Zero-based line and character (UTF-16 units, as LSP and the JSON output count) of an offset. */
function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

interface SarifLog {
  runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] }[];
}

/**
 * The tester's files, and where the first json-syntax error starts (1-based line and column, as
 * text output prints them), worked out from the text: a missing closer or value is reported at the
 * end of the input, an unterminated string at its opening quote.
 */
const CORRUPT: { what: string; text: string; line: number; col: number }[] = [
  { what: 'a manifest cut after schemaVersion', text: '{"schemaVersion":2', line: 1, col: 19 },
  { what: 'a manifest cut inside a key', text: '{"schemaVersion":2,"mediaTy', line: 1, col: 20 },
  { what: 'an index cut after its opening bracket', text: '{"manifests":[', line: 1, col: 15 },
  { what: 'an unclosed array', text: '[1,2', line: 1, col: 5 },
  { what: 'a member without a value', text: '{"foo":', line: 1, col: 8 },
  { what: 'an indented manifest cut inside a key on line 3', text: '{\n  "schemaVersion": 2,\n  "mediaTy', line: 3, col: 3 },
  // Deeper than the service builds a tree for: the error is found without one.
  { what: '100,000 opening brackets', text: '['.repeat(100_000), line: 1, col: 100_001 },
];

describe('a corrupt file named on the command line', () => {
  for (const { what, text, line, col } of CORRUPT) {
    it(`${what}: exit 1, json-syntax error at ${line}:${col} in text, JSON and SARIF`, () => {
      // The table agrees with JSON.parse: where it says the text breaks lies inside the first error's range.
      const broken = positionOf(text, jsonParseBreak(text));
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'm.json'), text);

      const textRun = runCli(['check', 'm.json'], dir);
      assert.equal(textRun.status, 1, textRun.stdout + textRun.stderr);
      assert.equal(textRun.stderr, '');
      const first = textRun.stdout.split('\n')[0];
      assert.match(first, new RegExp(`^m\\.json:${line}:${col}: error json-syntax: \\S`));
      assert.doesNotMatch(textRun.stdout, /not checked/);
      assert.match(textRun.stdout, /^1 file checked: [1-9]\d* errors?, /m);

      const jsonRun = runCli(['check', '--format', 'json', 'm.json'], dir);
      assert.equal(jsonRun.status, 1);
      const output = JSON.parse(jsonRun.stdout) as JsonOutput;
      assert.equal(output.files.length, 1);
      assert.equal(output.files[0].path, 'm.json');
      assert.equal(output.files[0].kind, 'unknown');
      const diagnostics = output.files[0].diagnostics;
      assert.ok(diagnostics.length > 0 && diagnostics.every((d) => d.code === 'json-syntax' && d.severity === 'error'), JSON.stringify(diagnostics));
      const { start, end } = diagnostics[0].range;
      assert.deepEqual(start, { line: line - 1, character: col - 1 });
      const within = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
      assert.ok(within(start, broken) && within(broken, end), `JSON.parse breaks at ${JSON.stringify(broken)}, the first error spans ${JSON.stringify({ start, end })}`);

      const sarifRun = runCli(['check', '--format', 'sarif', 'm.json'], dir);
      assert.equal(sarifRun.status, 1);
      const results = (JSON.parse(sarifRun.stdout) as SarifLog).runs[0].results;
      assert.ok(results.length > 0);
      assert.deepEqual(
        { ruleId: results[0].ruleId, level: results[0].level, startLine: results[0].locations[0].physicalLocation.region.startLine, startColumn: results[0].locations[0].physicalLocation.region.startColumn },
        { ruleId: 'json-syntax', level: 'error', startLine: line, startColumn: col },
      );
    });
  }

  it('every proper prefix of a real manifest fails, named one at a time and all together', () => {
    const manifest = fs.readFileSync(path.join(REPO, REAL, 'registry-amd64.json'), 'utf8');
    // The file ends in a newline; without it the text is still the whole (valid) object, so the
    // proper prefixes of the object end one character before its closing brace.
    const object = manifest.trimEnd();
    assert.ok(object.endsWith('}'));
    const dir = tempDir();
    const names: string[] = [];
    for (let cut = 1; cut < object.length; cut++) {
      const name = `cut-${String(cut).padStart(4, '0')}.json`;
      fs.writeFileSync(path.join(dir, name), object.slice(0, cut));
      names.push(name);
    }
    const quiet = { stdout: () => {}, stderr: () => {} };
    const passed = names.filter((name) => run(['check', path.join(dir, name)], quiet) !== 1);
    assert.deepEqual(passed, [], 'prefixes that did not exit 1');

    // The real bin, all prefixes at once: each file has a json-syntax error of its own.
    const all = runCli(['check', '--format', 'json', ...names], dir);
    assert.equal(all.status, 1, all.stderr);
    const output = JSON.parse(all.stdout) as JsonOutput;
    assert.deepEqual(output.files.map((f) => f.path), names);
    for (const file of output.files) assert.ok(file.diagnostics.some((d) => d.code === 'json-syntax' && d.severity === 'error'), file.path);
  });

  it('--rule json-syntax=warning makes it a warning (exit 0); =off brings back the note', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'm.json'), '[1,2');
    const warning = runCli(['check', '--rule', 'json-syntax=warning', 'm.json'], dir);
    assert.equal(warning.status, 0, warning.stdout);
    assert.match(warning.stdout, /^m\.json:1:5: warning json-syntax: /);
    const off = runCli(['check', '--rule', 'json-syntax=off', 'm.json'], dir);
    assert.equal(off.status, 0, off.stdout);
    assert.equal(off.stdout, 'm.json: note: not checked: not valid JSON, and not recognisable as a manifest\n0 files checked: 0 errors, 0 warnings, 0 information\n');
  });

  it('empty and whitespace-only named files stay unreadable input (exit 2)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'empty.json'), '');
    fs.writeFileSync(path.join(dir, 'blank.json'), ' \n\t\r\n');
    for (const [name, reason] of [['empty.json', 'empty file'], ['blank.json', 'only whitespace']]) {
      const result = runCli(['check', name], dir);
      assert.equal(result.status, 2);
      assert.equal(result.stderr, `${name}: error: unreadable input: ${reason}, not a JSON document\n`);
    }
  });

  it('a layout blob named on the command line keeps its note: any bytes may be a blob', () => {
    const dir = tempDir();
    // JSON Lines: a blob an artifact may hold, not one JSON document.
    const lines = '{"a": 1}\n{"a": 2}\n';
    const hex = createHash('sha256').update(lines).digest('hex');
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion": "1.0.0"}');
    fs.writeFileSync(path.join(dir, 'index.json'), '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []}');
    fs.writeFileSync(path.join(dir, 'blobs', 'sha256', hex), lines);
    const blob = path.join('blobs', 'sha256', hex);
    const result = runCli(['check', blob], dir);
    assert.equal(result.status, 0, result.stdout);
    assert.equal(result.stdout, `${blob}: note: not checked: not valid JSON, and not recognisable as a manifest\n0 files checked: 0 errors, 0 warnings, 0 information\n`);
    // The same bytes in a file of its own are a corrupt document.
    fs.writeFileSync(path.join(dir, 'lines.json'), lines);
    const named = runCli(['check', 'lines.json'], dir);
    assert.equal(named.status, 1);
    assert.match(named.stdout, /^lines\.json:2:1: error json-syntax: End of file expected/);
  });

  it('named valid JSON that is no manifest still gets only the note (exit 0), however deep it nests', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "x", "version": "1.0.0"}');
    fs.writeFileSync(path.join(dir, 'deep.json'), '['.repeat(100_000) + ']'.repeat(100_000));
    const result = runCli(['check', 'deep.json', 'package.json'], dir);
    assert.equal(result.status, 0, result.stdout);
    assert.equal(
      result.stdout,
      'deep.json: note: not checked: not a manifest, index, image config or layout file\npackage.json: note: not checked: not a manifest, index, image config or layout file\n0 files checked: 0 errors, 0 warnings, 0 information\n',
    );
  });
});

describe('JSONC named on the command line', () => {
  it('a tsconfig.json with comments and trailing commas is a non-manifest, not a corrupt file: note, exit 0', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{\n  // strict mode\n  "compilerOptions": { "strict": true, },\n}\n');
    const result = runCli(['check', 'tsconfig.json'], dir);
    assert.equal(result.status, 0, result.stdout);
    assert.equal(result.stdout, 'tsconfig.json: note: not checked: not valid JSON, and not recognisable as a manifest\n0 files checked: 0 errors, 0 warnings, 0 information\n');
  });

  it('the same text cut off is corrupt: json-syntax, exit 1', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{\n  // strict mode\n  "compilerOptions": { "strict": true,');
    const result = runCli(['check', 'tsconfig.json'], dir);
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, /tsconfig\.json:\d+:\d+: error json-syntax:/);
  });
});

describe('broken JSON met while walking a folder', () => {
  it('a JSONC tsconfig.json is skipped (listed with -v), exit 0', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{\n  // strict mode\n  "compilerOptions": { "strict": true, },\n}\n');
    fs.copyFileSync(path.join(REPO, REAL, 'registry-amd64-v2s2.json'), path.join(dir, 'manifest.json'));
    const result = runCli(['check', '-v', '.'], dir);
    assert.equal(result.status, 0, result.stdout);
    assert.equal(result.stdout, 'tsconfig.json: skipped: not valid JSON, and not recognisable as a manifest\n1 file checked: 0 errors, 0 warnings, 0 information (1 skipped)\n');
    assert.equal(runCli(['check', '.'], dir).stdout, '1 file checked: 0 errors, 0 warnings, 0 information\n');
  });

  it('is reported once what was parsed looks like a manifest (schemaVersion and config), skipped before', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'recognisable'));
    fs.mkdirSync(path.join(dir, 'too-short'));
    fs.writeFileSync(path.join(dir, 'recognisable', 'm.json'), '{"schemaVersion":2,"config":{');
    fs.writeFileSync(path.join(dir, 'too-short', 'm.json'), '{"schemaVersion":2');
    const recognisable = runCli(['check', '--format', 'json', 'recognisable'], dir);
    assert.equal(recognisable.status, 1);
    const output = JSON.parse(recognisable.stdout) as JsonOutput;
    assert.equal(output.files[0].kind, 'oci-manifest');
    assert.ok(output.files[0].diagnostics.some((d) => d.code === 'json-syntax' && d.severity === 'error'));
    const tooShort = runCli(['check', '-v', 'too-short'], dir);
    assert.equal(tooShort.status, 0);
    assert.match(tooShort.stdout, /^too-short\/m\.json: skipped: not valid JSON, and not recognisable as a manifest$/m);
  });
});

describe('firstSyntaxError (the CLI finds errors in text too deep for a tree)', () => {
  /** jsonc-parser's first error as the service parses: the reference the CLI must agree with. */
  const reference = (text: string) => {
    const errors: { error: number; offset: number; length: number }[] = [];
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    return errors[0];
  };

  it('finds what jsonc-parser finds first, on every prefix of the real fixtures', () => {
    for (const name of ['registry-amd64.json', 'registry-amd64-v2s2.json', 'registry-multi-oci.json']) {
      const text = fs.readFileSync(path.join(REPO, REAL, name), 'utf8');
      for (let cut = 0; cut <= text.length; cut++) assert.deepEqual(firstSyntaxError(text.slice(0, cut)), reference(text.slice(0, cut)), `${name} cut at ${cut}`);
    }
  });

  it('finds what jsonc-parser finds first, on random JSON-like text', () => {
    // Mostly punctuation and good values, so that the structural errors come up as often as the lexical ones.
    const token = fc.oneof(
      { arbitrary: fc.constantFrom('{', '}', '[', ']', ',', ':', ' ', '\n', '"a"', '1', 'true', 'null'), weight: 15 },
      { arbitrary: fc.constantFrom('"b', '-', '1e', '0x1', 'nul', '//c\n', '/*', '*/', '"\\u12"', '"\\q"', '"\u0001"', 'x', '\ufeff'), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(firstSyntaxError(text), reference(text), JSON.stringify(text));
      }),
      { seed: 20240611, numRuns: 5000 },
    );
  });

  it('undefined for valid JSON, also nested 100,000 deep', () => {
    assert.equal(firstSyntaxError('{"a": [1, 2.5e3, "x", true, false, null, {}]}'), undefined);
    assert.equal(firstSyntaxError('['.repeat(100_000) + ']'.repeat(100_000)), undefined);
  });
});
