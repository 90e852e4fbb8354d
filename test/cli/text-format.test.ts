import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatText } from 'image-manifest-language-server/out/cli/format-text';
import { REAL, runCli, tempDir, TRUNCATED_MANIFEST, type JsonOutput } from './cli-harness';

const FINDING = /^(.+):(\d+):(\d+): (error|warning|information|hint) ([a-z0-9-]+): (.+)$/;

describe('--format text', () => {
  it('prints only the summary on valid files', () => {
    const run = runCli(['check', path.join(REAL, 'registry-amd64-v2s2.json'), path.join(REAL, 'registry-multi-oci.json')]);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '2 files checked: 0 errors, 0 warnings, 0 information\n');
  });

  it('puts findings at the JSON range start plus one, and counts them in the summary', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'm.json'), `\n\n    ${TRUNCATED_MANIFEST}`);
    const text = runCli(['check', 'm.json'], dir);
    const json = JSON.parse(runCli(['check', '--format', 'json', 'm.json'], dir).stdout) as JsonOutput;
    assert.equal(text.status, 1, text.stdout + text.stderr);

    const lines = text.stdout.trimEnd().split('\n');
    const summary = lines.pop();
    const diagnostics = json.files[0].diagnostics;
    assert.ok(diagnostics.some((d) => d.code === 'json-syntax'));
    assert.equal(lines.length, diagnostics.length);
    lines.forEach((line, i) => {
      const match = FINDING.exec(line);
      assert.ok(match, `finding line: ${line}`);
      const d = diagnostics[i];
      assert.deepEqual(match.slice(1), ['m.json', String(d.range.start.line + 1), String(d.range.start.character + 1), d.severity, d.code, d.message]);
    });
    const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
    assert.match(summary ?? '', new RegExp(`^1 file checked: ${count('error')} errors?, ${count('warning')} warnings?, ${count('information')} information`));
  });

  it('says so when a named JSON file is not a manifest, without making it an error (`check *.json` meets package.json)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{"compilerOptions": {"strict": true}}');
    const run = runCli(['check', 'tsconfig.json'], dir);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'tsconfig.json: note: not checked: not a manifest, index, image config or layout file\n0 files checked: 0 errors, 0 warnings, 0 information\n');
  });

  it('a named layer blob (gzip, zstd, tar), as `check blobs/sha256/*` names them: a note, exit 0', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'layer.tar.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
    fs.writeFileSync(path.join(dir, 'layer.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    const run = runCli(['check', 'layer.tar.gz', 'layer.zst'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'layer.tar.gz: note: not checked: gzip data, not a JSON document\nlayer.zst: note: not checked: zstd data, not a JSON document\n0 files checked: 0 errors, 0 warnings, 0 information\n');
  });

  it('a named file that is no JSON document at all (binary, empty, UTF-16): unreadable input, exit 2', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'garbage.json'), Buffer.from([0x01, 0x02, 0x00, 0xff]));
    fs.writeFileSync(path.join(dir, 'empty.json'), '');
    fs.writeFileSync(path.join(dir, 'utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"schemaVersion": 2}', 'utf16le')]));
    fs.writeFileSync(path.join(dir, 'good.json'), '{"compilerOptions": {}}');
    const expected: Record<string, string> = {
      'garbage.json': 'binary data, not a JSON document',
      'empty.json': 'empty file, not a JSON document',
      'utf16.json': 'UTF-16 text (JSON documents are UTF-8), not a JSON document',
    };
    for (const [name, reason] of Object.entries(expected)) {
      const run = runCli(['check', name, 'good.json'], dir);
      assert.equal(run.status, 2, `${name}: ${run.stderr}`);
      assert.equal(run.stderr, `${name}: error: unreadable input: ${reason}\n`);
      assert.equal(run.stdout, 'good.json: note: not checked: not a manifest, index, image config or layout file\n0 files checked: 0 errors, 0 warnings, 0 information\n');
    }
    // Found while walking the folder, the same files are skipped (listed with -v), exit 0; layer.tar.gz
    // does not even have a document's name there.
    const walked = runCli(['check', '-v', '.'], dir);
    assert.equal(walked.status, 0, walked.stderr);
    for (const [name, reason] of Object.entries(expected).filter(([name]) => name.endsWith('.json'))) assert.match(walked.stdout, new RegExp(`^${name.replace('.', '\\.')}: skipped: ${reason.replace(/[()]/g, '\\$&')}$`, 'm'));
  });

  it('formats severities and plurals', () => {
    const range = { start: { line: 4, character: 0 }, end: { line: 4, character: 3 } };
    const d = (severity: 'error' | 'warning' | 'information' | 'hint') => ({ code: 'c', severity, message: 'm', range, href: '' });
    const out = formatText(
      {
        files: [
          { status: 'checked', path: 'a.json', kind: 'oci-manifest', diagnostics: [d('error'), d('information'), d('hint'), d('hint')] },
          { status: 'skipped', path: 'blob', explicit: false, reason: 'gzip data, not a JSON document' },
        ],
        walkErrors: [],
      },
      true,
    );
    assert.equal(
      out,
      [
        'a.json:5:1: error c: m',
        'a.json:5:1: information c: m',
        'a.json:5:1: hint c: m',
        'a.json:5:1: hint c: m',
        'blob: skipped: gzip data, not a JSON document',
        '1 file checked: 1 error, 0 warnings, 1 information, 2 hints (1 skipped)',
        '',
      ].join('\n'),
    );
  });
});
