import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO, runCli, tempDir, type JsonOutput } from './cli-harness';

const MISSING_SIZE = path.join(REPO, 'test', 'fixtures', 'reported', '07-descriptor-missing-size.json');

describe('symlinked files and the validation size limit', () => {
  it('checks a symlink to a file inside the folder like the file itself, and skips one that leaves it', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'fixtures'));
    fs.copyFileSync(MISSING_SIZE, path.join(dir, 'fixtures', 'real.json'));
    fs.symlinkSync(path.join(dir, 'fixtures', 'real.json'), path.join(dir, 'fixtures', 'alias.json'));
    fs.symlinkSync(MISSING_SIZE, path.join(dir, 'fixtures', 'outside.json'));
    const run = runCli(['check', '--format', 'json', 'fixtures'], dir);
    assert.equal(run.status, 1, run.stderr);
    const files = (JSON.parse(run.stdout) as JsonOutput).files;
    assert.deepEqual(files.map((f) => f.path), [path.join('fixtures', 'alias.json'), path.join('fixtures', 'real.json')]);
    // Reported 07: the layer without `size` (the README of the fixtures), once per checked file.
    for (const file of files) assert.deepEqual(file.diagnostics.map((d) => d.code), ['missing-property']);
    const verbose = runCli(['check', '--verbose', 'fixtures'], dir);
    assert.match(verbose.stdout, /outside\.json: skipped: a symbolic link to outside the folder being checked/);
  });

  it('--max-validation-size limits a document to syntax and structure, and says so', () => {
    const dir = tempDir();
    const text = fs.readFileSync(MISSING_SIZE, 'utf8');
    fs.writeFileSync(path.join(dir, 'm.json'), text);
    const limited = runCli(['check', '--format', 'json', '--max-validation-size', '100', 'm.json'], dir);
    const codes = (JSON.parse(limited.stdout) as JsonOutput).files[0].diagnostics.map((d) => d.code);
    assert.ok(codes.includes('validation-limited'), codes.join(', '));
    assert.ok(codes.includes('missing-property'), 'structure is still checked');
    const full = runCli(['check', '--format', 'json', 'm.json'], dir);
    assert.ok(!(JSON.parse(full.stdout) as JsonOutput).files[0].diagnostics.some((d) => d.code === 'validation-limited'));
    assert.equal(runCli(['check', '--max-validation-size', 'lots', 'm.json'], dir).status, 2);
  });
});

describe('layout blobs above --verify-max-size', () => {
  it('are counted in a line of their own, so "0 errors" does not hide unhashed digests', () => {
    const layout = path.join(REPO, 'examples', 'real', 'umoci-layout');
    const blobDir = path.join(layout, 'blobs', 'sha256');
    // Every blob of this umoci layout is named by a descriptor, so each one is asked for.
    const limit = 200;
    const larger = fs.readdirSync(blobDir).filter((name) => fs.statSync(path.join(blobDir, name)).size > limit).length;
    const result = runCli(['check', '--verify-max-size', String(limit), layout]);
    assert.equal(result.status, 0, result.stdout);
    assert.ok(result.stdout.includes(`${larger} layout blobs not verified: larger than ${limit} bytes (--verify-max-size`), result.stdout);
    // The smaller ones were hashed and matched.
    const smaller = fs.readdirSync(blobDir).length - larger;
    assert.ok(result.stdout.includes(`${smaller} layout blob${smaller === 1 ? '' : 's'} verified by digest: 0 mismatched`), result.stdout);
  });
});
