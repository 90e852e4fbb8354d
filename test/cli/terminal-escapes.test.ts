import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatText } from 'image-manifest-language-server/out/cli/format-text';
import { BIN, tempDir, TRUNCATED_MANIFEST, type JsonOutput } from './cli-harness';

/** The run's raw bytes: a decoded string would hide what a terminal actually receives. */
function runBytes(args: readonly string[], cwd: string): { status: number | null; stdout: Buffer; stderr: Buffer } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, timeout: 30_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Fails on any character a terminal acts on or that reorders a line: C0 controls other than the
 * newline ending each line, DEL, C1 controls (in UTF-8, C2 80–C2 9F), line and paragraph
 * separators and bidirectional controls.
 */
function assertTerminalSafe(bytes: Buffer, what: string): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    assert.ok((b >= 0x20 && b !== 0x7f) || b === 0x0a, `${what}: byte 0x${b.toString(16)} at ${i} in ${JSON.stringify(bytes.toString('utf8'))}`);
    assert.ok(!(b === 0xc2 && bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9f), `${what}: C1 control at ${i}`);
  }
  assert.doesNotMatch(bytes.toString('utf8'), /[\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/, what);
}

/** One finding per line, as CI problem matchers read them. */
const FINDING = /^(.+):(\d+):(\d+): (error|warning|information|hint) ([a-z0-9-]+): (.+)$/;

// ESC sequences that colour the output and retitle the terminal (OSC … BEL), a newline that
// would start a forged finding, a C1 CSI and a right-to-left override.
const HOSTILE = 'a\u001b[31mRED\u001b[0m\u001b]0;pwned\u0007\nb.json:1:1: error fake: x\u009b2J\u202egnp.json';
const HOSTILE_SHOWN = 'a\\x1b[31mRED\\x1b[0m\\x1b]0;pwned\\x07\\nb.json:1:1: error fake: x\\x9b2J\\u202egnp.json';

