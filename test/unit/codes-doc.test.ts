import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from 'image-manifest-language-server';
import { REPO_ROOT } from '../helpers/paths';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The README's diagnostics table is what users read; it must list every code with its severity. */
test('README lists every diagnostic code with its default severity', () => {
  const rows = new Map<string, string>();
  for (const match of readme.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning|information|hint) \|/gm)) rows.set(match[1], match[2]);
  assert.ok(rows.size > 0, 'no diagnostics table found in README.md');
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    assert.equal(rows.get(code), info.severity, `README row for ${code}`);
  }
  assert.deepEqual([...rows.keys()].filter((code) => !(code in DIAGNOSTIC_CODES)), [], 'README lists codes the service does not have');
});

test('every code links to a spec page over https', () => {
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    assert.match(info.href, /^https:\/\//, code);
  }
});
