import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REAL, runCli, tempDir, TRUNCATED_MANIFEST, type JsonOutput } from './cli-harness';

const KINDS = ['oci-manifest', 'oci-index', 'docker-manifest', 'docker-manifest-list', 'docker-schema1', 'oci-config', 'docker-config', 'oci-layout', 'unknown'];
const SEVERITIES = ['error', 'warning', 'information', 'hint'];

/** Checks the documented shape key by key: no member missing, none extra, every type right. */
function assertShape(output: unknown): asserts output is JsonOutput {
  assert.ok(output && typeof output === 'object' && !Array.isArray(output));
  assert.deepEqual(Object.keys(output), ['files']);
  const { files } = output as { files: unknown };
  assert.ok(Array.isArray(files));
  for (const file of files as Record<string, unknown>[]) {
    assert.deepEqual(Object.keys(file), ['path', 'kind', 'diagnostics']);
    assert.equal(typeof file.path, 'string');
    assert.ok(KINDS.includes(file.kind as string), `kind ${String(file.kind)}`);
    assert.ok(Array.isArray(file.diagnostics));
    for (const d of file.diagnostics as Record<string, unknown>[]) {
      assert.deepEqual(Object.keys(d), ['code', 'severity', 'message', 'range']);
      assert.equal(typeof d.code, 'string');
      assert.ok(SEVERITIES.includes(d.severity as string));
      assert.equal(typeof d.message, 'string');
      const range = d.range as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(range), ['start', 'end']);
      for (const end of [range.start, range.end]) {
        assert.deepEqual(Object.keys(end), ['line', 'character']);
        assert.ok(Number.isInteger(end.line) && (end.line as number) >= 0);
        assert.ok(Number.isInteger(end.character) && (end.character as number) >= 0);
      }
    }
  }
}

describe('--format json', () => {
  it('lists the real fixtures with their kinds, sorted, with paths relative to the working directory', () => {
    const run = runCli(['check', '--format', 'json', REAL]);
    assert.equal(run.status, 0);
    const output: unknown = JSON.parse(run.stdout);
    assertShape(output);
    const paths = output.files.map((f) => f.path);
    assert.deepEqual(paths, [...paths].sort());
    assert.equal(new Set(paths).size, paths.length, 'no file twice');
    const kinds = new Map(output.files.map((f) => [f.path, f.kind]));
    const expected: Record<string, string> = {
      'registry-amd64.json': 'oci-manifest',
      'registry-amd64-v2s2.json': 'docker-manifest',
      'registry-multi-oci.json': 'oci-index',
      'dir-v2s2/manifest.json': 'docker-manifest',
      // skopeo converted umoci's OCI config byte for byte (same digest as in registry-amd64.json),
      // and the kind follows the content, not the Docker media type that refers to it.
      'dir-v2s2/f7afe8289aad57b717e0586262ab7458ddfc40d3b2a97019924e043eaa0584b0': 'oci-config',
      'umoci-layout/index.json': 'oci-index',
      'umoci-layout/oci-layout': 'oci-layout',
      'zstd-layout/index.json': 'oci-index',
    };
    for (const [file, kind] of Object.entries(expected)) assert.equal(kinds.get(path.join(REAL, file)), kind, file);
    for (const file of output.files) assert.ok(!file.diagnostics.some((d) => d.severity === 'error'), `${file.path} has no errors`);
  });

  it('keeps a path as given on the command line, only normalised', () => {
    const given = `./${REAL}/registry-amd64.json`;
    const output = JSON.parse(runCli(['check', '--format', 'json', given]).stdout) as JsonOutput;
    assert.deepEqual(output.files.map((f) => f.path), [path.normalize(given)]);
  });

  it('reports json-syntax with zero-based positions on a truncated manifest', () => {
    const dir = tempDir();
    // Two lines, so a line number off by one would show.
    fs.writeFileSync(path.join(dir, 'broken.json'), `\n  ${TRUNCATED_MANIFEST}`);
    const run = runCli(['check', '--format', 'json', 'broken.json'], dir);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const output: unknown = JSON.parse(run.stdout);
    assertShape(output);
    assert.equal(output.files.length, 1);
    assert.equal(output.files[0].path, 'broken.json');
    const syntax = output.files[0].diagnostics.filter((d) => d.code === 'json-syntax');
    assert.ok(syntax.length > 0, 'json-syntax reported');
    assert.equal(syntax[0].severity, 'error');
    // The document ends on line 1 (zero-based); the error sits there, at or before the end.
    assert.equal(syntax[0].range.start.line, 1);
    assert.ok(syntax[0].range.start.character <= 2 + TRUNCATED_MANIFEST.length);
  });

  it('drops a code turned off with --rule', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'broken.json'), TRUNCATED_MANIFEST);
    const output = JSON.parse(runCli(['check', '--format', 'json', '--rule', 'json-syntax=off', 'broken.json'], dir).stdout) as JsonOutput;
    assert.equal(output.files.length, 1);
    assert.deepEqual(output.files[0].diagnostics.filter((d) => d.code === 'json-syntax'), []);
  });

  it('keeps stdout parseable when a named file is not a manifest: the note goes to stderr', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "x", "version": "1.0.0"}');
    const run = runCli(['check', '--format', 'json', 'package.json'], dir);
    assert.equal(run.status, 0);
    assert.deepEqual(JSON.parse(run.stdout), { files: [] });
    assert.match(run.stderr, /^package\.json: note: not checked: not a manifest/);
  });
});