/** A valid OCI manifest whose only findings quote annotation keys holding controls. */
const ANNOTATED = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'b'.repeat(64)}`, size: 32 }],
  annotations: { '\u001b[31mversion': '1', 'line\u2028break': '2' },
});

describe('control characters in text output', () => {
  it('a named file whose name holds ESC and a newline: escaped in every line, real path in JSON', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, HOSTILE), TRUNCATED_MANIFEST);
    const text = runBytes(['check', HOSTILE], dir);
    assert.equal(text.status, 1, text.stderr.toString());
    assertTerminalSafe(text.stdout, 'stdout');
    const lines = text.stdout.toString('utf8').trimEnd().split('\n');
    const summary = lines.pop();
    assert.match(summary ?? '', /^1 file checked: [1-9]\d* errors?, /);
    assert.ok(lines.length > 0);
    for (const line of lines) {
      const match = FINDING.exec(line);
      assert.ok(match, line);
      // The greedy path group still ends at the real position: the forged `:1:1: error fake:` stays inside it.
      assert.ok(line.startsWith(`${HOSTILE_SHOWN}:`), line);
    }

    const json = runBytes(['check', '--format', 'json', HOSTILE], dir);
    assert.equal(json.status, 1);
    const output = JSON.parse(json.stdout.toString('utf8')) as JsonOutput;
    assert.equal(output.files[0].path, HOSTILE);

    const sarif = runBytes(['check', '--format', 'sarif', HOSTILE], dir);
    assert.equal(sarif.status, 1);
    const log = JSON.parse(sarif.stdout.toString('utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.equal(decodeURIComponent(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri), HOSTILE);
  });

  it('the same file met while walking a folder', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'in'));
    fs.writeFileSync(path.join(dir, 'in', HOSTILE), TRUNCATED_MANIFEST);
    const text = runBytes(['check', 'in'], dir);
    assert.equal(text.status, 1);
    assertTerminalSafe(text.stdout, 'stdout');
    assert.ok(text.stdout.toString('utf8').startsWith(`in/${HOSTILE_SHOWN}:1:`), text.stdout.toString('utf8'));
  });

  it('annotation keys with ESC and U+2028 quoted in messages: escaped in text, kept in JSON', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'm.json'), ANNOTATED);
    const text = runBytes(['check', 'm.json'], dir);
    assert.equal(text.status, 0, text.stdout.toString());
    assertTerminalSafe(text.stdout, 'stdout');
    const shown = text.stdout.toString('utf8');
    assert.ok(shown.includes('\\x1b[31mversion'), shown);
    assert.ok(shown.includes('line\\u2028break'), shown);
    for (const line of shown.trimEnd().split('\n').slice(0, -1)) assert.match(line, FINDING);

    const json = runBytes(['check', '--format', 'json', 'm.json'], dir);
    const messages = (JSON.parse(json.stdout.toString('utf8')) as JsonOutput).files[0].diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => m.includes('\u001b[31mversion')), 'JSON keeps the key as it is');
  });

  it('notes and errors about files, on stdout and on stderr, in every format', () => {
    const dir = tempDir();
    const other = `${HOSTILE}.other.json`;
    const empty = `${HOSTILE}.empty.json`;
    fs.writeFileSync(path.join(dir, other), '{"name": "x"}');
    fs.writeFileSync(path.join(dir, empty), '');
    for (const format of ['text', 'json', 'sarif']) {
      const result = runBytes(['check', '--format', format, other, empty], dir);
      assert.equal(result.status, 2, format);
      assertTerminalSafe(result.stderr, `stderr (${format})`);
      if (format === 'text') assertTerminalSafe(result.stdout, 'stdout (text)');
      const notes = format === 'text' ? result.stdout.toString('utf8') : result.stderr.toString('utf8');
      assert.ok(notes.includes(`${HOSTILE_SHOWN}.other.json: note: not checked: not a manifest, index, image config or layout file\n`), notes);
      assert.ok(result.stderr.toString('utf8').includes(`${HOSTILE_SHOWN}.empty.json: error: unreadable input: empty file, not a JSON document\n`), format);
    }
    const missing = runBytes(['check', `${HOSTILE}.missing`], dir);
    assert.equal(missing.status, 2);
    assertTerminalSafe(missing.stderr, 'stderr (missing input)');
    assert.equal(missing.stderr.toString('utf8'), `image-manifest: cannot read '${HOSTILE_SHOWN}.missing': no such file or directory\n`);
  });

  it('push prints the findings it refuses on the same way (before any request is sent)', () => {
    const dir = tempDir();
    // A quoted size is an error, so push refuses; 127.0.0.1:9 is never contacted.
    const manifest = JSON.parse(ANNOTATED) as { config: { size: unknown } };
    manifest.config.size = '2';
    fs.writeFileSync(path.join(dir, HOSTILE), JSON.stringify(manifest));
    const result = runBytes(['push', HOSTILE, '127.0.0.1:9/repo:tag'], dir);
    assert.equal(result.status, 1, result.stderr.toString());
    assertTerminalSafe(result.stderr, 'stderr');
    const shown = result.stderr.toString('utf8');
    assert.match(shown, new RegExp(`^${HOSTILE_SHOWN.replace(/[\\[\]().*+?^$|{}]/g, '\\$&')}:1:\\d+: error wrong-type: `, 'm'));
    assert.ok(shown.includes('\\x1b[31mversion'), shown);
  });

  it('formatText writes each kind of unsafe character as its escape', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    const out = formatText(
      {
        files: [
          { status: 'checked', path: 'p\u0000\t\r\u007f\u0080\u0085\u009f.json', kind: 'unknown', diagnostics: [{ code: 'c', severity: 'error', message: 'm\u2028\u2029\u202a\u202d\u2066\u2069\u200f', range, href: '' }] },
          { status: 'skipped', path: 'q\u001b.json', explicit: true, reason: 'r\n' },
        ],
        walkErrors: [],
      },
      false,
    );
    assert.equal(
      out,
      [
        'p\\x00\\t\\r\\x7f\\x80\\x85\\x9f.json:1:1: error c: m\\u2028\\u2029\\u202a\\u202d\\u2066\\u2069\\u200f',
        'q\\x1b.json: note: not checked: r\\n',
        '1 file checked: 1 error, 0 warnings, 0 information',
        '',
      ].join('\n'),
    );
  });

  it('leaves printable text alone: non-ASCII names, backslashes, quotes', () => {
    const out = formatText({ files: [{ status: 'skipped', path: 'dir\\Ünïcode – 名前 "x".json', explicit: true, reason: 'why' }], walkErrors: [] }, false);
    assert.equal(out, 'dir\\Ünïcode – 名前 "x".json: note: not checked: why\n0 files checked: 0 errors, 0 warnings, 0 information\n');
  });
});
