/**
 * The service keeps at most 1,000 diagnostics per document (the most severe first); the CLI says
 * so in every format. The documents are indexes of N entries, each with one malformed digest: N is
 * known, so whether the cap applied is known without asking the service.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir, type JsonOutput } from './cli-harness';

/** An OCI index whose `entries` descriptors each have a digest that is not hex (one error each). */
function indexWithBadDigests(entries: number): string {
  const manifests = Array.from({ length: entries }, (_, i) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:not-hex-${i}`, size: 1 }));
  return JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }, null, 1);
}

describe('the 1,000-diagnostics cap per file', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'big.json'), indexWithBadDigests(1500));
  fs.writeFileSync(path.join(dir, 'exact.json'), indexWithBadDigests(1000));
  fs.writeFileSync(path.join(dir, 'small.json'), indexWithBadDigests(5));

  it('text: a note on the capped file and the summary says the first 1,000 are shown', () => {
    const run = runCli(['check', 'big.json', 'small.json'], dir);
    assert.equal(run.status, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('big.json:') && / error /.test(l)).length, 1000);
    assert.equal(lines.filter((l) => l.startsWith('small.json:') && / error /.test(l)).length, 5);
    assert.ok(lines.includes('big.json: note: only the first 1,000 diagnostics are shown (the most severe first); 500 more were found'), run.stdout.slice(-500));
    assert.equal(lines.at(-1), '2 files checked: 1005 errors, 0 warnings, 0 information (first 1,000 diagnostics shown for 1 file)');
  });

  it('json: "truncated": true on the capped file only', () => {
    const output = JSON.parse(runCli(['check', '--format', 'json', 'big.json', 'exact.json', 'small.json'], dir).stdout) as JsonOutput;
    assert.deepEqual(
      output.files.map((f) => [f.path, f.diagnostics.length, f.truncated]),
      [
        ['big.json', 1000, true],
        ['exact.json', 1000, undefined],
        ['small.json', 5, undefined],
      ],
    );
  });

  it('a file with exactly 1,000 diagnostics is not said to be capped', () => {
    const run = runCli(['check', 'exact.json'], dir);
    assert.doesNotMatch(run.stdout, /note|shown/);
    assert.match(run.stdout, /^1 file checked: 1000 errors, 0 warnings, 0 information$/m);
  });

  it('sarif: a warning notification names the capped file; the run still succeeded', () => {
    const sarif = JSON.parse(runCli(['check', '--format', 'sarif', 'big.json'], dir).stdout) as {
      runs: { results: unknown[]; invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[];
    };
    const [run] = sarif.runs;
    assert.equal(run.results.length, 1000);
    assert.equal(run.invocations[0].executionSuccessful, true);
    assert.deepEqual(run.invocations[0].toolExecutionNotifications, [{ level: 'warning', message: { text: 'big.json: only the first 1,000 diagnostics are reported (the most severe first); 500 more were found' } }]);
  });
});
