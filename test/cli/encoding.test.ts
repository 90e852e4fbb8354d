/**
 * The CLI reads bytes, so it can tell what an editor cannot: where a manifest stops being UTF-8.
 * Byte offsets come from iconv and character offsets from Python's decoder, not from our code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REAL, REPO, runCli, tempDir, type JsonOutput } from './cli-harness';

/** iconv's own report of the first ill-formed byte ("illegal input sequence at position N"). */
function iconvPosition(file: string): number {
  const run = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'UTF-8', file], { encoding: 'utf8' });
  const match = /illegal input sequence at position (\d+)/.exec(run.stderr);
  assert.ok(match, `iconv found the bad byte: ${run.stderr}`);
  return Number(match[1]);
}

/** Python's decoder: the UTF-16 column of its first U+FFFD (the position LSP clients use). */
function pythonReplacementColumn(file: string): number {
  const script = "import sys; t = open(sys.argv[1], 'rb').read().decode('utf-8', 'replace'); print(len(t[:t.index('\\ufffd')].encode('utf-16-le')) // 2)";
  const run = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return Number(run.stdout.trim());
}

/** The real registry-served manifest with an annotation whose value is given as bytes. */
function realManifestWithTitle(title: Buffer): Buffer {
  const text = fs.readFileSync(path.join(REPO, REAL, 'registry-amd64.json'), 'utf8').trimEnd();
  assert.ok(text.endsWith('}'));
  return Buffer.concat([Buffer.from(`${text.slice(0, -1)},"annotations":{"org.opencontainers.image.title":"`), title, Buffer.from('"}}')]);
}

describe('check: bytes that are not UTF-8', () => {
  it('a Latin-1 "é" after a UTF-8 emoji: error at the byte iconv names, on the column Python gives', () => {
    const dir = tempDir();
    const file = path.join(dir, 'manifest.json');
    // 🐳 is 4 bytes of UTF-8 and 2 UTF-16 units; e9 is "é" in Latin-1 and ill-formed in UTF-8.
    fs.writeFileSync(file, realManifestWithTitle(Buffer.concat([Buffer.from('🐳 caf'), Buffer.from([0xe9])])));
    const byte = iconvPosition(file);
    const column = pythonReplacementColumn(file);
    assert.notEqual(byte, column, 'the test input tells bytes from characters');

    const run = runCli(['check', '--format', 'json', file]);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const diagnostics = (JSON.parse(run.stdout) as JsonOutput).files[0].diagnostics;
    const found = diagnostics.filter((d) => d.code === 'invalid-utf8');
    assert.equal(found.length, 1, run.stdout);
    assert.equal(found[0].severity, 'error');
    assert.deepEqual(found[0].range, { start: { line: 0, character: column }, end: { line: 0, character: column + 1 } });
    assert.match(found[0].message, new RegExp(`\`e9\` at byte offset ${byte.toLocaleString('en-US')} is not valid UTF-8`));
    // Nothing else is wrong with the real manifest but its missing mediaType (a warning).
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['invalid-utf8']);
  });

  it('the same title in UTF-8 passes, and --rule can turn the check off', () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.json');
    fs.writeFileSync(good, realManifestWithTitle(Buffer.from('🐳 café')));
    assert.equal(spawnSync('iconv', ['-f', 'UTF-8', '-t', 'UTF-8', good]).status, 0, 'iconv accepts it');
    assert.equal(runCli(['check', good]).status, 0);

    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, realManifestWithTitle(Buffer.from([0xff, 0xfe, 0x41])));
    assert.equal(runCli(['check', bad]).status, 1);
    assert.equal(runCli(['check', '--rule', 'invalid-utf8=off', bad]).status, 0);
  });
});
