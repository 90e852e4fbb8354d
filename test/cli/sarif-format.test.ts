import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DIAGNOSTIC_CODES } from 'image-manifest-language-server';
import { formatSarif } from 'image-manifest-language-server/out/cli/format-sarif';
import type { RunResult } from 'image-manifest-language-server/out/cli/summary';
import { REAL, runCli, tempDir, TRUNCATED_MANIFEST, type JsonOutput } from './cli-harness';

/** SARIF is checked field by field, so a loose type keeps the assertions readable. */
type Sarif = any;

function assertLogEnvelope(log: Sarif): void {
  assert.equal(typeof log.$schema, 'string');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const driver = log.runs[0].tool.driver;
  assert.equal(driver.name, 'image-manifest');
  assert.match(driver.version, /^\d+\.\d+\.\d+/);
  // Optional in SARIF 2.1.0 (§3.19.17); the package has no homepage, and a made-up link would be dead.
  assert.equal(driver.informationUri, undefined);
  assert.ok(Array.isArray(driver.rules));
  assert.ok(Array.isArray(log.runs[0].results));
}

describe('--format sarif', () => {
  it('is a SARIF 2.1.0 log with no results on the real fixtures', () => {
    const run = runCli(['check', '--format', 'sarif', REAL]);
    assert.equal(run.status, 0);
    const log: Sarif = JSON.parse(run.stdout);
    assertLogEnvelope(log);
    const errors = log.runs[0].results.filter((r: Sarif) => r.level === 'error');
    assert.deepEqual(errors, []);
  });

  it('describes json-syntax as a rule and places the result where the JSON output does, 1-based', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'sub dir'));
    fs.writeFileSync(path.join(dir, 'sub dir', 'broken#1.json'), `\n${TRUNCATED_MANIFEST}`);
    const sarifRun = runCli(['check', '--format', 'sarif', '.'], dir);
    assert.equal(sarifRun.status, 1, sarifRun.stdout + sarifRun.stderr);
    const log: Sarif = JSON.parse(sarifRun.stdout);
    assertLogEnvelope(log);

    const rules = log.runs[0].tool.driver.rules;
    const ruleIds = rules.map((r: Sarif) => r.id);
    assert.equal(new Set(ruleIds).size, ruleIds.length, 'one rule per code');
    const rule = rules.find((r: Sarif) => r.id === 'json-syntax');
    assert.ok(rule, 'json-syntax rule listed');
    assert.deepEqual(rule, {
      id: 'json-syntax',
      shortDescription: { text: DIAGNOSTIC_CODES['json-syntax'].summary },
      helpUri: DIAGNOSTIC_CODES['json-syntax'].href,
      defaultConfiguration: { level: 'error' },
    });
    for (const result of log.runs[0].results) {
      assert.ok(ruleIds.includes(result.ruleId), `rule ${result.ruleId} described`);
      assert.equal(rules[result.ruleIndex].id, result.ruleId);
    }

    const result = log.runs[0].results.find((r: Sarif) => r.ruleId === 'json-syntax');
    assert.equal(result.level, 'error');
    assert.equal(typeof result.message.text, 'string');
    const location = result.locations[0].physicalLocation;
    assert.deepEqual(location.artifactLocation, { uri: 'sub%20dir/broken%231.json', uriBaseId: '%SRCROOT%' });

    const json = JSON.parse(runCli(['check', '--format', 'json', '.'], dir).stdout) as JsonOutput;
    const first = json.files[0].diagnostics.find((d) => d.code === 'json-syntax');
    assert.ok(first);
    assert.deepEqual(location.region, {
      startLine: first.range.start.line + 1,
      startColumn: first.range.start.character + 1,
      endLine: first.range.end.line + 1,
      endColumn: first.range.end.character + 1,
    });
  });

  // The service emits no hints or information on a broken file yet, so the level mapping and
  // path handling are checked on the formatter directly.
  it('maps severities to SARIF levels and keeps paths outside the checkout absolute', () => {
    const range = { start: { line: 0, character: 4 }, end: { line: 2, character: 1 } };
    const diagnostic = (code: string, severity: 'error' | 'warning' | 'information' | 'hint') => ({ code, severity, message: `${code}!`, range, href: 'https://example.invalid/' + code });
    const cwd = path.resolve('/work/project');
    const run: RunResult = {
      files: [
        {
          status: 'checked',
          path: path.join('layout', 'index.json'),
          kind: 'oci-index',
          diagnostics: [diagnostic('invalid-digest', 'error'), diagnostic('duplicate-key', 'warning'), diagnostic('schema1-deprecated', 'information'), diagnostic('annotation-key-typo', 'hint')],
        },
        { status: 'checked', path: path.resolve('/elsewhere/m.json'), kind: 'oci-manifest', diagnostics: [diagnostic('duplicate-key', 'error')] },
        { status: 'skipped', path: 'blob', explicit: false, reason: 'gzip data' },
      ],
      walkErrors: [],
    };
    const log: Sarif = JSON.parse(formatSarif(run, cwd));
    assertLogEnvelope(log);
    const results = log.runs[0].results;
    assert.deepEqual(results.map((r: Sarif) => r.level), ['error', 'warning', 'note', 'note', 'error']);
    assert.deepEqual(results[0].locations[0].physicalLocation.artifactLocation, { uri: 'layout/index.json', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(results[4].locations[0].physicalLocation.artifactLocation, { uri: 'file:///elsewhere/m.json' });
    assert.deepEqual(results[0].locations[0].physicalLocation.region, { startLine: 1, startColumn: 5, endLine: 3, endColumn: 2 });
    // duplicate-key appears twice but is one rule, whose default level comes from the codes table.
    const rules = log.runs[0].tool.driver.rules;
    assert.deepEqual(rules.map((r: Sarif) => r.id), ['invalid-digest', 'duplicate-key', 'schema1-deprecated', 'annotation-key-typo']);
    assert.deepEqual(rules.map((r: Sarif) => r.defaultConfiguration.level), ['error', 'warning', 'note', 'note']);
    assert.equal(rules[1].shortDescription.text, DIAGNOSTIC_CODES['duplicate-key'].summary);
    assert.equal(rules[1].helpUri, DIAGNOSTIC_CODES['duplicate-key'].href);
  });
});
